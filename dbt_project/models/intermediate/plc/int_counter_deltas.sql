{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
{#- A drop of a UInt16 counter is a rollover when counting on across the wrap needs no more than
    this many units per minute since the previous usable read; otherwise it is a reset. -#}
{%- set max_units_per_minute = 10 -%}
-- One row per usable TotalCount read (status Good and fresh) with the units counted since the
-- previous usable read of the same machine. Bad (BadCommunicationError / null) and stale
-- (UncertainLastUsableValue, or a source timestamp older than the poll) reads are skipped: the next
-- usable read carries their units. A drop in value is a 16-bit rollover (UInt16 wraps at 65 536)
-- when wrapping is plausible, otherwise a reset to 0 (delta = the new value; units completed just
-- before the reset inside the poll interval are lost). The delta belongs to the interval that
-- starts at the previous read, so it is attributed to that read's production date and shift.
with

node_reads as (
    select * from {{ ref('stg_plc__node_reads') }}
    where
        node_name = 'TotalCount'
        and machine_id is not null
        and {{ at_in_context_window('polled_at') }}
),

classified as (
    select
        *,
        status_code like 'Bad%' or value is null as is_bad,
        not (status_code like 'Bad%' or value is null)
        and (status_code <> 'Good' or source_ts < polled_at) as is_stale
    from node_reads
),

usable as (
    select * from classified
    where
        not is_bad
        and not is_stale
),

with_previous as (
    select
        *,
        lag(value) over (partition by machine_id order by polled_at) as previous_value,
        lag(polled_at) over (partition by machine_id order by polled_at) as previous_polled_at,
        case data_type
            when 'UInt16' then 65536
            when 'UInt32' then 4294967296
        end as wrap_modulus
    from usable
),

typed as (
    select
        *,
        case
            when previous_value is null then 'first'
            when value >= previous_value then 'count'
            when
                wrap_modulus is not null
                and value + wrap_modulus - previous_value
                <= {{ max_units_per_minute }}
                * greatest(1, {{ diff_in('minute', 'previous_polled_at', 'polled_at') }})
                then 'rollover'
            else 'reset'
        end as delta_kind
    from with_previous
),

final as (
    select
        machine_id,
        {{ production_date('previous_polled_at') }} as production_date,
        {{ shift_code('previous_polled_at') }} as shift_code,
        previous_polled_at as interval_start_at,
        polled_at as interval_end_at,
        {{ diff_in('second', 'previous_polled_at', 'polled_at') }} as interval_s,
        previous_value,
        value,
        data_type,
        delta_kind,
        case delta_kind
            when 'count' then value - previous_value
            when 'rollover' then value + wrap_modulus - previous_value
            when 'reset' then value
        end as units
    from typed
    where delta_kind <> 'first'
)

select * from final
where {{ in_run_window('production_date') }}
