-- One row per sensor reading: device time (may drift) and gateway time in UTC; nulls stay nulls.
with

source as (
    select * from {{ source('sensors', 'sensor_logs') }}
    where {{ delivered_in_run_window('_delivery_date') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
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
        renamed.temperature_c,
        renamed.pressure_bar,
        renamed.power_kw,
        renamed.vibration_mm_s,
        renamed.machine_raw,
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
    qualify row_number() over (
        partition by renamed.device_id, renamed.received_at, renamed.device_ts
        order by renamed.delivery_date, renamed.source_file, renamed.source_row_number
    ) = 1
)

select * from final
