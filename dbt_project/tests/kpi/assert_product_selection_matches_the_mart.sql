-- Detects a gold.product_selection(...) result (the dashboard's per-product table, macros/kpi.sql:
-- create_product_selection) that disagrees with kpi_product_daily: every shift and machine by date
-- must give the mart's row of each product and date, and the whole range without dates the sum of
-- the mart's quantities per product. The function shares the mart's formulas, so this catches a
-- filter, grouping or column mapping that drops, doubles or mislabels batches. Ratios are compared
-- at the mart's 6 decimals (the function keeps full precision).
-- The selection functions are DuckDB table macros (the serving copy's): no Spark twin.
{{ config(enabled=has_table_macros()) }}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_product_daily'}}}) }}
{%- set product_daily = ref('kpi_product_daily') %}
{%- set ratios = ['quality', 'scrap_ratio', 'rework_ratio', 'energy_per_good_unit_kwh'] %}
{%- set amounts = ['produced_qty', 'good_qty', 'scrap_qty', 'rework_qty', 'batch_count', 'energy_kwh'] %}
{%- set daily_compared %}
    {%- for column in ratios + amounts %}
        selection.{{ column }} as selection_{{ column }},
        mart.{{ column }} as mart_{{ column }},
    {%- endfor %}
{%- endset %}
{#- the whole range is compared on its amounts: its ratios have no mart row to match -#}
{%- set range_compared %}
    {%- for column in ratios %}
        null as selection_{{ column }},
        null as mart_{{ column }},
    {%- endfor %}
    {%- for column in amounts %}
        selection.{{ column }} as selection_{{ column }},
        mart.{{ column }} as mart_{{ column }},
    {%- endfor %}
{%- endset %}
with

product_daily as (
    select * from {{ product_daily }}
),

batches as (
    select * from {{ ref('fct_production_batch') }}
),

every_date_and_machine as (
    select
        date '1900-01-01' as first_date,
        date '2999-12-31' as last_date,
        list(distinct machine_id) as machine_ids
    from batches
),

daily_selection as (
    select * from {{ product_daily.schema }}.product_selection(
        (select first_date from every_date_and_machine),
        (select last_date from every_date_and_machine),
        [],
        (select machine_ids from every_date_and_machine),
        true
    )
),

range_selection as (
    select * from {{ product_daily.schema }}.product_selection(
        (select first_date from every_date_and_machine),
        (select last_date from every_date_and_machine),
        [],
        (select machine_ids from every_date_and_machine),
        false
    )
),

mart_range as (
    select
        product_id,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty,
        sum(batch_count) as batch_count,
        sum(energy_kwh) as energy_kwh
    from product_daily
    group by product_id
),

pairs as (
    select
        'product × date' as grain,
        coalesce(selection.production_date, mart.production_date) as production_date,
        coalesce(selection.product_id, mart.product_id) as product_id,
        {{ daily_compared }}
        selection.product_id is not null as is_selected,
        mart.product_id is not null as is_in_mart,
        false as is_undated_range
    from daily_selection as selection
    full outer join product_daily as mart
        on
            selection.production_date = mart.production_date
            and selection.product_id = mart.product_id
    union all
    select
        'product × whole range' as grain,
        selection.production_date,
        coalesce(selection.product_id, mart.product_id) as product_id,
        {{ range_compared }}
        selection.product_id is not null as is_selected,
        mart.product_id is not null as is_in_mart,
        true as is_undated_range
    from range_selection as selection
    full outer join mart_range as mart on selection.product_id = mart.product_id
),

final as (
    select *
    from pairs
    where
        not is_selected
        or not is_in_mart
        or (is_undated_range and production_date is not null)
        {%- for column in ratios %}
            or round(selection_{{ column }}, 6) is distinct from mart_{{ column }}
        {%- endfor %}
        {%- for column in amounts %}
            or selection_{{ column }} is distinct from mart_{{ column }}
        {%- endfor %}
)

select * from final
