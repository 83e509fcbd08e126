{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='production_date', on_schema_change='fail') }}
-- ISO 22400-2 KPIs per production date × machine: the machine's shifts summed first, then every
-- ratio computed from the sums (never an average of shift ratios).
with

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

daily as (
    select
        production_date,
        machine_id,
        any_value(machine_key) as machine_key,
        any_value(line_id) as line_id,
        {{ sum_base_quantities() }}
    from base_quantities
    group by production_date, machine_id
),

final as (
    select
        production_date,
        machine_id,
        machine_key,
        line_id,
        {{ iso22400_kpi_columns() }}
    from daily
)

select * from final
