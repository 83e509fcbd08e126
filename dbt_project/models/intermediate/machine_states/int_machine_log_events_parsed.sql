{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per machine-log line, parsed by the rule table in var `log_rules` (dbt_project.yml):
-- the first rule (in list order) whose level and pattern match the message gives the event type,
-- the state the machine enters (null: no state change), the dispenser phase and the detail.
-- Lines no rule matches (the DEBUG heartbeats) are kept with event_type 'unmatched'; a line above
-- DEBUG that no rule matches is quarantined before staging (base_machine_logs__log_lines).
{#- sqlfluff's templater renders var() as text: lint against a placeholder rule then. -#}
{%- set log_rules = var('log_rules') if var('log_rules') is not string
    else [{'name': 'lint', 'pattern': '^$', 'event_type': 'LINT'}] %}
with

log_lines as (
    select * from {{ ref('stg_machine_logs__log_lines') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

log_rules as (
    {{ log_rules_relation(log_rules) }}
),

matched as (
    -- the first rule whose level and pattern match wins
    select
        *,
        {{ log_rule_match(log_rules, 'message', 'log_level') }} as rule_order
    from log_lines
),

extracted as (
    select
        matched.*,
        {{ log_rule_capture(log_rules, 'matched.message', 'matched.rule_order', 1) }} as message_station,
        {{ log_rule_capture(log_rules, 'matched.message', 'matched.rule_order', 'state_group') }}
            as captured_state,
        {{ log_rule_capture(log_rules, 'matched.message', 'matched.rule_order', 'detail_group') }}
            as captured_detail
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
    left join log_rules on extracted.rule_order = log_rules.rule_order
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
where {{ in_run_window('production_date') }}
