{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
{%- set corr = var('correlation') -%}
-- One row per equipment cycle, correlated with its conveyor request and its product scan.
-- Request: the latest request of the same machine at or before the cycle start, within
-- start_after_request_max_s, and not already taken by an earlier cycle (requests are sequential).
-- Scan: the cycle_scan chosen in int_product_scans_matched (skew-corrected, double scans dropped).
-- Product: from the scan; for a misread or missing scan, inferred when the nearest identified
-- cycles before and after on the same machine and production date agree (same batch run).
with

cycles as (
    select * from {{ ref('int_equipment_cycles_assembled') }}
    where {{ in_context_window('production_date') }}
),

conveyor_requests as (
    select * from {{ ref('stg_dispensing_cell__conveyor_requests') }}
    where
        machine_id is not null
        and requested_at is not null
        and {{ delivered_in_context_window('delivery_date') }}
),

cycle_scans as (
    select * from {{ ref('int_product_scans_matched') }}
    where {{ in_context_window('production_date') }} and scan_role = 'cycle_scan'
),

request_cycle_events as (
    select
        machine_id,
        requested_at as event_at,
        0 as event_order,
        request_id,
        cast(null as {{ string_type() }}) as cycle_id
    from conveyor_requests
    union all
    select
        machine_id,
        started_at as event_at,
        1 as event_order,
        cast(null as {{ string_type() }}) as request_id,
        cycle_id
    from cycles
),

last_request_before_start as (
    select
        cycle_id,
        event_at as started_at,
        {{ last_non_null('request_id') }} over (
            partition by machine_id order by event_at, event_order
            rows between unbounded preceding and current row
        ) as candidate_request_id
    from request_cycle_events
),

cycle_requests as (
    select
        last_request_before_start.cycle_id,
        conveyor_requests.request_id,
        conveyor_requests.conveyor_id,
        conveyor_requests.requested_at
    from last_request_before_start
    inner join conveyor_requests
        on last_request_before_start.candidate_request_id = conveyor_requests.request_id
    where
        last_request_before_start.cycle_id is not null
        and {{ diff_in('second', 'conveyor_requests.requested_at', 'last_request_before_start.started_at') }}
        <= {{ corr['start_after_request_max_s'] }}
    qualify row_number() over (
        partition by conveyor_requests.request_id
        order by last_request_before_start.started_at
    ) = 1
),

joined as (
    select
        cycles.*,
        cycle_requests.request_id,
        cycle_requests.conveyor_id,
        cycle_requests.requested_at,
        cycle_scans.scan_id,
        cycle_scans.product_code,
        cycle_scans.is_misread as is_misread_scan,
        cycle_scans.scanned_at as scanned_at_scanner_clock,
        cycle_scans.scanned_at_corrected,
        cycle_scans.scanner_offset_s,
        cycle_scans.product_id as scanned_product_id,
        cycle_scans.product_source as scanned_product_source
    from cycles
    left join cycle_requests on cycles.cycle_id = cycle_requests.cycle_id
    left join cycle_scans on cycles.cycle_id = cycle_scans.cycle_id
),

with_neighbours as (
    select
        *,
        {{ last_non_null('scanned_product_id') }} over (
            partition by machine_id, production_date order by started_at
            rows between unbounded preceding and 1 preceding
        ) as previous_product_id,
        {{ first_non_null('scanned_product_id') }} over (
            partition by machine_id, production_date order by started_at
            rows between 1 following and unbounded following
        ) as next_product_id
    from joined
),

final as (
    select
        cycle_id,
        machine_id,
        station_id,
        production_date,
        shift_code,
        operator_id,
        start_record_id,
        request_id,
        conveyor_id,
        scan_id,
        product_code,
        case
            when scanned_product_id is not null then scanned_product_id
            when previous_product_id = next_product_id then previous_product_id
        end as product_id,
        case
            when scanned_product_id is not null then scanned_product_source
            when previous_product_id = next_product_id then 'neighbours'
        end as product_source,
        coalesce(scanned_product_id is null and previous_product_id = next_product_id, false)
            as is_product_inferred,
        requested_at,
        scanned_at_scanner_clock,
        scanned_at_corrected,
        scanner_offset_s,
        started_at,
        clamped_at,
        side_a_done_at,
        side_b_done_at,
        unclamped_at,
        ejected_at,
        last_status_word,
        last_step,
        completed_steps,
        record_count,
        is_completed,
        is_aborted,
        request_id is not null as has_request,
        scan_id is not null as has_scan,
        coalesce(is_misread_scan, false) as is_misread_scan,
        {{ diff_in('second', 'requested_at', 'started_at') }} as wait_time_s,
        cycle_time_s,
        clamp_time_s,
        side_a_time_s,
        side_b_time_s,
        unclamp_time_s,
        eject_time_s,
        clamp_time_s + eject_time_s + unclamp_time_s as handling_time_s,
        side_a_time_s + side_b_time_s as dispensing_time_s
    from with_neighbours
)

select * from final
where {{ in_run_window('production_date') }}
