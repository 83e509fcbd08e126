-- Detects a machine_shift row of kpi_loss_tree that disagrees with kpi_machine_shift, the mart the
-- truth gate proves: a machine-shift missing on either side, or planned busy time, breakdown (=
-- down time), setup (= setup time), small stop + idle (= idle time), fully productive time or
-- OEE (where kpi_machine_shift has one) that differ. Speed loss is computed from 3-dp parts so
-- that the identity is exact; this also catches it drifting from its definition, APT − ideal
-- production time, by more than the 0.002 s those roundings allow (nothing may hide in it).
-- Dagster reports it as a check of kpi_loss_tree (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'kpi_loss_tree'}}}) }}
with

loss_tree as (
    select * from {{ ref('kpi_loss_tree') }}
    where grain = 'machine_shift'
),

machine_shift as (
    select * from {{ ref('kpi_machine_shift') }}
),

paired as (
    select
        coalesce(
            loss_tree.loss_key,
            machine_shift.production_date || '|' || machine_shift.machine_id || '|' || machine_shift.shift_code
        ) as loss_key,
        loss_tree.loss_key is null as missing_in_loss_tree,
        machine_shift.machine_id is null as missing_in_kpi_machine_shift,
        loss_tree.planned_busy_time_s <> machine_shift.planned_busy_time_s as planned_busy_differs,
        loss_tree.breakdown_loss_s <> machine_shift.down_time_s as breakdown_differs,
        loss_tree.setup_loss_s <> machine_shift.setup_time_s as setup_differs,
        loss_tree.small_stop_loss_s + loss_tree.idle_loss_s <> machine_shift.idle_time_s as idle_differs,
        abs(loss_tree.fully_productive_time_s - machine_shift.fully_productive_time_s) > 0.0005
            as fully_productive_differs,
        abs(
            loss_tree.speed_loss_s
            - (machine_shift.actual_production_time_s - machine_shift.ideal_production_time_s)
        ) > 0.002 as speed_differs,
        coalesce(abs(loss_tree.oee - machine_shift.oee) > 0.0000011, loss_tree.oee is null)
        and machine_shift.oee is not null as oee_differs
    from loss_tree
    full outer join machine_shift
        on
            loss_tree.production_date = machine_shift.production_date
            and loss_tree.machine_id = machine_shift.machine_id
            and loss_tree.shift_code = machine_shift.shift_code
)

select * from paired
where
    missing_in_loss_tree
    or missing_in_kpi_machine_shift
    or planned_busy_differs
    or breakdown_differs
    or setup_differs
    or idle_differs
    or fully_productive_differs
    or speed_differs
    or oee_differs
