-- Every spelling of a product with the key a raw name is looked up by (macro alias_key).
with

source as (
    select * from {{ source('plant', 'product_spellings') }}
),

keyed as (
    select
        {{ alias_key('spelling') }} as alias_key,
        cast(product_id as {{ string_type() }}) as product_id,
        cast(spelling as {{ string_type() }}) as example_spelling
    from source
),

final as (
    select * from keyed
    qualify row_number() over (partition by alias_key, product_id order by example_spelling) = 1
)

select * from final
