{#- Every source timestamp form to a UTC instant: `Z` or an explicit offset is honoured; a
    timestamp without offset is plant-local time (data contract §3.1). Unparseable text is null. -#}
{% macro to_utc(column) -%}
    case
        when regexp_matches(trim({{ column }}), '(Z|[+-][0-9]{2}:?[0-9]{2})$')
            then try_cast(trim({{ column }}) as timestamptz)
        else timezone('{{ var("plant_timezone") }}', try_cast(trim({{ column }}) as timestamp))
    end
{%- endmacro %}

{#- Which of the three forms a raw timestamp was written in (for data-quality accounting). -#}
{% macro timestamp_form(column) -%}
    case
        when {{ column }} is null then null
        when regexp_matches(trim({{ column }}), 'Z$') then 'utc'
        when regexp_matches(trim({{ column }}), '[+-][0-9]{2}:?[0-9]{2}$') then 'local_offset'
        else 'local_naive'
    end
{%- endmacro %}

{#- Plant-local wall-clock time of a UTC instant. -#}
{% macro to_local(ts) -%}
    timezone('{{ var("plant_timezone") }}', {{ ts }})
{%- endmacro %}

{#- Production date: the plant-local date on which the shift containing the instant started. -#}
{% macro production_date(ts) -%}
    cast({{ to_local(ts) }} - interval '{{ var("shift_start_hours")["EARLY"] }} hours' as date)
{%- endmacro %}

{#- Shift code of the shift containing a UTC instant. -#}
{% macro shift_code(ts) -%}
    {%- set h = var("shift_start_hours") -%}
    case
        when hour({{ to_local(ts) }}) >= {{ h["EARLY"] }} and hour({{ to_local(ts) }}) < {{ h["LATE"] }} then 'EARLY'
        when hour({{ to_local(ts) }}) >= {{ h["LATE"] }} and hour({{ to_local(ts) }}) < {{ h["NIGHT"] }} then 'LATE'
        else 'NIGHT'
    end
{%- endmacro %}

{#- Production-date window of an incremental run: the partition window minus the lookback. -#}
{% macro in_partition_window(date_column) -%}
    {{ date_column }} between cast('{{ window_first() }}' as date) - interval '{{ var("lookback_days") }} days'
        and cast('{{ window_last() }}' as date)
{%- endmacro %}
