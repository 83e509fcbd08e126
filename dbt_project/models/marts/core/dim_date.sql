-- Date dimension: one row per production date with calendar attributes and UTC bounds.
with

production_dates as (
    select * from {{ ref('int_production_dates') }}
),

final as (
    select * from production_dates
)

select * from final
