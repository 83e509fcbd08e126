{#- The marts' needs as a relation (mart_name, source_name): one row per gold mart and landing
    source it cannot do without, from each model's `meta.needs_sources` (dbt_project.yml). Read
    from the graph at execution, so the map stays where the marts are configured. -#}
{% macro mart_source_needs_relation() -%}
    {%- set needs = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- set meta = node.config.meta or node.meta or {} -%}
            {%- if node.resource_type == 'model' and meta.get('needs_sources') -%}
                {%- for source_name in meta['needs_sources'] -%}
                    {%- do needs.append((node.name, source_name)) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if needs %}
    select * from (
        values
        {%- for mart_name, source_name in needs %}
        ('{{ mart_name }}', '{{ source_name }}'){{ "," if not loop.last }}
        {%- endfor %}
    ) as needs (mart_name, source_name)
    {%- else %}
    select
        cast(null as {{ string_type() }}) as mart_name,
        cast(null as {{ string_type() }}) as source_name
    where false
    {%- endif %}
{%- endmacro %}
