-- Production lines of the plant file.
with

source as (
    select * from {{ source('plant', 'lines') }}
),

final as (
    select
        cast(line_id as {{ string_type() }}) as line_id,
        cast(line_name as {{ string_type() }}) as line_name
    from source
)

select * from final
