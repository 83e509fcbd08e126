{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
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
        cast(cycle_id as {{ string_type() }}) as cycle_id,
        cast(production_date as date) as production_date,
        cast(shift_code as {{ string_type() }}) as shift_code,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(station_id as {{ string_type() }}) as station_id,
        cast(operator_id as {{ string_type() }}) as operator_id,
        cast(product_id as {{ string_type() }}) as product_id,
        cast(product_source as {{ string_type() }}) as product_source,
        cast(coalesce(is_product_inferred, false) as boolean) as is_product_inferred,
        cast(request_id as {{ string_type() }}) as request_id,
        cast(scan_id as {{ string_type() }}) as scan_id,
        cast(product_code as {{ string_type() }}) as product_code,
        cast(requested_at as {{ instant_type() }}) as requested_at,
        cast(scanned_at_scanner_clock as {{ instant_type() }}) as scanned_at_scanner_clock,
        cast(scanned_at_corrected as {{ instant_type() }}) as scanned_at_corrected,
        cast(scanner_offset_s as integer) as scanner_offset_s,
        cast(started_at as {{ instant_type() }}) as started_at,
        cast(clamped_at as {{ instant_type() }}) as clamped_at,
        cast(side_a_done_at as {{ instant_type() }}) as side_a_done_at,
        cast(side_b_done_at as {{ instant_type() }}) as side_b_done_at,
        cast(unclamped_at as {{ instant_type() }}) as unclamped_at,
        cast(ejected_at as {{ instant_type() }}) as ejected_at,
        cast(last_status_word as integer) as last_status_word,
        cast(last_step as {{ string_type() }}) as last_step,
        cast(completed_steps as {{ string_type() }}) as completed_steps,
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
