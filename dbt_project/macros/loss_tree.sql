{#- The losses of the loss tree (gold.kpi_loss_tree), in the order a waterfall shows them, each
    with its TPM group: availability = breakdown + setup, performance = small stop + idle + speed,
    quality = scrap + rework. Unrecorded time (planned busy time no state line covers) is a data
    gap, in no group. The one owner of these names: the loss columns are `<name>_loss_s`, and the
    state-loss categories of int_machine_state_losses / kpi_downtime_pareto are these names. -#}
{% macro loss_groups() -%}
    {{ return({
        'breakdown': 'availability',
        'setup': 'availability',
        'small_stop': 'performance',
        'idle': 'performance',
        'speed': 'performance',
        'scrap': 'quality',
        'rework': 'quality',
        'unrecorded': none,
    }) }}
{%- endmacro %}

{#- The loss columns of kpi_loss_tree, `<loss>_loss_s`: planned busy time = fully productive time
    + their sum on every row. -#}
{% macro loss_columns() -%}
    {%- set columns = [] -%}
    {%- for loss in loss_groups() -%}
        {%- do columns.append(loss ~ '_loss_s') -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The additive time columns of kpi_loss_tree: planned busy time, fully productive time and the
    losses. -#}
{% macro loss_tree_time_columns() -%}
    {{ return(['planned_busy_time_s', 'fully_productive_time_s'] + loss_columns()) }}
{%- endmacro %}

{#- The loss tree's times summed over a coarser grain (machine-shift rows to machine, line or
    plant days). -#}
{% macro sum_loss_tree_times() -%}
    {%- for column in loss_tree_time_columns() %}
        sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A loss name checked against loss_groups(), so a misspelt category fails the build. -#}
{% macro loss_category(name) -%}
    {%- if name not in loss_groups() -%}
        {{ exceptions.raise_compiler_error('unknown loss category ' ~ name) }}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}

{#- Seconds at the loss tree's precision, decimal(18, 3) (rounded half away from zero). -#}
{% macro seconds_3dp(expression) -%}
    cast(round({{ expression }}, 3) as decimal(18, 3))
{%- endmacro %}

{#- Creates gold.downtime_selection(start_date, end_date, shift_codes, machine_ids), a table
    function over `pareto` (kpi_downtime_pareto; its post-hook calls this) and `machine_shift`
    (kpi_machine_shift): the downtime Pareto of any selection of machine-shifts (the filters of
    gold.kpi_selection, macros/kpi.sql in_selection), one row per loss category × cause with
    event_count and loss_time_s summed, mttr_s = Σ loss time / Σ events and mtbf_s = Σ actual
    production time of every selected machine-shift / Σ events, at full precision. Why a table
    macro: MTBF over a selection needs the running time of machine-shifts without an event of the
    cause, which no Pareto row holds, and a ratio over a filtered set must divide after the filter.
    Named without its catalog so that it reads the gold of the database it is called in. -#}
{% macro create_downtime_selection(pareto, machine_shift) -%}
    {{ return(adapter.dispatch('create_downtime_selection', 'shopfloor')(pareto, machine_shift)) }}
{%- endmacro %}
{#- Spark has no table macros: the selection functions are DuckDB's (the serving copy's). -#}
{% macro spark__create_downtime_selection(pareto, machine_shift) -%}{%- endmacro %}

{% macro default__create_downtime_selection(pareto, machine_shift) -%}
create or replace macro {{ pareto.schema }}.downtime_selection(
    start_date, end_date, shift_codes, machine_ids
) as table
with

causes as (
    select * from {{ pareto.include(database=false) }}
),

machine_shifts as (
    select * from {{ machine_shift.include(database=false) }}
),

selected_causes as (
    select * from causes
    where {{ in_selection() }}
),

selected_running as (
    select sum(actual_production_time_s) as actual_production_time_s
    from machine_shifts
    where {{ in_selection() }}
),

summed as (
    select
        loss_category,
        cause_code,
        min(cause_text) as cause_text,
        sum(event_count) as event_count,
        sum(loss_time_s) as loss_time_s
    from selected_causes
    group by loss_category, cause_code
),

final as (
    select
        summed.loss_category,
        summed.cause_code,
        summed.cause_text,
        cast(summed.event_count as bigint) as event_count,
        cast(summed.loss_time_s as decimal(18, 3)) as loss_time_s,
        {{ safe_ratio('selected_running.actual_production_time_s', 'summed.event_count', none) }} as mtbf_s,
        {{ safe_ratio('summed.loss_time_s', 'summed.event_count', none) }} as mttr_s
    from summed
    cross join selected_running
)

select * from final
{%- endmacro %}
