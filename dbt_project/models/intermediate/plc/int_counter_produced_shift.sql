{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Units produced per machine × production date × shift according to the PLC TotalCount counter
-- (sum of int_counter_deltas). Exact per production date without a reset; an interval spanning a
-- shift boundary (a bad/stale read at the boundary) goes wholly to the earlier shift; the last
-- loaded date lacks its closing read, so its NIGHT shift is short.
with

counter_deltas as (
    select * from {{ ref('int_counter_deltas') }}
    where {{ in_context_window('production_date') }}
),

final as (
    select
        production_date,
        machine_id,
        shift_code,
        sum(units) as produced_qty_counter,
        count(*) as intervals,
        sum(interval_s) as covered_s,
        count(case when delta_kind = 'reset' then 1 end) as resets,
        count(case when delta_kind = 'rollover' then 1 end) as rollovers
    from counter_deltas
    group by production_date, machine_id, shift_code
)

select * from final
where {{ in_run_window('production_date') }}
