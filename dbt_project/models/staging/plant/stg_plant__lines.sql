-- Production lines of the plant file.
with

source as (
    select * from {{ source('plant', 'lines') }}
),

final as (
    select
        cast(line_id as varchar) as line_id,
        cast(line_name as varchar) as line_name
    from source
)

select * from final
