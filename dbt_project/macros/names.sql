{#- The key a raw name variant is looked up by in the alias seeds: upper case, letters and digits
    only ("Smelter 2", "smelter_02", "SMELTER-2" → SMELTER2 / SMELTER02). -#}
{% macro alias_key(column) -%}
    upper(regexp_replace(coalesce({{ column }}, ''), '[^A-Za-z0-9]', '', 'g'))
{%- endmacro %}
