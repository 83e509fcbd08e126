-- One row per production date (the date spine of the star schema) from the first to the last date the plant produced on, with
-- its UTC bounds (the plant's day start to the next day's, e.g. 06:00 to 06:00 local; 23, 24 or 25 h long). A date counts
-- when a batch or an asset-registry export carries it and the row's delivery could hold it: rows land on their production
-- date or up to lookback_days later (data contract §3.4). So one stray row dated 2029 (or 1999) in today's delivery does
-- not stretch the spine, and dim_date / dim_shift with it, over years the plant never produced in.
with

batches as (
    select * from {{ ref('stg_mes__production_batches') }}
),

machine_exports as (
    select * from {{ ref('stg_asset_registry__machine_exports') }}
),

seen_dates as (
    select
        production_date as date_day,
        delivery_date
    from batches
    union all
    select
        export_date as date_day,
        delivery_date
    from machine_exports
),

plausible_dates as (
    select date_day from seen_dates
    where {{ delivery_can_hold('date_day', 'delivery_date') }}
),

bounds as (
    select
        min(date_day) as first_date,
        max(date_day) as last_date
    from plausible_dates
),

day_start as (
    select {{ time_literal(plant_var('plant_day_start')) }} as day_start_local
),

spine as (
    {{ select_date_series('bounds.first_date', 'bounds.last_date', 'date_day', 'bounds') }}
),

with_bounds as (
    select
        spine.date_day,
        {{ wallclock_to_utc('spine.date_day + day_start.day_start_local') }} as day_start_utc,
        {{ wallclock_to_utc('cast(spine.date_day + interval 1 day as date) + day_start.day_start_local') }} as day_end_utc
    from spine
    cross join day_start
),

final as (
    select
        date_day,
        cast(year(date_day) as integer) as year_number,
        cast(quarter(date_day) as integer) as quarter_number,
        cast(month(date_day) as integer) as month_number,
        {{ date_part_of('month_name', 'date_day') }} as month_name,
        cast({{ date_part_of('iso_year', 'date_day') }} as integer) as iso_year,
        cast({{ date_part_of('iso_week', 'date_day') }} as integer) as iso_week,
        cast({{ date_part_of('iso_day_of_week', 'date_day') }} as integer) as iso_day_of_week,
        {{ date_part_of('day_name', 'date_day') }} as day_name,
        {{ date_part_of('iso_day_of_week', 'date_day') }} >= 6 as is_weekend,
        day_start_utc,
        day_end_utc,
        cast({{ epoch_s('day_end_utc') }} - {{ epoch_s('day_start_utc') }} as bigint) as day_length_s,
        {{ epoch_s('day_end_utc') }} - {{ epoch_s('day_start_utc') }} <> 86400 as is_dst_change_day
    from with_bounds
)

select * from final
