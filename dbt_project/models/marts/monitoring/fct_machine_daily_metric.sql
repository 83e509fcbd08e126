{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Gold fact: one row per production date × machine × monitored metric, the daily observation
-- that baselines summarise (macros/baseline.sql) and fct_anomaly scores. Metrics: performance,
-- scrap rate (scrap / produced), small stops per running hour, failures per running hour, down
-- and setup time as shares of planned busy time, each dispenser phase's median time per product,
-- the 95th percentile of each sensor channel per machine state (states held for an hour of
-- readings or more that day), and each channel's longest run
-- of identical consecutive readings (a stuck sensor).
with

machine_daily as (
    select * from {{ ref('kpi_machine_daily') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

process_cycles as (
    select * from {{ ref('fct_process_cycle') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

machine_states as (
    select * from {{ ref('fct_machine_state') }}
    {% if is_incremental() %} where {{ in_context_window('production_date') }} {% endif %}
),

sensor_readings as (
    select * from {{ ref('int_sensor_readings_aligned') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

kpi_metrics as (
    {%- set kpis = {
        'performance': 'performance',
        'scrap_rate': 'cast(scrap_qty as double) / nullif(produced_qty, 0)',
        'small_stop_rate': '3600.0 * small_stop_count / nullif(actual_production_time_s, 0)',
        'failure_rate': '3600.0 * failure_count / nullif(actual_production_time_s, 0)',
        'down_time_share': 'cast(down_time_s as double) / nullif(planned_busy_time_s, 0)',
        'setup_time_share': 'cast(setup_time_s as double) / nullif(planned_busy_time_s, 0)',
    } %}
    {%- for metric, expression in kpis.items() %}
        select
            production_date,
            machine_id,
            '{{ metric }}' as metric,
            {{ expression }} as observed,
            produced_qty as sample_size
        from machine_daily
        where planned_busy_time_s > 0
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

phase_metrics as (
    {%- for phase in ['clamp', 'side_a', 'side_b', 'unclamp', 'eject'] %}
        select
            production_date,
            machine_id,
            '{{ phase }}_time_s:' || product_id as metric,
            {{ quantile_linear(phase ~ '_time_s', 0.5) }} as observed,
            count(*) as sample_size
        from process_cycles
        where is_completed and product_id is not null
        group by production_date, machine_id, product_id
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

readings_in_state as (
    select
        sensor_readings.production_date,
        sensor_readings.machine_id,
        sensor_readings.sample_at,
        machine_states.state,
        sensor_readings.temperature_c,
        sensor_readings.pressure_bar,
        sensor_readings.power_kw,
        sensor_readings.vibration_mm_s
    from sensor_readings
    inner join machine_states
        on
            sensor_readings.machine_id = machine_states.machine_id
            and sensor_readings.sample_at >= machine_states.started_at
            and sensor_readings.sample_at < machine_states.ended_at
),

sensor_state_metrics as (
    {%- for channel in sensor_channels() %}
        select
            production_date,
            machine_id,
            '{{ channel }}_p95:' || state as metric,
            {{ quantile_linear(channel, 0.95) }} as observed,
            count({{ channel }}) as sample_size
        from readings_in_state
        group by production_date, machine_id, state
        -- a state held for less than an hour of readings gives too noisy a percentile
        having count({{ channel }}) >= 60
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

repeat_runs as (
    -- islands of identical consecutive readings of one channel (nulls skipped)
    {%- for channel in sensor_channels() %}
        select
            production_date,
            machine_id,
            '{{ channel }}' as channel,
            sample_at,
            {{ channel }} as reading,
            row_number() over (partition by machine_id, production_date order by sample_at)
            - row_number() over (
                partition by machine_id, production_date, {{ channel }} order by sample_at
            ) as island
        from sensor_readings
        where {{ channel }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

run_lengths as (
    select
        production_date,
        machine_id,
        channel,
        count(*) as run_length
    from repeat_runs
    group by production_date, machine_id, channel, reading, island
),

repeat_metrics as (
    select
        production_date,
        machine_id,
        'longest_repeat_run:' || channel as metric,
        max(run_length) as observed,
        sum(run_length) as sample_size
    from run_lengths
    group by production_date, machine_id, channel
),

all_metrics as (
    select * from kpi_metrics
    union all
    select * from phase_metrics
    union all
    select * from sensor_state_metrics
    union all
    select * from repeat_metrics
),

final as (
    select
        cast(machine_id || '|' || cast(production_date as {{ string_type() }}) || '|' || metric as {{ string_type() }})
            as metric_key,
        cast(production_date as date) as production_date,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(metric as {{ string_type() }}) as metric,
        cast(observed as double) as observed,
        cast(sample_size as integer) as sample_size
    from all_metrics
    where observed is not null
)

select * from final
