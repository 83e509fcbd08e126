-- One row per batch the plant knows: quarantined rows left out (int_source_rows_quarantined),
-- the first delivered copy of each batch id kept.
with

base_batches as (
    select * from {{ ref('base_mes__production_batches') }}
),

resolved as (
    select {{ star_except('rejected_field, rejected_value, rejected_reason') }}
    from base_batches
    where rejected_reason is null
),

deduplicated as (
    select
        *,
        count(*) over (partition by batch_id) as copies_delivered
    from resolved
    qualify row_number() over (
        partition by batch_id order by delivery_date, source_file, source_row_number
    ) = 1
),

final as (
    select
        batch_id,
        machine_id,
        product_id,
        operator_id,
        started_at,
        ended_at,
        production_date,
        shift_code,
        units_produced,
        units_defective,
        energy_kwh,
        machine_raw,
        product_raw,
        timestamp_form,
        copies_delivered,
        delivery_date,
        source_file,
        source_row_number
    from deduplicated
)

select * from final
