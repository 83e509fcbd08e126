{#- ISO 22400-2 KPIs (data contract §8.2) from summed base quantities. Expects the columns
    shift_time_s, planned_stop_time_s, running_s, idle_s, setup_s, down_s, produced_qty, good_qty,
    scrap_qty, rework_qty, ideal_production_time_s and fully_productive_time_s (unrounded),
    failure_count, small_stop_count, energy_kwh (unrounded sum) and batch_count. Ratios are ratios
    of these sums, rounded to 6 decimals, null when the denominator is 0; oee uses the unrounded
    factors. Quality is weighted by ideal cycle time (fully productive / ideal production time),
    so that availability × performance × quality = fully productive time / planned busy time at
    every level, and units of different products are never added as if alike; the plain
    unit-count ratio is good_unit_ratio. -#}
{% macro safe_ratio(numerator, denominator, digits=6) -%}
    {{ rounded('cast(' ~ numerator ~ ' as double) / nullif(cast(' ~ denominator ~ ' as double), 0)', digits) }}
{%- endmacro %}

{#- An expression rounded to `digits` decimals, or left at full precision when digits is none. -#}
{% macro rounded(expression, digits) -%}
    {%- if digits is none -%}{{ expression }}{%- else -%}{{ round_double(expression, digits) }}{%- endif -%}
{%- endmacro %}

{% macro iso22400_kpi_columns(digits=6) -%}
        cast(shift_time_s as bigint) as shift_time_s,
        cast(planned_stop_time_s as bigint) as planned_stop_time_s,
        cast(shift_time_s - planned_stop_time_s as bigint) as planned_busy_time_s,
        cast(running_s as bigint) as actual_production_time_s,
        cast(idle_s as bigint) as idle_time_s,
        cast(setup_s as bigint) as setup_time_s,
        cast(down_s as bigint) as down_time_s,
        cast(produced_qty as bigint) as produced_qty,
        cast(good_qty as bigint) as good_qty,
        cast(scrap_qty as bigint) as scrap_qty,
        cast(rework_qty as bigint) as rework_qty,
        {{ round_double('cast(ideal_production_time_s as double)', 3) }} as ideal_production_time_s,
        {{ round_double('cast(fully_productive_time_s as double)', 3) }} as fully_productive_time_s,
        {{ safe_ratio('running_s', 'shift_time_s - planned_stop_time_s', digits) }} as availability,
        {{ safe_ratio('ideal_production_time_s', 'running_s', digits) }} as performance,
        {{ safe_ratio('fully_productive_time_s', 'ideal_production_time_s', digits) }} as quality,
        {{ safe_ratio('good_qty', 'produced_qty', digits) }} as good_unit_ratio,
        {{ rounded(
            '(cast(running_s as double) / nullif(shift_time_s - planned_stop_time_s, 0))
            * (cast(ideal_production_time_s as double) / nullif(running_s, 0))
            * (cast(fully_productive_time_s as double) / nullif(ideal_production_time_s, 0))',
            digits
        ) }} as oee,
        {{ safe_ratio('scrap_qty', 'produced_qty', digits) }} as scrap_ratio,
        {{ safe_ratio('rework_qty', 'produced_qty', digits) }} as rework_ratio,
        {{ safe_ratio('good_qty', 'produced_qty', digits) }} as first_pass_yield,
        cast(failure_count as bigint) as failure_count,
        cast(small_stop_count as bigint) as small_stop_count,
        {{ safe_ratio('running_s', 'failure_count', digits) }} as mtbf_s,
        {{ safe_ratio('down_s', 'failure_count', digits) }} as mttr_s,
        {{ safe_ratio('produced_qty * 3600', 'running_s', digits) }} as throughput_per_h,
        cast(round(energy_kwh, 3) as decimal(18, 3)) as energy_kwh,
        {{ safe_ratio('energy_kwh', 'good_qty', digits) }} as energy_per_good_unit_kwh,
        cast(batch_count as bigint) as batch_count
{%- endmacro %}

{#- The additive base quantities of int_machine_shift_quantities, one list for every mart that
    sums them. -#}
{% macro base_quantity_columns() -%}
    {{ return([
        "shift_time_s", "planned_stop_time_s", "running_s", "idle_s", "setup_s", "down_s",
        "produced_qty", "good_qty", "scrap_qty", "rework_qty", "ideal_production_time_s",
        "fully_productive_time_s", "failure_count", "small_stop_count", "energy_kwh", "batch_count",
    ]) }}
{%- endmacro %}

{#- The base quantities summed over a coarser grain; every ratio is then derived from these sums
    (ratios of sums, never averages of ratios). -#}
{% macro sum_base_quantities() -%}
    {%- for column in base_quantity_columns() %}
        sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Creates gold.kpi_selection(start_date, end_date, shift_codes, machine_ids, by_date, by_machine),
    a table function over `machine_shift` (kpi_machine_shift; its post-hook calls this): the
    ISO 22400-2 KPIs of any selection of machine-shift rows, for readers whose filters no mart's
    grain can hold (the dashboard: any date range, set of shifts and of machines).
    Rows: production_date between start_date and end_date, shift_code in shift_codes (an empty
    list means every shift), machine_id in machine_ids. Grouped by production date when by_date,
    by machine when by_machine (either key is null when not grouped by it); no row when nothing
    is selected. The rows' times and quantities are summed first and the ratios computed from the
    sums with iso22400_kpi_columns, the mart formulas, at full precision (digits=none) so that a
    selection's ratio is exactly its ratio of sums; machine_shift_count counts the rows summed.
    Why a table macro, not a view: a view cannot take the filters, and a ratio over a filtered set
    must divide after the filter. The table is named without its catalog so that the function
    reads the gold of the database it is called in (publish copies it into the serving copy). -#}
{% macro create_kpi_selection(machine_shift) -%}
    {{ return(adapter.dispatch('create_kpi_selection', 'shopfloor')(machine_shift)) }}
{%- endmacro %}
{#- Spark has no table macros: the selection functions are DuckDB's (the serving copy's). -#}
{% macro spark__create_kpi_selection(machine_shift) -%}{%- endmacro %}

{% macro default__create_kpi_selection(machine_shift) -%}
create or replace macro {{ machine_shift.schema }}.kpi_selection(
    start_date, end_date, shift_codes, machine_ids, by_date, by_machine
) as table
with

machine_shifts as (
    select * from {{ machine_shift.include(database=false) }}
),

selected as (
    select * from machine_shifts
    where {{ in_selection() }}
),

summed as (
    -- back to the base-quantity names iso22400_kpi_columns reads
    select
        case when by_date then production_date end as production_date,
        case when by_machine then machine_id end as machine_id,
        count(*) as machine_shift_count,
        sum(shift_time_s) as shift_time_s,
        sum(planned_stop_time_s) as planned_stop_time_s,
        sum(actual_production_time_s) as running_s,
        sum(idle_time_s) as idle_s,
        sum(setup_time_s) as setup_s,
        sum(down_time_s) as down_s,
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty,
        sum(ideal_production_time_s) as ideal_production_time_s,
        sum(fully_productive_time_s) as fully_productive_time_s,
        sum(failure_count) as failure_count,
        sum(small_stop_count) as small_stop_count,
        sum(energy_kwh) as energy_kwh,
        sum(batch_count) as batch_count
    from selected
    group by all
),

final as (
    select
        production_date,
        machine_id,
        cast(machine_shift_count as bigint) as machine_shift_count,
        {{ iso22400_kpi_columns(digits=none) }}
    from summed
)

select * from final
{%- endmacro %}

{#- The additive quantities of production batches, summed per product (and per date when grouped
    by it): one list for kpi_product_daily and gold.product_selection. -#}
{% macro sum_product_quantities() -%}
        sum(produced_qty) as produced_qty,
        sum(good_qty) as good_qty,
        sum(scrap_qty) as scrap_qty,
        sum(rework_qty) as rework_qty,
        sum(energy_kwh) as energy_kwh,
        sum(ideal_production_time_s) as ideal_production_time_s,
        count(*) as batch_count
{%- endmacro %}

{#- Per-product quantities and ratios from sum_product_quantities (kpi_product_daily's columns):
    ratios of the sums, rounded to `digits` decimals (none: full precision), null when the
    denominator is 0. -#}
{% macro product_kpi_columns(digits=6) -%}
        cast(produced_qty as bigint) as produced_qty,
        cast(good_qty as bigint) as good_qty,
        cast(scrap_qty as bigint) as scrap_qty,
        cast(rework_qty as bigint) as rework_qty,
        {{ safe_ratio('good_qty', 'produced_qty', digits) }} as quality,
        {{ safe_ratio('scrap_qty', 'produced_qty', digits) }} as scrap_ratio,
        {{ safe_ratio('rework_qty', 'produced_qty', digits) }} as rework_ratio,
        cast(batch_count as bigint) as batch_count,
        cast(round(energy_kwh, 3) as decimal(18, 3)) as energy_kwh,
        {{ safe_ratio('energy_kwh', 'good_qty', digits) }} as energy_per_good_unit_kwh,
        {{ round_double('cast(ideal_production_time_s as double)', 3) }} as ideal_production_time_s
{%- endmacro %}

{#- Creates gold.product_selection(start_date, end_date, shift_codes, machine_ids, by_date), a
    table function over `batches` (fct_production_batch; kpi_product_daily's post-hook calls
    this): kpi_product_daily's per-product quantities and ratios (scrap_ratio, quality, ...) for
    any selection of batches, the dashboard's product table. Rows: production_date between
    start_date and end_date, shift_code in shift_codes (an empty list means every shift),
    machine_id in machine_ids; one row per product, and per production date when by_date
    (production_date is null otherwise). The quantities are summed first and the ratios computed
    from the sums with product_kpi_columns, the mart's formulas, at full precision; besides them,
    batch_duration_s (summed batch time) and good_per_batch_hour (good units per hour of batch
    time). Why a table macro over batches, not the mart: kpi_product_daily has no shift or machine
    grain, and a ratio over a filtered set must divide after the filter. Named without its catalog
    so that it reads the gold of the database it is called in (publish copies it). -#}
{% macro create_product_selection(product_daily, batches) -%}
    {{ return(adapter.dispatch('create_product_selection', 'shopfloor')(product_daily, batches)) }}
{%- endmacro %}
{#- Spark has no table macros: the selection functions are DuckDB's (the serving copy's). -#}
{% macro spark__create_product_selection(product_daily, batches) -%}{%- endmacro %}

{% macro default__create_product_selection(product_daily, batches) -%}
create or replace macro {{ product_daily.schema }}.product_selection(
    start_date, end_date, shift_codes, machine_ids, by_date
) as table
with

batches as (
    select * from {{ batches.include(database=false) }}
),

selected as (
    select * from batches
    where {{ in_selection() }}
),

summed as (
    select
        case when by_date then production_date end as production_date,
        product_id,
        {{ sum_product_quantities() }},
        sum(batch_duration_s) as batch_duration_s
    from selected
    group by all
),

final as (
    select
        production_date,
        product_id,
        {{ product_kpi_columns(digits=none) }},
        cast(batch_duration_s as bigint) as batch_duration_s,
        {{ safe_ratio('good_qty * 3600', 'batch_duration_s', none) }} as good_per_batch_hour
    from summed
)

select * from final
{%- endmacro %}

{#- The selection rule of the table macros kpi_selection and product_selection: the production
    dates between start_date and end_date, the shifts in shift_codes (empty: every shift) and the
    machines in machine_ids. -#}
{% macro in_selection() -%}
production_date between start_date and end_date
        and (len(shift_codes) = 0 or list_contains(shift_codes, shift_code))
        and list_contains(machine_ids, machine_id)
{%- endmacro %}
