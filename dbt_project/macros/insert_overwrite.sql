{#- Spark's twin of delete_insert.sql (every incremental model, by_date_strategy()): dbt-spark's
    insert_overwrite replaces only the production_date partitions the new rows carry (dynamic
    partition overwrite), so a date that lost all its rows in a windowed run (a retracted file, a
    corrected one that moved its rows to another date) kept its stale rows. A windowed run
    rebuilds every date of its partition window (in_run_window on each model's output), so those
    partitions are dropped first, as DuckDB deletes them. Spark runs one statement at a time: the
    drop runs here, just before the insert this macro returns (unlike DuckDB's delete+insert it is
    no transaction: were the insert to fail, the window's dates stay empty, the run fails and the
    next run rebuilds them). Overrides dbt-spark's macro of the same name (the root project's
    macro wins; `dbt.` names dbt-spark's own); full-history runs behave as before. -#}
{% macro get_insert_overwrite_sql(source_relation, target_relation, existing_relation) %}
    {%- if config.get('partition_by') == ['production_date'] and is_windowed_run() -%}
        {%- do run_query(drop_window_partitions(target_relation)) -%}
    {%- endif -%}
    {{ return(dbt.get_insert_overwrite_sql(source_relation, target_relation, existing_relation)) }}
{% endmacro %}

{#- `alter table ... drop if exists partition (...)` for every production date of the run's
    partition window (in_partition_window: the window minus the lookback). -#}
{% macro drop_window_partitions(relation) -%}
    {%- set first = modules.datetime.date.fromisoformat(window_first()) - modules.datetime.timedelta(days=lookback_days()) -%}
    {%- set last = modules.datetime.date.fromisoformat(window_last()) -%}
    alter table {{ relation }} drop if exists
    {%- for offset in range((last - first).days + 1) %}
        partition (production_date = '{{ first + modules.datetime.timedelta(days=offset) }}')
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
