{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Fact: one row per machine state interval (from the machine logs), cut at shift boundaries.
-- Sum duration_s by state for the ISO 22400 times; count is_failure_start / is_small_stop_start
-- for failures and small stops. Carries the natural keys (machine_id, production_date,
-- shift_code) and the dimension keys (machine_key of the version valid that date, shift_key).
with

state_intervals as (
    select * from {{ ref('int_machine_state_intervals') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

state_codes as (
    select * from {{ ref('stg_plant__state_codes') }}
),

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

shift_instances as (
    select * from {{ ref('int_shift_instances') }}
),

final as (
    select
        state_intervals.state_interval_id as machine_state_id,
        state_intervals.machine_id,
        state_intervals.production_date,
        state_intervals.shift_code,
        -- null in a shift the shift model does not schedule that date (weekend, holiday)
        shift_instances.shift_key,
        shift_instances.shift_key is not null as is_scheduled,
        machine_versions.machine_key,
        state_intervals.state,
        cast(state_codes.state_code as integer) as state_code,
        state_intervals.started_at,
        state_intervals.ended_at,
        state_intervals.duration_s,
        state_intervals.detail,
        state_intervals.event_type,
        state_intervals.is_failure_start,
        state_intervals.is_small_stop_start,
        state_intervals.is_continuation,
        state_intervals.is_split_continuation,
        state_intervals.source_file,
        state_intervals.source_row_number
    from state_intervals
    left join state_codes on state_intervals.state = state_codes.state
    -- the machine version valid on the production date (SCD2 dim_machine)
    left join machine_versions
        on
            state_intervals.machine_id = machine_versions.machine_id
            and state_intervals.production_date >= machine_versions.valid_from
            and state_intervals.production_date < machine_versions.valid_to
    left join shift_instances
        on
            state_intervals.production_date = shift_instances.production_date
            and state_intervals.shift_code = shift_instances.shift_code
)

select * from final
