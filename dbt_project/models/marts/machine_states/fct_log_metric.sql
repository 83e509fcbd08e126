{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Fact: the tall machine-log metrics (seed 003 format: timestamp, component_id, metric_name,
-- value, unit, state_context), one row per measured value, by production date.
with

log_metrics as (
    select * from {{ ref('int_log_metrics_tall') }}
    {% if is_incremental() %}
        where {{ in_partition_window('production_date') }}
    {% endif %}
),

final as (
    select
        log_metric_id,
        timestamp,
        component_id,
        metric_name,
        value,
        unit,
        state_context,
        production_date,
        shift_code,
        is_inferred
    from log_metrics
)

select * from final
