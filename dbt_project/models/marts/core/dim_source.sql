-- Source dimension: every landing source, whether the home's plant delivers it (plant file key
-- `sources`) and the gold marts that need it (`meta.needs_sources` in dbt_project.yml), so the run
-- summary and the dashboard can say which marts are empty by design, and why, from gold alone.
with

plant_sources as (
    select * from {{ ref('stg_plant__sources') }}
),

mart_needs as (
    {{ mart_source_needs_relation() }}
),

needed_by as (
    select
        source_name,
        {{ ordered_list('mart_name', 'mart_name') }} as marts
    from mart_needs
    group by source_name
),

final as (
    select
        cast(plant_sources.source_name as {{ string_type() }}) as source_name,
        cast(plant_sources.is_delivered as boolean) as is_delivered,
        cast(coalesce(needed_by.marts, {{ empty_list() }}) as {{ list_type(string_type()) }}) as needed_by
    from plant_sources
    left join needed_by on plant_sources.source_name = needed_by.source_name
)

select * from final
