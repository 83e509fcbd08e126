{{ config(
    materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(),
    on_schema_change='fail',
    post_hook="{{ create_product_selection(this, ref('fct_production_batch')) }}"
) }}
-- Quantities, quality and energy per production date × product over all batches of the product
-- that day (products with at least one batch). The post-hook creates gold.product_selection(...),
-- the same columns for any selection of batches (macros/kpi.sql: create_product_selection).
with

batches as (
    select * from {{ ref('fct_production_batch') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

daily as (
    select
        production_date,
        product_id,
        {{ sum_product_quantities() }}
    from batches
    group by production_date, product_id
),

final as (
    select
        production_date,
        product_id,
        {{ product_kpi_columns() }}
    from daily
)

select * from final
