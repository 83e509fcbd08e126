-- Detects machine-shifts whose state timeline does not add up to the calendar: RUNNING + IDLE +
-- SETUP + DOWN + PLANNED_STOP seconds must equal the shift length (including 7 h / 9 h DST
-- nights), and the PLANNED_STOP seconds must equal the calendar break. A failure means gaps or
-- overlaps in int_machine_state_intervals, or a shift-boundary disagreement with dim_shift.
-- A machine-date without a single state line is a log file not delivered yet (files can land up
-- to 4 days late, data contract §3.4), not a gap: it fails only once delivery D+4 is loaded.
{{ config(meta={'dagster': {'ref': {'name': 'int_machine_shift_quantities'}}}) }}
with

shift_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
),

bronze_files as (
    select * from {{ ref('stg_bronze__files') }}
),

latest_delivery as (
    select max(delivery_date) as delivery_date from bronze_files
),

machine_dates as (
    select
        production_date,
        machine_id,
        sum(state_time_s) as logged_state_s
    from shift_quantities
    group by production_date, machine_id
),

final as (
    select
        shift_quantities.production_date,
        shift_quantities.machine_id,
        shift_quantities.shift_code,
        shift_quantities.shift_time_s,
        shift_quantities.state_time_s,
        shift_quantities.planned_stop_time_s,
        shift_quantities.planned_stop_state_s
    from shift_quantities
    inner join machine_dates
        on
            shift_quantities.production_date = machine_dates.production_date
            and shift_quantities.machine_id = machine_dates.machine_id
    cross join latest_delivery
    where
        (
            shift_quantities.state_time_s <> shift_quantities.shift_time_s
            or shift_quantities.planned_stop_state_s <> shift_quantities.planned_stop_time_s
        )
        and (
            machine_dates.logged_state_s > 0
            or shift_quantities.production_date + 4 <= latest_delivery.delivery_date
        )
)

select * from final
