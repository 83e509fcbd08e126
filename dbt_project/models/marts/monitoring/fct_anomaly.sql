{{ config(
    materialized='incremental',
    incremental_strategy=by_date_strategy(),
    unique_key=by_date_unique_key(),
    partition_by=by_date_partition(),
    on_schema_change='fail',
    pre_hook="{{ record_first_baseline() }}",
) }}
-- Gold fact: one row per production date × machine × metric whose daily observation lies
-- outside the active baseline's expected band (seed 003's monitor mode). Robust score =
-- (observed − median) / scale, where scale is the largest of 1.4826 × MAD (the standard deviation
-- a normal distribution with that MAD has), (p95 − p05) / 3.29 (the same from the percentile
-- spread), relative_floor × |median| and the metric family's min_scale: a baseline over a few
-- quiet days must not make every wobble an anomaly. |score| ≥ warning_score is a warning,
-- ≥ critical_score critical; the expected band is median ± warning_score × scale.
with

daily_metrics as (
    select * from {{ ref('fct_machine_daily_metric') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

active_baseline as (
    select * from {{ source('monitoring', 'baseline') }}
    where is_active
),

scaled as (
    select
        daily_metrics.production_date,
        daily_metrics.machine_id,
        daily_metrics.metric,
        daily_metrics.observed,
        active_baseline.baseline_version,
        active_baseline.median,
        greatest(
            1.4826 * active_baseline.mad,
            (active_baseline.p95 - active_baseline.p05) / 3.29,
            {{ monitoring_var('relative_floor') }} * abs(active_baseline.median),
            case
                {%- for family, floor in monitoring_var('min_scale').items() %}
                    when daily_metrics.metric like '{{ family }}%' then {{ floor }}
                {%- endfor %}
                else 0.000001
            end
        ) as scale
    from daily_metrics
    inner join active_baseline
        on
            daily_metrics.machine_id = active_baseline.machine_id
            and daily_metrics.metric = active_baseline.metric
),

scored as (
    select
        *,
        (observed - median) / scale as score
    from scaled
),

final as (
    select
        cast(machine_id || '|' || cast(production_date as {{ string_type() }}) || '|' || metric as {{ string_type() }})
            as anomaly_key,
        cast(production_date as date) as production_date,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(metric as {{ string_type() }}) as metric,
        cast(observed as double) as observed,
        cast(median as double) as expected,
        cast(median - {{ monitoring_var('warning_score') }} * scale as double) as expected_low,
        cast(median + {{ monitoring_var('warning_score') }} * scale as double) as expected_high,
        cast({{ round_double('score', 3) }} as double) as score,
        cast(
            case
                when abs(score) >= {{ monitoring_var('critical_score') }} then 'critical'
                else 'warning'
            end as {{ string_type() }}
        ) as severity,
        cast(baseline_version as integer) as baseline_version
    from scored
    where abs(score) >= {{ monitoring_var('warning_score') }}
)

select * from final
