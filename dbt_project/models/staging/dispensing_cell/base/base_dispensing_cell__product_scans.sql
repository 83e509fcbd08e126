-- Every delivered barcode read as the scanner reported it (scanner clock, possibly skewed):
-- misreads flagged, product named by the code's prefix, and the quarantine verdict (a station or
-- scanner the plant does not know). An unknown prefix is not quarantined: a misread can garble it.
with

source as (
    select * from {{ source('dispensing_cell', 'product_scans') }}
),

products as (
    select * from {{ ref('stg_plant__products') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

scanners as (
    select distinct scanner_id from {{ ref('stg_plant__machines') }}
    where scanner_id is not null
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
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
        machine_aliases.machine_id,
        renamed.product_code,
        not {{ regex_contains('renamed.product_code', "'^[A-Z]{3}-[0-9]{6}-[A-Z0-9]+-[0-9]{5}$'") }}
            as is_misread,
        products.product_id,
        renamed.scanned_at_scanner_clock,
        {{ production_date('renamed.scanned_at_scanner_clock') }} as production_date,
        renamed.timestamp_form,
        {{ quarantine_verdict([
            {'field': 'station_id', 'raw': 'renamed.station_id', 'resolved': 'machine_aliases.machine_id', 'noun': 'station'},
            {'field': 'scanner_id', 'raw': 'renamed.scanner_id', 'resolved': 'scanners.scanner_id', 'noun': 'scanner'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.station_id') }}
    left join scanners on renamed.scanner_id = scanners.scanner_id
    left join products
        on
            products.scan_code_prefix = split_part(renamed.product_code, '-', 1)
            and {{ regex_contains('renamed.product_code', "'^[A-Z]{3}-[0-9]{6}-[A-Z0-9]+-[0-9]{5}$'") }}
)

select * from final
