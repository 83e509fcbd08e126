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
        {{ sum_base_quantities() }}
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
