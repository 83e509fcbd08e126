{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Per machine and production date: how the machine log was read. skipped_states = phase lines
-- the log should have had but did not (chaos 14), i.e. the 0-second phases permissive mode
-- inferred; also lines read, lines no rule matched (heartbeats) and state lines.
with

parsed_events as (
    select * from {{ ref('int_machine_log_events_parsed') }}
    where {{ in_context_window('production_date') }}
),

phase_intervals as (
    select * from {{ ref('int_dispenser_phase_intervals') }}
    where {{ in_context_window('production_date') }}
),

line_counts as (
    select
        production_date,
        machine_id,
        count(*) as log_lines,
        count(*) filter (where not is_matched) as unmatched_lines,
        count(*) filter (where state is not null) as state_lines,
        count(*) filter (where phase is not null) as phase_lines
    from parsed_events
    where machine_id is not null
    group by production_date, machine_id
),

inferred_counts as (
    select
        production_date,
        machine_id,
        count(*) as skipped_states
    from phase_intervals
    where is_inferred
    group by production_date, machine_id
),

final as (
    select
        line_counts.production_date,
        line_counts.machine_id,
        coalesce(inferred_counts.skipped_states, 0) as skipped_states,
        line_counts.log_lines,
        line_counts.unmatched_lines,
        line_counts.state_lines,
        line_counts.phase_lines
    from line_counts
    left join inferred_counts
        on
            line_counts.production_date = inferred_counts.production_date
            and line_counts.machine_id = inferred_counts.machine_id
)

select * from final
where {{ in_run_window('production_date') }}
