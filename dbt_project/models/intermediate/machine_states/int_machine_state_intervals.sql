{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One gap-free state timeline per machine from the machine logs. Every state line starts an
-- interval that lasts until the machine's next state line (across files and days, ordered by
-- logged_at) or at most until the end of the production date it starts in (data contract §5.8).
-- Intervals are then cut at the boundaries of the shift model's shifts (plant-local wall clock,
-- so the NIGHT shift is 7 h / 9 h on DST nights); time between the shifts of a plant whose shifts
-- leave gaps in the day keeps shift_code null, so the timeline still covers the whole day. A `Fault X` / `Minor stop (c)` line that directly
-- follows `Planned stop` which directly follows the same line continues the same failure or
-- small stop (§9): only the first line starts one, or the repeat when the first was logged at
-- the break's own second (it lasts 0 s, so it has no interval to count). Several state lines at one instant (a minor
-- stop ending exactly when the break begins, a change at a shift start) are read in file order:
-- all but the last last 0 s, and the last is the state from that instant (§5.8).
with

parsed_events as (
    select * from {{ ref('int_machine_log_events_parsed') }}
    where {{ in_context_window('production_date') }}
),

shifts as (
    select * from {{ ref('stg_plant__shifts') }}
),

state_events as (
    select
        machine_id,
        logged_at,
        production_date,
        state,
        event_type,
        detail,
        counts,
        source_file,
        source_row_number
    from parsed_events
    where
        state is not null
        and machine_id is not null
    -- a line delivered twice (a duplicate file) counts once
    qualify row_number() over (
        partition by machine_id, logged_at, state, event_type, detail
        order by source_file, source_row_number
    ) = 1
),

production_dates as (
    select distinct production_date from state_events
),

shift_windows as (
    select
        production_dates.production_date,
        shifts.shift_code,
        shifts.shift_index,
        {{ wallclock_to_instant(
            plant_var('plant_timezone'),
            shift_start_local('production_dates.production_date', 'shifts.start_local')
        ) }} as shift_start_at,
        {{ wallclock_to_instant(
            plant_var('plant_timezone'),
            shift_start_local('production_dates.production_date', 'shifts.start_local')
            ~ ' + ' ~ minutes_interval('shifts.shift_minutes')
        ) }} as shift_end_at
    from production_dates
    cross join shifts
),

production_date_windows as (
    select
        production_date,
        {{ wallclock_to_instant(plant_var('plant_timezone'), "production_date + " ~ time_literal(plant_var('plant_day_start'))) }}
            as day_start_at,
        {{ wallclock_to_instant(plant_var('plant_timezone'), "production_date + 1 + " ~ time_literal(plant_var('plant_day_start'))) }}
            as day_end_at
    from production_dates
),

window_edges as (
    select production_date, shift_start_at, shift_end_at from shift_windows
    union all
    -- the day's end as a zero-length window closes the last gap
    select production_date, day_end_at as shift_start_at, day_end_at as shift_end_at
    from production_date_windows
),

gap_windows as (
    -- the parts of the production day outside every shift of the model (none for the default plant)
    select
        production_date,
        cast(null as {{ string_type() }}) as shift_code,
        cast(null as integer) as shift_index,
        gap_start_at as shift_start_at,
        shift_start_at as shift_end_at
    from (
        select
            window_edges.production_date,
            window_edges.shift_start_at,
            coalesce(
                lag(window_edges.shift_end_at) over (
                    partition by window_edges.production_date order by window_edges.shift_start_at
                ),
                production_date_windows.day_start_at
            ) as gap_start_at
        from window_edges
        inner join production_date_windows
            on window_edges.production_date = production_date_windows.production_date
    ) as edges
    where shift_start_at > gap_start_at
),

day_windows as (
    select production_date, shift_code, shift_index, shift_start_at, shift_end_at from shift_windows
    union all
    select production_date, shift_code, shift_index, shift_start_at, shift_end_at from gap_windows
),

sequenced as (
    select
        state_events.*,
        lead(state_events.logged_at) over machine_timeline as next_logged_at,
        lag(state_events.logged_at, 1) over machine_timeline as previous_logged_at,
        lag(state_events.logged_at, 2) over machine_timeline as second_previous_logged_at,
        lag(state_events.state, 1) over machine_timeline as previous_state,
        lag(state_events.state, 2) over machine_timeline as second_previous_state,
        lag(state_events.event_type, 2) over machine_timeline as second_previous_event_type,
        lag(state_events.detail, 2) over machine_timeline as second_previous_detail
    from state_events
    window machine_timeline as (
        partition by state_events.machine_id
        order by state_events.logged_at, state_events.source_file, state_events.source_row_number
    )
),

intervals as (
    select
        sequenced.machine_id,
        sequenced.production_date,
        sequenced.state,
        sequenced.event_type,
        sequenced.detail,
        sequenced.logged_at as started_at,
        least(
            coalesce(sequenced.next_logged_at, production_date_windows.day_end_at),
            production_date_windows.day_end_at
        ) as ended_at,
        -- a repeat of the line right after the break continues what the break interrupted
        sequenced.previous_state = 'PLANNED_STOP'
        and sequenced.second_previous_event_type = sequenced.event_type
        and coalesce(sequenced.second_previous_detail, '') = coalesce(sequenced.detail, '')
            as continues_after_break,
        -- the interrupted line was logged at the break's own second (a repair or minor stop that
        -- began as the break began): it lasts 0 s and has no interval, so the repeat starts it
        coalesce(sequenced.second_previous_logged_at = sequenced.previous_logged_at, false)
            as interrupted_line_lasted_0s,
        sequenced.counts,
        sequenced.source_file,
        sequenced.source_row_number
    from sequenced
    inner join production_date_windows
        on sequenced.production_date = production_date_windows.production_date
),

split_at_shifts as (
    select
        intervals.machine_id,
        intervals.production_date,
        day_windows.shift_code,
        intervals.state,
        greatest(intervals.started_at, day_windows.shift_start_at) as started_at,
        least(intervals.ended_at, day_windows.shift_end_at) as ended_at,
        intervals.detail,
        intervals.event_type,
        intervals.started_at as line_logged_at,
        intervals.started_at >= day_windows.shift_start_at as is_line_start,
        intervals.continues_after_break,
        not coalesce(intervals.continues_after_break, false) or intervals.interrupted_line_lasted_0s
            as starts_an_event,
        intervals.counts,
        intervals.source_file,
        intervals.source_row_number
    from intervals
    inner join day_windows
        on
            intervals.production_date = day_windows.production_date
            and intervals.ended_at > day_windows.shift_start_at
            and intervals.started_at < day_windows.shift_end_at
),

final as (
    select
        machine_id || '@' || cast({{ epoch_s('started_at') }} as bigint) as state_interval_id,
        machine_id,
        production_date,
        shift_code,
        state,
        started_at,
        ended_at,
        cast({{ epoch_s('ended_at') }} - {{ epoch_s('started_at') }} as bigint) as duration_s,
        detail,
        event_type,
        is_line_start and coalesce(counts = 'failure', false) and starts_an_event
            as is_failure_start,
        is_line_start and coalesce(counts = 'small_stop', false) and starts_an_event
            as is_small_stop_start,
        is_line_start and coalesce(continues_after_break, false) as is_continuation,
        not is_line_start as is_split_continuation,
        line_logged_at,
        source_file,
        source_row_number
    from split_at_shifts
    where ended_at > started_at
)

select * from final
where {{ in_run_window('production_date') }}
