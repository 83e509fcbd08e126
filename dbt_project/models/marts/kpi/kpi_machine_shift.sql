{{ config(
    materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(),
    on_schema_change='fail', post_hook="{{ create_kpi_selection(this) }}"
) }}
-- ISO 22400-2 KPIs per production date × machine × shift (data contract §8.2), from the shift's
-- summed base quantities; ratios are ratios of sums rounded to 6 decimals, null on a 0 denominator.
-- The post-hook creates gold.kpi_selection(...), the same KPIs for any selection of these rows
-- (macros/kpi.sql: create_kpi_selection).
with

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

final as (
    select
        production_date,
        machine_id,
        shift_code,
        production_date || '|' || shift_code as shift_key,
        machine_key,
        line_id,
        {{ iso22400_kpi_columns() }}
    from base_quantities
)

select * from final
