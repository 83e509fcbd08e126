-- Detects a gold.kpi_selection(...) result (the dashboard's KPIs, macros/kpi.sql:
-- create_kpi_selection) that disagrees with the mart of its grain: all machines and shifts by date
-- must give kpi_plant_daily, by date and machine kpi_machine_daily, and one shift by date and
-- machine that shift's kpi_machine_shift row. The function shares the marts' formulas, so this
-- catches a filter, grouping or column mapping that drops, doubles or mislabels rows. Ratios are
-- compared at the marts' 6 decimals (the function keeps full precision); a machine-date with only
-- unscheduled activity has no shift rows, so no selected row.
-- Dagster reports it as a check of kpi_plant_daily (meta.dagster.ref).
-- The selection functions are DuckDB table macros (the serving copy's): no Spark twin.
{{ config(enabled=has_table_macros()) }}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_plant_daily'}}}) }}
{%- set machine_shift = ref('kpi_machine_shift') %}
{%- set ratios = ['availability', 'performance', 'quality', 'oee', 'scrap_ratio', 'mtbf_s', 'mttr_s', 'energy_per_good_unit_kwh'] %}
{%- set amounts = ['planned_busy_time_s', 'produced_qty', 'good_qty', 'down_time_s', 'failure_count'] %}
{%- set compared_columns %}
    {%- for column in ratios + amounts %}
        selection.{{ column }} as selection_{{ column }},
        mart.{{ column }} as mart_{{ column }},
    {%- endfor %}
{%- endset %}
with

plant_daily as (
    select * from {{ ref('kpi_plant_daily') }}
),

machine_daily as (
    select * from {{ ref('kpi_machine_daily') }}
),

machine_shift as (
    select * from {{ machine_shift }}
),

first_shift as (
    select min(shift_code) as shift_code from machine_shift
),

every_date_and_machine as (
    select
        date '1900-01-01' as first_date,
        date '2999-12-31' as last_date,
        list(distinct machine_id) as machine_ids
    from machine_shift
),

plant_selection as (
    select * from {{ machine_shift.schema }}.kpi_selection(
        (select first_date from every_date_and_machine),
        (select last_date from every_date_and_machine),
        [],
        (select machine_ids from every_date_and_machine),
        true,
        false
    )
),

machine_selection as (
    select * from {{ machine_shift.schema }}.kpi_selection(
        (select first_date from every_date_and_machine),
        (select last_date from every_date_and_machine),
        [],
        (select machine_ids from every_date_and_machine),
        true,
        true
    )
),

shift_selection as (
    select * from {{ machine_shift.schema }}.kpi_selection(
        (select first_date from every_date_and_machine),
        (select last_date from every_date_and_machine),
        (select [shift_code] from first_shift),
        (select machine_ids from every_date_and_machine),
        true,
        true
    )
),

first_shift_rows as (
    select machine_shift.*
    from machine_shift
    inner join first_shift on machine_shift.shift_code = first_shift.shift_code
),

pairs as (
    select
        'plant × date' as grain,
        coalesce(selection.production_date, mart.production_date) as production_date,
        cast(null as {{ string_type() }}) as machine_id,
        {{ compared_columns }}
        selection.production_date is not null as is_selected,
        mart.production_date is not null as is_in_mart,
        false as may_be_unselected
    from plant_selection as selection
    full outer join plant_daily as mart on selection.production_date = mart.production_date
    union all
    select
        'machine × date' as grain,
        coalesce(selection.production_date, mart.production_date) as production_date,
        coalesce(selection.machine_id, mart.machine_id) as machine_id,
        {{ compared_columns }}
        selection.production_date is not null as is_selected,
        mart.production_date is not null as is_in_mart,
        coalesce(mart.shift_time_s = 0, false) as may_be_unselected
    from machine_selection as selection
    full outer join machine_daily as mart
        on
            selection.production_date = mart.production_date
            and selection.machine_id = mart.machine_id
    union all
    select
        'machine × date × first shift' as grain,
        coalesce(selection.production_date, mart.production_date) as production_date,
        coalesce(selection.machine_id, mart.machine_id) as machine_id,
        {{ compared_columns }}
        selection.production_date is not null as is_selected,
        mart.production_date is not null as is_in_mart,
        false as may_be_unselected
    from shift_selection as selection
    full outer join first_shift_rows as mart
        on
            selection.production_date = mart.production_date
            and selection.machine_id = mart.machine_id
),

final as (
    select *
    from pairs
    where
        not is_in_mart
        or (not is_selected and not may_be_unselected)
        {%- for column in ratios %}
            or (is_selected and round(selection_{{ column }}, 6) is distinct from mart_{{ column }})
        {%- endfor %}
        {%- for column in amounts %}
            or (is_selected and selection_{{ column }} is distinct from mart_{{ column }})
        {%- endfor %}
)

select * from final
