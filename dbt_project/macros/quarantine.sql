{#- The silver quarantine's verdict on a row (issue 16): the first plant check it fails names the
    field, the value as delivered and the reason; all three are null when the row resolves to the
    plant. `checks` is a list of dicts: field (source column name), raw (SQL of the delivered
    value), resolved (SQL that is null when the plant does not know the value), noun (what the
    value should name: machine, product, station ...) and optionally `when` (SQL condition that
    fails the row instead of `resolved is null`) with `reason` (SQL text of its reason).
    `plant_id` is the SQL of the plant's id. Why one macro: every base model words its reasons
    the same way, so an analyst can group fct_row_rejects by reason. -#}
{% macro quarantine_verdict(checks, plant_id='plant.plant_id') -%}
    {%- set failed = [] -%}
    {%- for check in checks -%}
        {%- do failed.append(check.get('when') or (check.resolved ~ ' is null')) -%}
    {%- endfor %}
    case
    {%- for check in checks %}
        when {{ failed[loop.index0] }} then '{{ check.field }}'
    {%- endfor %}
    end as rejected_field,
    case
    {%- for check in checks %}
        when {{ failed[loop.index0] }} then cast({{ check.raw }} as {{ string_type() }})
    {%- endfor %}
    end as rejected_value,
    case
    {%- for check in checks %}
        when {{ failed[loop.index0] }} then
        {%- if check.get('reason') %} {{ check.reason }}
        {%- else %}
            '{{ check.field }} "' || coalesce(cast({{ check.raw }} as {{ string_type() }}), '') || '" is not a {{ check.noun }} of plant '
            || {{ plant_id }}
        {%- endif %}
    {%- endfor %}
    end as rejected_reason
{%- endmacro %}
