-- Every delivered batch row: renamed, typed, times in UTC, names resolved through the plant's
-- spellings, and the quarantine verdict (machine or product the plant does not know, or a
-- production date its delivery cannot hold: the same rule bounds int_production_dates, so a
-- batch never names a date the date dimension lacks).
{%- set lookback = var('lookback_days') | int %}
{%- set batch_date = production_date('renamed.started_at') %}
{%- set outside_delivery = 'not ' ~ delivery_can_hold(batch_date, 'renamed.delivery_date') %}
{%- set outside_reason =
    "'start_time gives production date ' || cast(" ~ batch_date ~ " as " ~ string_type() ~ ") || ', which delivery '"
    ~ " || cast(renamed.delivery_date as " ~ string_type() ~ ") || ' cannot hold (rows land on their production"
    ~ " date or up to " ~ lookback ~ " days later)'" %}
with

source as (
    select * from {{ source('mes', 'production_batches') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

product_aliases as (
    select * from {{ ref('stg_plant__product_spellings') }}
),

plant as (
    select * from {{ ref('stg_plant__plant') }}
),

renamed as (
    select
        trim(batch_id) as batch_id,
        machine_id as machine_raw,
        product as product_raw,
        trim(operator_id) as operator_id,
        {{ to_utc('start_time') }} as started_at,
        {{ to_utc('end_time') }} as ended_at,
        {{ timestamp_form('start_time') }} as timestamp_form,
        try_cast(units_produced as integer) as units_produced,
        try_cast(units_defective as integer) as units_defective,
        try_cast(energy_kwh as decimal(14, 3)) as energy_kwh,
        nullif(trim(shift_code), '') as shift_code_reported,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date
    from source
),

resolved as (
    select
        renamed.*,
        machine_aliases.machine_id,
        product_aliases.product_id,
        {{ quarantine_verdict([
            {'field': 'machine_id', 'raw': 'renamed.machine_raw', 'resolved': 'machine_aliases.machine_id', 'noun': 'machine'},
            {'field': 'product', 'raw': 'renamed.product_raw', 'resolved': 'product_aliases.product_id', 'noun': 'product'},
            {'field': 'start_time', 'raw': 'renamed.started_at', 'when': outside_delivery, 'reason': outside_reason},
        ]) }}
    from renamed
    cross join plant
    left join machine_aliases on machine_aliases.alias_key = {{ alias_key('renamed.machine_raw') }}
    left join product_aliases on product_aliases.alias_key = {{ alias_key('renamed.product_raw') }}
),

final as (
    select
        batch_id,
        machine_id,
        product_id,
        operator_id,
        started_at,
        ended_at,
        {{ production_date('started_at') }} as production_date,
        {{ shift_code('started_at') }} as shift_code,
        units_produced,
        units_defective,
        energy_kwh,
        machine_raw,
        product_raw,
        timestamp_form,
        rejected_field,
        rejected_value,
        rejected_reason,
        delivery_date,
        source_file,
        source_row_number
    from resolved
)

select * from final
