{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Gold KPI: one row per production date × machine with a health score 0–100 (seed 004's health
-- scoring, the dashboard's traffic light). Four parts, each 0..1, weighted:
--   0.55 × OEE attainment   = least(1, oee / the machine's OEE target (gold.dim_target)), or
--                             least(1, oee) without a target; 0 without an OEE (no busy time)
--   0.15 × scrap            = 1 − least(1, scrap_ratio / 0.10)      (10 % scrap scores 0)
--   0.15 × failures         = 1 − least(1, failures per running hour / 0.5)
--   0.15 × open anomalies   = 1 − least(1, (warnings + 2 × criticals) / 4) of gold.fct_anomaly
-- health_score = round(100 × Σ, 1); health_status 'good' ≥ 80, 'watch' ≥ 60, else 'poor'.
with

machine_daily as (
    select * from {{ ref('kpi_machine_daily') }}
    where
        planned_busy_time_s > 0
        {% if is_incremental() %} and {{ in_partition_window('production_date') }} {% endif %}
),

targets as (
    select * from {{ ref('dim_target') }}
    where scope = 'machine'
),

anomalies as (
    select * from {{ ref('fct_anomaly') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

anomaly_counts as (
    select
        production_date,
        machine_id,
        sum(case when severity = 'warning' then 1 else 0 end) as warning_count,
        sum(case when severity = 'critical' then 1 else 0 end) as critical_count
    from anomalies
    group by production_date, machine_id
),

parts as (
    select
        machine_daily.production_date,
        machine_daily.machine_id,
        machine_daily.line_id,
        machine_daily.oee,
        targets.oee as oee_target,
        machine_daily.scrap_ratio,
        3600.0 * machine_daily.failure_count
        / nullif(machine_daily.actual_production_time_s, 0) as failures_per_running_h,
        coalesce(anomaly_counts.warning_count, 0) as warning_count,
        coalesce(anomaly_counts.critical_count, 0) as critical_count,
        -- least() skips nulls on DuckDB and Spark alike: spell each case out
        case
            when machine_daily.oee is null then 0
            when targets.oee > 0 then least(1.0, machine_daily.oee / targets.oee)
            else least(1.0, machine_daily.oee)
        end as oee_part,
        1 - least(1.0, coalesce(machine_daily.scrap_ratio, 0) / 0.10) as scrap_part
    from machine_daily
    left join targets
        on machine_daily.machine_id = targets.scope_id
    left join anomaly_counts
        on
            machine_daily.production_date = anomaly_counts.production_date
            and machine_daily.machine_id = anomaly_counts.machine_id
),

scored as (
    select
        *,
        1 - least(1.0, coalesce(failures_per_running_h, 0) / 0.5) as failure_part,
        1 - least(1.0, (warning_count + 2 * critical_count) / 4.0) as anomaly_part
    from parts
),

totals as (
    select
        *,
        100 * (0.55 * oee_part + 0.15 * scrap_part + 0.15 * failure_part + 0.15 * anomaly_part)
            as health
    from scored
),

final as (
    select
        cast(machine_id || '|' || cast(production_date as {{ string_type() }}) as {{ string_type() }}) as health_key,
        cast(production_date as date) as production_date,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(line_id as {{ string_type() }}) as line_id,
        cast(oee as double) as oee,
        cast(oee_target as double) as oee_target,
        cast(scrap_ratio as double) as scrap_ratio,
        cast(failures_per_running_h as double) as failures_per_running_h,
        cast(warning_count as integer) as open_warnings,
        cast(critical_count as integer) as open_criticals,
        cast({{ round_double('health', 1) }} as double) as health_score,
        cast(case
            when health >= 80 then 'good'
            when health >= 60 then 'watch'
            else 'poor'
        end as {{ string_type() }}) as health_status
    from totals
)

select * from final
