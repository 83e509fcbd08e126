{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
{%- set corr = var('correlation') -%}
-- One row per product scan with its role in correlation. Steps:
-- 1. double scans: a read of the same code at the same station within double_scan_window_s of the
--    previous read of that code is a double scan (the first read is kept);
-- 2. scanner clock offset per station × production date: median of (scan − nearest cycle start)
--    over scans within skew_tolerance_s of a cycle start. It holds the scanner's clock skew plus
--    the typical carrier-arrival-to-start lead, so a corrected scan lands on its cycle's start;
-- 3. each corrected scan is matched to the nearest cycle start within skew_tolerance_s; when a
--    cycle gets several scans (a double scan of a misread code), an identifiable read wins, then
--    the earliest. Roles: cycle_scan, double_scan (dropped), extra_scan (dropped), unmatched.
with

product_scans as (
    select * from {{ ref('stg_dispensing_cell__product_scans') }}
    where scanned_at_scanner_clock is not null and {{ delivered_in_context_window('delivery_date') }}
),

machine_aliases as (
    select * from {{ ref('stg_plant__machine_spellings') }}
),

products as (
    select * from {{ ref('stg_plant__products') }}
    where scan_code_prefix is not null
),

cycles as (
    select * from {{ ref('int_equipment_cycles_assembled') }}
    where {{ in_context_window('production_date') }}
),

scans_with_machine as (
    select
        product_scans.scan_id,
        product_scans.scanner_id,
        product_scans.station_id,
        machine_aliases.machine_id,
        product_scans.product_code,
        product_scans.is_misread,
        -- a misread keeps its product when the damaged character is not in the prefix
        coalesce(product_scans.product_id, prefix_products.product_id) as product_id,
        case
            when product_scans.product_id is not null then 'scan'
            when prefix_products.product_id is not null then 'scan_prefix'
        end as product_source,
        product_scans.scanned_at_scanner_clock as scanned_at
    from product_scans
    inner join machine_aliases
        on machine_aliases.alias_key = {{ alias_key('product_scans.station_id') }}
    left join products as prefix_products
        on
            product_scans.product_id is null
            and prefix_products.scan_code_prefix = split_part(product_scans.product_code, '-', 1)
),

double_scans_flagged as (
    select
        *,
        coalesce(
            {{ diff_in(
                'second',
                'lag(scanned_at) over (partition by machine_id, product_code order by scanned_at, scan_id)',
                'scanned_at'
            ) }} <= {{ corr['double_scan_window_s'] }},
            false
        ) as is_double_scan
    from scans_with_machine
),

kept_scans as (
    select * from double_scans_flagged
    where not is_double_scan
),

-- raw pass: nearest cycle start on the uncorrected scanner clock
raw_events as (
    select machine_id, scanned_at as event_at, scan_id, cast(null as {{ instant_type() }}) as started_at
    from kept_scans
    union all
    select machine_id, started_at as event_at, cast(null as {{ string_type() }}) as scan_id, started_at
    from cycles
),

raw_neighbours as (
    select
        scan_id,
        machine_id,
        event_at as scanned_at,
        {{ last_non_null('started_at') }} over (
            partition by machine_id order by event_at, scan_id nulls first
            rows between unbounded preceding and current row
        ) as previous_start_at,
        {{ first_non_null('started_at') }} over (
            partition by machine_id order by event_at, scan_id nulls first
            rows between current row and unbounded following
        ) as next_start_at
    from raw_events
),

raw_deltas as (
    select
        scan_id,
        machine_id,
        {{ production_date('scanned_at') }} as production_date,
        case
            when next_start_at is null then {{ diff_in('second', 'previous_start_at', 'scanned_at') }}
            when previous_start_at is null then {{ diff_in('second', 'next_start_at', 'scanned_at') }}
            when
                {{ diff_in('second', 'previous_start_at', 'scanned_at') }}
                <= {{ diff_in('second', 'scanned_at', 'next_start_at') }}
                then {{ diff_in('second', 'previous_start_at', 'scanned_at') }}
            else {{ diff_in('second', 'next_start_at', 'scanned_at') }}
        end as raw_delta_s
    from raw_neighbours
    where scan_id is not null
),

scanner_offsets as (
    select
        machine_id,
        production_date,
        {{ quantile_discrete('raw_delta_s', 0.5) }} as scanner_offset_s,
        count(*) as offset_sample_size
    from raw_deltas
    where abs(raw_delta_s) <= {{ corr['skew_tolerance_s'] }}
    group by machine_id, production_date
),

corrected as (
    select
        kept_scans.*,
        raw_deltas.production_date as scan_production_date,
        coalesce(scanner_offsets.scanner_offset_s, 0) as scanner_offset_s,
        kept_scans.scanned_at
        - {{ seconds_interval('coalesce(scanner_offsets.scanner_offset_s, 0)') }} as scanned_at_corrected
    from kept_scans
    inner join raw_deltas on kept_scans.scan_id = raw_deltas.scan_id
    left join scanner_offsets
        on
            raw_deltas.machine_id = scanner_offsets.machine_id
            and raw_deltas.production_date = scanner_offsets.production_date
),

-- corrected pass: nearest cycle start on the corrected clock
corrected_events as (
    select
        machine_id,
        scanned_at_corrected as event_at,
        scan_id,
        cast(null as {{ instant_type() }}) as started_at,
        cast(null as {{ string_type() }}) as cycle_id
    from corrected
    union all
    select machine_id, started_at as event_at, cast(null as {{ string_type() }}) as scan_id, started_at, cycle_id
    from cycles
),

corrected_neighbours as (
    select
        scan_id,
        event_at as scanned_at_corrected,
        {{ last_non_null('started_at') }} over w_before as previous_start_at,
        {{ last_non_null('cycle_id') }} over w_before as previous_cycle_id,
        {{ first_non_null('started_at') }} over w_after as next_start_at,
        {{ first_non_null('cycle_id') }} over w_after as next_cycle_id
    from corrected_events
    window
        w_before as (
            partition by machine_id order by event_at, scan_id nulls first
            rows between unbounded preceding and current row
        ),
        w_after as (
            partition by machine_id order by event_at, scan_id nulls first
            rows between current row and unbounded following
        )
),

nearest_cycle as (
    select
        scan_id,
        case
            when
                next_start_at is null
                or (
                    previous_start_at is not null
                    and {{ diff_in('second', 'previous_start_at', 'scanned_at_corrected') }}
                    <= {{ diff_in('second', 'scanned_at_corrected', 'next_start_at') }}
                )
                then previous_cycle_id
            else next_cycle_id
        end as candidate_cycle_id,
        least(
            coalesce(abs({{ diff_in('second', 'previous_start_at', 'scanned_at_corrected') }}), 999999),
            coalesce(abs({{ diff_in('second', 'next_start_at', 'scanned_at_corrected') }}), 999999)
        ) as residual_s
    from corrected_neighbours
    where scan_id is not null
),

matched as (
    select
        corrected.*,
        case
            when nearest_cycle.residual_s <= {{ corr['skew_tolerance_s'] }}
                then nearest_cycle.candidate_cycle_id
        end as cycle_id,
        nearest_cycle.residual_s
    from corrected
    inner join nearest_cycle on corrected.scan_id = nearest_cycle.scan_id
),

ranked as (
    select
        *,
        case
            when cycle_id is null then null
            else row_number() over (
                partition by cycle_id
                order by is_misread, scanned_at_corrected, scan_id
            )
        end as rank_in_cycle
    from matched
),

final as (
    select
        scan_id,
        scanner_id,
        station_id,
        machine_id,
        product_code,
        is_misread,
        product_id,
        product_source,
        scanned_at,
        scanner_offset_s,
        scanned_at_corrected,
        {{ production_date('scanned_at_corrected') }} as production_date,
        cycle_id,
        case
            when cycle_id is null then 'unmatched'
            when rank_in_cycle = 1 then 'cycle_scan'
            else 'extra_scan'
        end as scan_role
    from ranked

    union all

    select
        scan_id,
        scanner_id,
        station_id,
        machine_id,
        product_code,
        is_misread,
        product_id,
        product_source,
        scanned_at,
        cast(null as integer) as scanner_offset_s,
        cast(null as {{ instant_type() }}) as scanned_at_corrected,
        {{ production_date('scanned_at') }} as production_date,
        cast(null as {{ string_type() }}) as cycle_id,
        'double_scan' as scan_role
    from double_scans_flagged
    where is_double_scan
)

select * from final
where {{ in_run_window('production_date') }}
