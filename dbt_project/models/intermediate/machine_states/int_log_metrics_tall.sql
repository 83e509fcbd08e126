{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- The tall log-metrics table of seed 003 (timestamp, component_id, metric_name, value, unit,
-- state_context), one row per measured value, stamped when the measured state is left:
--   state_duration       s      per state interval (state_context = RUNNING, IDLE, ...)
--   phase_duration       s      per dispenser phase (state_context = CLAMP, SIDE_A, ...);
--                               inferred (skipped-line) phases are 0 s and flagged
--   cycle_time           s      per completed dispenser cycle (`Cycle started` → its next state line)
--   skipped_phase_lines  count  per machine and production date (state_context = DAY)
--   unmatched_log_lines  count  per machine and production date (state_context = DAY)
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

phase_intervals as (
    select * from {{ ref('int_dispenser_phase_intervals') }}
    where {{ in_context_window('production_date') }}
),

skipped_states as (
    select * from {{ ref('int_log_skipped_states') }}
    where {{ in_context_window('production_date') }}
),

state_durations as (
    select
        ended_at as metric_at,
        machine_id as component_id,
        'state_duration' as metric_name,
        cast(duration_s as double) as value,
        's' as unit,
        state as state_context,
        production_date,
        shift_code,
        false as is_inferred
    from state_intervals
),

phase_durations as (
    select
        ended_at as metric_at,
        machine_id as component_id,
        'phase_duration' as metric_name,
        cast(duration_s as double) as value,
        's' as unit,
        phase as state_context,
        production_date,
        shift_code,
        is_inferred
    from phase_intervals
),

cycle_times as (
    select
        max(ended_at) as metric_at,
        machine_id as component_id,
        'cycle_time' as metric_name,
        cast({{ epoch_s('max(ended_at)') }} - {{ epoch_s('min(started_at)') }} as double) as value,
        's' as unit,
        'CYCLE' as state_context,
        min(production_date) as production_date,
        min(shift_code) as shift_code,
        bool_or(is_inferred) as is_inferred
    from phase_intervals
    where is_cycle_completed
    group by cycle_id, machine_id
),

day_ends as (
    select
        machine_id,
        production_date,
        max(ended_at) as day_last_at
    from state_intervals
    group by machine_id, production_date
),

daily_counts as (
    select
        day_ends.day_last_at as metric_at,
        skipped_states.machine_id as component_id,
        counted.metric_name,
        counted.value,
        'count' as unit,
        'DAY' as state_context,
        skipped_states.production_date,
        cast(null as {{ string_type() }}) as shift_code,
        false as is_inferred
    from skipped_states
    inner join day_ends
        on
            skipped_states.machine_id = day_ends.machine_id
            and skipped_states.production_date = day_ends.production_date
    cross join lateral (
        select 'skipped_phase_lines' as metric_name, cast(skipped_states.skipped_states as double) as value
        union all
        select 'unmatched_log_lines' as metric_name, cast(skipped_states.unmatched_lines as double) as value
    ) as counted
),

unioned as (
    select * from state_durations
    union all
    select * from phase_durations
    union all
    select * from cycle_times
    union all
    select * from daily_counts
),

final as (
    select
        component_id || '|' || metric_name || '|' || state_context || '|'
        || cast({{ epoch_s('metric_at') }} as bigint) as log_metric_id,
        metric_at as timestamp,
        component_id,
        metric_name,
        value,
        unit,
        state_context,
        production_date,
        shift_code,
        is_inferred
    from unioned
)

select * from final
where {{ in_run_window('production_date') }}
