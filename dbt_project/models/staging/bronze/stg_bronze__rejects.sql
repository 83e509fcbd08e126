-- One row per rejected raw line of any source, with the reason bronze gave and, for a value
-- rule it broke, the field and the value as delivered.
{%- set sources = [
    "production_batches", "qc_checks", "operator_logs", "conveyor_requests", "product_scans",
    "equipment_records", "sensor_logs", "controller_snapshots", "machine_logs", "asset_registry",
] %}

with

unioned as (
    {%- for source_name in sources %}
        select
            '{{ source_name }}' as source_name,
            *
        from {{ source('bronze', source_name ~ '_rejects') }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        source_name,
        _source_file as source_file,
        _row_number as source_row_number,
        _delivery_date as delivery_date,
        reason,
        field,
        value,
        raw_line
    from unioned
)

select * from final
