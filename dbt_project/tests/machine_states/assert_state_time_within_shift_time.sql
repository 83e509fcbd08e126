-- Detects time counted twice or in the wrong shift: per machine and shift, the state durations
-- may not exceed the shift's real length in plant-local time (28 800 s; the NIGHT shift is
-- 25 200 s or 32 400 s on DST change nights). Less is allowed (a log not delivered, a gap: a
-- data-quality finding, data_quality_daily.timeline_incomplete); more is inconsistent.
-- Dagster reports it as a check of int_machine_state_intervals (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'int_machine_state_intervals'}}}) }}
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
),

shifts as (
    select * from {{ ref('stg_plant__shifts') }}
),

per_shift as (
    select
        machine_id,
        production_date,
        shift_code,
        sum(duration_s) as state_time_s
    from state_intervals
    group by machine_id, production_date, shift_code
),

shift_starts as (
    select
        per_shift.*,
        {{ shift_start_local('per_shift.production_date', 'shifts.start_local') }} as started_at_local,
        shifts.shift_minutes
    from per_shift
    inner join shifts on per_shift.shift_code = shifts.shift_code
),

expected as (
    select
        shift_starts.*,
        {{ epoch_s(wallclock_to_instant(plant_var('plant_timezone'), 'started_at_local + ' ~ minutes_interval('shift_minutes'))) }}
        - {{ epoch_s(wallclock_to_instant(plant_var('plant_timezone'), 'started_at_local')) }} as shift_time_s
    from shift_starts
)

select *
from expected
where state_time_s > shift_time_s
