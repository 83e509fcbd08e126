-- One row per landed file and what bronze did with it (loaded, duplicate, quarantined).
with

source as (
    select * from {{ source('bronze', '_files') }}
),

final as (
    select
        load_id,
        source as source_name,
        delivery_date,
        path as file_path,
        file_name,
        name_date as file_production_date,
        size_bytes,
        sha256,
        outcome,
        duplicate_of,
        rows_read,
        rows_loaded,
        rows_rejected,
        added_columns,
        renamed_columns,
        error,
        loaded_at
    from source
)

select * from final
