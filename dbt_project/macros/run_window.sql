{#- The run window. Each Dagster run passes its production-date window in the environment
    variables SHOPFLOOR_MIN_PRODUCTION_DATE / SHOPFLOOR_MAX_PRODUCTION_DATE; from the command line
    the vars min/max_production_date do the same. Without either (the defaults), a build sees all
    history. An incremental model rebuilds the production dates [min - lookback_days, max], so
    that late rows restate the dates they belong to (rows land at most lookback_days after their
    date, data contract §3.4). Its inputs reach one date further on either side, so that state
    carried across midnight (the state a machine is in, the previous counter read) is known.
    Why environment variables: dbt re-parses the whole project whenever --vars change (about
    10 s per invocation); read only at execution time, they leave partial parsing intact. -#}
{% macro window_first() -%}
    {{ return(env_var('SHOPFLOOR_MIN_PRODUCTION_DATE', var('min_production_date')) if execute else var('min_production_date')) }}
{%- endmacro %}

{% macro window_last() -%}
    {{ return(env_var('SHOPFLOOR_MAX_PRODUCTION_DATE', var('max_production_date')) if execute else var('max_production_date')) }}
{%- endmacro %}

{% macro is_windowed_run() -%}
    {{ return(window_first() != '1900-01-01' or window_last() != '2999-12-31') }}
{%- endmacro %}

{#- Output filter of an incremental model: the production dates this run rebuilds. -#}
{% macro in_run_window(date_column) -%}
    {%- if is_windowed_run() -%}
        {{ in_partition_window(date_column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Input filter on an upstream model's production date: the run window plus one date of context
    on either side. -#}
{% macro in_context_window(date_column) -%}
    {%- if is_windowed_run() -%}
        {{ date_column }} between cast('{{ window_first() }}' as date) - {{ (var('lookback_days') | int) + 1 }}
            and cast('{{ window_last() }}' as date) + 1
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Staging views are read by incremental models of a windowed run and by analysts. A session
    variable, set by the incremental model's pre-hook and cleared by its post-hook, narrows the
    bronze rows a view reads to the deliveries that can hold the window's rows (its first context
    date up to lookback_days after its last date). Without the variable (analysts, full builds,
    tables rebuilt whole) a view shows all history. Why a session variable and not a filter
    compiled into the view: the view is shared, its filter must not depend on the last run; and
    filtering above the view's de-duplication would scan all of bronze. The bound is a constant, so
    DuckDB skips the row groups of other deliveries. -#}
{% macro delivered_in_run_window(delivery_column) -%}
    {{ delivery_column }} between coalesce(getvariable('shopfloor_delivered_from'), date '1900-01-01')
        and coalesce(getvariable('shopfloor_delivered_to'), date '2999-12-31')
{%- endmacro %}

{#- Pre-hook: scope staging views to this run's deliveries (incremental models of windowed runs). -#}
{% macro set_delivery_window() -%}
    {%- if is_windowed_run() and config.get('materialized') == 'incremental' -%}
        {{ scope_views_to_run_window() }}
    {%- else -%}
        {{ clear_delivery_window() }}
    {%- endif -%}
{%- endmacro %}

{% macro scope_views_to_run_window() -%}
    set variable shopfloor_delivered_from = cast('{{ window_first() }}' as date) - {{ (var('lookback_days') | int) + 1 }};
    set variable shopfloor_delivered_to = cast('{{ window_last() }}' as date) + {{ (var('lookback_days') | int) + 1 }}
{%- endmacro %}

{#- Post-hook: the connection is reused by the next node, which must see whole views again. -#}
{% macro clear_delivery_window() -%}
    set variable shopfloor_delivered_from = null;
    set variable shopfloor_delivered_to = null
{%- endmacro %}

{#- Data tests of a windowed run test the run's deliveries: staging views are scoped as for the
    incremental models above, so a daily run's tests cost the same whatever the history (tables
    are unaffected). Builds without a window test all history. Overrides dbt's get_test_sql. -#}
{% macro duckdb__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    {% if is_windowed_run() %}{{ scope_views_to_run_window() }}{% else %}{{ clear_delivery_window() }}{% endif %};
    {{ dbt.default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) }}
{%- endmacro %}

{#- Generic tests on an incremental model in a windowed run look at the production dates the run
    rebuilt (older dates were tested by the runs that built them). Overrides dbt's
    get_where_subquery; a test's own `where` config still applies. Self-contained: dbt calls it
    where the project's other macros are not in scope. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set window_start = env_var('SHOPFLOOR_MIN_PRODUCTION_DATE', var('min_production_date')) if execute else var('min_production_date') -%}
    {%- set window_end = env_var('SHOPFLOOR_MAX_PRODUCTION_DATE', var('max_production_date')) if execute else var('max_production_date') -%}
    {%- set windowed = window_start != '1900-01-01' or window_end != '2999-12-31' -%}
    {%- set tested = graph.nodes.get(model.attached_node) if execute and model.attached_node else none -%}
    {%- if windowed and tested and tested.config.materialized == 'incremental' -%}
        {%- set window -%}
            production_date between cast('{{ window_start }}' as date) - {{ var('lookback_days') | int }}
                and cast('{{ window_end }}' as date)
        {%- endset -%}
        {%- set where = '(' ~ where ~ ') and ' ~ window if where else window -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- True when a delivery can hold rows of the production date: rows land on their production
    date or up to lookback_days later (data contract §3.4). One rule for the silver quarantine
    of a batch and for the dates the date dimension spans. -#}
{% macro delivery_can_hold(date_column, delivery_column) -%}
    ({{ date_column }} between {{ delivery_column }} - {{ var('lookback_days') | int }} and {{ delivery_column }})
{%- endmacro %}
