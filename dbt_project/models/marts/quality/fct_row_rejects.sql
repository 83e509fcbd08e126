-- One row per refused row of any source, wherever it was refused: bronze's rejects (a row that
-- breaks a syntactic rule: type, range, timestamp, required field) and the silver quarantine (a
-- well-formed row the plant cannot resolve). One table, so an analyst finds every refused row
-- with its file, line, field, value and reason, and the stage that refused it.
with

bronze_rejects as (
    select * from {{ ref('stg_bronze__rejects') }}
),

files as (
    -- one row per loaded path (a re-delivered version keeps its path)
    select * from {{ ref('stg_bronze__files') }}
    where outcome = 'loaded'
    qualify row_number() over (partition by file_path order by loaded_at desc) = 1
),

quarantined as (
    select * from {{ ref('int_source_rows_quarantined') }}
),

bronze_rows as (
    select
        'bronze' as stage,
        bronze_rejects.source_name,
        bronze_rejects.source_file,
        bronze_rejects.source_row_number,
        bronze_rejects.delivery_date,
        -- a rejected row has no trusted time of its own: its file's production date
        files.file_production_date as production_date,
        bronze_rejects.field,
        bronze_rejects.value,
        bronze_rejects.reason
    from bronze_rejects
    left join files on bronze_rejects.source_file = files.file_path
),

silver_rows as (
    select
        'silver' as stage,
        source_name,
        source_file,
        source_row_number,
        delivery_date,
        production_date,
        field,
        value,
        reason
    from quarantined
),

unioned as (
    select * from bronze_rows
    union all
    select * from silver_rows
),

final as (
    select
        cast(stage as {{ string_type() }}) as stage,
        cast(source_name as {{ string_type() }}) as source_name,
        cast(source_file as {{ string_type() }}) as source_file,
        cast(source_row_number as bigint) as source_row_number,
        cast(delivery_date as date) as delivery_date,
        cast(production_date as date) as production_date,
        cast(field as {{ string_type() }}) as field,
        cast(value as {{ string_type() }}) as value,
        cast(reason as {{ string_type() }}) as reason
    from unioned
)

select * from final
