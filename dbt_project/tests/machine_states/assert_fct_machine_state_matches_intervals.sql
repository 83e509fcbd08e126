-- Detects an incremental fact drifting from its source: per machine, production date and state,
-- gold fct_machine_state must hold the same time, failure and small-stop counts as
-- int_machine_state_intervals (a partition missed, loaded twice or stale after a restatement).
-- Dagster reports it as a check of fct_machine_state (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'fct_machine_state'}}}) }}
with

fact as (
    select
        machine_id,
        production_date,
        state,
        sum(duration_s) as duration_s,
        count(*) filter (where is_failure_start) as failures,
        count(*) filter (where is_small_stop_start) as small_stops
    from {{ ref('fct_machine_state') }}
    group by machine_id, production_date, state
),

source_intervals as (
    select
        machine_id,
        production_date,
        state,
        sum(duration_s) as duration_s,
        count(*) filter (where is_failure_start) as failures,
        count(*) filter (where is_small_stop_start) as small_stops
    from {{ ref('int_machine_state_intervals') }}
    group by machine_id, production_date, state
)

select
    coalesce(fact.machine_id, source_intervals.machine_id) as machine_id,
    coalesce(fact.production_date, source_intervals.production_date) as production_date,
    coalesce(fact.state, source_intervals.state) as state,
    fact.duration_s as fact_duration_s,
    source_intervals.duration_s as source_duration_s
from fact
full outer join source_intervals
    on
        fact.machine_id = source_intervals.machine_id
        and fact.production_date = source_intervals.production_date
        and fact.state = source_intervals.state
where
    fact.duration_s is distinct from source_intervals.duration_s
    or fact.failures is distinct from source_intervals.failures
    or fact.small_stops is distinct from source_intervals.small_stops
