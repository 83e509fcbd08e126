-- One row per operator event (sign-in/out, break start/end, note), times in UTC.
with

source as (
    select * from {{ source('mes', 'operator_logs') }}
    where {{ delivered_in_run_window('_delivery_date') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
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
        renamed.delivery_date,
        renamed.source_file,
        renamed.source_row_number
    from renamed
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
    qualify row_number() over (
        partition by renamed.event_id
        order by renamed.delivery_date, renamed.source_file, renamed.source_row_number
    ) = 1
)

select * from final
