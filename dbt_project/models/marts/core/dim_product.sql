-- One row per product with its bill of materials (direct components per unit) and the machines
-- currently configured to make it.
with

products as (
    select * from {{ ref('stg_plant__products') }}
),

bill_of_materials as (
    select * from {{ ref('stg_plant__bill_of_materials') }}
),

ideal_cycle_times as (
    select * from {{ ref('int_machine_ideal_cycle_times') }}
),

components as (
    select
        product_id,
        {{ ordered_string_agg("component_id || '=' || cast(quantity_per_unit as " ~ string_type() ~ ")", "';'", 'component_id') }}
            as bom_components,
        count(*) as bom_component_count
    from bill_of_materials
    group by product_id
),

used_in as (
    select
        component_id as product_id,
        {{ ordered_string_agg('product_id', "';'", 'product_id') }} as used_in_product_ids
    from bill_of_materials
    group by component_id
),

made_on as (
    select
        product_id,
        {{ ordered_string_agg('distinct machine_id', "';'", 'machine_id') }} as made_on_machine_ids
    from ideal_cycle_times
    where valid_to = date '9999-12-31'
    group by product_id
),

final as (
    select
        products.product_id,
        products.product_name,
        products.product_kind,
        products.unit,
        nullif(products.scan_code_prefix, '') as scan_code_prefix,
        components.bom_components,
        cast(coalesce(components.bom_component_count, 0) as integer) as bom_component_count,
        used_in.used_in_product_ids,
        made_on.made_on_machine_ids,
        products.product_kind = 'raw' as is_raw_material
    from products
    left join components on products.product_id = components.product_id
    left join used_in on products.product_id = used_in.product_id
    left join made_on on products.product_id = made_on.product_id
)

select * from final
