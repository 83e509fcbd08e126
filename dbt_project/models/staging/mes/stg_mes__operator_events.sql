-- One row per operator event (sign-in/out, break start/end, note) on a machine the plant knows:
-- quarantined rows left out (int_source_rows_quarantined), the first copy of each event id kept.
with

base_events as (
    select * from {{ ref('base_mes__operator_events') }}
),

final as (
    select
        event_id,
        operator_id,
        operator_name,
        machine_id,
        event_type,
        event_at,
        production_date,
        shift_code,
        note,
        machine_raw,
        timestamp_form,
        delivery_date,
        source_file,
        source_row_number
    from base_events
    where rejected_reason is null
    qualify row_number() over (
        partition by event_id
        order by delivery_date, source_file, source_row_number
    ) = 1
)

select * from final
