-- Detects a cycle correlated with a conveyor request issued after the cycle started (negative
-- wait): the request pairing picked the wrong request.
select cycle_id, request_id, wait_time_s
from {{ ref('int_process_cycles_correlated') }}
where wait_time_s < 0
