-- Detects gaps and overlaps in a machine's state timeline: within a production date, every
-- interval must start exactly where the machine's previous interval ended (and the first one at
-- the start of the day). A gap means lost state time, an overlap double-counted time.
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
),

sequenced as (
    select
        machine_id,
        production_date,
        started_at,
        lag(ended_at) over (
            partition by machine_id, production_date order by started_at
        ) as previous_ended_at
    from state_intervals
)

select *
from sequenced
where
    previous_ended_at is not null
    and previous_ended_at != started_at
