-- One row per delivered row the plant cannot resolve (the silver quarantine, issue 16): a machine,
-- product, station, scanner or conveyor the plant does not know, or a machine-log line above
-- DEBUG that no log rule matches. Each base model gives its verdict; the staging model beside it
-- leaves these rows out, so one bad row never blocks a build. Rebuilt whole on every run: the
-- base views are read with all history, and the rows are few.
{%- set base_models = [
    ('production_batches', 'base_mes__production_batches'),
    ('qc_checks', 'base_mes__qc_checks'),
    ('operator_logs', 'base_mes__operator_events'),
    ('sensor_logs', 'base_sensors__sensor_readings'),
    ('controller_snapshots', 'base_plc__node_reads'),
    ('machine_logs', 'base_machine_logs__log_lines'),
    ('conveyor_requests', 'base_dispensing_cell__conveyor_requests'),
    ('equipment_records', 'base_dispensing_cell__equipment_records'),
    ('product_scans', 'base_dispensing_cell__product_scans'),
] %}
with

unioned as (
    {%- for source_name, base_model in base_models %}
        select
            '{{ source_name }}' as source_name,
            source_file,
            source_row_number,
            delivery_date,
            production_date,
            rejected_field as field,
            rejected_value as value,
            rejected_reason as reason
        from {{ ref(base_model) }}
        where rejected_reason is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        source_name,
        source_file,
        cast(source_row_number as bigint) as source_row_number,
        cast(delivery_date as date) as delivery_date,
        cast(production_date as date) as production_date,
        field,
        value,
        reason
    from unioned
)

select * from final
