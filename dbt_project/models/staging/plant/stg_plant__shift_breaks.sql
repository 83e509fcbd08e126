-- Planned breaks of each shift (zero or more), local start and length.
with

source as (
    select * from {{ source('plant', 'shift_breaks') }}
),

final as (
    select
        cast(shift_code as {{ string_type() }}) as shift_code,
        cast(break_index as integer) as break_index,
        {{ time_of_day('break_start_local') }} as break_start_local,
        cast(break_minutes as integer) as break_minutes
    from source
)

select * from final
