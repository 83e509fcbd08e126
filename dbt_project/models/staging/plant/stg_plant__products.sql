-- Products of the plant file.
with

source as (
    select * from {{ source('plant', 'products') }}
),

final as (
    select
        cast(product_id as {{ string_type() }}) as product_id,
        cast(product_name as {{ string_type() }}) as product_name,
        cast(product_kind as {{ string_type() }}) as product_kind,
        cast(unit as {{ string_type() }}) as unit,
        cast(scan_code_prefix as {{ string_type() }}) as scan_code_prefix
    from source
)

select * from final
