-- Detects a kpi_loss_tree row whose planned busy time is not exactly fully productive time plus
-- the eight losses (macros/loss_tree.sql: loss_columns), and a machine_day, line_day or plant_day
-- row that is not the exact sum of its machine_shift rows: a loss dropped, double counted or
-- computed apart from the machine-shift split.
{%- set times = loss_tree_time_columns() %}
with

loss_tree as (
    select * from {{ ref('kpi_loss_tree') }}
),

machine_shift as (
    select * from loss_tree
    where grain = 'machine_shift'
),

identity_breaks as (
    select loss_key, 'planned busy time <> fully productive time + losses' as problem
    from loss_tree
    where
        planned_busy_time_s
        <> fully_productive_time_s
        {%- for column in loss_columns() %}
            + {{ column }}
        {%- endfor %}
),

sums as (
    select
        'machine_day' as grain,
        production_date,
        line_id,
        machine_id,
        {{ sum_loss_tree_times() }}
    from machine_shift
    group by production_date, line_id, machine_id
    union all
    select
        'line_day' as grain,
        production_date,
        line_id,
        null as machine_id,
        {{ sum_loss_tree_times() }}
    from machine_shift
    group by production_date, line_id
    union all
    select
        'plant_day' as grain,
        production_date,
        null as line_id,
        null as machine_id,
        {{ sum_loss_tree_times() }}
    from machine_shift
    group by production_date
),

coarser_grains as (
    select * from loss_tree
    where grain <> 'machine_shift'
),

sum_breaks as (
    select
        coalesce(loss_tree.loss_key, sums.grain || ' ' || sums.production_date) as loss_key,
        'not the sum of its machine_shift rows' as problem
    from coarser_grains as loss_tree
    full outer join sums
        on
            loss_tree.grain = sums.grain
            and loss_tree.production_date = sums.production_date
            and loss_tree.line_id is not distinct from sums.line_id
            and loss_tree.machine_id is not distinct from sums.machine_id
    where
        loss_tree.loss_key is null
        or sums.grain is null
        {%- for column in times %}
            or loss_tree.{{ column }} <> sums.{{ column }}
        {%- endfor %}
)

select * from identity_breaks
union all
select * from sum_breaks
