-- Detects wrong shift lengths or lost time: per machine and shift, the state durations must add
-- up to the shift's real length from the shift calendar in plant-local time (28 800 s; the NIGHT
-- shift is 25 200 s or 32 400 s on DST change nights), as APT + idle + setup + down + planned
-- stop = shift time in data contract §8.2.
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
),

shift_calendar as (
    select * from {{ ref('shift_calendar') }}
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

expected as (
    select
        per_shift.*,
        epoch(
            timezone(
                '{{ var("plant_timezone") }}',
                per_shift.production_date + cast(shift_calendar.start_local as time)
                + to_hours(cast(shift_calendar.hours as integer))
            )
        ) - epoch(
            timezone(
                '{{ var("plant_timezone") }}',
                per_shift.production_date + cast(shift_calendar.start_local as time)
            )
        ) as shift_time_s
    from per_shift
    inner join shift_calendar on per_shift.shift_code = shift_calendar.shift_code
)

select *
from expected
where state_time_s != shift_time_s
