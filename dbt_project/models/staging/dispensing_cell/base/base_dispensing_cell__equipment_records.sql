-- Every delivered controller step record with its 6-bit status word (controller clock): station
-- mapped to its machine, and the quarantine verdict (a station the plant does not know).
with

source as (
    select * from {{ source('dispensing_cell', 'equipment_records') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

renamed as (
    select
        trim(record_id) as record_id,
        trim(controller_id) as controller_id,
        trim(station_id) as station_id,
        try_cast(status_word as integer) as status_word,
        {{ to_utc('recorded_at') }} as recorded_at,
        {{ timestamp_form('recorded_at') }} as timestamp_form,
        trim(operator_id) as operator_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        renamed.record_id,
        renamed.controller_id,
        renamed.station_id,
        machine_aliases.machine_id,
        renamed.status_word,
        renamed.recorded_at,
        {{ production_date('renamed.recorded_at') }} as production_date,
        renamed.operator_id,
        renamed.timestamp_form,
        {{ quarantine_verdict([
            {'field': 'station_id', 'raw': 'renamed.station_id', 'resolved': 'machine_aliases.machine_id', 'noun': 'station'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.station_id') }}
)

select * from final
