-- Products of the plant file.
with

source as (
    select * from {{ source('plant', 'products') }}
),

final as (
    select
        cast(product_id as varchar) as product_id,
        cast(product_name as varchar) as product_name,
        cast(product_kind as varchar) as product_kind,
        cast(unit as varchar) as unit,
        cast(scan_code_prefix as varchar) as scan_code_prefix
    from source
)

select * from final
