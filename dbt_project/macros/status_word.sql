{#- Decoding of the dispensing controller's 6-bit cumulative status word (data contract §5.7):
    bit0 CYCLE_STARTED, bit1 CLAMPED, bit2 SIDE_A_DONE, bit3 SIDE_B_DONE, bit4 UNCLAMPED,
    bit5 EJECTED. The current step is the highest set bit; the completed steps are all set bits.
    A word of 0 (no step yet) or null decodes to null. Bits above bit5 are ignored. -#}

{% macro status_word_steps() -%}
    {{ return(['CYCLE_STARTED', 'CLAMPED', 'SIDE_A_DONE', 'SIDE_B_DONE', 'UNCLAMPED', 'EJECTED']) }}
{%- endmacro %}

{#- Index (0–5) of the highest set bit, null when no step bit is set. -#}
{% macro status_word_current_bit(column) -%}
    case
        {%- for bit in range(5, -1, -1) %}
        when ({{ column }} & {{ 2 ** bit }}) <> 0 then {{ bit }}
        {%- endfor %}
    end
{%- endmacro %}

{#- Name of the current step (highest set bit), null when no step bit is set. -#}
{% macro status_word_current_step(column) -%}
    {%- set steps = status_word_steps() -%}
    case
        {%- for bit in range(5, -1, -1) %}
        when ({{ column }} & {{ 2 ** bit }}) <> 0 then '{{ steps[bit] }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- Comma-separated names of all set bits in step order, null when no step bit is set. -#}
{% macro status_word_completed_steps(column) -%}
    {%- set steps = status_word_steps() -%}
    nullif(concat_ws(','
        {%- for bit in range(6) %},
        case when ({{ column }} & {{ 2 ** bit }}) <> 0 then '{{ steps[bit] }}' end
        {%- endfor %}
    ), '')
{%- endmacro %}

{#- Number of set step bits (0–6). -#}
{% macro status_word_step_count(column) -%}
    (
        {%- for bit in range(6) %}
        case when ({{ column }} & {{ 2 ** bit }}) <> 0 then 1 else 0 end{% if not loop.last %} +{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- True when every step bit is set (the cycle is complete: status 63). -#}
{% macro status_word_is_complete(column) -%}
    (({{ column }} & 63) = 63)
{%- endmacro %}
