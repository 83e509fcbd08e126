-- Detects inconsistent cycle counts in kpi_process_daily (started must equal completed + aborted)
-- and a daily row that does not match the per-cycle fact it is computed from.
-- Dagster reports it as a check of kpi_process_daily (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'kpi_process_daily'}}}) }}
with

fact as (
    select production_date, machine_id, count(*) as cycles
    from {{ ref('fct_process_cycle') }}
    group by 1, 2
)

select kpi.production_date, kpi.machine_id
from {{ ref('kpi_process_daily') }} as kpi
left join fact
    on
        kpi.production_date = fact.production_date
        and kpi.machine_id = fact.machine_id
where
    kpi.cycles_started <> kpi.cycles_completed + kpi.cycles_aborted
    or fact.cycles is distinct from kpi.cycles_started
