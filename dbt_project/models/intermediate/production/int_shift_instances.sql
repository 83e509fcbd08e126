-- One row per shift instance (production date × shift code) with its UTC start/end and planned
-- break from the shift calendar. Wall-clock times become instants in the plant time zone, so the
-- NIGHT shift is 7 h or 9 h long on DST change nights.
with

dates as (
    select * from {{ ref('int_production_dates') }}
),

shift_calendar as (
    select * from {{ ref('shift_calendar') }}
),

calendar as (
    select
        shift_code,
        cast(shift_index as integer) as shift_index,
        cast(start_local as time) as start_local,
        cast(hours as integer) as shift_hours,
        cast(break_start_local as time) as break_start_local,
        cast(break_minutes as integer) as break_minutes
    from shift_calendar
),

wall_clock as (
    select
        dates.date_day as production_date,
        calendar.shift_code,
        calendar.shift_index,
        dates.date_day + calendar.start_local as started_at_local,
        dates.date_day + calendar.start_local + to_hours(calendar.shift_hours) as ended_at_local,
        -- a break earlier in the day than the shift start falls on the next calendar day
        dates.date_day + calendar.break_start_local
        + case when calendar.break_start_local < calendar.start_local then interval 1 day else interval 0 day end
            as break_started_at_local,
        calendar.break_minutes
    from dates
    cross join calendar
),

instants as (
    select
        *,
        {{ wallclock_to_utc('started_at_local') }} as started_at,
        {{ wallclock_to_utc('ended_at_local') }} as ended_at,
        {{ wallclock_to_utc('break_started_at_local') }} as break_started_at
    from wall_clock
),

final as (
    select
        production_date || '|' || shift_code as shift_key,
        production_date,
        shift_code,
        shift_index,
        started_at,
        ended_at,
        break_started_at,
        break_started_at + to_minutes(break_minutes) as break_ended_at,
        started_at_local,
        ended_at_local,
        cast(epoch(ended_at) - epoch(started_at) as bigint) as shift_time_s,
        cast(break_minutes * 60 as bigint) as planned_stop_time_s,
        cast(epoch(ended_at) - epoch(started_at) - break_minutes * 60 as bigint) as planned_busy_time_s
    from instants
)

select * from final
