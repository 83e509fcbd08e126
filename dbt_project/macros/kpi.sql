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
    round(cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0), {{ digits }})
{%- endmacro %}

{% macro iso22400_kpi_columns() -%}
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
        round(cast(ideal_production_time_s as double), 3) as ideal_production_time_s,
        round(cast(fully_productive_time_s as double), 3) as fully_productive_time_s,
        {{ safe_ratio('running_s', 'shift_time_s - planned_stop_time_s') }} as availability,
        {{ safe_ratio('ideal_production_time_s', 'running_s') }} as performance,
        {{ safe_ratio('fully_productive_time_s', 'ideal_production_time_s') }} as quality,
        {{ safe_ratio('good_qty', 'produced_qty') }} as good_unit_ratio,
        round(
            (cast(running_s as double) / nullif(shift_time_s - planned_stop_time_s, 0))
            * (cast(ideal_production_time_s as double) / nullif(running_s, 0))
            * (cast(fully_productive_time_s as double) / nullif(ideal_production_time_s, 0)),
            6
        ) as oee,
        {{ safe_ratio('scrap_qty', 'produced_qty') }} as scrap_ratio,
        {{ safe_ratio('rework_qty', 'produced_qty') }} as rework_ratio,
        {{ safe_ratio('good_qty', 'produced_qty') }} as first_pass_yield,
        cast(failure_count as bigint) as failure_count,
        cast(small_stop_count as bigint) as small_stop_count,
        {{ safe_ratio('running_s', 'failure_count') }} as mtbf_s,
        {{ safe_ratio('down_s', 'failure_count') }} as mttr_s,
        {{ safe_ratio('produced_qty * 3600', 'running_s') }} as throughput_per_h,
        cast(round(energy_kwh, 3) as decimal(18, 3)) as energy_kwh,
        {{ safe_ratio('energy_kwh', 'good_qty') }} as energy_per_good_unit_kwh,
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
