-- Detects a machine-log message format the rule table (var log_rules) does not know: every line
-- above DEBUG must match a rule, otherwise a state change could be silently lost. Heartbeats
-- (DEBUG) are expected to stay unmatched.
with

parsed_events as (
    select * from {{ ref('int_machine_log_events_parsed') }}
)

select
    machine_id,
    log_level,
    message,
    count(*) as line_count
from parsed_events
where
    not is_matched
    and log_level != 'DEBUG'
group by machine_id, log_level, message
