-- Non-working dates of the plant: no shift is scheduled on them.
with

source as (
    select * from {{ source('plant', 'holidays') }}
),

final as (
    select
        cast(holiday_date as date) as holiday_date,
        cast(holiday_name as {{ string_type() }}) as holiday_name
    from source
)

select * from final
