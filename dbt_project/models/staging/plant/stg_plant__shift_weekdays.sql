-- Which shifts the shift model schedules on each ISO weekday (1 = Monday).
with

source as (
    select * from {{ source('plant', 'shift_weekdays') }}
),

final as (
    select
        cast(iso_day_of_week as integer) as iso_day_of_week,
        cast(shift_code as {{ string_type() }}) as shift_code
    from source
)

select * from final
