{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per dispensing cycle assembled from the controller's step records: a record with
-- status word 1 (CYCLE_STARTED) opens a cycle; the following records up to the next 1 belong to it.
-- Completed = the cumulative mask reached 63 (EJECTED); otherwise the cycle was aborted.
with

equipment_records as (
    select * from {{ ref('stg_dispensing_cell__equipment_records') }}
    where
        machine_id is not null
        and recorded_at is not null
        and status_word is not null
        and {{ delivered_in_context_window('delivery_date') }}
),

numbered as (
    select
        *,
        sum(case when status_word = 1 then 1 else 0 end) over (
            partition by machine_id
            order by recorded_at, status_word, record_id
            rows between unbounded preceding and current row
        ) as cycle_number
    from equipment_records
),

grouped as (
    select
        machine_id,
        cycle_number,
        min(station_id) as station_id,
        min(controller_id) as controller_id,
        min(case when status_word = 1 then operator_id end) as operator_id,
        min(case when status_word = 1 then record_id end) as start_record_id,
        min(case when status_word = 1 then recorded_at end) as started_at,
        min(case when status_word = 3 then recorded_at end) as clamped_at,
        min(case when status_word = 7 then recorded_at end) as side_a_done_at,
        min(case when status_word = 15 then recorded_at end) as side_b_done_at,
        min(case when status_word = 31 then recorded_at end) as unclamped_at,
        min(case when status_word = 63 then recorded_at end) as ejected_at,
        max(status_word) as last_status_word,
        count(*) as record_count
    from numbered
    -- records before the first CYCLE_STARTED of a machine belong to no cycle
    where cycle_number > 0
    group by machine_id, cycle_number
),

decoded as (
    select
        *,
        {{ status_word_current_step('last_status_word') }} as last_step,
        {{ status_word_completed_steps('last_status_word') }} as completed_steps,
        {{ status_word_is_complete('last_status_word') }} as is_completed
    from grouped
),

final as (
    select
        machine_id || '@' || {{ utc_iso_text('started_at') }} as cycle_id,
        machine_id,
        station_id,
        controller_id,
        operator_id,
        start_record_id,
        {{ production_date('started_at') }} as production_date,
        {{ shift_code('started_at') }} as shift_code,
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
        not is_completed as is_aborted,
        {{ diff_in('second', 'started_at', 'clamped_at') }} as clamp_time_s,
        {{ diff_in('second', 'clamped_at', 'side_a_done_at') }} as side_a_time_s,
        {{ diff_in('second', 'side_a_done_at', 'side_b_done_at') }} as side_b_time_s,
        {{ diff_in('second', 'side_b_done_at', 'unclamped_at') }} as unclamp_time_s,
        {{ diff_in('second', 'unclamped_at', 'ejected_at') }} as eject_time_s,
        case when is_completed then {{ diff_in('second', 'started_at', 'ejected_at') }} end as cycle_time_s
    from decoded
)

select * from final
where {{ in_run_window('production_date') }}
