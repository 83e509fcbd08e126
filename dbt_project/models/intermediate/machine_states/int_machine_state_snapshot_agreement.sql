{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Data-quality signal, not a source of KPI time: per machine and production date, the share of
-- Good controller `State` reads (OPC-UA, every 60 s) whose state code agrees with the state the
-- log timeline has at that instant (int_machine_state_snapshots compares them). Stale and bad
-- reads are left out. Expect about 1 near the smelters and the assembler; the dispenser changes
-- state about twice a minute, so its snapshots agree less often although both sources are right
-- (data contract §9).
with

snapshots as (
    select * from {{ ref('int_machine_state_snapshots') }}
    where {{ in_context_window('production_date') }}
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
    from snapshots
    group by production_date, machine_id
)

select * from final
where {{ in_run_window('production_date') }}
