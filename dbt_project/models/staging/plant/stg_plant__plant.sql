-- The plant: id, name, time zone and the local time each production date starts.
with

source as (
    select * from {{ source('plant', 'plant') }}
),

final as (
    select
        cast(plant_id as {{ string_type() }}) as plant_id,
        cast(plant_name as {{ string_type() }}) as plant_name,
        cast(timezone as {{ string_type() }}) as timezone,
        {{ time_of_day('day_start_local') }} as day_start_local
    from source
)

select * from final
