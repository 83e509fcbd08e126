-- One row per log line: timestamp, level and message split; partial writes (a line repeated in
-- full on the next line of the same file) dropped.
with

source as (
    select * from {{ source('machine_logs', 'machine_logs') }}
    where {{ delivered_in_run_window('_delivery_date') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

split as (
    select
        trim(log_source) as station_id,
        line,
        {{ to_utc("regexp_extract(line, '^(\\S+) \\[', 1)") }} as logged_at,
        regexp_extract(line, '^\S+ \[([A-Z]+)\]', 1) as log_level,
        regexp_extract(line, '^\S+ \[[A-Z]+\] (.*)$', 1) as message,
        starts_with(
            lead(line) over (partition by _source_file order by _row_number), line
        ) and lead(line) over (partition by _source_file order by _row_number) != line
            as is_partial_write,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        split.station_id,
        machine_aliases.machine_id,
        split.logged_at,
        {{ production_date('split.logged_at') }} as production_date,
        split.log_level,
        split.message,
        split.line,
        split.delivery_date,
        split.source_file,
        split.source_row_number
    from split
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('split.station_id') }}
    where not coalesce(split.is_partial_write, false)
)

select * from final
