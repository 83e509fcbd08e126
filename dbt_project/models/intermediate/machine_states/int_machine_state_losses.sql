{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per DOWN, SETUP or IDLE piece of the state timeline with the loss it is and its cause
-- (the loss tree's and the downtime Pareto's one classification, macros/loss_tree.sql has the
-- category names). DOWN is a breakdown, SETUP a setup/changeover; IDLE is a small stop when the
-- line that began it is one the rule table counts as a small stop (`Minor stop (cause)`; its
-- continuations after a break and across a shift boundary included), otherwise idle: waiting
-- between cycles, `Idle - <cause>` lines (waiting for material or carrier: starved or blocked),
-- idle at a shift start. A line that names the state (`Shift X started, state S`) and finds the
-- machine already in S carries on what was going on (a repair, a changeover or a minor stop
-- across the shift change): it takes the cause of the line that began it and starts no event of
-- its own; one that finds it in another state begins a new one, a setup then counted against the
-- product the machine runs next that date (the line names none). What each kind of line is comes
-- from the rule table (var log_rules, macros/log_rules.sql), never from event-type names here.
{#- sqlfluff's templater renders var() as text: lint against a placeholder rule then. -#}
{%- set log_rules = var('log_rules') if var('log_rules') is not string
    else [{'name': 'lint', 'pattern': '^$', 'event_type': 'LINT'}] %}
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

log_rules as (
    {{ log_rules_relation(log_rules) }}
),

line_kinds as (
    -- what a state line of each event type is, by the rules that produce it
    select
        event_type,
        bool_or(coalesce(counts = 'failure', false)) as is_failure_line,
        bool_or(coalesce(counts = 'small_stop', false)) as is_small_stop_line,
        bool_or(state_group is not null) as names_the_state,
        bool_or(state = 'RUNNING' and detail_group is not null) as names_the_product_run
    from log_rules
    group by event_type
),

sequenced as (
    select
        state_intervals.*,
        coalesce(line_kinds.names_the_state, false) as names_the_state,
        coalesce(line_kinds.names_the_product_run, false) as names_the_product_run,
        lag(state_intervals.state) over machine_timeline as previous_state,
        lag(state_intervals.ended_at) over machine_timeline as previous_ended_at
    from state_intervals
    left join line_kinds on state_intervals.event_type = line_kinds.event_type
    window machine_timeline as (
        partition by state_intervals.machine_id order by state_intervals.started_at
    )
),

carry_on_flagged as (
    select
        *,
        coalesce(
            names_the_state
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
        ) as cause_group,
        -- the product the machine runs next that date: what a setup begun by a line that names
        -- no product (a shift start) changed over to
        {{ first_non_null('case when names_the_product_run then detail end') }} over (
            partition by machine_id, production_date order by started_at
            rows between 1 following and unbounded following
        ) as next_product
    from carry_on_flagged
),

with_cause_line as (
    select
        cause_grouped.*,
        first_value(cause_grouped.event_type) over cause_line as cause_event_type,
        first_value(cause_grouped.detail) over cause_line as cause_detail,
        first_value(cause_grouped.names_the_state) over cause_line as cause_names_the_state,
        first_value(cause_grouped.next_product) over cause_line as cause_next_product
    from cause_grouped
    window cause_line as (
        partition by cause_grouped.machine_id, cause_grouped.cause_group
        order by cause_grouped.started_at
    )
),

classified as (
    select
        with_cause_line.*,
        coalesce(line_kinds.is_failure_line, false) as cause_is_failure_line,
        case
            when with_cause_line.state = 'DOWN' then '{{ loss_category("breakdown") }}'
            when with_cause_line.state = 'SETUP' then '{{ loss_category("setup") }}'
            when line_kinds.is_small_stop_line then '{{ loss_category("small_stop") }}'
            else '{{ loss_category("idle") }}'
        end as loss_category
    from with_cause_line
    left join line_kinds on with_cause_line.cause_event_type = line_kinds.event_type
    where with_cause_line.state in ('DOWN', 'SETUP', 'IDLE')
),

with_cause as (
    select
        *,
        case
            -- `E101 Burner flame-out`: the code is the first word
            when cause_is_failure_line then coalesce(regexp_extract(cause_detail, '^(\S+)', 1), 'UNKNOWN')
            when cause_names_the_state and state = 'SETUP' and cause_next_product is not null
                then cause_next_product
            when cause_names_the_state then 'SHIFT_START'
            else coalesce(cause_detail, cause_event_type, 'UNKNOWN')
        end as cause_code,
        case
            when cause_is_failure_line then nullif(regexp_extract(cause_detail, '^\S+\s+(.*)$', 1), '')
            when cause_names_the_state and state = 'SETUP' and cause_next_product is not null
                then 'changeover to ' || cause_next_product
            when cause_names_the_state then lower(state) || ' at shift start'
            when state = 'SETUP' and cause_detail is not null then 'changeover to ' || cause_detail
            else coalesce(cause_detail, lower(replace(cause_event_type, '_', ' ')))
        end as cause_text,
        case
            when state = 'DOWN' then is_failure_start
            when loss_category = '{{ loss_category("small_stop") }}' then is_small_stop_start
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
        cast(loss_category as {{ string_type() }}) as loss_category,
        cast(cause_code as {{ string_type() }}) as cause_code,
        cast(cause_text as {{ string_type() }}) as cause_text,
        cast(is_event_start as boolean) as is_event_start
    from with_cause
)

select * from final
where {{ in_run_window('production_date') }}
