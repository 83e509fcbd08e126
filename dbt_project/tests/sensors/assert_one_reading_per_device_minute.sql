-- Detects duplicate aligned sensor readings: each device must have at most one reading per
-- sample minute after alignment on the gateway time.
select device_id, sample_at, count(*) as readings
from {{ ref('int_sensor_readings_aligned') }}
group by device_id, sample_at
having count(*) > 1
