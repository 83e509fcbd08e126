{#- Plant-local wall-clock timestamp to a UTC instant, the way the plant calendar reads it
    (data contract §3.2): a time in the repeated autumn hour takes its first occurrence (summer
    time); a time in the skipped spring hour takes the offset in force before the change.
    DuckDB's timezone() (wallclock_to_instant) picks the *second* occurrence of a repeated hour, so first try the offset
    in force three hours earlier and keep it when it maps back to the same wall-clock time. -#}
{% macro wallclock_to_utc(local_ts) -%}
    {%- set tz = plant_var('plant_timezone') -%}
    case
        {%- set earlier = wallclock_to_instant(tz, '(' ~ local_ts ~ ") - interval '3 hours'") ~ " + interval '3 hours'" %}
        when {{ instant_to_wallclock(tz, earlier) }} = ({{ local_ts }})
            then {{ earlier }}
        else {{ wallclock_to_instant(tz, local_ts) }}
    end
{%- endmacro %}
