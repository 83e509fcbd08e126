{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per sensor device and sample minute. The device clock (`device_ts`) drifts by up to
-- ±5 min over a day, so readings are aligned by the gateway receipt time instead: the sample
-- instant is `received_at` truncated to the minute (the gateway receives 0–2 s after sampling).
-- device_drift_s = device clock − sample instant exposes the drift per reading; the day's drift
-- (the drift at the last reading of the device's production date) is repeated on each row.
-- Null measurements stay null. A repeated reading of the same device and minute keeps the first
-- delivered.
with

sensor_readings as (
    select * from {{ ref('stg_sensors__sensor_readings') }}
    where
        received_at is not null
        and machine_id is not null
        and {{ at_in_context_window('received_at') }}
),

aligned as (
    select
        device_id,
        machine_id,
        date_trunc('minute', received_at) as sample_at,
        device_ts,
        received_at,
        {{ diff_in('second', "date_trunc('minute', received_at)", 'device_ts') }} as device_drift_s,
        temperature_c,
        pressure_bar,
        power_kw,
        vibration_mm_s,
        delivery_date,
        source_file,
        source_row_number
    from sensor_readings
    qualify row_number() over (
        partition by device_id, date_trunc('minute', received_at)
        order by delivery_date, source_file, source_row_number
    ) = 1
),

final as (
    select
        device_id,
        machine_id,
        {{ production_date('sample_at') }} as production_date,
        sample_at,
        date_trunc('hour', sample_at) as hour_start_at,
        device_ts,
        received_at,
        device_drift_s,
        last_value(device_drift_s) over (
            partition by device_id, {{ production_date('sample_at') }}
            order by sample_at
            rows between unbounded preceding and unbounded following
        ) as device_drift_day_s,
        temperature_c,
        pressure_bar,
        power_kw,
        vibration_mm_s,
        source_file
    from aligned
)

select * from final
where {{ in_run_window('production_date') }}
