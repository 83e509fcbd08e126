-- Shift dimension: one row per shift instance (production date × shift code) with UTC bounds,
-- planned break and real length (DST nights included).
with

shift_instances as (
    select * from {{ ref('int_shift_instances') }}
),

final as (
    select * from shift_instances
)

select * from final
