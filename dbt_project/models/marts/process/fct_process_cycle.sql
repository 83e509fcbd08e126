{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- Gold fact: one row per dispensing cycle (controller CYCLE_STARTED record), with its conveyor
-- request, product scan, product, status decoding and wait / cycle / phase times in seconds.
with

correlated_cycles as (
    select * from {{ ref('int_process_cycles_correlated') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

final as (
    select
        cast(cycle_id as varchar) as cycle_id,
        cast(production_date as date) as production_date,
        cast(shift_code as varchar) as shift_code,
        cast(machine_id as varchar) as machine_id,
        cast(station_id as varchar) as station_id,
        cast(operator_id as varchar) as operator_id,
        cast(product_id as varchar) as product_id,
        cast(product_source as varchar) as product_source,
        cast(coalesce(is_product_inferred, false) as boolean) as is_product_inferred,
        cast(request_id as varchar) as request_id,
        cast(scan_id as varchar) as scan_id,
        cast(product_code as varchar) as product_code,
        cast(requested_at as timestamptz) as requested_at,
        cast(scanned_at_scanner_clock as timestamptz) as scanned_at_scanner_clock,
        cast(scanned_at_corrected as timestamptz) as scanned_at_corrected,
        cast(scanner_offset_s as integer) as scanner_offset_s,
        cast(started_at as timestamptz) as started_at,
        cast(clamped_at as timestamptz) as clamped_at,
        cast(side_a_done_at as timestamptz) as side_a_done_at,
        cast(side_b_done_at as timestamptz) as side_b_done_at,
        cast(unclamped_at as timestamptz) as unclamped_at,
        cast(ejected_at as timestamptz) as ejected_at,
        cast(last_status_word as integer) as last_status_word,
        cast(last_step as varchar) as last_step,
        cast(completed_steps as varchar) as completed_steps,
        cast(record_count as integer) as record_count,
        cast(is_completed as boolean) as is_completed,
        cast(is_aborted as boolean) as is_aborted,
        cast(has_request as boolean) as has_request,
        cast(has_scan as boolean) as has_scan,
        cast(is_misread_scan as boolean) as is_misread_scan,
        cast(wait_time_s as integer) as wait_time_s,
        cast(cycle_time_s as integer) as cycle_time_s,
        cast(clamp_time_s as integer) as clamp_time_s,
        cast(side_a_time_s as integer) as side_a_time_s,
        cast(side_b_time_s as integer) as side_b_time_s,
        cast(unclamp_time_s as integer) as unclamp_time_s,
        cast(eject_time_s as integer) as eject_time_s
    from correlated_cycles
)

select * from final
