{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- ISO 22400-2 KPIs per production date × machine: the machine's shifts summed first, then every
-- ratio computed from the sums (never an average of shift ratios).
with

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

daily as (
    select
        production_date,
        machine_id,
        any_value(machine_key) as machine_key,
        any_value(line_id) as line_id,
        sum(shift_time_s) as shift_time_s,
        sum(planned_stop_time_s) as planned_stop_time_s,
        sum(running_s) as running_s,
        sum(idle_s) as idle_s,
        sum(setup_s) as setup_s,
        sum(down_s) as down_s,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty,
        sum(ideal_production_time_s) as ideal_production_time_s,
        sum(failure_count) as failure_count,
        sum(small_stop_count) as small_stop_count,
        sum(energy_kwh) as energy_kwh,
        sum(batch_count) as batch_count
    from base_quantities
    group by production_date, machine_id
),

final as (
    select
        production_date,
        machine_id,
        machine_key,
        line_id,
        {{ iso22400_kpi_columns() }}
    from daily
)

select * from final
