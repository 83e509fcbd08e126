{#- A plant fact passed by the caller as a dbt var (plants/dbt_vars.py reads the home's plant
    file; `shopfloor plant vars` prints them for a hand-run dbt). There is no default: a build
    that forgets the plant must fail, never compute another plant's clock. At parse time
    (`execute` false) a placeholder keeps the manifest plant-independent. -#}
{% macro plant_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' is missing: it comes from the plant file. Run through `shopfloor run` / Dagster, or pass --vars \"$(shopfloor plant vars)\".") }}
        {%- endif -%}
        {{ return({'plant_timezone': 'UTC', 'plant_day_start': '00:00', 'plant_shifts': []}[name]) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- Minutes from midnight of an "HH:MM" text. -#}
{% macro hhmm_minutes(hhmm) -%}
    {{ return((hhmm.split(':')[0] | int) * 60 + (hhmm.split(':')[1] | int)) }}
{%- endmacro %}
