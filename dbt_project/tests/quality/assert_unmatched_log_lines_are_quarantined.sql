-- Detects a machine-log line above DEBUG that no rule of the log rule table (var log_rules)
-- matches and that is not in the silver quarantine: such a line's state change would be lost
-- without a word (staging leaves quarantined lines out, so it never reaches the parsed events).
-- Matching is recomputed here from the rule table, independently of the base model's verdict.
-- Heartbeats (DEBUG) and partial writes stay unmatched by design. Each failing row names the file
-- and line. Dagster reports it as a check of the quarantine (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'int_source_rows_quarantined'}}}) }}
{%- set log_rules = var('log_rules') if var('log_rules') is not string
    else [{'name': 'lint', 'pattern': '^$', 'event_type': 'LINT'}] %}
with

log_lines as (
    select * from {{ ref('base_machine_logs__log_lines') }}
    where not is_partial_write and coalesce(log_level, '') != 'DEBUG'
),

quarantined as (
    select * from {{ ref('int_source_rows_quarantined') }}
    where source_name = 'machine_logs'
),

unmatched as (
    select *
    from log_lines
    where {{ log_rule_match(log_rules, 'message', 'log_level') }} is null
),

final as (
    select
        unmatched.source_file,
        unmatched.source_row_number,
        unmatched.line
    from unmatched
    anti join quarantined
        on
            unmatched.source_file = quarantined.source_file
            and unmatched.source_row_number = quarantined.source_row_number
)

select * from final
