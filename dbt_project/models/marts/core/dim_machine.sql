-- Machine dimension, SCD type 2: one row per machine version derived from the asset-registry
-- exports. A version is valid for production dates in [valid_from, valid_to).
with

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

final as (
    select
        machine_key,
        machine_id,
        version_number,
        valid_from,
        valid_to,
        is_current,
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
        last_export_date
    from machine_versions
)

select * from final
