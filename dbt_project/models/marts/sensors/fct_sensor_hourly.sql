{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Gold fact: one row per machine × device × UTC hour of aligned sensor readings (aligned on the
-- gateway receipt minute, not the drifting device clock). Averages, minima and maxima ignore
-- nulls; null_* columns count missing values, which are never treated as zeros. An hour with
-- only nulls for a measure has a null average.
with

aligned_readings as (
    select * from {{ ref('int_sensor_readings_aligned') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

hourly as (
    select
        production_date,
        machine_id,
        device_id,
        hour_start_at,
        count(*) as readings,
        {%- for m in ['temperature_c', 'pressure_bar', 'power_kw', 'vibration_mm_s'] %}
            avg({{ m }}) as {{ m }}_avg,
            min({{ m }}) as {{ m }}_min,
            max({{ m }}) as {{ m }}_max,
            count(*) - count({{ m }}) as {{ m }}_nulls,
        {%- endfor %}
        avg(device_drift_s) as device_drift_s_avg,
        max(abs(device_drift_s)) as device_drift_s_max_abs
    from aligned_readings
    group by production_date, machine_id, device_id, hour_start_at
),

final as (
    select
        cast(production_date as date) as production_date,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(device_id as {{ string_type() }}) as device_id,
        cast(hour_start_at as {{ instant_type() }}) as hour_start_at,
        cast({{ to_local('hour_start_at') }} as timestamp) as hour_start_local,
        cast(readings as integer) as readings,
        {%- for m in ['temperature_c', 'pressure_bar', 'power_kw', 'vibration_mm_s'] %}
            cast({{ round_double(m ~ '_avg', 4) }} as double) as {{ m }}_avg,
            cast({{ m }}_min as double) as {{ m }}_min,
            cast({{ m }}_max as double) as {{ m }}_max,
            cast({{ m }}_nulls as integer) as {{ m }}_nulls,
        {%- endfor %}
        cast({{ round_double('device_drift_s_avg', 1) }} as double) as device_drift_s_avg,
        cast(device_drift_s_max_abs as integer) as device_drift_s_max_abs
    from hourly
)

select * from final
