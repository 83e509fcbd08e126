-- Detects a daily KPI row that is not the sum of its shift rows (times, quantities, failures,
-- batches), or a plant row that is not the sum of its machine-days: the marts must aggregate base
-- quantities, and no machine, shift or day may be dropped or double counted. A machine-day with
-- only unscheduled activity (0 scheduled time, kpi_machine_daily.unscheduled_*) has no shift rows.
-- Dagster reports it as a check of kpi_machine_daily (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'kpi_machine_daily'}}}) }}
with

shifts as (
    select
        production_date,
        machine_id,
        sum(shift_time_s) as shift_time_s,
        sum(actual_production_time_s) as actual_production_time_s,
        sum(down_time_s) as down_time_s,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(failure_count) as failure_count,
        sum(batch_count) as batch_count
    from {{ ref('kpi_machine_shift') }}
    group by production_date, machine_id
),

daily as (
    select * from {{ ref('kpi_machine_daily') }}
),

plant as (
    select * from {{ ref('kpi_plant_daily') }}
),

machine_mismatches as (
    select daily.production_date, daily.machine_id, 'machine_daily vs machine_shift' as problem
    from daily
    full outer join shifts
        on daily.production_date = shifts.production_date and daily.machine_id = shifts.machine_id
    where
        (shifts.machine_id is null and (daily.shift_time_s <> 0 or daily.produced_qty <> 0))
        or daily.machine_id is null
        or daily.shift_time_s <> shifts.shift_time_s
        or daily.actual_production_time_s <> shifts.actual_production_time_s
        or daily.down_time_s <> shifts.down_time_s
        or daily.produced_qty <> shifts.produced_qty
        or daily.good_qty <> shifts.good_qty
        or daily.failure_count <> shifts.failure_count
        or daily.batch_count <> shifts.batch_count
),

plant_mismatches as (
    select plant.production_date, plant.plant_id as machine_id, 'plant_daily vs machine_daily' as problem
    from plant
    inner join (
        select
            production_date,
            sum(shift_time_s) as shift_time_s,
            sum(produced_qty) as produced_qty,
            sum(actual_production_time_s) as actual_production_time_s
        from daily
        group by production_date
    ) as machine_days on plant.production_date = machine_days.production_date
    where
        plant.shift_time_s <> machine_days.shift_time_s
        or plant.produced_qty <> machine_days.produced_qty
        or plant.actual_production_time_s <> machine_days.actual_production_time_s
)

select * from machine_mismatches
union all
select * from plant_mismatches
