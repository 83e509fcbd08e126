-- Detects a reconciliation that compares other numbers than the KPIs report: every machine-shift
-- of kpi_machine_shift must have exactly one kpi_reconciliation_daily row, whose batch units are
-- its produced_qty and whose log running time is its actual_production_time_s. Catches a
-- machine-shift dropped or doubled by the reconciliation's joins, or its batches read otherwise.
-- Dagster reports it as a check of kpi_reconciliation_daily (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'kpi_reconciliation_daily'}}}) }}
with

reconciliation as (
    select * from {{ ref('kpi_reconciliation_daily') }}
),

machine_shift as (
    select * from {{ ref('kpi_machine_shift') }}
),

final as (
    select
        coalesce(machine_shift.production_date, reconciliation.production_date) as production_date,
        coalesce(machine_shift.machine_id, reconciliation.machine_id) as machine_id,
        coalesce(machine_shift.shift_code, reconciliation.shift_code) as shift_code,
        machine_shift.produced_qty,
        reconciliation.batch_units,
        machine_shift.actual_production_time_s,
        reconciliation.running_s_log
    from machine_shift
    full outer join reconciliation
        on
            machine_shift.production_date = reconciliation.production_date
            and machine_shift.machine_id = reconciliation.machine_id
            and machine_shift.shift_code = reconciliation.shift_code
    where
        machine_shift.production_date is null
        or reconciliation.production_date is null
        or machine_shift.produced_qty <> reconciliation.batch_units
        or machine_shift.actual_production_time_s <> reconciliation.running_s_log
)

select * from final
