-- One row per QC finding (batch × reason × disposition) the plant knows: quarantined rows left
-- out (int_source_rows_quarantined), deduplicated by check id.
with

base_checks as (
    select * from {{ ref('base_mes__qc_checks') }}
),

final as (
    select
        check_id,
        batch_id,
        machine_id,
        product_id,
        checked_at,
        inspector_id,
        sample_size,
        defects_found,
        reason_category,
        disposition,
        machine_raw,
        product_raw,
        timestamp_form,
        delivery_date,
        source_file,
        source_row_number
    from base_checks
    where rejected_reason is null
    qualify row_number() over (
        partition by check_id
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
