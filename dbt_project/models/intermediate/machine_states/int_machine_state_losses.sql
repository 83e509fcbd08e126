{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- One row per DOWN, SETUP or IDLE piece of the state timeline with the loss it is and its cause
-- (the loss tree's and the downtime Pareto's one classification, macros/loss_tree.sql has the
-- category names). DOWN is a breakdown, SETUP a setup/changeover; IDLE is a small stop when the
-- line that began it is a `Minor stop (cause)` line (its continuations after a break and across
-- a shift boundary included), otherwise idle: waiting between cycles, `Idle - <cause>` lines
-- (waiting for material or carrier: starved or blocked), idle at a shift start. A `Shift X
-- started, state S` line that finds the machine already in S carries on what was going on (a
-- repair, a changeover or a minor stop across the shift change): it takes the cause of the line
-- that began it and starts no event of its own.
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

sequenced as (
    select
        *,
        lag(state) over machine_timeline as previous_state,
        lag(ended_at) over machine_timeline as previous_ended_at
    from state_intervals
    window machine_timeline as (partition by machine_id order by started_at)
),

carry_on_flagged as (
    select
        *,
        coalesce(
            event_type = 'SHIFT_STARTED'
            and previous_state = state
            and previous_ended_at = started_at,
            false
        ) as carries_on
    from sequenced
),

cause_grouped as (
    -- every piece that does not carry on opens a new group; its line is the group's cause line
    select
        *,
        sum(case when carries_on then 0 else 1 end) over (
            partition by machine_id order by started_at rows unbounded preceding
        ) as cause_group
    from carry_on_flagged
),

with_cause_line as (
    select
        *,
        first_value(event_type) over cause_line as cause_event_type,
        first_value(detail) over cause_line as cause_detail
    from cause_grouped
    window cause_line as (partition by machine_id, cause_group order by started_at)
),

classified as (
    select
        *,
        case
            when state = 'DOWN' then '{{ loss_category("breakdown") }}'
            when state = 'SETUP' then '{{ loss_category("setup") }}'
            when cause_event_type = 'MINOR_STOP' then '{{ loss_category("small_stop") }}'
            else '{{ loss_category("idle") }}'
        end as loss_category
    from with_cause_line
    where state in ('DOWN', 'SETUP', 'IDLE')
),

with_cause as (
    select
        *,
        case
            -- `E101 Burner flame-out`: the code is the first word
            when state = 'DOWN' and cause_event_type = 'FAULT'
                then regexp_extract(cause_detail, '^(\S+)', 1)
            when cause_event_type in ('MINOR_STOP', 'IDLE', 'CHANGEOVER_STARTED')
                then coalesce(cause_detail, 'UNKNOWN')
            when cause_event_type = 'CYCLE_COMPLETE' then 'BETWEEN_CYCLES'
            when cause_event_type = 'SHIFT_STARTED' then 'SHIFT_START'
            else 'UNKNOWN'
        end as cause_code,
        case
            when state = 'DOWN' and cause_event_type = 'FAULT'
                then nullif(regexp_extract(cause_detail, '^\S+\s+(.*)$', 1), '')
            when cause_event_type in ('MINOR_STOP', 'IDLE') then cause_detail
            when cause_event_type = 'CHANGEOVER_STARTED' then 'changeover to ' || cause_detail
            when cause_event_type = 'CYCLE_COMPLETE' then 'waiting between cycles'
            when cause_event_type = 'SHIFT_STARTED' then lower(state) || ' at shift start'
            else lower(state) || ', cause not logged'
        end as cause_text,
        case
            when state = 'DOWN' then is_failure_start
            when cause_event_type = 'MINOR_STOP' then is_small_stop_start
            else not (carries_on or is_split_continuation or coalesce(is_continuation, false))
        end as is_event_start
    from classified
),

final as (
    select
        state_interval_id,
        machine_id,
        production_date,
        shift_code,
        state,
        started_at,
        ended_at,
        duration_s,
        cast(loss_category as varchar) as loss_category,
        cast(cause_code as varchar) as cause_code,
        cast(cause_text as varchar) as cause_text,
        cast(is_event_start as boolean) as is_event_start
    from with_cause
)

select * from final
where {{ in_run_window('production_date') }}
