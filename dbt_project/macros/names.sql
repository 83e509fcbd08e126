{#- The key a raw name variant is looked up by in the alias seeds: upper case, letters and digits
    only ("Mill 2", "mill_02", "MILL-2" → MILL2 / MILL02). -#}
{% macro alias_key(column) -%}
    upper({{ regex_replace_all('coalesce(' ~ column ~ ", '')", "'[^A-Za-z0-9]'", "''") }})
{%- endmacro %}
