{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Where the planned busy time went (the six big losses), per production date at four grains:
-- machine × shift, machine × day, line × day and plant × day. The machine-shift rows split the
-- ISO 22400 quantities of int_machine_shift_quantities (the ones kpi_machine_shift reports) into
-- losses; every coarser row is the sum of its machine-shift rows, so planned busy time = fully
-- productive time + Σ losses holds exactly (decimal seconds) on every row. See _kpi__docs.md.
with

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

state_losses as (
    select * from {{ ref('int_machine_state_losses') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

batches as (
    select * from {{ ref('int_batches_enriched') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

small_stops as (
    select
        production_date,
        machine_id,
        shift_code,
        sum(duration_s) as small_stop_s
    from state_losses
    where loss_category = '{{ loss_category("small_stop") }}'
    group by production_date, machine_id, shift_code
),

quality_losses as (
    -- defective units at the ideal cycle of their batch: ideal − fully productive time, split
    select
        production_date,
        machine_id,
        shift_code,
        sum(scrap_qty * ideal_cycle_time_s) as scrap_ideal_time_s,
        sum(rework_qty * ideal_cycle_time_s) as rework_ideal_time_s
    from batches
    group by production_date, machine_id, shift_code
),

machine_shift_parts as (
    select
        base_quantities.production_date,
        base_quantities.line_id,
        base_quantities.machine_id,
        base_quantities.shift_code,
        cast(base_quantities.shift_time_s - base_quantities.planned_stop_time_s as decimal(18, 3))
            as planned_busy_time_s,
        cast(base_quantities.running_s as decimal(18, 3)) as actual_production_time_s,
        {{ seconds_3dp('base_quantities.fully_productive_time_s') }} as fully_productive_time_s,
        cast(base_quantities.down_s as decimal(18, 3)) as breakdown_loss_s,
        cast(base_quantities.setup_s as decimal(18, 3)) as setup_loss_s,
        cast(coalesce(small_stops.small_stop_s, 0) as decimal(18, 3)) as small_stop_loss_s,
        cast(base_quantities.idle_s - coalesce(small_stops.small_stop_s, 0) as decimal(18, 3))
            as idle_loss_s,
        {{ seconds_3dp('coalesce(quality_losses.scrap_ideal_time_s, 0)') }} as scrap_loss_s,
        {{ seconds_3dp('coalesce(quality_losses.rework_ideal_time_s, 0)') }} as rework_loss_s,
        -- planned busy time that no RUNNING, IDLE, SETUP or DOWN line covers (no log yet)
        cast(
            base_quantities.shift_time_s - base_quantities.planned_stop_time_s
            - base_quantities.running_s - base_quantities.idle_s
            - base_quantities.setup_s - base_quantities.down_s
            as decimal(18, 3)
        ) as unrecorded_loss_s
    from base_quantities
    left join small_stops
        on
            base_quantities.production_date = small_stops.production_date
            and base_quantities.machine_id = small_stops.machine_id
            and base_quantities.shift_code = small_stops.shift_code
    left join quality_losses
        on
            base_quantities.production_date = quality_losses.production_date
            and base_quantities.machine_id = quality_losses.machine_id
            and base_quantities.shift_code = quality_losses.shift_code
),

machine_shift as (
    -- speed loss: actual production time that ideal production time does not cover, with ideal
    -- time taken as the sum of its 3-dp parts (fully productive + scrap + rework time) so that the
    -- identity holds exactly; negative when the ideal cycle is slower than the machine ran
    select
        'machine_shift' as grain,
        {{ star_except('actual_production_time_s') }},
        cast(
            actual_production_time_s - fully_productive_time_s - scrap_loss_s - rework_loss_s
            as decimal(18, 3)
        ) as speed_loss_s
    from machine_shift_parts
),

machine_day as (
    select
        'machine_day' as grain,
        production_date,
        line_id,
        machine_id,
        cast(null as {{ string_type() }}) as shift_code,
        {{ sum_loss_tree_times() }}
    from machine_shift
    group by production_date, line_id, machine_id
),

line_day as (
    select
        'line_day' as grain,
        production_date,
        line_id,
        cast(null as {{ string_type() }}) as machine_id,
        cast(null as {{ string_type() }}) as shift_code,
        {{ sum_loss_tree_times() }}
    from machine_shift
    group by production_date, line_id
),

plant_day as (
    select
        'plant_day' as grain,
        production_date,
        cast(null as {{ string_type() }}) as line_id,
        cast(null as {{ string_type() }}) as machine_id,
        cast(null as {{ string_type() }}) as shift_code,
        {{ sum_loss_tree_times() }}
    from machine_shift
    group by production_date
),

all_grains as (
    {{- union_all_by_name(
        ['machine_shift', 'machine_day', 'line_day', 'plant_day'],
        ['grain', 'production_date', 'line_id', 'machine_id', 'shift_code'] + loss_tree_time_columns()
    ) }}
),

final as (
    select
        concat_ws(
            '|', all_grains.grain, all_grains.production_date,
            case when all_grains.grain = 'plant_day' then plant.plant_id end,
            case when all_grains.grain = 'line_day' then coalesce(all_grains.line_id, '') end,
            all_grains.machine_id, all_grains.shift_code
        ) as loss_key,
        cast(all_grains.grain as {{ string_type() }}) as grain,
        all_grains.production_date,
        cast(plant.plant_id as {{ string_type() }}) as plant_id,
        all_grains.line_id,
        all_grains.machine_id,
        all_grains.shift_code,
        {%- for column in loss_tree_time_columns() %}
            cast(all_grains.{{ column }} as decimal(18, 3)) as {{ column }},
        {%- endfor %}
        {{ safe_ratio('all_grains.fully_productive_time_s', 'all_grains.planned_busy_time_s') }} as oee
    from all_grains
    cross join plant
)

select * from final
