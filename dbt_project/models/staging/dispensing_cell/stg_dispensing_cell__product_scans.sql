-- One row per barcode read as the scanner reported it (scanner clock, possibly skewed); misreads
-- are flagged here, double scans are resolved by correlation.
with

source as (
    select * from {{ source('dispensing_cell', 'product_scans') }}
    where {{ delivered_in_run_window('_delivery_date') }}
),

products as (
    select * from {{ ref('stg_plant__products') }}
),

renamed as (
    select
        trim(scan_id) as scan_id,
        trim(scanner_id) as scanner_id,
        trim(station_id) as station_id,
        trim(product_code) as product_code,
        {{ to_utc('scanned_at') }} as scanned_at_scanner_clock,
        {{ timestamp_form('scanned_at') }} as timestamp_form,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        renamed.scan_id,
        renamed.scanner_id,
        renamed.station_id,
        renamed.product_code,
        not regexp_matches(renamed.product_code, '^[A-Z]{3}-[0-9]{6}-[A-Z0-9]+-[0-9]{5}$')
            as is_misread,
        products.product_id,
        renamed.scanned_at_scanner_clock,
        renamed.timestamp_form,
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    left join products
        on
            products.scan_code_prefix = split_part(renamed.product_code, '-', 1)
            and regexp_matches(renamed.product_code, '^[A-Z]{3}-[0-9]{6}-[A-Z0-9]+-[0-9]{5}$')
    qualify row_number() over (
        partition by renamed.scan_id
        order by renamed.delivery_date, renamed.source_file, renamed.source_row_number
    ) = 1
)

select * from final
