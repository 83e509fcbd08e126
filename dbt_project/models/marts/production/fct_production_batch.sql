{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per production batch: quantities split by QC disposition, ideal production time at the
-- ideal cycle valid on the production date, energy, and the keys of the machine version, shift,
-- product and operator dimensions valid at the batch's production date. A batch in a shift the
-- shift model does not schedule that date (a weekend, a holiday) has no shift instance: its
-- shift_key is null and is_scheduled false (kpi_machine_daily.unscheduled_produced_qty).
with

batches as (
    select * from {{ ref('int_batches_enriched') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

shift_instances as (
    select * from {{ ref('int_shift_instances') }}
),

final as (
    select
        batches.batch_id,
        batches.production_date,
        batches.shift_code,
        shift_instances.shift_key,
        shift_instances.shift_key is not null as is_scheduled,
        batches.machine_key,
        batches.machine_id,
        batches.line_id,
        batches.product_id,
        batches.operator_id,
        batches.started_at,
        batches.ended_at,
        batches.batch_duration_s,
        batches.produced_qty,
        batches.good_qty,
        batches.scrap_qty,
        batches.rework_qty,
        batches.units_defective_reported,
        batches.qc_check_count,
        batches.is_qc_consistent,
        batches.ideal_cycle_time_s,
        batches.ideal_production_time_s,
        batches.energy_kwh,
        batches.delivery_date,
        batches.source_file,
        batches.source_row_number
    from batches
    left join shift_instances
        on
            batches.production_date = shift_instances.production_date
            and batches.shift_code = shift_instances.shift_code
)

select * from final
