-- KPI targets of the plant file, per plant, line or machine.
with

source as (
    select * from {{ source('plant', 'targets') }}
),

final as (
    select
        cast(scope as varchar) as scope,
        cast(scope_id as varchar) as scope_id,
        cast(kpi as varchar) as kpi,
        cast(target as double) as target
    from source
)

select * from final
