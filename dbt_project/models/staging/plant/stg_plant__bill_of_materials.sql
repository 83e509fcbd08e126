-- Components per unit of each product (bill of materials of the plant file).
with

source as (
    select * from {{ source('plant', 'bill_of_materials') }}
),

final as (
    select
        cast(product_id as {{ string_type() }}) as product_id,
        cast(component_id as {{ string_type() }}) as component_id,
        cast(quantity_per_unit as integer) as quantity_per_unit
    from source
)

select * from final
