{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Additive ISO 22400 base quantities per production date × machine × shift, unrounded. Scheduled
-- time is the length of each shift the shift model schedules on the date (int_shift_instances);
-- planned downtime is what the machine's state timeline says: every PLANNED_STOP interval, whatever
-- its reason, so an extra logged stop counts and a break worked through does not. Then state times,
-- failures and small stops from the timeline, and batch quantities, ideal production time and
-- energy. Every machine valid in the asset registry on the date gets all scheduled shifts of the
-- date, even without batches.
with

shift_instances as (
    select * from {{ ref('int_shift_instances') }}
),

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    where {{ in_context_window('production_date') }}
),

batches as (
    select * from {{ ref('int_batches_enriched') }}
    where {{ in_context_window('production_date') }}
),

machine_shifts as (
    select
        shift_instances.production_date,
        shift_instances.shift_code,
        shift_instances.shift_index,
        machine_versions.machine_id,
        machine_versions.machine_key,
        machine_versions.line_id,
        shift_instances.shift_time_s,
        shift_instances.scheduled_break_s
    from shift_instances
    inner join machine_versions
        on
            shift_instances.production_date >= machine_versions.valid_from
            and shift_instances.production_date < machine_versions.valid_to
),

state_totals as (
    select
        production_date,
        machine_id,
        shift_code,
        sum(case when state = 'RUNNING' then duration_s else 0 end) as running_s,
        sum(case when state = 'IDLE' then duration_s else 0 end) as idle_s,
        sum(case when state = 'SETUP' then duration_s else 0 end) as setup_s,
        sum(case when state = 'DOWN' then duration_s else 0 end) as down_s,
        sum(case when state = 'PLANNED_STOP' then duration_s else 0 end) as planned_stop_s,
        sum(duration_s) as state_time_s,
        count(case when is_failure_start then 1 end) as failure_count,
        count(case when is_small_stop_start then 1 end) as small_stop_count
    from state_intervals
    group by production_date, machine_id, shift_code
),

batch_totals as (
    select
        production_date,
        machine_id,
        shift_code,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty,
        sum(ideal_production_time_s) as ideal_production_time_s,
        sum(fully_productive_time_s) as fully_productive_time_s,
        sum(energy_kwh) as energy_kwh,
        count(*) as batch_count
    from batches
    group by production_date, machine_id, shift_code
),

final as (
    select
        machine_shifts.production_date,
        machine_shifts.machine_id,
        machine_shifts.shift_code,
        machine_shifts.shift_index,
        machine_shifts.machine_key,
        machine_shifts.line_id,
        cast(machine_shifts.shift_time_s as bigint) as shift_time_s,
        cast(coalesce(state_totals.planned_stop_s, 0) as bigint) as planned_stop_time_s,
        cast(machine_shifts.scheduled_break_s as bigint) as scheduled_break_s,
        cast(coalesce(state_totals.running_s, 0) as bigint) as running_s,
        cast(coalesce(state_totals.idle_s, 0) as bigint) as idle_s,
        cast(coalesce(state_totals.setup_s, 0) as bigint) as setup_s,
        cast(coalesce(state_totals.down_s, 0) as bigint) as down_s,
        cast(coalesce(state_totals.state_time_s, 0) as bigint) as state_time_s,
        cast(coalesce(state_totals.failure_count, 0) as bigint) as failure_count,
        cast(coalesce(state_totals.small_stop_count, 0) as bigint) as small_stop_count,
        cast(coalesce(batch_totals.produced_qty, 0) as bigint) as produced_qty,
        cast(coalesce(batch_totals.good_qty, 0) as bigint) as good_qty,
        cast(coalesce(batch_totals.scrap_qty, 0) as bigint) as scrap_qty,
        cast(coalesce(batch_totals.rework_qty, 0) as bigint) as rework_qty,
        cast(coalesce(batch_totals.ideal_production_time_s, 0) as double) as ideal_production_time_s,
        cast(coalesce(batch_totals.fully_productive_time_s, 0) as double) as fully_productive_time_s,
        cast(coalesce(batch_totals.energy_kwh, 0) as decimal(18, 3)) as energy_kwh,
        cast(coalesce(batch_totals.batch_count, 0) as bigint) as batch_count
    from machine_shifts
    left join state_totals
        on
            machine_shifts.production_date = state_totals.production_date
            and machine_shifts.machine_id = state_totals.machine_id
            and machine_shifts.shift_code = state_totals.shift_code
    left join batch_totals
        on
            machine_shifts.production_date = batch_totals.production_date
            and machine_shifts.machine_id = batch_totals.machine_id
            and machine_shifts.shift_code = batch_totals.shift_code
)

select * from final
where {{ in_run_window('production_date') }}
