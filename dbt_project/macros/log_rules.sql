{#- The machine-log rule table (var `log_rules` in dbt_project.yml) as a relation: one row per
    rule, `rule_order` = position in the list (the first matching rule wins). Every rule must have
    a name, a pattern and an event_type; the other keys default to null. -#}
{% macro log_rules_relation(rules=none) -%}
    {%- set rules = rules if rules is not none else var('log_rules') -%}
    {%- if rules | length == 0 -%}
        {{ exceptions.raise_compiler_error("var 'log_rules' is empty: the machine-log rule table needs at least one rule") }}
    {%- endif -%}
    select * from (
        values
        {%- for rule in rules %}
            {%- for key in ['name', 'pattern', 'event_type'] %}
                {%- if not rule.get(key) -%}
                    {{ exceptions.raise_compiler_error("log rule #" ~ loop.index ~ " has no '" ~ key ~ "'") }}
                {%- endif -%}
            {%- endfor %}
        (
            {{ loop.index }},
            {{ log_rule_literal(rule.get('name')) }},
            {{ log_rule_literal(rule.get('pattern')) }},
            {{ log_rule_literal(rule.get('level')) }},
            {{ log_rule_literal(rule.get('event_type')) }},
            {{ log_rule_literal(rule.get('state')) }},
            cast({{ rule.get('state_group') if rule.get('state_group') is not none else 'null' }} as integer),
            cast({{ rule.get('detail_group') if rule.get('detail_group') is not none else 'null' }} as integer),
            {{ log_rule_literal(rule.get('phase')) }},
            {{ log_rule_literal(rule.get('counts')) }}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as log_rules (
        rule_order, rule_name, pattern, log_level, event_type, state, state_group, detail_group,
        phase, counts
    )
{%- endmacro %}

{#- A rule value as a SQL text literal (quotes doubled), or a typed null. -#}
{% macro log_rule_literal(value) -%}
    {%- if value is none -%}cast(null as {{ string_type() }}){%- else -%}'{{ value | string | replace("'", "''") }}'{%- endif -%}
{%- endmacro %}

{#- The dispenser phases named by the rule table, in process order (order of first appearance in
    the rule list), as a relation (phase, phase_index starting at 0). Permissive mode infers a
    skipped phase from this order. -#}
{% macro log_rule_phases_relation(rules=none) -%}
    {%- set rules = rules if rules is not none else var('log_rules') -%}
    {%- set phases = [] -%}
    {%- for rule in rules -%}
        {%- if rule.get('phase') and rule.get('phase') not in phases -%}
            {%- do phases.append(rule.get('phase')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if phases | length == 0 -%}
        select cast(null as {{ string_type() }}) as phase, cast(null as integer) as phase_index where false
    {%- else -%}
        select * from (
            values
            {%- for phase in phases %}
            ({{ log_rule_literal(phase) }}, {{ loop.index0 }}){{ "," if not loop.last }}
            {%- endfor %}
        ) as log_rule_phases (phase, phase_index)
    {%- endif -%}
{%- endmacro %}

{#- The position of the first rule whose level and pattern match (null: none). The patterns are
    rendered as constants, so each regex is compiled once, not once per row. -#}
{% macro log_rule_match(rules, message, log_level) -%}
    case
    {%- for rule in rules %}
        when {% if rule.get('level') %}{{ log_level }} = {{ log_rule_literal(rule.level) }} and {% endif -%}
            {{ regex_full_match(message, log_rule_literal(rule.pattern)) }} then {{ loop.index }}
    {%- endfor %}
    end
{%- endmacro %}

{#- The text of a capture group of the matched rule: group `group` (a number) for every rule, or
    the group a rule names under the key `group` (state_group, detail_group); null otherwise. -#}
{% macro log_rule_capture(rules, message, rule_order, group) -%}
    case {{ rule_order }}
    {%- for rule in rules %}
        {%- set g = group if group is number else rule.get(group) %}
        {%- if g %}
        when {{ loop.index }} then regexp_extract({{ message }}, {{ log_rule_literal(rule.pattern) }}, {{ g }})
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}
