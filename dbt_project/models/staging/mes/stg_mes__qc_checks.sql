-- One row per QC finding (batch × reason × disposition), names resolved, deduplicated by check id.
with

source as (
    select * from {{ source('mes', 'qc_checks') }}
    where {{ delivered_in_run_window('_delivery_date') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

product_aliases as (
    select * from {{ ref('stg_plant__product_spellings') }}
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

resolved as (
    select
        renamed.*,
        machine_aliases.machine_id,
        product_aliases.product_id
    from renamed
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
    left join product_aliases on product_aliases.alias_key = {{ alias_key('renamed.product_raw') }}
    qualify row_number() over (
        partition by renamed.check_id
        order by renamed.delivery_date, renamed.source_file, renamed.source_row_number
    ) = 1
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
    from resolved
)

select * from final
