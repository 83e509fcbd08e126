{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- ISO 22400-2 KPIs per production date for the whole plant: all machine-shifts summed, ratios
-- from the sums (plant shift_time_s = number of machines × length of the production date).
with

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

daily as (
    select
        production_date,
        count(distinct machine_id) as machine_count,
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
    group by production_date
),

final as (
    select
        production_date,
        cast('{{ var("plant_id", "PLANT-01") }}' as varchar) as plant_id,
        cast(machine_count as bigint) as machine_count,
        {{ iso22400_kpi_columns() }}
    from daily
)

select * from final
