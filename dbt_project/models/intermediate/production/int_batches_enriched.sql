{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- One row per batch with its QC totals (scrap, rework, good) and the ideal cycle time of its
-- machine and product valid on its production date.
with

batches as (
    select * from {{ ref('stg_mes__production_batches') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
    where {{ delivered_in_context_window('delivery_date') }}
),

ideal_cycle_times as (
    select * from {{ ref('int_machine_ideal_cycle_times') }}
),

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

qc_totals as (
    select
        batch_id,
        count(*) as qc_check_count,
        sum(case when disposition = 'SCRAP' then defects_found else 0 end) as scrap_qty,
        sum(case when disposition = 'REWORK' then defects_found else 0 end) as rework_qty,
        sum(coalesce(defects_found, 0)) as defects_found
    from qc_checks
    group by batch_id
),

with_quality as (
    select
        batches.*,
        coalesce(qc_totals.qc_check_count, 0) as qc_check_count,
        coalesce(qc_totals.scrap_qty, 0) as scrap_qty,
        coalesce(qc_totals.rework_qty, 0) as rework_qty,
        qc_totals.defects_found
    from batches
    left join qc_totals on batches.batch_id = qc_totals.batch_id
),

with_machine_version as (
    select
        with_quality.*,
        machine_versions.machine_key,
        machine_versions.line_id
    from with_quality
    left join machine_versions
        on
            with_quality.machine_id = machine_versions.machine_id
            and with_quality.production_date >= machine_versions.valid_from
            and with_quality.production_date < machine_versions.valid_to
),

with_ideal_cycle as (
    select
        with_machine_version.*,
        ideal_cycle_times.ideal_cycle_time_s
    from with_machine_version
    left join ideal_cycle_times
        on
            with_machine_version.machine_key = ideal_cycle_times.machine_key
            and with_machine_version.product_id = ideal_cycle_times.product_id
),

final as (
    select
        batch_id,
        production_date,
        shift_code,
        machine_id,
        machine_key,
        line_id,
        product_id,
        operator_id,
        started_at,
        ended_at,
        cast({{ epoch_s('ended_at') }} - {{ epoch_s('started_at') }} as bigint) as batch_duration_s,
        cast(units_produced as bigint) as produced_qty,
        cast(units_defective as bigint) as units_defective_reported,
        cast(scrap_qty as bigint) as scrap_qty,
        cast(rework_qty as bigint) as rework_qty,
        cast(units_produced - scrap_qty - rework_qty as bigint) as good_qty,
        cast(qc_check_count as bigint) as qc_check_count,
        coalesce(defects_found = units_defective, false) as is_qc_consistent,
        ideal_cycle_time_s,
        units_produced * ideal_cycle_time_s as ideal_production_time_s,
        -- ISO 22400 fully productive time: the good units at their ideal cycle
        (units_produced - scrap_qty - rework_qty) * ideal_cycle_time_s as fully_productive_time_s,
        energy_kwh,
        delivery_date,
        source_file,
        source_row_number
    from with_ideal_cycle
)

select * from final
where {{ in_run_window('production_date') }}
