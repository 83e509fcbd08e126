-- One row per OPC-UA node read of a machine the plant knows: quarantined reads left out
-- (int_source_rows_quarantined), the first copy of each node and poll kept.
with

base_reads as (
    select * from {{ ref('base_plc__node_reads') }}
),

final as (
    select
        machine_id,
        node_name,
        node_id,
        polled_at,
        source_ts,
        value,
        data_type,
        status_code,
        is_good,
        endpoint,
        delivery_date,
        source_file,
        source_row_number
    from base_reads
    where rejected_reason is null
    qualify row_number() over (
        partition by node_id, polled_at
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
