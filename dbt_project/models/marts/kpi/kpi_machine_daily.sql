{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- ISO 22400-2 KPIs per production date × machine: the machine's scheduled shifts summed first,
-- then every ratio computed from the sums (never an average of shift ratios). What the machine
-- logged or produced outside its scheduled shifts stays in the unscheduled_* columns, outside
-- every ratio; a machine-date with only such activity gets a row with 0 scheduled time.
with

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

unscheduled_activity as (
    select * from {{ ref('int_machine_unscheduled_activity') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

unscheduled_rows as (
    -- machine-dates with only unscheduled activity, for machines in the registry that date
    select
        {%- for column in base_quantity_columns() %}
            0 as {{ column }},
        {%- endfor %}
        unscheduled_activity.production_date,
        unscheduled_activity.machine_id,
        machine_versions.machine_key,
        machine_versions.line_id
    from unscheduled_activity
    inner join machine_versions
        on
            unscheduled_activity.machine_id = machine_versions.machine_id
            and unscheduled_activity.production_date >= machine_versions.valid_from
            and unscheduled_activity.production_date < machine_versions.valid_to
),

machine_dates as (
    {{- union_all_by_name(
        ['base_quantities', 'unscheduled_rows'],
        ['production_date', 'machine_id', 'machine_key', 'line_id'] + base_quantity_columns()
    ) }}
),

daily as (
    select
        production_date,
        machine_id,
        any_value(machine_key) as machine_key,
        any_value(line_id) as line_id,
        {{ sum_base_quantities() }}
    from machine_dates
    group by production_date, machine_id
),

final as (
    select
        daily.production_date,
        daily.machine_id,
        daily.machine_key,
        daily.line_id,
        {{ iso22400_kpi_columns() }},
        cast(coalesce(unscheduled_activity.unscheduled_running_s, 0) as bigint) as unscheduled_running_s,
        cast(coalesce(unscheduled_activity.unscheduled_state_s, 0) as bigint) as unscheduled_state_s,
        cast(coalesce(unscheduled_activity.unscheduled_produced_qty, 0) as bigint) as unscheduled_produced_qty
    from daily
    left join unscheduled_activity
        on
            daily.production_date = unscheduled_activity.production_date
            and daily.machine_id = unscheduled_activity.machine_id
)

select * from final
