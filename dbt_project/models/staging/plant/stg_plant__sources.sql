-- Every landing source and whether the plant delivers it (plant file key `sources`).
with

source as (
    select * from {{ source('plant', 'sources') }}
),

final as (
    select
        cast(source_name as {{ string_type() }}) as source_name,
        cast(is_delivered as boolean) as is_delivered
    from source
)

select * from final
