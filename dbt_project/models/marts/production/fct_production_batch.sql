{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- One row per production batch: quantities split by QC disposition, ideal production time at the
-- ideal cycle valid on the production date, energy, and the keys of the machine version, shift,
-- product and operator dimensions valid at the batch's production date.
with

batches as (
    select * from {{ ref('int_batches_enriched') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

final as (
    select
        batch_id,
        production_date,
        shift_code,
        production_date || '|' || shift_code as shift_key,
        machine_key,
        machine_id,
        line_id,
        product_id,
        operator_id,
        started_at,
        ended_at,
        batch_duration_s,
        produced_qty,
        good_qty,
        scrap_qty,
        rework_qty,
        units_defective_reported,
        qc_check_count,
        is_qc_consistent,
        ideal_cycle_time_s,
        ideal_production_time_s,
        energy_kwh,
        delivery_date,
        source_file
    from batches
)

select * from final
