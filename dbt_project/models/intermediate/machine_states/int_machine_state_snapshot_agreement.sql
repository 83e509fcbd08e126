{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Data-quality signal, not a source of KPI time: per machine and production date, the share of
-- Good controller `State` reads (OPC-UA, every 60 s) whose state code agrees with the state the
-- log timeline has at that instant. Stale and bad reads are left out. Expect about 1 near the
-- smelters and the assembler; the dispenser changes state about twice a minute, so its snapshots
-- agree less often although both sources are right (data contract §9).
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
        state_codes.state as snapshot_state
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
        snapshot_state,
        max(interval_started_at) over (
            partition by machine_id order by event_at asc, is_interval desc
            rows between unbounded preceding and current row
        ) as interval_started_at
    from (
        select
            machine_id, started_at as event_at, true as is_interval, started_at as interval_started_at,
            null as polled_at, null as snapshot_state
        from state_intervals
        union all
        select
            machine_id, polled_at as event_at, false as is_interval, null as interval_started_at,
            polled_at, snapshot_state
        from state_reads
    ) as timeline
    qualify not is_interval
),

compared as (
    select
        coalesce(state_intervals.production_date, {{ production_date('reads.polled_at') }})
            as production_date,
        reads.machine_id,
        reads.snapshot_state,
        state_intervals.state as log_state
    from reads_with_interval_start as reads
    left join state_intervals
        on
            reads.machine_id = state_intervals.machine_id
            and reads.interval_started_at = state_intervals.started_at
            and reads.polled_at < state_intervals.ended_at
),

final as (
    select
        production_date,
        machine_id,
        count(*) as snapshot_samples,
        count(*) filter (where log_state is not null) as samples_with_log_state,
        count(*) filter (where snapshot_state = log_state) as agreeing_samples,
        round(
            count(*) filter (where snapshot_state = log_state)
            / nullif(count(*) filter (where log_state is not null), 0),
            6
        ) as agreement_share
    from compared
    group by production_date, machine_id
)

select * from final
where {{ in_run_window('production_date') }}
