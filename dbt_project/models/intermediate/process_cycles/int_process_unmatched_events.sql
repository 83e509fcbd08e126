{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Correlation leftovers per production date, machine and kind (read by data_quality_daily):
-- request_without_cycle, cycle_without_request, cycle_without_scan, scan_without_cycle,
-- double_scan (same code re-read within the window; dropped), extra_scan (a further read matched to
-- an already scanned cycle; dropped), misread_scan (kept; product from prefix/neighbours or null).
with

conveyor_requests as (
    select * from {{ ref('stg_dispensing_cell__conveyor_requests') }}
    where
        machine_id is not null
        and requested_at is not null
        and {{ delivered_in_context_window('delivery_date') }}
),

cycles as (
    select * from {{ ref('int_process_cycles_correlated') }}
    where {{ in_context_window('production_date') }}
),

scans as (
    select * from {{ ref('int_product_scans_matched') }}
    where {{ in_context_window('production_date') }}
),

requests_without_cycle as (
    select
        conveyor_requests.production_date,
        conveyor_requests.machine_id,
        'request_without_cycle' as event_kind
    from conveyor_requests
    left join cycles on conveyor_requests.request_id = cycles.request_id
    where cycles.cycle_id is null
),

cycle_events as (
    select production_date, machine_id, 'cycle_without_request' as event_kind
    from cycles
    where not has_request
    union all
    select production_date, machine_id, 'cycle_without_scan' as event_kind
    from cycles
    where not has_scan
),

scan_events as (
    select
        production_date,
        machine_id,
        case scan_role
            when 'unmatched' then 'scan_without_cycle'
            else scan_role
        end as event_kind
    from scans
    where scan_role <> 'cycle_scan'
    union all
    select production_date, machine_id, 'misread_scan' as event_kind
    from scans
    where
        is_misread
        and scan_role = 'cycle_scan'
),

all_events as (
    select * from requests_without_cycle
    union all
    select * from cycle_events
    union all
    select * from scan_events
),

final as (
    select
        production_date,
        machine_id,
        event_kind,
        count(*) as events
    from all_events
    group by production_date, machine_id, event_kind
)

select * from final
where {{ in_run_window('production_date') }}
