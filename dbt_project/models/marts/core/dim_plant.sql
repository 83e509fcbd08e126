-- Plant dimension: the plant this warehouse serves, from the home's plant file (one row), so that
-- analysts and the dashboard read its id, name and time zone from gold, never from constants.
with

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

final as (
    select
        cast(plant_id as {{ string_type() }}) as plant_id,
        cast(plant_name as {{ string_type() }}) as plant_name,
        cast(timezone as {{ string_type() }}) as timezone,
        {{ stored_time_of_day('day_start_local') }} as day_start_local
    from plant
)

select * from final
