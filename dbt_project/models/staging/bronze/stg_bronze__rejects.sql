-- One row per rejected raw line of any source, with the reason bronze gave.
with

production_batches as (
    select 'production_batches' as source_name, * from {{ source('bronze', 'production_batches_rejects') }}
),

qc_checks as (
    select 'qc_checks' as source_name, * from {{ source('bronze', 'qc_checks_rejects') }}
),

operator_logs as (
    select 'operator_logs' as source_name, * from {{ source('bronze', 'operator_logs_rejects') }}
),

conveyor_requests as (
    select 'conveyor_requests' as source_name, * from {{ source('bronze', 'conveyor_requests_rejects') }}
),

product_scans as (
    select 'product_scans' as source_name, * from {{ source('bronze', 'product_scans_rejects') }}
),

equipment_records as (
    select 'equipment_records' as source_name, * from {{ source('bronze', 'equipment_records_rejects') }}
),

sensor_logs as (
    select 'sensor_logs' as source_name, * from {{ source('bronze', 'sensor_logs_rejects') }}
),

controller_snapshots as (
    select 'controller_snapshots' as source_name, * from {{ source('bronze', 'controller_snapshots_rejects') }}
),

machine_logs as (
    select 'machine_logs' as source_name, * from {{ source('bronze', 'machine_logs_rejects') }}
),

asset_registry as (
    select 'asset_registry' as source_name, * from {{ source('bronze', 'asset_registry_rejects') }}
),

unioned as (
    select * from production_batches
    union all
    select * from qc_checks
    union all
    select * from operator_logs
    union all
    select * from conveyor_requests
    union all
    select * from product_scans
    union all
    select * from equipment_records
    union all
    select * from sensor_logs
    union all
    select * from controller_snapshots
    union all
    select * from machine_logs
    union all
    select * from asset_registry
),

final as (
    select
        source_name,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date,
        reason,
        raw_line
    from unioned
)

select * from final
