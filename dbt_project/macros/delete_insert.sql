{#- delete+insert by production date (every incremental model). dbt's own strategy deletes the
    dates the new rows carry, so a date that lost all its rows in a windowed run (a retracted
    file, a corrected one that moved its rows to another date) kept its stale rows. A windowed
    run rebuilds every date of its partition window (in_run_window on each model's output), so
    those dates are deleted as a whole before the insert. Overrides dbt-duckdb's macro of the
    same name; other unique keys and full-history runs behave as before. -#}
{% macro duckdb__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    {%- if unique_key is string -%}
        delete from {{ target }}
        where (
            ({{ unique_key }}) in (select ({{ unique_key }}) from {{ source }})
            {%- if unique_key == 'production_date' and is_windowed_run() %}
                or {{ in_partition_window('production_date') }}
            {%- endif %}
        )
        {%- for predicate in incremental_predicates or [] %}
            and {{ predicate }}
        {%- endfor -%};
    {%- elif unique_key -%}
        {{ exceptions.raise_compiler_error("delete+insert: give one unique_key column") }}
    {%- endif %}

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}
    )
{%- endmacro %}
