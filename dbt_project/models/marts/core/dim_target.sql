-- Effective KPI targets from the plant file's `targets` section, one row per scope: the plant,
-- each line and each machine of the plant file. Each KPI resolves on its own: the machine's own
-- target, else its line's, else the plant's; null when no level sets it.
with

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

lines as (
    select * from {{ ref('stg_plant__lines') }}
),

machines as (
    select * from {{ ref('stg_plant__machines') }}
),

targets as (
    select * from {{ ref('stg_plant__targets') }}
),

targets_by_scope as (
    select
        scope,
        scope_id,
        max(target) filter (where kpi = 'oee') as oee,
        max(target) filter (where kpi = 'availability') as availability,
        max(target) filter (where kpi = 'performance') as performance,
        max(target) filter (where kpi = 'quality') as quality
    from targets
    group by scope, scope_id
),

scopes as (
    select
        'plant' as scope,
        plant_id as scope_id,
        cast(null as {{ string_type() }}) as line_id,
        cast(null as {{ string_type() }}) as machine_id
    from plant
    union all
    select
        'line' as scope,
        line_id as scope_id,
        line_id,
        cast(null as {{ string_type() }}) as machine_id
    from lines
    union all
    select
        'machine' as scope,
        machine_id as scope_id,
        line_id,
        machine_id
    from machines
),

resolved as (
    select
        scopes.scope,
        scopes.scope_id,
        coalesce(machine_targets.oee, line_targets.oee, plant_targets.oee) as oee,
        coalesce(machine_targets.availability, line_targets.availability, plant_targets.availability)
            as availability,
        coalesce(machine_targets.performance, line_targets.performance, plant_targets.performance)
            as performance,
        coalesce(machine_targets.quality, line_targets.quality, plant_targets.quality) as quality,
        case
            when machine_targets.scope_id is not null then 'machine'
            when line_targets.scope_id is not null then 'line'
            when plant_targets.scope_id is not null then 'plant'
        end as defined_at
    from scopes
    left join targets_by_scope as machine_targets
        on machine_targets.scope = 'machine' and scopes.machine_id = machine_targets.scope_id
    left join targets_by_scope as line_targets
        on line_targets.scope = 'line' and scopes.line_id = line_targets.scope_id
    -- the plant file describes one plant: its plant-wide targets apply to every scope
    left join targets_by_scope as plant_targets
        on plant_targets.scope = 'plant'
),

final as (
    select
        cast(scope as {{ string_type() }}) as scope,
        cast(scope_id as {{ string_type() }}) as scope_id,
        cast(oee as double) as oee,
        cast(availability as double) as availability,
        cast(performance as double) as performance,
        cast(quality as double) as quality,
        cast(defined_at as {{ string_type() }}) as defined_at
    from resolved
)

select * from final
