{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Per production date × operator: time signed in, on break and worked (operator logs), the
-- quantities of the batches run under the operator's id, and completed dispenser cycles.
with

operator_shifts as (
    select * from {{ ref('int_operator_shifts') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

batches as (
    select * from {{ ref('fct_production_batch') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

process_cycles as (
    select * from {{ ref('fct_process_cycle') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

plant_machines as (
    select * from {{ ref('stg_plant__machines') }}
),

batch_totals as (
    select
        production_date,
        operator_id,
        count(*) as batch_count,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty
    from batches
    group by production_date, operator_id
),

process_totals as (
    select
        production_date,
        operator_id,
        count(case when is_completed then 1 end) as process_count
    from process_cycles
    group by production_date, operator_id
),

joined as (
    select
        operator_shifts.production_date,
        operator_shifts.operator_id,
        operator_shifts.shift_code,
        operator_shifts.machine_id,
        machine_versions.machine_key,
        coalesce(plant_machines.is_process_station, false) as is_dispenser_operator,
        operator_shifts.signed_in_s,
        operator_shifts.break_s,
        operator_shifts.worked_s,
        coalesce(batch_totals.batch_count, 0) as batch_count,
        coalesce(batch_totals.produced_qty, 0) as produced_qty,
        coalesce(batch_totals.good_qty, 0) as good_qty,
        coalesce(batch_totals.scrap_qty, 0) as scrap_qty,
        coalesce(batch_totals.rework_qty, 0) as rework_qty,
        coalesce(process_totals.process_count, 0) as process_count
    from operator_shifts
    left join machine_versions
        on
            operator_shifts.machine_id = machine_versions.machine_id
            and operator_shifts.production_date >= machine_versions.valid_from
            and operator_shifts.production_date < machine_versions.valid_to
    left join plant_machines on operator_shifts.machine_id = plant_machines.machine_id
    left join batch_totals
        on
            operator_shifts.production_date = batch_totals.production_date
            and operator_shifts.operator_id = batch_totals.operator_id
    left join process_totals
        on
            operator_shifts.production_date = process_totals.production_date
            and operator_shifts.operator_id = process_totals.operator_id
),

final as (
    select
        production_date,
        operator_id,
        shift_code,
        machine_id,
        machine_key,
        signed_in_s,
        break_s,
        worked_s,
        cast(batch_count as bigint) as batch_count,
        cast(produced_qty as bigint) as produced_qty,
        cast(good_qty as bigint) as good_qty,
        cast(scrap_qty as bigint) as scrap_qty,
        cast(rework_qty as bigint) as rework_qty,
        {{ safe_ratio('good_qty', 'produced_qty') }} as quality,
        {{ safe_ratio('produced_qty * 3600', 'worked_s') }} as units_per_worked_h,
        cast(process_count as bigint) as process_count,
        case
            when is_dispenser_operator then {{ safe_ratio('process_count * 3600', 'worked_s') }}
        end as processes_per_worked_h
    from joined
)

select * from final
