{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
{%- set units_tolerance = var('reconciliation')['units_tolerance'] -%}
{%- set state_time_tolerance_share = var('reconciliation')['state_time_tolerance_share'] -%}
-- Cross-source reconciliation per production date × machine × shift: units from the MES batches
-- vs the PLC TotalCount counter vs the QC sample sizes, and time in state from the machine logs
-- vs the PLC State reads, each difference with its tolerance (var reconciliation) and the causes
-- silver can name for it: a counter reset, a missing opening or closing counter read, a batch
-- running across the shift end, a log gap, a batch without QC, a date whose late rows can still
-- arrive (late file). A difference beyond its tolerance is a data-quality finding
-- (data_quality_daily) and an alert (notify/alerts.py).
with

machine_shifts as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

shift_instances as (
    select * from {{ ref('int_shift_instances') }}
),

counter_shifts as (
    select * from {{ ref('int_counter_produced_shift') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

counter_deltas as (
    select * from {{ ref('int_counter_deltas') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

batches as (
    select * from {{ ref('int_batches_enriched') }}
    where {{ in_context_window('production_date') }}
),

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

state_snapshots as (
    select * from {{ ref('int_machine_state_snapshots') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

date_status as (
    select * from {{ ref('dim_date_status') }}
),

-- the units the QC inspected per batch: every finding row of a batch repeats its sample size
qc_per_batch as (
    select
        batch_id,
        max(sample_size) as inspected_units
    from qc_checks
    group by batch_id
),

batches_inspected as (
    select
        batches.production_date,
        batches.machine_id,
        batches.shift_code,
        batches.produced_qty,
        qc_per_batch.inspected_units,
        batches.ended_at > shift_instances.ended_at as runs_past_shift_end,
        shift_instances.ended_at as shift_ended_at
    from batches
    left join qc_per_batch on batches.batch_id = qc_per_batch.batch_id
    left join shift_instances
        on
            batches.production_date = shift_instances.production_date
            and batches.shift_code = shift_instances.shift_code
),

batch_totals as (
    select
        production_date,
        machine_id,
        shift_code,
        count(*) as batch_count,
        sum(produced_qty) as batch_units,
        sum(coalesce(inspected_units, 0)) as qc_units,
        count(case when inspected_units is null then 1 end) as batches_without_qc,
        count(case when runs_past_shift_end then 1 end) as batches_past_shift_end
    from batches_inspected
    group by production_date, machine_id, shift_code
),

-- a batch running past its shift's end puts units of the next shift on the counter
batches_from_previous_shift as (
    select
        shift_instances.production_date,
        batches_inspected.machine_id,
        shift_instances.shift_code,
        count(*) as batches_from_previous_shift
    from batches_inspected
    inner join shift_instances on batches_inspected.shift_ended_at = shift_instances.started_at
    where batches_inspected.runs_past_shift_end
    group by shift_instances.production_date, batches_inspected.machine_id, shift_instances.shift_code
),

counter_coverage as (
    select
        production_date,
        machine_id,
        shift_code,
        min(interval_start_at) as first_read_at,
        max(interval_end_at) as last_read_at
    from counter_deltas
    group by production_date, machine_id, shift_code
),

-- each State read holds its state until the next read, at most to the end of its shift
snapshot_holds as (
    select
        state_snapshots.production_date,
        state_snapshots.machine_id,
        state_snapshots.shift_code,
        state_snapshots.snapshot_state,
        state_snapshots.log_state,
        {{ diff_in(
            'second',
            'state_snapshots.polled_at',
            'least(coalesce(state_snapshots.held_until, shift_instances.ended_at), shift_instances.ended_at)'
        ) }} as held_s
    from state_snapshots
    inner join shift_instances
        on
            state_snapshots.production_date = shift_instances.production_date
            and state_snapshots.shift_code = shift_instances.shift_code
),

snapshot_totals as (
    select
        production_date,
        machine_id,
        shift_code,
        count(*) as state_reads,
        sum(case when snapshot_state = 'RUNNING' then held_s else 0 end) as running_s_plc,
        sum(case when log_state is null then held_s else 0 end) as state_time_without_log_s,
        sum(case when log_state is not null and snapshot_state <> log_state then held_s else 0 end)
            as state_time_disagreeing_s
    from snapshot_holds
    group by production_date, machine_id, shift_code
),

compared as (
    select
        machine_shifts.production_date,
        machine_shifts.machine_id,
        machine_shifts.shift_code,
        machine_shifts.line_id,
        machine_shifts.shift_time_s,
        cast(coalesce(batch_totals.batch_count, 0) as bigint) as batch_count,
        cast(coalesce(batch_totals.batch_units, 0) as bigint) as batch_units,
        cast(coalesce(counter_shifts.produced_qty_counter, 0) as bigint) as counter_units,
        cast(coalesce(batch_totals.qc_units, 0) as bigint) as qc_units,
        cast(coalesce(counter_shifts.resets, 0) as bigint) as counter_resets,
        coalesce(counter_coverage.first_read_at > shift_instances.started_at, true) as lacks_opening_read,
        coalesce(counter_coverage.last_read_at < shift_instances.ended_at, true) as lacks_closing_read,
        coalesce(batch_totals.batches_past_shift_end, 0)
        + coalesce(batches_from_previous_shift.batches_from_previous_shift, 0) as batches_across_shift_end,
        cast(coalesce(batch_totals.batches_without_qc, 0) as bigint) as batches_without_qc,
        coalesce(date_status.status, 'provisional') = 'provisional' as can_receive_late_rows,
        cast(machine_shifts.running_s as bigint) as running_s_log,
        cast(coalesce(snapshot_totals.running_s_plc, 0) as bigint) as running_s_plc,
        cast(coalesce(snapshot_totals.state_reads, 0) as bigint) as state_reads,
        cast(coalesce(snapshot_totals.state_time_without_log_s, 0) as bigint) as state_time_without_log_s,
        cast(coalesce(snapshot_totals.state_time_disagreeing_s, 0) as bigint) as state_time_disagreeing_s
    from machine_shifts
    inner join shift_instances
        on
            machine_shifts.production_date = shift_instances.production_date
            and machine_shifts.shift_code = shift_instances.shift_code
    left join batch_totals
        on
            machine_shifts.production_date = batch_totals.production_date
            and machine_shifts.machine_id = batch_totals.machine_id
            and machine_shifts.shift_code = batch_totals.shift_code
    left join batches_from_previous_shift
        on
            machine_shifts.production_date = batches_from_previous_shift.production_date
            and machine_shifts.machine_id = batches_from_previous_shift.machine_id
            and machine_shifts.shift_code = batches_from_previous_shift.shift_code
    left join counter_shifts
        on
            machine_shifts.production_date = counter_shifts.production_date
            and machine_shifts.machine_id = counter_shifts.machine_id
            and machine_shifts.shift_code = counter_shifts.shift_code
    left join counter_coverage
        on
            machine_shifts.production_date = counter_coverage.production_date
            and machine_shifts.machine_id = counter_coverage.machine_id
            and machine_shifts.shift_code = counter_coverage.shift_code
    left join snapshot_totals
        on
            machine_shifts.production_date = snapshot_totals.production_date
            and machine_shifts.machine_id = snapshot_totals.machine_id
            and machine_shifts.shift_code = snapshot_totals.shift_code
    left join date_status on machine_shifts.production_date = date_status.production_date
),

differences as (
    select
        *,
        counter_units - batch_units as counter_minus_batch_units,
        qc_units - batch_units as qc_minus_batch_units,
        state_time_without_log_s + state_time_disagreeing_s as state_time_difference_s,
        cast({{ units_tolerance }} as bigint) as units_tolerance,
        cast(round({{ state_time_tolerance_share }} * shift_time_s) as bigint) as state_time_tolerance_s
    from compared
),

-- the causes silver can name for each difference, in a fixed order; 'unexplained' when none
explained as (
    select
        *,
        case
            when counter_minus_batch_units = 0 then null
            else coalesce(nullif(concat_ws(
                ', ',
                case when counter_resets > 0 then 'counter reset' end,
                case when lacks_opening_read then 'missing opening read' end,
                case when lacks_closing_read then 'missing closing read' end,
                case when batches_across_shift_end > 0 then 'batch across shift end' end,
                -- batch rows can still arrive for a provisional date; the counter's own late file
                -- shows as a missing opening or closing read
                case when counter_minus_batch_units > 0 and can_receive_late_rows then 'late file' end
            ), ''), 'unexplained')
        end as counter_difference_cause,
        case
            when qc_minus_batch_units = 0 then null
            else coalesce(nullif(concat_ws(
                ', ',
                case when batches_without_qc > 0 then 'batch without QC' end,
                case when qc_minus_batch_units < 0 and can_receive_late_rows then 'late file' end
            ), ''), 'unexplained')
        end as qc_difference_cause,
        case
            when state_time_difference_s = 0 then null
            else coalesce(nullif(concat_ws(
                ', ',
                case when state_time_without_log_s > 0 then 'log gap' end,
                case when state_time_without_log_s > 0 and can_receive_late_rows then 'late file' end,
                case when state_time_disagreeing_s > 0 then 'unexplained' end
            ), ''), 'unexplained')
        end as state_time_difference_cause,
        abs(counter_minus_batch_units) > units_tolerance as counter_beyond_tolerance,
        abs(qc_minus_batch_units) > units_tolerance as qc_beyond_tolerance,
        state_time_difference_s > state_time_tolerance_s as state_time_beyond_tolerance
    from differences
),

final as (
    select
        cast(production_date || '|' || machine_id || '|' || shift_code as {{ string_type() }}) as reconciliation_key,
        production_date,
        machine_id,
        shift_code,
        line_id,
        batch_count,
        batch_units,
        counter_units,
        qc_units,
        counter_minus_batch_units,
        qc_minus_batch_units,
        units_tolerance,
        counter_resets,
        lacks_opening_read,
        lacks_closing_read,
        cast(batches_across_shift_end as bigint) as batches_across_shift_end,
        batches_without_qc,
        can_receive_late_rows,
        counter_difference_cause,
        qc_difference_cause,
        running_s_log,
        running_s_plc,
        state_reads,
        state_time_without_log_s,
        state_time_disagreeing_s,
        state_time_difference_s,
        state_time_tolerance_s,
        state_time_difference_cause,
        counter_beyond_tolerance or qc_beyond_tolerance or state_time_beyond_tolerance as is_beyond_tolerance,
        -- the difference furthest past (or nearest to) its tolerance, for the alert's observed value
        cast(
            case
                when counter_beyond_tolerance then abs(counter_minus_batch_units)
                when qc_beyond_tolerance then abs(qc_minus_batch_units)
                when state_time_beyond_tolerance then state_time_difference_s
                else abs(counter_minus_batch_units)
            end as double
        ) as worst_difference,
        cast(
            case
                when counter_beyond_tolerance or qc_beyond_tolerance then units_tolerance
                when state_time_beyond_tolerance then state_time_tolerance_s
                else units_tolerance
            end as double
        ) as worst_tolerance,
        cast(nullif(concat_ws(
            '; ',
            case
                when counter_beyond_tolerance
                    then
                        'PLC counter ' || counter_units || ' units vs batches ' || batch_units
                        || ' (tolerance ' || units_tolerance || '; ' || counter_difference_cause || ')'
            end,
            case
                when qc_beyond_tolerance
                    then
                        'QC samples ' || qc_units || ' units vs batches ' || batch_units
                        || ' (tolerance ' || units_tolerance || '; ' || qc_difference_cause || ')'
            end,
            case
                when state_time_beyond_tolerance
                    then
                        'PLC State vs logs ' || state_time_difference_s || ' s in another state'
                        || ' (tolerance ' || state_time_tolerance_s || ' s; ' || state_time_difference_cause || ')'
            end
        ), '') as {{ string_type() }}) as finding
    from explained
)

select * from final
