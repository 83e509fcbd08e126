-- Date status: per production date with landed data, whether its numbers can still change. Rows land on their production
-- date or up to lookback_days later (data contract §3.4, macro delivery_can_hold), so a date is provisional until the
-- delivery lookback_days after it is loaded, and final from then on. Built from bronze bookkeeping alone (landing
-- data, never truth), so it is published with the rest of gold and serving, the dashboard and the truth gate read it.
with

files as (
    select * from {{ ref('stg_bronze__files') }}
),

loads as (
    select * from {{ source('bronze', '_loads') }}
),

newest as (
    -- a delivery with no file at all (nothing late was due) still moves the dates on
    select max(delivery_date) as newest_delivery_date
    from loads
),

dates_with_data as (
    select distinct file_production_date as production_date
    from files
    where
        outcome = 'loaded'
        and file_production_date is not null
        and {{ delivery_can_hold('file_production_date', 'delivery_date') }}
),

final as (
    select
        cast(dates_with_data.production_date as date) as production_date,
        cast(newest.newest_delivery_date as date) as newest_delivery_date,
        cast(dates_with_data.production_date + {{ lookback_days() }} as date) as final_from_delivery,
        cast(
            case
                when newest.newest_delivery_date >= dates_with_data.production_date + {{ lookback_days() }}
                    then 'final'
                else 'provisional'
            end as {{ string_type() }}
        ) as status
    from dates_with_data
    cross join newest
)

select * from final
