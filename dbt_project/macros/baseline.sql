{#- Baselines: the one owner of what a baseline is and how it is recorded (seed 003's record
    mode). A baseline summarises gold.fct_machine_daily_metric over a period of production dates
    per machine × metric with robust statistics (median, median absolute deviation, 5th and 95th
    percentiles); it is stored, versioned, in monitoring.baseline, one version active at a time.
    `shopfloor baseline record` runs record_baseline (dbt run-operation); the first baseline is
    recorded by record_first_baseline, fct_anomaly's pre-hook, once the first
    monitoring.first_baseline_days production dates are in gold. Why a warehouse table written
    outside dbt's models: a baseline is a decision (a period someone chose), not a function of
    the current data; a model would rebuild it. -#}

{#- One setting of the dbt var `monitoring` (dbt_project.yml); a macro so that the lint-time
    stand-in in pyproject.toml can replace it, as plant_var does for the plant's vars. -#}
{% macro monitoring_var(name) -%}
    {{ return(var('monitoring')[name]) }}
{%- endmacro %}

{% macro sensor_channels() -%}
    {{ return(['temperature_c', 'pressure_bar', 'power_kw', 'vibration_mm_s']) }}
{%- endmacro %}

{% macro baseline_relation() -%}
    {{ return(source('monitoring', 'baseline')) }}
{%- endmacro %}

{#- The baseline table, created when missing: DuckDB's is a warehouse table; Spark's an external
    Parquet table over <lake>/monitoring/baseline (lake_location), where the export puts the
    warehouse's rows before a Spark build and from where the build's new rows go back
    (orchestration/spark/baseline_state.py): the warehouse's table stays the owner of record.
    One statement per run_query, which Spark needs. -#}
{% macro ensure_baseline_table() -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ baseline_relation().schema) -%}
        {%- do run_query(create_baseline_table()) -%}
        {%- set refresh = refresh_baseline_table() -%}
        {%- if refresh | trim -%}{%- do run_query(refresh) -%}{%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro create_baseline_table() -%}
    create table if not exists {{ baseline_relation() }} (
        baseline_version integer not null,
        baseline_name {{ string_type() }} not null,
        period_from date not null,
        period_to date not null,
        recorded_at {{ instant_type() }} not null,
        is_active boolean not null,
        machine_id {{ string_type() }} not null,
        metric {{ string_type() }} not null,
        n_days integer not null,
        median double not null,
        mad double not null,
        p05 double not null,
        p95 double not null
    ){{ baseline_table_storage() }}
{%- endmacro %}

{#- Where the baseline table's rows live: DuckDB's warehouse; Spark's lake folder. -#}
{% macro baseline_table_storage() -%}
    {{ return(adapter.dispatch('baseline_table_storage', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__baseline_table_storage() -%}{%- endmacro %}
{% macro spark__baseline_table_storage() -%}
    using parquet location '{{ lake_location(baseline_relation().schema, baseline_relation().identifier) }}'
{%- endmacro %}

{#- Spark caches an external table's file list, which the export may have replaced (DuckDB: no
    statement). -#}
{% macro refresh_baseline_table() -%}
    {{ return(adapter.dispatch('refresh_baseline_table', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__refresh_baseline_table() -%}{%- endmacro %}
{% macro spark__refresh_baseline_table() -%}refresh table {{ baseline_relation() }}{%- endmacro %}

{#- Robust statistics per machine × metric of the daily observations in [from, to]. -#}
{% macro baseline_statistics(metrics_relation, period_from, period_to) -%}
    with observations as (
        select machine_id, metric, observed
        from {{ metrics_relation }}
        where production_date between {{ period_from }} and {{ period_to }}
    ),

    medians as (
        select machine_id, metric, {{ quantile_linear('observed', 0.5) }} as median
        from observations
        group by machine_id, metric
    )

    select
        observations.machine_id,
        observations.metric,
        count(*) as n_days,
        max(medians.median) as median,
        {{ quantile_linear('abs(observations.observed - medians.median)', 0.5) }} as mad,
        {{ quantile_linear('observations.observed', 0.05) }} as p05,
        {{ quantile_linear('observations.observed', 0.95) }} as p95
    from observations
    inner join medians
        on observations.machine_id = medians.machine_id and observations.metric = medians.metric
    group by observations.machine_id, observations.metric
{%- endmacro %}

{#- Insert baseline `version` over [from, to] (SQL date expressions), active or not. -#}
{% macro insert_baseline(metrics_relation, version, name, period_from, period_to, active) -%}
    insert into {{ baseline_relation() }}
    select
        {{ version }} as baseline_version,
        {{ name }} as baseline_name,
        {{ period_from }} as period_from,
        {{ period_to }} as period_to,
        current_timestamp as recorded_at,
        {{ active }} as is_active,
        statistics.machine_id,
        statistics.metric,
        statistics.n_days,
        statistics.median,
        statistics.mad,
        statistics.p05,
        statistics.p95
    from ({{ baseline_statistics(metrics_relation, period_from, period_to) }}) as statistics
{%- endmacro %}

{#- run-operation: record a new baseline version over [period_from, period_to] and make it
    the active one. Logs the version recorded (cli reads it back from the table). -#}
{% macro record_baseline(period_from, period_to, name) %}
    {% set metrics = ref('fct_machine_daily_metric') %}
    {% set from_sql = "cast('" ~ period_from ~ "' as date)" %}
    {% set to_sql = "cast('" ~ period_to ~ "' as date)" %}
    {% do ensure_baseline_table() %}
    {% set counted = run_query(
        "select count(*) from " ~ metrics ~ " where production_date between "
        ~ from_sql ~ " and " ~ to_sql) %}
    {% if counted.columns[0].values()[0] == 0 %}
        {{ exceptions.raise_compiler_error(
            "no gold daily metrics between " ~ period_from ~ " and " ~ period_to) }}
    {% endif %}
    {% set version = run_query(
        "select coalesce(max(baseline_version), 0) + 1 from " ~ baseline_relation()
    ).columns[0].values()[0] %}
    {% do run_query("update " ~ baseline_relation() ~ " set is_active = false") %}
    {% do run_query(insert_baseline(
        metrics, version, "'" ~ (name | replace("'", "''")) ~ "'", from_sql, to_sql, 'true')) %}
    {{ log("recorded baseline version " ~ version, info=true) }}
{% endmacro %}

{#- fct_anomaly's pre-hook: with no baseline at all, record version 1 ('automatic') over the
    first first_baseline_days production dates of gold, once that many are there. -#}
{% macro record_first_baseline() -%}
    {#- $SHOPFLOOR_FIRST_BASELINE_DAYS (monitoring/baseline.py) overrides the var for a small home -#}
    {%- set days = env_var(
        'SHOPFLOOR_FIRST_BASELINE_DAYS', monitoring_var('first_baseline_days') | string
    ) | int -%}
    {%- set metrics = ref('fct_machine_daily_metric') -%}
    {%- do ensure_baseline_table() -%}
    {%- set first_dates -%}
        (select production_date from (
            select distinct production_date from {{ metrics }}
        ) as dates order by production_date limit {{ days }})
    {%- endset %}
    {{ insert_baseline(
        '(select * from ' ~ metrics ~ ' where not exists (select 1 from '
            ~ baseline_relation() ~ ') and (select count(*) from ' ~ first_dates
            ~ ' as f) = ' ~ days ~ ')',
        1, "'automatic'",
        '(select min(production_date) from ' ~ first_dates ~ ' as f)',
        '(select max(production_date) from ' ~ first_dates ~ ' as f)',
        'true') }}
{%- endmacro %}
