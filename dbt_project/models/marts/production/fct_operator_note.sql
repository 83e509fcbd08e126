-- Fact: one row per note an operator typed into the MES terminal (operator event NOTE), for the
-- shift handover: when, on which machine and shift, by whom, and the text.
with

operator_events as (
    select * from {{ ref('stg_mes__operator_events') }}
),

final as (
    select
        event_id as note_id,
        production_date,
        shift_code,
        machine_id,
        operator_id,
        operator_name,
        event_at as noted_at,
        note,
        source_file,
        source_row_number
    from operator_events
    where event_type = 'NOTE'
)

select * from final
