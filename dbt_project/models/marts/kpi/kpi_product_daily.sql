{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- Quantities, quality and energy per production date × product over all batches of the product
-- that day (products with at least one batch).
with

batches as (
    select * from {{ ref('fct_production_batch') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

daily as (
    select
        production_date,
        product_id,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty,
        sum(energy_kwh) as energy_kwh,
        sum(ideal_production_time_s) as ideal_production_time_s,
        count(*) as batch_count
    from batches
    group by production_date, product_id
),

final as (
    select
        production_date,
        product_id,
        cast(produced_qty as bigint) as produced_qty,
        cast(good_qty as bigint) as good_qty,
        cast(scrap_qty as bigint) as scrap_qty,
        cast(rework_qty as bigint) as rework_qty,
        {{ safe_ratio('good_qty', 'produced_qty') }} as quality,
        {{ safe_ratio('scrap_qty', 'produced_qty') }} as scrap_ratio,
        {{ safe_ratio('rework_qty', 'produced_qty') }} as rework_ratio,
        cast(batch_count as bigint) as batch_count,
        cast(round(energy_kwh, 3) as decimal(18, 3)) as energy_kwh,
        {{ safe_ratio('energy_kwh', 'good_qty') }} as energy_per_good_unit_kwh,
        round(cast(ideal_production_time_s as double), 3) as ideal_production_time_s
    from daily
)

select * from final
