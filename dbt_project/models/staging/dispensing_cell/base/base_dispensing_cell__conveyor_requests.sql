-- Every delivered carrier request (conveyor clock, taken as correct): station mapped to its
-- machine, and the quarantine verdict (a station or conveyor the plant does not know).
with

source as (
    select * from {{ source('dispensing_cell', 'conveyor_requests') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

conveyors as (
    select distinct conveyor_id from {{ ref('stg_plant__machines') }}
    where conveyor_id is not null
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
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
        {{ quarantine_verdict([
            {'field': 'station_id', 'raw': 'renamed.station_id', 'resolved': 'machine_aliases.machine_id', 'noun': 'station'},
            {'field': 'conveyor_id', 'raw': 'renamed.conveyor_id', 'resolved': 'conveyors.conveyor_id', 'noun': 'conveyor'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.station_id') }}
    left join conveyors on renamed.conveyor_id = conveyors.conveyor_id
)

select * from final
