-- One row per defect reason category of the QC inspection (data contract §5.2), plus any
-- category that appears in the QC data.
with

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
),

known_reasons as (
    select
        'QUALITY' as reason_category,
        'Quality' as reason_name,
        'Product out of specification' as reason_description
    union all
    select
        'MACHINE_ERROR' as reason_category,
        'Machine error' as reason_name,
        'Defect caused by a machine fault' as reason_description
    union all
    select
        'MATERIAL' as reason_category,
        'Material' as reason_name,
        'Defective or wrong input material' as reason_description
    union all
    select
        'OPERATOR' as reason_category,
        'Operator' as reason_name,
        'Handling or operating error' as reason_description
),

seen_reasons as (
    select distinct reason_category
    from qc_checks
    where reason_category is not null
),

final as (
    select
        coalesce(known_reasons.reason_category, seen_reasons.reason_category) as reason_category,
        coalesce(known_reasons.reason_name, seen_reasons.reason_category) as reason_name,
        coalesce(known_reasons.reason_description, 'Seen in QC data, not in the data contract') as reason_description,
        known_reasons.reason_category is not null as is_documented
    from known_reasons
    full outer join seen_reasons on known_reasons.reason_category = seen_reasons.reason_category
)

select * from final
