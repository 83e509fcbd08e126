-- Every delivered QC row: renamed, typed, times in UTC, names resolved through the plant's
-- spellings, and the quarantine verdict (machine or product the plant does not know).
with

source as (
    select * from {{ source('mes', 'qc_checks') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

product_aliases as (
    select * from {{ ref('stg_plant__product_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

renamed as (
    select
        trim(check_id) as check_id,
        trim(batch_id) as batch_id,
        machine_id as machine_raw,
        product as product_raw,
        {{ to_utc('checked_at') }} as checked_at,
        {{ timestamp_form('checked_at') }} as timestamp_form,
        trim(inspector_id) as inspector_id,
        try_cast(sample_size as integer) as sample_size,
        try_cast(defects_found as integer) as defects_found,
        nullif(upper(trim(reason_category)), '') as reason_category,
        upper(trim(disposition)) as disposition,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        renamed.check_id,
        renamed.batch_id,
        machine_aliases.machine_id,
        product_aliases.product_id,
        renamed.checked_at,
        -- the inspection's own date; the KPIs count a check on its batch's date
        {{ production_date('renamed.checked_at') }} as production_date,
        renamed.inspector_id,
        renamed.sample_size,
        renamed.defects_found,
        renamed.reason_category,
        renamed.disposition,
        renamed.machine_raw,
        renamed.product_raw,
        renamed.timestamp_form,
        {{ quarantine_verdict([
            {'field': 'machine_id', 'raw': 'renamed.machine_raw', 'resolved': 'machine_aliases.machine_id', 'noun': 'machine'},
            {'field': 'product', 'raw': 'renamed.product_raw', 'resolved': 'product_aliases.product_id', 'noun': 'product'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
    left join product_aliases on product_aliases.alias_key = {{ alias_key('renamed.product_raw') }}
)

select * from final
