-- One row per machine-log line of a station the plant knows: partial writes dropped, quarantined
-- lines (unknown station, a line above DEBUG no log rule matches) left out.
with

base_lines as (
    select * from {{ ref('base_machine_logs__log_lines') }}
),

final as (
    select
        station_id,
        machine_id,
        logged_at,
        production_date,
        log_level,
        message,
        line,
        delivery_date,
        source_file,
        source_row_number
    from base_lines
    where not is_partial_write and rejected_reason is null
)

select * from final
