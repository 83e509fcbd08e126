-- One row per operator and production date: sign-in to sign-out, breaks, and the time worked.
with

operator_events as (
    select * from {{ ref('stg_mes__operator_events') }}
),

dated_events as (
    select
        {{ star_except('production_date') }},
        -- the event id carries the production date (data contract §4.3); the event time alone
        -- would put a SIGN_OUT at the very end of a shift onto the next shift's date
        coalesce(
            {{ yyyymmdd_to_date('substr(event_id, 3, 8)', strict=false) }},
            production_date
        ) as production_date
    from operator_events
),

per_operator_day as (
    select
        operator_id,
        production_date,
        {{ value_at_min('operator_name', 'event_at') }} as operator_name,
        {{ value_at_min('machine_id', 'event_at') }} as machine_id,
        {{ value_at_min('shift_code', 'event_at') }} filter (where event_type = 'SIGN_IN') as sign_in_shift_code,
        {{ value_at_min('shift_code', 'event_at') }} as first_event_shift_code,
        min(event_at) filter (where event_type = 'SIGN_IN') as signed_in_at,
        max(event_at) filter (where event_type = 'SIGN_OUT') as signed_out_at,
        count(*) filter (where event_type = 'BREAK_START') as break_start_count,
        count(*) filter (where event_type = 'BREAK_END') as break_end_count,
        -- breaks pair up in time order, so Σ(end − start) = Σ ends − Σ starts
        coalesce(sum({{ epoch_s('event_at') }}) filter (where event_type = 'BREAK_END'), 0)
        - coalesce(sum({{ epoch_s('event_at') }}) filter (where event_type = 'BREAK_START'), 0) as break_s,
        count(*) filter (where event_type = 'NOTE') as note_count,
        count(*) as event_count
    from dated_events
    group by operator_id, production_date
),

final as (
    select
        operator_id,
        production_date,
        operator_name,
        machine_id,
        coalesce(sign_in_shift_code, first_event_shift_code) as shift_code,
        signed_in_at,
        signed_out_at,
        cast({{ epoch_s('signed_out_at') }} - {{ epoch_s('signed_in_at') }} as bigint) as signed_in_s,
        case when break_start_count = break_end_count then cast(break_s as bigint) end as break_s,
        case
            when break_start_count = break_end_count
                then cast({{ epoch_s('signed_out_at') }} - {{ epoch_s('signed_in_at') }} - break_s as bigint)
        end as worked_s,
        cast(break_start_count as bigint) as break_count,
        cast(note_count as bigint) as note_count,
        cast(event_count as bigint) as event_count
    from per_operator_day
)

select * from final
