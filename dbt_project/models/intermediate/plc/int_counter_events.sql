{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Counter and OPC-UA read-quality events per production date and machine, for data quality:
-- resets and 16-bit rollovers of TotalCount (from int_counter_deltas), and bad / stale reads of
-- every node (bad = Bad* status or null value; stale = a non-Good status or a source timestamp
-- older than the poll, i.e. the PLC repeated an old value).
with

node_reads as (
    select * from {{ ref('stg_plc__node_reads') }}
    where machine_id is not null and {{ at_in_context_window('polled_at') }}
),

counter_deltas as (
    select * from {{ ref('int_counter_deltas') }}
    where {{ in_context_window('production_date') }}
),

read_quality as (
    select
        {{ production_date('polled_at') }} as production_date,
        machine_id,
        count(case when status_code like 'Bad%' or value is null then 1 end) as bad_reads,
        count(
            case
                when
                    not (status_code like 'Bad%' or value is null)
                    and (status_code <> 'Good' or source_ts < polled_at)
                    then 1
            end
        ) as stale_reads,
        count(*) as reads
    from node_reads
    group by production_date, machine_id
),

counter_changes as (
    select
        production_date,
        machine_id,
        count(case when delta_kind = 'reset' then 1 end) as resets,
        count(case when delta_kind = 'rollover' then 1 end) as rollovers
    from counter_deltas
    group by production_date, machine_id
),

final as (
    select
        read_quality.production_date,
        read_quality.machine_id,
        coalesce(counter_changes.resets, 0) as resets,
        coalesce(counter_changes.rollovers, 0) as rollovers,
        read_quality.bad_reads,
        read_quality.stale_reads,
        read_quality.reads
    from read_quality
    left join counter_changes
        on
            read_quality.production_date = counter_changes.production_date
            and read_quality.machine_id = counter_changes.machine_id
)

select * from final
where {{ in_run_window('production_date') }}
