-- Every delivered machine-log line: timestamp, level and message split, the station mapped to its
-- machine, partial writes (a line repeated in full on the next line of the same file) flagged,
-- and the quarantine verdict: a station the plant does not know, or a line above DEBUG that no
-- rule of the log rule table (var log_rules) matches, whose state change would else be lost.
{#- sqlfluff's templater renders var() as text: lint against a placeholder rule then. -#}
{%- set log_rules = var('log_rules') if var('log_rules') is not string
    else [{'name': 'lint', 'pattern': '^$', 'event_type': 'LINT'}] %}
with

source as (
    select * from {{ source('machine_logs', 'machine_logs') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

split as (
    select
        trim(log_source) as station_id,
        line,
        {{ to_utc("regexp_extract(line, '^(\\S+) \\[', 1)") }} as logged_at,
        regexp_extract(line, '^\S+ \[([A-Z]+)\]', 1) as log_level,
        regexp_extract(line, '^\S+ \[[A-Z]+\] (.*)$', 1) as message,
        -- _delivery_date changes no partition (a file belongs to one delivery); it lets an
        -- incremental model's delivery filter reach the bronze scan through this window
        coalesce(
            {{ text_starts_with('lead(line) over (partition by _delivery_date, _source_file order by _row_number)', 'line') }}
            and lead(line) over (partition by _delivery_date, _source_file order by _row_number) != line,
            false
        ) as is_partial_write,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

matched as (
    select
        *,
        {{ log_rule_match(log_rules, 'message', 'log_level') }} is not null as is_matched
    from split
),

final as (
    select
        matched.station_id,
        machine_aliases.machine_id,
        matched.logged_at,
        {{ production_date('matched.logged_at') }} as production_date,
        matched.log_level,
        matched.message,
        matched.line,
        matched.is_partial_write,
        {{ quarantine_verdict([
            {'field': 'log_source', 'raw': 'matched.station_id', 'resolved': 'machine_aliases.machine_id', 'noun': 'station'},
            {'field': 'line', 'raw': 'left(matched.line, 500)',
             'when': "not matched.is_partial_write and not matched.is_matched and coalesce(matched.log_level, '') != 'DEBUG'",
             'reason': "'a ' || coalesce(matched.log_level, 'level-less') || ' line that matches no log rule (var log_rules): add a rule or fix the log'"},
        ]) }},
        matched.delivery_date,
        matched.source_file,
        matched.source_row_number
    from matched
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('matched.station_id') }}
)

select * from final
