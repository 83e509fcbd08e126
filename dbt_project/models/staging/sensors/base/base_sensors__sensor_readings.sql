-- Every delivered sensor reading: typed, times in UTC, machine resolved through the plant's
-- spellings, and the quarantine verdict (a machine the plant does not know).
with

source as (
    select * from {{ source('sensors', 'sensor_logs') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

renamed as (
    select
        trim(device_id) as device_id,
        machine as machine_raw,
        {{ to_utc('ts') }} as device_ts,
        {{ to_utc('received_at') }} as received_at,
        try_cast(temperature_c as double) as temperature_c,
        try_cast(pressure_bar as double) as pressure_bar,
        try_cast(power_kw as double) as power_kw,
        try_cast(vibration_mm_s as double) as vibration_mm_s,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        renamed.device_id,
        machine_aliases.machine_id,
        renamed.device_ts,
        renamed.received_at,
        {{ production_date('renamed.received_at') }} as production_date,
        renamed.temperature_c,
        renamed.pressure_bar,
        renamed.power_kw,
        renamed.vibration_mm_s,
        renamed.machine_raw,
        {{ quarantine_verdict([
            {'field': 'machine', 'raw': 'renamed.machine_raw', 'resolved': 'machine_aliases.machine_id', 'noun': 'machine'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
)

select * from final
