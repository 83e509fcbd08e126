{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Per production date × machine: what a machine logged and produced in shifts the shift model
-- does not schedule on that date (a weekend, a holiday, a shift the plant does not staff that
-- weekday) or outside every shift. Such time is not planned time: it is reported here (and as a
-- data-quality finding), never added to or dropped from availability in silence.
with

shift_instances as (
    select * from {{ ref('int_shift_instances') }}
),

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

batches as (
    select * from {{ ref('int_batches_enriched') }}
    where {{ in_context_window('production_date') }}
),

unscheduled_states as (
    select
        state_intervals.production_date,
        state_intervals.machine_id,
        sum(state_intervals.duration_s) as unscheduled_state_s,
        sum(case when state_intervals.state = 'RUNNING' then state_intervals.duration_s else 0 end)
            as unscheduled_running_s
    from state_intervals
    anti join shift_instances
        on
            state_intervals.production_date = shift_instances.production_date
            and state_intervals.shift_code = shift_instances.shift_code
    group by state_intervals.production_date, state_intervals.machine_id
),

unscheduled_batches as (
    select
        batches.production_date,
        batches.machine_id,
        sum(batches.produced_qty) as unscheduled_produced_qty,
        count(*) as unscheduled_batch_count
    from batches
    -- a batch outside every shift (shift_code null) matches no instance and is kept
    anti join shift_instances
        on
            batches.production_date = shift_instances.production_date
            and batches.shift_code = shift_instances.shift_code
    group by batches.production_date, batches.machine_id
),

final as (
    select
        coalesce(unscheduled_states.production_date, unscheduled_batches.production_date) as production_date,
        coalesce(unscheduled_states.machine_id, unscheduled_batches.machine_id) as machine_id,
        cast(coalesce(unscheduled_states.unscheduled_state_s, 0) as bigint) as unscheduled_state_s,
        cast(coalesce(unscheduled_states.unscheduled_running_s, 0) as bigint) as unscheduled_running_s,
        cast(coalesce(unscheduled_batches.unscheduled_produced_qty, 0) as bigint) as unscheduled_produced_qty,
        cast(coalesce(unscheduled_batches.unscheduled_batch_count, 0) as bigint) as unscheduled_batch_count
    from unscheduled_states
    full outer join unscheduled_batches
        on
            unscheduled_states.production_date = unscheduled_batches.production_date
            and unscheduled_states.machine_id = unscheduled_batches.machine_id
)

select * from final
where {{ in_run_window('production_date') }}
