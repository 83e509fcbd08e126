-- The shifts of the plant's shift model: local start and length.
with

source as (
    select * from {{ source('plant', 'shifts') }}
),

final as (
    select
        cast(shift_code as {{ string_type() }}) as shift_code,
        cast(shift_index as integer) as shift_index,
        {{ time_of_day('start_local') }} as start_local,
        cast(shift_minutes as integer) as shift_minutes
    from source
)

select * from final
