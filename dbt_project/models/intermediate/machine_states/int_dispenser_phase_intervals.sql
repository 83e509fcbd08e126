{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Dispenser phase timeline (permissive mode, seed 003): a cycle starts at a state line that also
-- starts a phase (`Cycle started`, phase CLAMP) and lasts until the machine's next state line.
-- Each phase line inside the cycle starts the next phase. A phase line may be missing (chaos 14):
-- a phase that must have happened but has no line gets a 0-second interval, flagged is_inferred,
-- at the instant the process is next seen (the next phase line, or the cycle end when the cycle
-- completed). The phase before the gap keeps the time of the skipped one. A cycle that ends in a
-- fault (state DOWN) was aborted: phases after its last line are unknown and not inferred.
{#- sqlfluff's templater renders var() as text: lint against a placeholder rule then. -#}
{%- set log_rules = var('log_rules') if var('log_rules') is not string
    else [{'name': 'lint', 'pattern': '^$', 'event_type': 'LINT'}] %}
with

parsed_events as (
    select * from {{ ref('int_machine_log_events_parsed') }}
    where {{ in_context_window('production_date') }}
),

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

phase_order as (
    {{ log_rule_phases_relation(log_rules) }}
),

-- one row per state line: its full extent (before the shift split) and the state after it
state_lines as (
    select
        machine_id,
        line_logged_at as started_at,
        max(ended_at) as ended_at,
        min(production_date) as production_date,
        {{ value_at_min('shift_code', 'started_at') }} as shift_code,
        min(state) as state
    from state_intervals
    group by machine_id, line_logged_at
),

state_line_sequence as (
    select
        *,
        lead(started_at) over (partition by machine_id order by started_at) as next_line_at,
        lead(state) over (partition by machine_id order by started_at) as next_state
    from state_lines
),

phase_events as (
    select
        parsed_events.machine_id,
        parsed_events.logged_at,
        parsed_events.phase,
        phase_order.phase_index,
        parsed_events.state is not null as is_state_line
    from parsed_events
    inner join phase_order on parsed_events.phase = phase_order.phase
    where parsed_events.machine_id is not null
    qualify row_number() over (
        partition by parsed_events.machine_id, parsed_events.logged_at, parsed_events.phase
        order by parsed_events.source_file, parsed_events.source_row_number
    ) = 1
),

cycles as (
    select
        phase_events.machine_id || '@' || cast({{ epoch_s('phase_events.logged_at') }} as bigint) as cycle_id,
        phase_events.machine_id,
        state_line_sequence.production_date,
        state_line_sequence.shift_code,
        state_line_sequence.started_at as cycle_started_at,
        state_line_sequence.ended_at as cycle_ended_at,
        -- completed: the cycle was ended by the next state line, and that line is not a fault
        state_line_sequence.next_line_at = state_line_sequence.ended_at
        and state_line_sequence.next_state != 'DOWN' as is_completed
    from phase_events
    inner join state_line_sequence
        on
            phase_events.machine_id = state_line_sequence.machine_id
            and phase_events.logged_at = state_line_sequence.started_at
    where phase_events.is_state_line
),

-- each phase line belongs to the segment of the last state line at or before it
phase_lines_in_segments as (
    select
        machine_id,
        logged_at,
        phase,
        phase_index,
        max(segment_started_at) over (
            partition by machine_id order by logged_at asc, is_state_line desc
            rows between unbounded preceding and current row
        ) as segment_started_at
    from (
        select
            machine_id, started_at as logged_at, null as phase, null as phase_index,
            true as is_state_line, started_at as segment_started_at
        from state_lines
        union all
        select
            machine_id, logged_at, phase, phase_index, false as is_state_line,
            null as segment_started_at
        from phase_events
    ) as timeline
    qualify phase is not null
),

phase_lines_in_cycles as (
    select
        cycles.cycle_id,
        cycles.machine_id,
        cycles.production_date,
        cycles.shift_code,
        cycles.cycle_ended_at,
        cycles.is_completed,
        phase_lines_in_segments.phase,
        phase_lines_in_segments.phase_index,
        phase_lines_in_segments.logged_at
    from phase_lines_in_segments
    inner join cycles
        on
            phase_lines_in_segments.machine_id = cycles.machine_id
            and phase_lines_in_segments.segment_started_at = cycles.cycle_started_at
),

observed as (
    select
        *,
        coalesce(
            lag(phase_index) over cycle_phases, -1
        ) as previous_phase_index,
        coalesce(lead(logged_at) over cycle_phases, cycle_ended_at) as phase_ended_at,
        lead(phase_index) over cycle_phases is null as is_last_line
    from phase_lines_in_cycles
    window cycle_phases as (partition by cycle_id order by logged_at, phase_index)
),

observed_intervals as (
    select
        cycle_id,
        machine_id,
        production_date,
        shift_code,
        phase,
        phase_index,
        logged_at as started_at,
        phase_ended_at as ended_at,
        false as is_inferred,
        is_completed
    from observed
),

-- phases between the previous line's phase and this line's phase never got a line
skipped_before_line as (
    select
        observed.cycle_id,
        observed.machine_id,
        observed.production_date,
        observed.shift_code,
        observed.logged_at as inferred_at,
        {{ integer_range_rows('observed.previous_phase_index + 1', 'observed.phase_index') }} as phase_index,
        observed.is_completed
    from observed
    where observed.phase_index > observed.previous_phase_index + 1
),

-- a completed cycle went through every phase, even those after its last phase line
skipped_at_cycle_end as (
    select
        observed.cycle_id,
        observed.machine_id,
        observed.production_date,
        observed.shift_code,
        observed.cycle_ended_at as inferred_at,
        {{ integer_range_rows('observed.phase_index + 1', '(select max(phase_index) + 1 from phase_order)') }}
            as phase_index,
        observed.is_completed
    from observed
    where observed.is_last_line and observed.is_completed
),

inferred_intervals as (
    select
        skipped.cycle_id,
        skipped.machine_id,
        skipped.production_date,
        skipped.shift_code,
        phase_order.phase,
        skipped.phase_index,
        skipped.inferred_at as started_at,
        skipped.inferred_at as ended_at,
        true as is_inferred,
        skipped.is_completed
    from (
        select * from skipped_before_line
        union all
        select * from skipped_at_cycle_end
    ) as skipped
    inner join phase_order on skipped.phase_index = phase_order.phase_index
),

unioned as (
    select * from observed_intervals
    union all
    select * from inferred_intervals
),

final as (
    select
        cycle_id || '/' || phase as phase_interval_id,
        cycle_id,
        machine_id,
        production_date,
        shift_code,
        phase,
        cast(phase_index as integer) as phase_index,
        started_at,
        ended_at,
        cast({{ epoch_s('ended_at') }} - {{ epoch_s('started_at') }} as bigint) as duration_s,
        is_inferred,
        is_completed as is_cycle_completed
    from unioned
)

select * from final
where {{ in_run_window('production_date') }}
