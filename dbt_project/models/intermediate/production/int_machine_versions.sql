-- SCD type 2 history of the machine master data, rebuilt from the daily asset-registry exports:
-- one row per machine and run of consecutive exports with identical attributes. A machine is
-- commissioned on the first export that lists it and retired when it leaves the export: when a
-- later export exists without it, its last version closes the day after its last export (no
-- planned time afterwards); otherwise the last version stays open (9999-12-31).
with

exports as (
    select * from {{ ref('stg_asset_registry__machine_exports') }}
),

latest_export as (
    select max(export_date) as export_date from exports
),

compared as (
    select
        *,
        lag(
            concat_ws(
                '|', line_id, machine_type, manufacturer, model, firmware_version, location,
                ideal_cycle_times, cast(last_maintenance_date as {{ string_type() }})
            )
        ) over (partition by machine_id order by export_date) as previous_attributes,
        concat_ws(
            '|', line_id, machine_type, manufacturer, model, firmware_version, location,
            ideal_cycle_times, cast(last_maintenance_date as {{ string_type() }})
        ) as attributes
    from exports
),

version_starts as (
    select
        *,
        -- a new version starts at the first export and wherever any attribute changed
        sum(case when previous_attributes is distinct from attributes then 1 else 0 end)
            over (partition by machine_id order by export_date rows unbounded preceding)
            as version_number
    from compared
),

versions as (
    select
        machine_id,
        version_number,
        min(export_date) as first_export_date,
        max(export_date) as last_export_date,
        count(*) as export_count,
        {{ value_at_min('effective_date', 'export_date') }} as effective_date,
        {{ value_at_min('line_id', 'export_date') }} as line_id,
        {{ value_at_min('machine_type', 'export_date') }} as machine_type,
        {{ value_at_min('manufacturer', 'export_date') }} as manufacturer,
        {{ value_at_min('model', 'export_date') }} as model,
        {{ value_at_min('firmware_version', 'export_date') }} as firmware_version,
        {{ value_at_min('location', 'export_date') }} as location,
        {{ value_at_min('ideal_cycle_times', 'export_date') }} as ideal_cycle_times,
        {{ value_at_min('last_maintenance_date', 'export_date') }} as last_maintenance_date
    from version_starts
    group by machine_id, version_number
),

dated as (
    select
        *,
        lag(last_export_date) over (partition by machine_id order by version_number)
            as previous_last_export_date
    from versions
),

with_valid_from as (
    select
        *,
        -- the exported effective date says when the change took effect; it can never precede
        -- the day after the previous version was last exported, nor follow the first export
        case
            when previous_last_export_date is null then least(coalesce(effective_date, first_export_date), first_export_date)
            when effective_date > previous_last_export_date and effective_date <= first_export_date then effective_date
            else first_export_date
        end as valid_from
    from dated
),

final as (
    select
        md5(machine_id || '|' || cast(valid_from as {{ string_type() }})) as machine_key,
        machine_id,
        cast(version_number as integer) as version_number,
        valid_from,
        coalesce(
            lead(valid_from) over (partition by machine_id order by version_number),
            case
                when last_export_date < latest_export.export_date then cast(last_export_date + 1 as date)
                else date '9999-12-31'
            end
        ) as valid_to,
        lead(valid_from) over (partition by machine_id order by version_number) is null
        and last_export_date = latest_export.export_date as is_current,
        line_id,
        machine_type,
        manufacturer,
        model,
        firmware_version,
        location,
        ideal_cycle_times,
        last_maintenance_date,
        effective_date,
        first_export_date,
        last_export_date,
        cast(export_count as integer) as export_count
    from with_valid_from
    cross join latest_export
)

select * from final
