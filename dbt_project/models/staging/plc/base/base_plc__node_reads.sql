-- Every delivered OPC-UA node read: machine and node name split from the node id, value typed,
-- machine resolved through the plant's spellings, and the quarantine verdict.
with

source as (
    select * from {{ source('plc', 'controller_snapshots') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

renamed as (
    select
        trim(endpoint) as endpoint,
        {{ to_utc('server_timestamp') }} as polled_at,
        trim(node_id) as node_id,
        regexp_extract(node_id, ';s=(.+)[.]([A-Za-z]+)$', 1) as machine_raw,
        regexp_extract(node_id, ';s=(.+)[.]([A-Za-z]+)$', 2) as node_name,
        try_cast(value as bigint) as value,
        trim(data_type) as data_type,
        {{ to_utc('source_timestamp') }} as source_ts,
        trim(status_code) as status_code,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        machine_aliases.machine_id,
        renamed.node_name,
        renamed.node_id,
        renamed.polled_at,
        {{ production_date('renamed.polled_at') }} as production_date,
        renamed.source_ts,
        renamed.value,
        renamed.data_type,
        renamed.status_code,
        renamed.status_code = 'Good' as is_good,
        renamed.endpoint,
        {{ quarantine_verdict([
            {'field': 'node_id', 'raw': 'renamed.node_id', 'resolved': 'machine_aliases.machine_id', 'noun': 'node of a machine'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
)

select * from final
