{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Defective units per production date × machine × product × reason × disposition (SCRAP or
-- REWORK), from the QC findings; combinations without defects have no row.
with

quality_checks as (
    select * from {{ ref('fct_quality_check') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

final as (
    select
        production_date,
        machine_id,
        product_id,
        reason_category,
        disposition,
        cast(sum(defects_found) as bigint) as quantity,
        cast(count(distinct batch_id) as bigint) as batch_count
    from quality_checks
    where disposition in ('SCRAP', 'REWORK')
    group by production_date, machine_id, product_id, reason_category, disposition
    having sum(defects_found) > 0
)

select * from final
