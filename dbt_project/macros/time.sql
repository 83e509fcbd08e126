{#- Every source timestamp form to a UTC instant: `Z` or an explicit offset is honoured; a
    timestamp without offset is plant-local time (data contract §3.1). Unparseable text is null. -#}
{% macro to_utc(column) -%}
    case
        when {{ regex_contains('trim(' ~ column ~ ')', "'(Z|[+-][0-9]{2}:?[0-9]{2})$'") }}
            then try_cast(trim({{ column }}) as {{ instant_type() }})
        else {{ wallclock_to_instant(plant_var('plant_timezone'), 'try_cast(trim(' ~ column ~ ') as timestamp)') }}
    end
{%- endmacro %}

{#- Which of the three forms a raw timestamp was written in (for data-quality accounting). -#}
{% macro timestamp_form(column) -%}
    case
        when {{ column }} is null then null
        when {{ regex_contains('trim(' ~ column ~ ')', "'Z$'") }} then 'utc'
        when {{ regex_contains('trim(' ~ column ~ ')', "'[+-][0-9]{2}:?[0-9]{2}$'") }} then 'local_offset'
        else 'local_naive'
    end
{%- endmacro %}

{#- Plant-local wall-clock time of a UTC instant. -#}
{% macro to_local(ts) -%}
    {{ instant_to_wallclock(plant_var('plant_timezone'), ts) }}
{%- endmacro %}

{#- Production date: the plant-local date on which the shift containing the instant started,
    i.e. the local date of the instant less the plant's day start (shift_model.day_start). -#}
{% macro production_date(ts) -%}
    cast({{ to_local(ts) }} - {{ minutes_interval(hhmm_minutes(plant_var('plant_day_start'))) }} as date)
{%- endmacro %}

{#- Shift code of the shift whose plant-local wall-clock span holds the instant (shifts of the
    plant file, var plant_shifts); null outside every shift. A weekday or holiday that schedules
    no such shift is decided by the calendar (int_shift_instances), not here. -#}
{% macro shift_code(ts) -%}
    {%- set day_start = hhmm_minutes(plant_var('plant_day_start')) -%}
    {%- set minute_of_day -%}
        ((hour({{ to_local(ts) }}) * 60 + minute({{ to_local(ts) }}) - {{ day_start }} + 1440) % 1440)
    {%- endset -%}
    case
    {%- for shift in plant_var('plant_shifts') %}
        {%- set offset = (hhmm_minutes(shift['start']) - day_start + 1440) % 1440 %}
        when {{ minute_of_day }} >= {{ offset }} and {{ minute_of_day }} < {{ offset + shift['minutes'] }} then '{{ shift["code"] }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- Plant-local wall-clock start of a shift on a production date: a shift whose clock time is
    before the plant's day start (00:00 when the day starts at 06:00) begins the next calendar day. -#}
{% macro shift_start_local(production_date, start_local) -%}
    ({{ production_date }} + {{ start_local }}
        + case when {{ start_local }} < {{ time_literal(plant_var('plant_day_start')) }} then interval 1 day else interval 0 day end)
{%- endmacro %}
