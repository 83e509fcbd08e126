-- One row per controller step record of a station the plant knows (controller clock):
-- quarantined rows left out (int_source_rows_quarantined), the first copy of each id kept.
with

base_records as (
    select * from {{ ref('base_dispensing_cell__equipment_records') }}
),

final as (
    select
        record_id,
        controller_id,
        station_id,
        machine_id,
        status_word,
        recorded_at,
        production_date,
        operator_id,
        timestamp_form,
        delivery_date,
        source_file,
        source_row_number
    from base_records
    where rejected_reason is null
    qualify row_number() over (
        partition by record_id
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
