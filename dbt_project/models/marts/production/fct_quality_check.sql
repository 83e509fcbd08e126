{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per QC finding (batch × reason × disposition), dated by the inspected batch's
-- production date and carrying the machine version valid on that date.
with

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

batches as (
    select * from {{ ref('int_batches_enriched') }}
),

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

dated as (
    select
        qc_checks.*,
        -- the batch row can arrive later than its QC rows; the check id carries the same date
        coalesce(
            batches.production_date,
            {{ yyyymmdd_to_date('substr(qc_checks.check_id, 3, 8)') }}
        ) as production_date,
        batches.shift_code,
        batches.operator_id
    from qc_checks
    left join batches on qc_checks.batch_id = batches.batch_id
),

filtered as (
    select * from dated
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

final as (
    select
        filtered.check_id,
        filtered.batch_id,
        filtered.production_date,
        filtered.shift_code,
        machine_versions.machine_key,
        filtered.machine_id,
        filtered.product_id,
        filtered.operator_id,
        filtered.inspector_id,
        filtered.checked_at,
        filtered.reason_category,
        filtered.disposition,
        cast(filtered.sample_size as bigint) as sample_size,
        cast(filtered.defects_found as bigint) as defects_found,
        cast(case when filtered.disposition = 'SCRAP' then filtered.defects_found else 0 end as bigint) as scrap_qty,
        cast(case when filtered.disposition = 'REWORK' then filtered.defects_found else 0 end as bigint) as rework_qty,
        filtered.delivery_date,
        filtered.source_file,
        filtered.source_row_number
    from filtered
    left join machine_versions
        on
            filtered.machine_id = machine_versions.machine_id
            and filtered.production_date >= machine_versions.valid_from
            and filtered.production_date < machine_versions.valid_to
)

select * from final
