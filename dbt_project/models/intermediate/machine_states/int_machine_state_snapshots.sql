{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per Good controller `State` read (OPC-UA) with the state it reports and the state the
-- log timeline has at that instant: the one comparison of the two state sources, which
-- int_machine_state_snapshot_agreement (per machine-day) and kpi_reconciliation_daily (time in
-- state per machine-shift) aggregate. Stale and bad reads are left out. A read holds its state
-- until the machine's next Good State read (held_until; null after the last one loaded).
with

node_reads as (
    select * from {{ ref('stg_plc__node_reads') }}
    where {{ at_in_context_window('polled_at') }}
),

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

state_codes as (
    select * from {{ ref('stg_plant__state_codes') }}
),

state_reads as (
    select
        node_reads.machine_id,
        node_reads.polled_at,
        state_codes.state as snapshot_state,
        lead(node_reads.polled_at) over (
            partition by node_reads.machine_id order by node_reads.polled_at
        ) as held_until
    from node_reads
    left join state_codes on node_reads.value = state_codes.state_code
    where
        node_reads.node_name = 'State'
        and node_reads.is_good
        and node_reads.machine_id is not null
),

-- the interval a read falls in: the last one starting at or before it (a window, not a range
-- join), provided it has not ended yet
reads_with_interval_start as (
    select
        machine_id,
        polled_at,
        held_until,
        snapshot_state,
        max(interval_started_at) over (
            partition by machine_id order by event_at asc, is_interval desc
            rows between unbounded preceding and current row
        ) as interval_started_at
    from (
        select
            machine_id, started_at as event_at, true as is_interval, started_at as interval_started_at,
            null as polled_at, null as held_until, null as snapshot_state
        from state_intervals
        union all
        select
            machine_id, polled_at as event_at, false as is_interval, null as interval_started_at,
            polled_at, held_until, snapshot_state
        from state_reads
    ) as timeline
    qualify not is_interval
),

final as (
    select
        coalesce(state_intervals.production_date, {{ production_date('reads.polled_at') }})
            as production_date,
        coalesce(state_intervals.shift_code, {{ shift_code('reads.polled_at') }}) as shift_code,
        reads.machine_id,
        reads.polled_at,
        reads.held_until,
        reads.snapshot_state,
        state_intervals.state as log_state
    from reads_with_interval_start as reads
    left join state_intervals
        on
            reads.machine_id = state_intervals.machine_id
            and reads.interval_started_at = state_intervals.started_at
            and reads.polled_at < state_intervals.ended_at
)

select * from final
where {{ in_run_window('production_date') }}
