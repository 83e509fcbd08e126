-- One row per machine per daily export of the asset registry.
with

source as (
    select * from {{ source('asset_registry', 'asset_registry') }}
),

final as (
    select
        try_cast(export_date as date) as export_date,
        trim(machine_id) as machine_id,
        trim(line_id) as line_id,
        trim(machine_type) as machine_type,
        trim(manufacturer) as manufacturer,
        trim(model) as model,
        trim(firmware_version) as firmware_version,
        trim(location) as location,
        trim(ideal_cycle_times) as ideal_cycle_times,
        try_cast(last_maintenance_date as date) as last_maintenance_date,
        try_cast(effective_date as date) as effective_date,
        _delivery_date as delivery_date,
        _source_file as source_file,
        _row_number as source_row_number
    from source
    qualify row_number() over (
        partition by export_date, machine_id order by _delivery_date, _source_file, _row_number
    ) = 1
)

select * from final
