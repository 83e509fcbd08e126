{#- The sources of a Spark build (`dbt run-operation register_lake_sources --target spark`, which
    the spark runner calls before its build, orchestration/spark/build.py): every source of the project as
    a view over its Parquet folder, `<lake>/<schema>/<identifier>` (ingestion/parquet_export.py
    writes them from the DuckDB warehouse; Spark discovers their date partitions). The lake is
    var `lake_root`, which the Spark runner sets to the home's (plants/home.py Home.lake); dbt run
    by hand falls back to <SHOPFLOOR_HOME>/lake. An object-store URL (s3a://...) works the same.
    A source whose meta says `build_writes: true` (monitoring.baseline: state the build adds rows
    to) is a table over its folder instead, created by its own macro (macros/baseline.sql).
    On DuckDB the sources are the warehouse's own tables: nothing to do. -#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'shopfloor')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- if source.schema not in schemas -%}
                {%- do schemas.append(source.schema) -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- endif -%}
            {%- if source.meta.get('build_writes') -%}
                {%- do ensure_baseline_table() -%}
            {%- else -%}
                {%- do run_query(
                    'create or replace view ' ~ source.schema ~ '.' ~ source.identifier
                    ~ ' as select * from parquet.`' ~ lake_location(source.schema, source.identifier) ~ '`'
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The lake folder of relation `schema.identifier` (ingestion/parquet_export.py writes it). -#}
{% macro lake_location(schema, identifier) -%}
    {{- var('lake_root', env_var('SHOPFLOOR_HOME', '../data') ~ '/lake') ~ '/' ~ schema ~ '/' ~ identifier -}}
{%- endmacro %}
