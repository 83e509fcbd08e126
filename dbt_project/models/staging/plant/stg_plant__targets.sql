-- KPI targets of the plant file, per plant, line or machine.
with

source as (
    select * from {{ source('plant', 'targets') }}
),

final as (
    select
        cast(scope as {{ string_type() }}) as scope,
        cast(scope_id as {{ string_type() }}) as scope_id,
        cast(kpi as {{ string_type() }}) as kpi,
        cast(target as double) as target
    from source
)

select * from final
