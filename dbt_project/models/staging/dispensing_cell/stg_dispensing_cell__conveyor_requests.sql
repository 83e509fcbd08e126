-- One row per carrier request at a station of the plant (conveyor clock, taken as correct):
-- quarantined rows left out (int_source_rows_quarantined), the first copy of each id kept.
with

base_requests as (
    select * from {{ ref('base_dispensing_cell__conveyor_requests') }}
),

final as (
    select
        request_id,
        conveyor_id,
        station_id,
        machine_id,
        requested_at,
        production_date,
        timestamp_form,
        delivery_date,
        source_file,
        source_row_number
    from base_requests
    where rejected_reason is null
    qualify row_number() over (
        partition by request_id
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
