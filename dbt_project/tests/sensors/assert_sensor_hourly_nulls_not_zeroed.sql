-- Detects nulls turned into zeros on the way to gold: the number of null temperatures per
-- device-hour in fct_sensor_hourly must equal the nulls in the aligned readings.
-- Dagster reports it as a check of fct_sensor_hourly (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'fct_sensor_hourly'}}}) }}
with

aligned as (
    select device_id, hour_start_at, count(*) - count(temperature_c) as nulls
    from {{ ref('int_sensor_readings_aligned') }}
    group by 1, 2
)

select hourly.device_id, hourly.hour_start_at
from {{ ref('fct_sensor_hourly') }} as hourly
inner join aligned
    on
        hourly.device_id = aligned.device_id
        and hourly.hour_start_at = aligned.hour_start_at
where aligned.nulls <> hourly.temperature_c_nulls
