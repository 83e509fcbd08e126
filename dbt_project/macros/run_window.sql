{#- The run window: which production dates an incremental model rebuilds and which dates and
    deliveries it reads for context. The one owner of that rule; Python only passes the bounds.

    A run passes its production-date window as the vars min_production_date / max_production_date
    (Dagster: the run's partition range, orchestration/defs/dbt/assets.py; by hand: --vars). With
    the defaults a build sees all history. An incremental model rebuilds the production dates
    [min - lookback_days, max], so that late rows restate the dates they belong to (rows land at
    most lookback_days after their date, data contract §3.4). Its inputs reach one date further
    on either side, so that state carried across midnight (the state a machine is in, the
    previous counter read) is known.

    Why filters in the models and not in the staging views: a view is shared (analysts, the
    expectation suites, tables rebuilt whole), so its rows must not depend on the last run; and
    a filter read from the session (a DuckDB variable) does not carry to other engines. -#}
{% macro window_first() -%}
    {{ return(var('min_production_date')) }}
{%- endmacro %}

{% macro window_last() -%}
    {{ return(var('max_production_date')) }}
{%- endmacro %}

{% macro is_windowed_run() -%}
    {{ return(window_first() != '1900-01-01' or window_last() != '2999-12-31') }}
{%- endmacro %}

{% macro lookback_days() -%}
    {{ return(var('lookback_days') | int) }}
{%- endmacro %}

{#- The production dates a windowed run rebuilds: the partition window minus the lookback. -#}
{% macro in_partition_window(date_column) -%}
    {{ date_column }} between cast('{{ window_first() }}' as date) - {{ lookback_days() }}
        and cast('{{ window_last() }}' as date)
{%- endmacro %}

{#- Output filter of an incremental model: the production dates this run rebuilds. -#}
{% macro in_run_window(date_column) -%}
    {%- if is_windowed_run() -%}
        {{ in_partition_window(date_column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Input filter on an upstream production date: the rebuilt dates plus one date of context on
    either side. -#}
{% macro in_context_window(date_column) -%}
    {%- if is_windowed_run() -%}
        {{ date_column }} between cast('{{ window_first() }}' as date) - {{ lookback_days() + 1 }}
            and cast('{{ window_last() }}' as date) + 1
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Input filter on a staging timestamp (a view without a production date): the context dates
    with one more day on either side, which covers any plant time zone and day start (the
    model's own production-date filters are exact). DuckDB pushes it through a staging view's
    de-duplication when the timestamp is part of the de-duplication key (node reads, sensor
    readings), so only the window's rows are typed and de-duplicated. -#}
{% macro at_in_context_window(timestamp_column) -%}
    {%- if is_windowed_run() -%}
        {{ timestamp_column }} >= cast(cast('{{ window_first() }}' as date) - {{ lookback_days() + 2 }} as {{ instant_type() }})
            and {{ timestamp_column }} < cast(cast('{{ window_last() }}' as date) + 3 as {{ instant_type() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Input filter on a staging view's delivery date: the deliveries that can hold rows of the
    context dates (the first context date up to lookback_days after the last). Under the
    contract every copy of a row of those dates lands there, so filtering above a view's
    de-duplication keeps exactly the rows a full build keeps for them. -#}
{% macro delivered_in_context_window(delivery_column) -%}
    {%- if is_windowed_run() -%}
        {{ delivery_column }} between cast('{{ window_first() }}' as date) - {{ lookback_days() + 1 }}
            and cast('{{ window_last() }}' as date) + {{ lookback_days() + 1 }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Generic tests in a windowed run test what the run read or rebuilt (older rows were tested by
    the runs that read them), so a daily run's tests cost the same whatever the history: on an
    incremental model the production dates it rebuilt; on a staging view the rows of the
    context window, through the column its `meta.window_filter` names (dbt_project.yml):
    a timestamp of its de-duplication key (at_in_context_window) or its delivery date
    (delivered_in_context_window), the ones DuckDB pushes through the view to the bronze scan.
    Tables rebuilt whole are tested whole. Overrides dbt's get_where_subquery; a test's own
    `where` config still applies. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set tested = graph.nodes.get(model.attached_node) if execute and model.attached_node else none -%}
    {%- set window = none -%}
    {%- if is_windowed_run() and tested -%}
        {%- set window_filter = tested.config.meta.get('window_filter', {}) -%}
        {%- if tested.config.materialized == 'incremental' -%}
            {%- set window = in_run_window('production_date') -%}
        {%- elif window_filter.get('timestamp') -%}
            {%- set window = at_in_context_window(window_filter['timestamp']) -%}
        {%- elif window_filter.get('delivery') -%}
            {%- set window = delivered_in_context_window(window_filter['delivery']) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if window -%}
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
    ({{ date_column }} between {{ delivery_column }} - {{ lookback_days() }} and {{ delivery_column }})
{%- endmacro %}
