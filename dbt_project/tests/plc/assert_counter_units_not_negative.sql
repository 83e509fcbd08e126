-- Detects a counter delta below zero (a reset or rollover misread as negative production) or
-- an implausible jump (more than 100 units in one poll interval, e.g. a reset taken as a rollover).
select machine_id, interval_end_at, delta_kind, units
from {{ ref('int_counter_deltas') }}
where
    units < 0
    or units > 100 * greatest(1, interval_s / 60)
