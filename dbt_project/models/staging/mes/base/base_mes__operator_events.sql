-- Every delivered operator event: renamed, times in UTC, machine resolved through the plant's
-- spellings, and the quarantine verdict (a machine the plant does not know).
with

source as (
    select * from {{ source('mes', 'operator_logs') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

renamed as (
    select
        trim(event_id) as event_id,
        trim(operator_id) as operator_id,
        trim(operator_name) as operator_name,
        machine_id as machine_raw,
        upper(trim(event_type)) as event_type,
        {{ to_utc('event_time') }} as event_at,
        {{ timestamp_form('event_time') }} as timestamp_form,
        nullif(note, '') as note,
        -- A sign-out at the very end of a shift belongs to that shift, not to the next one.
        {{ to_utc('event_time') }}
        - case when upper(trim(event_type)) = 'SIGN_OUT' then interval '1 second' else interval '0 seconds' end
            as attributed_at,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

final as (
    select
        renamed.event_id,
        renamed.operator_id,
        renamed.operator_name,
        machine_aliases.machine_id,
        renamed.event_type,
        renamed.event_at,
        {{ production_date('renamed.attributed_at') }} as production_date,
        {{ shift_code('renamed.attributed_at') }} as shift_code,
        renamed.note,
        renamed.machine_raw,
        renamed.timestamp_form,
        {{ quarantine_verdict([
            {'field': 'machine_id', 'raw': 'renamed.machine_raw', 'resolved': 'machine_aliases.machine_id', 'noun': 'machine'},
        ]) }},
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
)

select * from final
