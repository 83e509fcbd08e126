-- Detects machine-shifts whose state timeline does not add up to the calendar: RUNNING + IDLE +
-- SETUP + DOWN + PLANNED_STOP seconds must equal the shift length (including 7 h / 9 h DST
-- nights), and the PLANNED_STOP seconds must equal the calendar break. A failure means gaps or
-- overlaps in int_machine_state_intervals, or a shift-boundary disagreement with dim_shift.
select
    production_date,
    machine_id,
    shift_code,
    shift_time_s,
    state_time_s,
    planned_stop_time_s,
    planned_stop_state_s
from {{ ref('int_machine_shift_quantities') }}
where
    state_time_s <> shift_time_s
    or planned_stop_state_s <> planned_stop_time_s
