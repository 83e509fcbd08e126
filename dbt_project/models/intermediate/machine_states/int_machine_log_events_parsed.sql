-- One row per machine-log line, parsed by the rule table in var `log_rules` (dbt_project.yml):
-- the first rule (in list order) whose level and pattern match the message gives the event type,
-- the state the machine enters (null: no state change), the dispenser phase and the detail.
-- Lines no rule matches (heartbeats, anything unexpected) are kept with event_type 'unmatched'.
with

log_lines as (
    select * from {{ ref('stg_machine_logs__log_lines') }}
),

log_rules as (
    {{ log_rules_relation() }}
),

matched as (
    -- The rule patterns are rendered as constants (one compiled regex each), not joined
    -- row by row: the first rule whose level and pattern match wins.
    select
        *,
        case
            {%- for rule in var('log_rules') %}
            when {% if rule.get('level') %}log_level = {{ log_rule_literal(rule.level) }} and {% endif -%}
                regexp_full_match(message, {{ log_rule_literal(rule.pattern) }}) then {{ loop.index }}
            {%- endfor %}
        end as rule_order
    from log_lines
),

extracted as (
    select
        matched.*,
        case matched.rule_order
            {%- for rule in var('log_rules') %}
            when {{ loop.index }} then regexp_extract(matched.message, {{ log_rule_literal(rule.pattern) }}, 1)
            {%- endfor %}
        end as message_station,
        case matched.rule_order
            {%- for rule in var('log_rules') %}{% if rule.get('state_group') %}
            when {{ loop.index }} then regexp_extract(matched.message, {{ log_rule_literal(rule.pattern) }}, {{ rule.state_group }})
            {%- endif %}{% endfor %}
        end as captured_state,
        case matched.rule_order
            {%- for rule in var('log_rules') %}{% if rule.get('detail_group') %}
            when {{ loop.index }} then regexp_extract(matched.message, {{ log_rule_literal(rule.pattern) }}, {{ rule.detail_group }})
            {%- endif %}{% endfor %}
        end as captured_detail
    from matched
),

parsed as (
    select
        extracted.machine_id,
        extracted.station_id,
        extracted.logged_at,
        extracted.production_date,
        extracted.log_level,
        extracted.message,
        log_rules.rule_name,
        coalesce(log_rules.event_type, 'unmatched') as event_type,
        log_rules.rule_name is not null as is_matched,
        extracted.message_station,
        coalesce(log_rules.state, extracted.captured_state) as state,
        extracted.captured_detail as detail,
        log_rules.phase,
        log_rules.counts,
        extracted.source_file,
        extracted.source_row_number,
        extracted.delivery_date
    from extracted
    left join log_rules on log_rules.rule_order = extracted.rule_order
),

final as (
    select
        machine_id,
        station_id,
        logged_at,
        production_date,
        {{ shift_code('logged_at') }} as shift_code,
        log_level,
        message,
        rule_name,
        event_type,
        is_matched,
        message_station,
        nullif(state, '') as state,
        nullif(detail, '') as detail,
        phase,
        counts,
        source_file,
        source_row_number,
        delivery_date
    from parsed
)

select * from final
