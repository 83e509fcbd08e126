-- One row per barcode read at a station and scanner the plant knows (scanner clock, possibly
-- skewed): quarantined rows left out (int_source_rows_quarantined); misreads flagged here,
-- double scans resolved by correlation.
with

base_scans as (
    select * from {{ ref('base_dispensing_cell__product_scans') }}
),

final as (
    select
        scan_id,
        scanner_id,
        station_id,
        product_code,
        is_misread,
        product_id,
        scanned_at_scanner_clock,
        timestamp_form,
        delivery_date,
        source_file,
        source_row_number
    from base_scans
    where rejected_reason is null
    qualify row_number() over (
        partition by scan_id
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
