-- One row per defect reason category of the QC inspection (data contract §5.2), plus any
-- category that appears in the QC data.
with

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
),

known_reasons as (
    select * from (
        values
            ('QUALITY', 'Quality', 'Product out of specification'),
            ('MACHINE_ERROR', 'Machine error', 'Defect caused by a machine fault'),
            ('MATERIAL', 'Material', 'Defective or wrong input material'),
            ('OPERATOR', 'Operator', 'Handling or operating error')
    ) as reasons (reason_category, reason_name, reason_description)
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
    full outer join seen_reasons on seen_reasons.reason_category = known_reasons.reason_category
)

select * from final
