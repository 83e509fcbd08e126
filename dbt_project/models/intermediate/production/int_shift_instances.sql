-- One row per scheduled shift instance (production date × shift code): the shifts the plant's
-- shift model schedules on the date's weekday, none on a holiday, with UTC bounds and the
-- calendar's planned breaks. Wall-clock times become instants in the plant time zone, so a
-- shift across a DST change is an hour shorter or longer. The breaks are the plan; the planned
-- downtime a KPI uses is what the machines' state timelines say (int_machine_shift_quantities).
with

dates as (
    select * from {{ ref('int_production_dates') }}
),

shifts as (
    select * from {{ ref('stg_plant__shifts') }}
),

shift_weekdays as (
    select * from {{ ref('stg_plant__shift_weekdays') }}
),

shift_breaks as (
    select * from {{ ref('stg_plant__shift_breaks') }}
),

holidays as (
    select * from {{ ref('stg_plant__holidays') }}
),

scheduled as (
    select
        dates.date_day as production_date,
        shifts.shift_code,
        shifts.shift_index,
        shifts.start_local,
        shifts.shift_minutes
    from dates
    inner join shift_weekdays on {{ date_part_of('iso_day_of_week', 'dates.date_day') }} = shift_weekdays.iso_day_of_week
    inner join shifts on shift_weekdays.shift_code = shifts.shift_code
    anti join holidays on dates.date_day = holidays.holiday_date
),

break_totals as (
    select
        scheduled.production_date,
        scheduled.shift_code,
        count(*) as break_count,
        sum(shift_breaks.break_minutes) * 60 as scheduled_break_s
    from scheduled
    inner join shift_breaks on scheduled.shift_code = shift_breaks.shift_code
    group by scheduled.production_date, scheduled.shift_code
),

wall_clock as (
    select
        production_date,
        shift_code,
        shift_index,
        {{ shift_start_local('production_date', 'start_local') }} as started_at_local,
        {{ shift_start_local('production_date', 'start_local') }} + {{ minutes_interval('shift_minutes') }} as ended_at_local
    from scheduled
),

instants as (
    select
        *,
        {{ wallclock_to_utc('started_at_local') }} as started_at,
        {{ wallclock_to_utc('ended_at_local') }} as ended_at
    from wall_clock
),

final as (
    select
        instants.production_date || '|' || instants.shift_code as shift_key,
        instants.production_date,
        instants.shift_code,
        instants.shift_index,
        instants.started_at,
        instants.ended_at,
        instants.started_at_local,
        instants.ended_at_local,
        cast({{ epoch_s('instants.ended_at') }} - {{ epoch_s('instants.started_at') }} as bigint) as shift_time_s,
        cast(coalesce(break_totals.break_count, 0) as integer) as break_count,
        cast(coalesce(break_totals.scheduled_break_s, 0) as bigint) as scheduled_break_s
    from instants
    left join break_totals
        on
            instants.production_date = break_totals.production_date
            and instants.shift_code = break_totals.shift_code
)

select * from final
