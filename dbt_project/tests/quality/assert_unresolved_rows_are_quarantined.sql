-- Detects a delivered row that silently vanishes between bronze and silver: a row whose base
-- model could not resolve a plant key (machine, product, station, ...) but gave no quarantine
-- verdict (a check missing from its quarantine_verdict list: staging would then carry a null key),
-- or a row with a verdict that is missing from int_source_rows_quarantined (a base model missing
-- from its union). Each failing row names the source, file and line. Dagster reports it as a
-- check of the quarantine (meta.dagster.ref).
{{ config(meta={'dagster': {'ref': {'name': 'int_source_rows_quarantined'}}}) }}
{%- set base_models = [
    ('production_batches', 'base_mes__production_batches', ['machine_id', 'product_id']),
    ('qc_checks', 'base_mes__qc_checks', ['machine_id', 'product_id']),
    ('operator_logs', 'base_mes__operator_events', ['machine_id']),
    ('sensor_logs', 'base_sensors__sensor_readings', ['machine_id']),
    ('controller_snapshots', 'base_plc__node_reads', ['machine_id']),
    ('machine_logs', 'base_machine_logs__log_lines', ['machine_id']),
    ('conveyor_requests', 'base_dispensing_cell__conveyor_requests', ['machine_id']),
    ('equipment_records', 'base_dispensing_cell__equipment_records', ['machine_id']),
    ('product_scans', 'base_dispensing_cell__product_scans', ['machine_id']),
] %}
with

quarantined as (
    select * from {{ ref('int_source_rows_quarantined') }}
),

problems as (
    {%- for source_name, base_model, keys in base_models %}
        select
            '{{ source_name }}' as source_name,
            base_rows.source_file,
            base_rows.source_row_number,
            case
                when base_rows.rejected_reason is null then 'unresolved key without a quarantine verdict'
                else 'verdict missing from int_source_rows_quarantined'
            end as problem
        from {{ ref(base_model) }} as base_rows
        where
            (
                base_rows.rejected_reason is null
                and ({% for key in keys %}base_rows.{{ key }} is null or {% endfor %}false)
            )
            or (
                base_rows.rejected_reason is not null
                and not exists (
                    select 1 from quarantined
                    where
                        quarantined.source_name = '{{ source_name }}'
                        and quarantined.source_file = base_rows.source_file
                        and quarantined.source_row_number = base_rows.source_row_number
                )
            )
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from problems
)

select * from final
