-- Detects raw machine or product spellings in the MES batches and QC checks that the alias seeds
-- do not resolve to a canonical id. Each failing row lists one unresolved variant, where it was
-- seen and how often: add it to seeds/machine_aliases.csv or seeds/product_aliases.csv.
with

batches as (
    select * from {{ ref('stg_mes__production_batches') }}
),

qc_checks as (
    select * from {{ ref('stg_mes__qc_checks') }}
),

operator_events as (
    select * from {{ ref('stg_mes__operator_events') }}
),

unresolved as (
    select 'machine' as kind, 'production_batches' as source, machine_raw as raw_spelling
    from batches
    where machine_id is null
    union all
    select
        'product' as kind,
        'production_batches' as source,
        product_raw as raw_spelling
    from batches
    where product_id is null
    union all
    select
        'machine' as kind,
        'qc_checks' as source,
        machine_raw as raw_spelling
    from qc_checks
    where machine_id is null
    union all
    select
        'product' as kind,
        'qc_checks' as source,
        product_raw as raw_spelling
    from qc_checks
    where product_id is null
    union all
    select
        'machine' as kind,
        'operator_logs' as source,
        machine_raw as raw_spelling
    from operator_events
    where machine_id is null
),

final as (
    select kind, source, raw_spelling, count(*) as occurrences
    from unresolved
    group by kind, source, raw_spelling
)

select * from final
