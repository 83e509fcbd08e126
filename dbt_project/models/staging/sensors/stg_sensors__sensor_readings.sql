-- One sensor reading per device, gateway time and device time on a machine the plant knows:
-- quarantined rows left out (int_source_rows_quarantined); nulls stay nulls.
with

base_readings as (
    select * from {{ ref('base_sensors__sensor_readings') }}
),

final as (
    select
        device_id,
        machine_id,
        device_ts,
        received_at,
        temperature_c,
        pressure_bar,
        power_kw,
        vibration_mm_s,
        machine_raw,
        delivery_date,
        source_file,
        source_row_number
    from base_readings
    where rejected_reason is null
    qualify row_number() over (
        partition by device_id, received_at, device_ts
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
