-- One row per carrier request at a station (conveyor clock, taken as correct).
with

source as (
    select * from {{ source('dispensing_cell', 'conveyor_requests') }}
    where {{ delivered_in_run_window('_delivery_date') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

renamed as (
    select
        trim(request_id) as request_id,
        trim(conveyor_id) as conveyor_id,
        trim(station_id) as station_id,
        {{ to_utc('requested_at') }} as requested_at,
        {{ timestamp_form('requested_at') }} as timestamp_form,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        renamed.request_id,
        renamed.conveyor_id,
        renamed.station_id,
        machine_aliases.machine_id,
        renamed.requested_at,
        {{ production_date('renamed.requested_at') }} as production_date,
        renamed.timestamp_form,
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.station_id') }}
    qualify row_number() over (
        partition by renamed.request_id
        order by renamed.delivery_date, renamed.source_file, renamed.source_row_number
    ) = 1
)

select * from final
