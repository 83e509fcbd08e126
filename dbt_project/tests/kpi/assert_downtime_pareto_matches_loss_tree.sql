-- Detects a machine-shift whose downtime Pareto does not add up to its loss tree and KPIs: Σ
-- loss_time_s of each category must equal that category's loss in kpi_loss_tree (breakdown,
-- small stop, setup), and Σ event_count of breakdowns and small stops the failure_count and
-- small_stop_count of kpi_machine_shift. Catches a cause dropped or double counted, or a
-- continuation counted as a new event.
-- Dagster reports it as a check of kpi_downtime_pareto (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'kpi_downtime_pareto'}}}) }}
with

pareto as (
    select * from {{ ref('kpi_downtime_pareto') }}
),

loss_tree as (
    select * from {{ ref('kpi_loss_tree') }}
    where grain = 'machine_shift'
),

machine_shift as (
    select * from {{ ref('kpi_machine_shift') }}
),

pareto_totals as (
    select
        production_date,
        machine_id,
        shift_code,
        coalesce(sum(loss_time_s) filter (where loss_category = 'breakdown'), 0) as breakdown_s,
        coalesce(sum(loss_time_s) filter (where loss_category = 'small_stop'), 0) as small_stop_s,
        coalesce(sum(loss_time_s) filter (where loss_category = 'setup'), 0) as setup_s,
        coalesce(sum(event_count) filter (where loss_category = 'breakdown'), 0) as failure_count,
        coalesce(sum(event_count) filter (where loss_category = 'small_stop'), 0) as small_stop_count
    from pareto
    group by production_date, machine_id, shift_code
),

compared as (
    select
        loss_tree.loss_key,
        coalesce(pareto_totals.breakdown_s, 0) <> loss_tree.breakdown_loss_s as breakdown_differs,
        coalesce(pareto_totals.small_stop_s, 0) <> loss_tree.small_stop_loss_s as small_stop_differs,
        coalesce(pareto_totals.setup_s, 0) <> loss_tree.setup_loss_s as setup_differs,
        coalesce(pareto_totals.failure_count, 0) <> machine_shift.failure_count as failure_count_differs,
        coalesce(pareto_totals.small_stop_count, 0) <> machine_shift.small_stop_count
            as small_stop_count_differs
    from loss_tree
    inner join machine_shift
        on
            loss_tree.production_date = machine_shift.production_date
            and loss_tree.machine_id = machine_shift.machine_id
            and loss_tree.shift_code = machine_shift.shift_code
    left join pareto_totals
        on
            loss_tree.production_date = pareto_totals.production_date
            and loss_tree.machine_id = pareto_totals.machine_id
            and loss_tree.shift_code = pareto_totals.shift_code
),

orphans as (
    -- a Pareto row of a machine-shift the loss tree does not have
    select
        pareto_totals.production_date || '|' || pareto_totals.machine_id || '|'
        || pareto_totals.shift_code as loss_key,
        true as breakdown_differs,
        true as small_stop_differs,
        true as setup_differs,
        true as failure_count_differs,
        true as small_stop_count_differs
    from pareto_totals
    left join loss_tree
        on
            pareto_totals.production_date = loss_tree.production_date
            and pareto_totals.machine_id = loss_tree.machine_id
            and pareto_totals.shift_code = loss_tree.shift_code
    where loss_tree.loss_key is null
)

select * from compared
where
    breakdown_differs
    or small_stop_differs
    or setup_differs
    or failure_count_differs
    or small_stop_count_differs
union all
select * from orphans
