{{ config(
    materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(),
    on_schema_change='fail',
    post_hook="{{ create_downtime_selection(this, ref('kpi_machine_shift')) }}"
) }}
-- depends_on: {{ ref('kpi_machine_shift') }}
-- Downtime by cause per production date × machine × shift: breakdowns by fault code, small stops
-- by minor-stop cause, setups by the product changed over to (int_machine_state_losses
-- classifies every piece of the state timeline). Only the scheduled machine-shifts of
-- kpi_machine_shift, so each category adds up to its column of kpi_loss_tree. The post-hook
-- creates gold.downtime_selection(...), the Pareto of any selection of machine-shifts
-- (macros/loss_tree.sql: create_downtime_selection).
with

base_quantities as (
    select * from {{ ref('int_machine_shift_quantities') }}
    {% if is_incremental() %} where {{ in_partition_window('production_date') }} {% endif %}
),

state_losses as (
    select * from {{ ref('int_machine_state_losses') }}
    where
        loss_category in (
            '{{ loss_category("breakdown") }}',
            '{{ loss_category("small_stop") }}',
            '{{ loss_category("setup") }}'
        )
        {% if is_incremental() %} and {{ in_partition_window('production_date') }} {% endif %}
),

per_cause as (
    select
        production_date,
        machine_id,
        shift_code,
        loss_category,
        cause_code,
        min(cause_text) as cause_text,
        count(*) filter (where is_event_start) as event_count,
        sum(duration_s) as loss_time_s
    from state_losses
    group by production_date, machine_id, shift_code, loss_category, cause_code
),

final as (
    select
        concat_ws(
            '|', per_cause.production_date, per_cause.machine_id, per_cause.shift_code,
            per_cause.loss_category, per_cause.cause_code
        ) as pareto_key,
        per_cause.production_date,
        per_cause.machine_id,
        per_cause.shift_code,
        base_quantities.line_id,
        per_cause.loss_category,
        per_cause.cause_code,
        per_cause.cause_text,
        cast(per_cause.event_count as bigint) as event_count,
        cast(per_cause.loss_time_s as decimal(18, 3)) as loss_time_s,
        {{ safe_ratio('base_quantities.running_s', 'per_cause.event_count') }} as mtbf_s,
        {{ safe_ratio('per_cause.loss_time_s', 'per_cause.event_count') }} as mttr_s
    from per_cause
    inner join base_quantities
        on
            per_cause.production_date = base_quantities.production_date
            and per_cause.machine_id = base_quantities.machine_id
            and per_cause.shift_code = base_quantities.shift_code
)

select * from final
