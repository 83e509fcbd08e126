{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Gold KPI mart: dispensing-cycle analytics per production date × operator × machine (the
-- operator on the controller's CYCLE_STARTED record): cycles, products handled, cycle and wait
-- statistics (rounded like kpi_process_daily). Processes per worked hour needs the operator's
-- worked time and lives in kpi_operator_daily.
with

process_cycles as (
    select * from {{ ref('fct_process_cycle') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

daily as (
    select
        production_date,
        operator_id,
        machine_id,
        count(*) as cycles_started,
        count(case when is_completed then 1 end) as cycles_completed,
        count(case when is_aborted then 1 end) as cycles_aborted,
        count(distinct product_id) as products_handled,
        count(case when product_id is null then 1 end) as cycles_unknown_product,
        avg(cycle_time_s) as cycle_time_s_avg,
        {{ quantile_linear('cycle_time_s', 0.5) }} as cycle_time_s_p50,
        {{ quantile_linear('cycle_time_s', 0.95) }} as cycle_time_s_p95,
        avg(wait_time_s) as wait_time_s_avg,
        {{ quantile_linear('wait_time_s', 0.95) }} as wait_time_s_p95,
        min(started_at) as first_cycle_started_at,
        max(coalesce(ejected_at, started_at)) as last_cycle_ended_at
    from process_cycles
    group by production_date, operator_id, machine_id
),

final as (
    select
        cast(production_date as date) as production_date,
        cast(operator_id as {{ string_type() }}) as operator_id,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(cycles_started as integer) as cycles_started,
        cast(cycles_completed as integer) as cycles_completed,
        cast(cycles_aborted as integer) as cycles_aborted,
        cast(products_handled as integer) as products_handled,
        cast(cycles_unknown_product as integer) as cycles_unknown_product,
        cast({{ round_double('cycle_time_s_avg', 3) }} as double) as cycle_time_s_avg,
        cast({{ round_double('cycle_time_s_p50', 3) }} as double) as cycle_time_s_p50,
        cast({{ round_double('cycle_time_s_p95', 3) }} as double) as cycle_time_s_p95,
        cast({{ round_double('wait_time_s_avg', 3) }} as double) as wait_time_s_avg,
        cast({{ round_double('wait_time_s_p95', 3) }} as double) as wait_time_s_p95,
        cast(first_cycle_started_at as {{ instant_type() }}) as first_cycle_started_at,
        cast(last_cycle_ended_at as {{ instant_type() }}) as last_cycle_ended_at
    from daily
)

select * from final
