{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Material consumed per production date along each bill-of-materials edge: produced quantity of
-- the made product × component quantity per unit (defective units included), in the component's
-- unit. One row per BOM edge of every product with at least one batch that day.
with

batches as (
    select * from {{ ref('fct_production_batch') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

bill_of_materials as (
    select * from {{ ref('stg_plant__bill_of_materials') }}
),

products as (
    select * from {{ ref('stg_plant__products') }}
),

produced as (
    select
        production_date,
        product_id,
        sum(produced_qty) as produced_qty
    from batches
    group by production_date, product_id
),

final as (
    select
        produced.production_date,
        bill_of_materials.component_id as from_product_id,
        produced.product_id as to_product_id,
        cast(produced.produced_qty * bill_of_materials.quantity_per_unit as bigint) as quantity,
        products.unit
    from produced
    inner join bill_of_materials on produced.product_id = bill_of_materials.product_id
    left join products on bill_of_materials.component_id = products.product_id
)

select * from final
