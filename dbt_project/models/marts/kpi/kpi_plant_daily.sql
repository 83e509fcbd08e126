{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- ISO 22400-2 KPIs per production date for the whole plant: all machine-shifts summed, ratios
-- from the sums (plant shift_time_s = Σ scheduled shift time of every machine that exists).
with

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

daily as (
    select
        production_date,
        count(distinct machine_id) as machine_count,
        {{ sum_base_quantities() }}
    from base_quantities
    group by production_date
),

final as (
    select
        daily.production_date,
        cast(plant.plant_id as {{ string_type() }}) as plant_id,
        cast(daily.machine_count as bigint) as machine_count,
        {{ iso22400_kpi_columns() }}
    from daily
    cross join plant
)

select * from final
