{#- The gold table functions over the gold tables as they stand in the warehouse: gold.kpi_selection,
    gold.product_selection and gold.downtime_selection (kpi.sql, loss_tree.sql), which the
    dashboard reads from the serving copy. On a DuckDB build the gold models' post-hooks create
    them; a Spark build cannot (Spark has no table macros), so after Spark's gold replaced the
    warehouse's the Spark runner calls `dbt run-operation create_gold_table_functions` on the
    DuckDB target (orchestration/spark/build.py), and publish copies them as always. The same
    macros over the same relations as the post-hooks: their SQL has one owner. -#}
{% macro create_gold_table_functions() -%}
    {%- if execute -%}
        {%- set machine_shift = ref('kpi_machine_shift') -%}
        {%- for statement in [
            create_kpi_selection(machine_shift),
            create_product_selection(ref('kpi_product_daily'), ref('fct_production_batch')),
            create_downtime_selection(ref('kpi_downtime_pareto'), machine_shift),
        ] if statement | trim -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
