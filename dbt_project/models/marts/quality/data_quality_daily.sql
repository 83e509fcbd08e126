{{
    config(
        materialized='incremental',
        incremental_strategy=by_date_strategy(),
        unique_key=by_date_unique_key(),
        partition_by=by_date_partition(),
        on_schema_change='fail'
    )
}}

-- Per production date, source and chaos type or finding: what the pipeline found in the raw data
-- and what it did about it. Counts come from the staging and intermediate models that handle each
-- issue. Besides the chaos catalogue's types, the time model's findings: machine-shifts whose
-- state timeline does not cover the scheduled shift (a log not delivered, a gap), those whose
-- planned downtime differs from the calendar's breaks (an extra planned stop, a break worked
-- through) and machine-days with production outside the scheduled shifts. They never block a
-- publication: the KPIs use the timeline as logged. And the silver quarantine's rows
-- (rows_quarantined): rows the plant cannot resolve, left out of silver and gold. And the
-- machine-shifts whose sources disagree beyond the tolerance (reconciliation_beyond_tolerance,
-- kpi_reconciliation_daily).
with

batches as (
    select * from {{ ref('stg_mes__production_batches') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

operator_events as (
    select * from {{ ref('stg_mes__operator_events') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

conveyor_requests as (
    select * from {{ ref('stg_dispensing_cell__conveyor_requests') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

equipment_records as (
    select * from {{ ref('stg_dispensing_cell__equipment_records') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

product_scans as (
    select * from {{ ref('stg_dispensing_cell__product_scans') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

sensor_readings as (
    select * from {{ ref('stg_sensors__sensor_readings') }}
    where {{ at_in_context_window('received_at') }}
),

sensors_aligned as (
    select * from {{ ref('int_sensor_readings_aligned') }}
),

files as (
    select * from {{ ref('stg_bronze__files') }}
),

rejects as (
    select * from {{ ref('stg_bronze__rejects') }}
),

quarantined as (
    select * from {{ ref('int_source_rows_quarantined') }}
),

file_dates as (
    -- one production date per loaded path (a re-delivered version keeps its path)
    select file_path, any_value(file_production_date) as file_production_date
    from files
    where outcome = 'loaded'
    group by file_path
),

counter_events as (
    select * from {{ ref('int_counter_events') }}
),

skipped_states as (
    select * from {{ ref('int_log_skipped_states') }}
),

scans_matched as (
    select * from {{ ref('int_product_scans_matched') }}
),

machine_shifts as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

unscheduled_activity as (
    select * from {{ ref('int_machine_unscheduled_activity') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

reconciliation as (
    select * from {{ ref('kpi_reconciliation_daily') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

catalogue as (
    select * from {{ ref('chaos_catalogue') }}
),

findings as (
    select
        production_date,
        'production_batches' as source_name,
        'product_variants' as chaos_type,
        count(*) filter (where product_raw <> product_id) as items_found,
        'resolved through the plant''s product spellings' as action_taken
    from batches
    group by all
    union all
    select
        production_date,
        'production_batches' as source_name,
        'machine_variants' as chaos_type,
        count(*) filter (where machine_raw <> machine_id) as items_found,
        'resolved through the plant''s machine spellings' as action_taken
    from batches
    group by all
    union all
    select
        b.production_date,
        'qc_checks' as source_name,
        'product_variants' as chaos_type,
        count(*) filter (where q.product_raw <> q.product_id) as items_found,
        'resolved through the plant''s product spellings' as action_taken
    from qc_checks as q inner join batches as b on q.batch_id = b.batch_id
    group by all
    union all
    select
        b.production_date,
        'qc_checks' as source_name,
        'machine_variants' as chaos_type,
        count(*) filter (where q.machine_raw <> q.machine_id) as items_found,
        'resolved through the plant''s machine spellings' as action_taken
    from qc_checks as q inner join batches as b on q.batch_id = b.batch_id
    group by all
    union all
    select
        production_date,
        'operator_logs' as source_name,
        'machine_variants' as chaos_type,
        count(*) filter (where machine_raw <> machine_id) as items_found,
        'resolved through the plant''s machine spellings' as action_taken
    from operator_events
    group by all
    union all
    select
        {{ production_date('received_at') }} as production_date,
        'sensor_logs' as source_name,
        'machine_variants' as chaos_type,
        count(*) filter (where machine_raw <> machine_id) as items_found,
        'resolved through the plant''s machine spellings' as action_taken
    from sensor_readings
    group by all
    union all
    select
        production_date,
        'production_batches' as source_name,
        'timezone_mix' as chaos_type,
        count(*) filter (where timestamp_form <> 'utc') as items_found,
        'converted to UTC (naive times read as plant-local)' as action_taken
    from batches
    group by all
    union all
    select
        b.production_date,
        'qc_checks' as source_name,
        'timezone_mix' as chaos_type,
        count(*) filter (where q.timestamp_form <> 'utc') as items_found,
        'converted to UTC (naive times read as plant-local)' as action_taken
    from qc_checks as q inner join batches as b on q.batch_id = b.batch_id
    group by all
    union all
    select
        production_date,
        'operator_logs' as source_name,
        'timezone_mix' as chaos_type,
        count(*) filter (where timestamp_form <> 'utc') as items_found,
        'converted to UTC (naive times read as plant-local)' as action_taken
    from operator_events
    group by all
    union all
    select
        production_date,
        'conveyor_requests' as source_name,
        'timezone_mix' as chaos_type,
        count(*) filter (where timestamp_form <> 'utc') as items_found,
        'converted to UTC (naive times read as plant-local)' as action_taken
    from conveyor_requests
    group by all
    union all
    select
        production_date,
        'equipment_records' as source_name,
        'timezone_mix' as chaos_type,
        count(*) filter (where timestamp_form <> 'utc') as items_found,
        'converted to UTC (naive times read as plant-local)' as action_taken
    from equipment_records
    group by all
    union all
    select
        {{ production_date('scanned_at_scanner_clock') }} as production_date,
        'product_scans' as source_name,
        'timezone_mix' as chaos_type,
        count(*) filter (where timestamp_form <> 'utc') as items_found,
        'converted to UTC (naive times read as plant-local)' as action_taken
    from product_scans
    group by all
    union all
    select
        {{ production_date('received_at') }} as production_date,
        'sensor_logs' as source_name,
        'sensor_nulls' as chaos_type,
        sum(cast(temperature_c is null as int) + cast(pressure_bar is null as int) + cast(power_kw is null as int) + cast(vibration_mm_s is null as int)) as items_found,
        'kept as null (never zero) and left out of hourly aggregates' as action_taken
    from sensor_readings
    group by all
    union all
    select
        production_date,
        'sensor_logs' as source_name,
        'sensor_drift' as chaos_type,
        count(distinct device_id) filter (where abs(device_drift_day_s) >= 30) as items_found,
        'readings aligned to the gateway receive time' as action_taken
    from sensors_aligned
    group by all
    union all
    select
        production_date,
        'production_batches' as source_name,
        'duplicate_batches' as chaos_type,
        sum(copies_delivered - 1) as items_found,
        'dropped: first delivered copy kept' as action_taken
    from batches
    group by all
    union all
    select
        b.production_date,
        'production_batches' as source_name,
        'late_arrivals' as chaos_type,
        count(*) filter (where f.file_production_date > b.production_date) as items_found,
        'counted on its production date (restated)' as action_taken
    from batches as b inner join files as f on b.source_file = f.file_path
    group by all
    union all
    select
        b.production_date,
        'qc_checks' as source_name,
        'late_arrivals' as chaos_type,
        count(*) filter (where f.file_production_date > b.production_date) as items_found,
        'counted on its batch''s production date (restated)' as action_taken
    from qc_checks as q inner join batches as b on q.batch_id = b.batch_id inner join files as f on q.source_file = f.file_path
    group by all
    union all
    select
        file_production_date as production_date,
        source_name,
        'late_arrivals' as chaos_type,
        count(*) filter (where delivery_date > file_production_date and outcome = 'loaded') as items_found,
        'late file loaded under its delivery date, rows restated' as action_taken
    from files
    group by all
    union all
    select
        file_production_date as production_date,
        source_name,
        'duplicate_files' as chaos_type,
        count(*) filter (where outcome = 'duplicate') as items_found,
        'skipped at load: same bytes already loaded' as action_taken
    from files
    group by all
    union all
    select
        file_production_date as production_date,
        source_name,
        'schema_drift' as chaos_type,
        count(*) filter (where {{ list_length('renamed_columns') }} > 0 or {{ list_length('added_columns') }} > 0) as items_found,
        'renamed columns mapped by the alias table, added columns kept' as action_taken
    from files
    group by all
    union all
    select
        files.file_production_date as production_date,
        rejects.source_name,
        -- a line that is no record (cut short, bad bytes, too long) is a malformed line; a
        -- record with a value that breaks its field's rule is a rejected row
        case when rejects.field is null then 'malformed_lines' else 'rows_rejected' end
            as chaos_type,
        count(*) as items_found,
        case
            when rejects.field is null
                then 'rejected at load with file, line and reason (bronze rejects)'
            else
                'rejected at load: a value breaks its field''s rule (type, range, timestamp '
                || 'form or window); listed with file, line, field, value and reason in '
                || 'fct_row_rejects'
        end as action_taken
    from rejects inner join files on rejects.source_file = files.file_path and files.outcome = 'loaded'
    group by all
    union all
    select
        -- a row without a readable time of its own counts on its file's production date
        coalesce(quarantined.production_date, file_dates.file_production_date) as production_date,
        quarantined.source_name,
        'rows_quarantined' as chaos_type,
        count(*) as items_found,
        'quarantined in silver (machine, product, station, scanner or conveyor the plant does not '
        || 'know, or a log line no rule matches): left out of silver and gold, listed with file, '
        || 'line, field, value and reason in fct_row_rejects' as action_taken
    from quarantined
    left join file_dates on quarantined.source_file = file_dates.file_path
    group by all
    union all
    select
        production_date,
        'controller_snapshots' as source_name,
        'counter_resets' as chaos_type,
        sum(resets + rollovers) as items_found,
        'counter deltas taken across resets and 16-bit rollovers' as action_taken
    from counter_events
    group by all
    union all
    select
        production_date,
        'controller_snapshots' as source_name,
        'opcua_bad_values' as chaos_type,
        sum(bad_reads + stale_reads) as items_found,
        'excluded from counter deltas and state samples' as action_taken
    from counter_events
    group by all
    union all
    select
        production_date,
        'machine_logs' as source_name,
        'skipped_log_states' as chaos_type,
        sum(skipped_states) as items_found,
        'filled with 0-second inferred states (permissive mode)' as action_taken
    from skipped_states
    group by all
    union all
    select
        production_date,
        'product_scans' as source_name,
        'scanner_misreads' as chaos_type,
        -- every read beyond the first of a carrier is a double scan, whichever read was garbled
        count(*) - count(distinct cycle_id) + count(*) filter (where is_misread) as items_found,
        'misreads identified by code format, double scans dropped' as action_taken
    from scans_matched
    group by all
    union all
    select
        production_date,
        'product_scans' as source_name,
        'clock_skew' as chaos_type,
        count(distinct scanner_id) filter (
            where abs(scanner_offset_s + {{ var('correlation')['scan_lead_s'] }}) >= 3
        ) as items_found,
        'scanner clock offset estimated per day and corrected before matching' as action_taken
    from scans_matched
    group by all
    union all
    select
        production_date,
        'machine_logs' as source_name,
        'timeline_incomplete' as chaos_type,
        count(*) filter (where state_time_s < shift_time_s) as items_found,
        'machine-shifts whose logged states do not cover the scheduled shift: KPIs use the time logged, '
        || 'the rest counts as not accounted for' as action_taken
    from machine_shifts
    group by all
    union all
    select
        production_date,
        'machine_logs' as source_name,
        'planned_downtime_off_calendar' as chaos_type,
        count(*) filter (where state_time_s > 0 and planned_stop_time_s <> scheduled_break_s) as items_found,
        'machine-shifts whose logged planned stops differ from the calendar breaks (extra stop or break '
        || 'worked through): planned downtime taken from the log' as action_taken
    from machine_shifts
    group by all
    union all
    select
        production_date,
        'machine_logs' as source_name,
        'production_outside_schedule' as chaos_type,
        count(*) filter (where unscheduled_running_s > 0 or unscheduled_produced_qty > 0) as items_found,
        'machine-days with production logged outside the scheduled shifts (weekend, holiday, unstaffed '
        || 'shift): shown in kpi_machine_daily.unscheduled_*, not counted as planned time' as action_taken
    from unscheduled_activity
    group by all
    union all
    select
        production_date,
        'reconciliation' as source_name,
        'reconciliation_beyond_tolerance' as chaos_type,
        count(case when is_beyond_tolerance then 1 end) as items_found,
        'machine-shifts whose units (batches, PLC counter, QC samples) or time in state (logs, PLC '
        || 'State) differ beyond the tolerance: kept as delivered, listed with values and causes in '
        || 'kpi_reconciliation_daily and alerted' as action_taken
    from reconciliation
    group by all
),

final as (
    select
        findings.production_date,
        findings.source_name,
        cast((catalogue.chaos_type_id) as bigint) as chaos_type_id,
        findings.chaos_type,
        cast((sum(findings.items_found)) as bigint) as items_found,
        any_value(findings.action_taken) as action_taken
    from findings
    left join catalogue on findings.chaos_type = catalogue.chaos_type
    where
        findings.items_found > 0
        and findings.production_date is not null
        {% if is_incremental() %}
            and {{ in_partition_window('findings.production_date') }}
        {% endif %}
    group by findings.production_date, findings.source_name, catalogue.chaos_type_id, findings.chaos_type
)

select * from final
