-- One row per operator: name, the machine they work, when they were first and last on shift, from the operator logs.
-- An operator a batch names whose operator log has not arrived yet (a late file of a provisional date, gold.dim_date_status)
-- is listed too, without name or machine until the log is delivered, so every batch's operator is in the dimension.
with

operator_shifts as (
    select * from {{ ref('int_operator_shifts') }}
),

batches as (
    select * from {{ ref('stg_mes__production_batches') }}
),

logged as (
    select
        operator_id,
        {{ value_at_max('operator_name', 'production_date') }} as operator_name,
        {{ value_at_max('machine_id', 'production_date') }} as machine_id,
        min(production_date) as first_production_date,
        max(production_date) as last_production_date,
        cast(count(*) as bigint) as shifts_worked
    from operator_shifts
    group by operator_id
),

named_by_batches_only as (
    select
        operator_id,
        cast(null as {{ string_type() }}) as operator_name,
        cast(null as {{ string_type() }}) as machine_id,
        min(production_date) as first_production_date,
        max(production_date) as last_production_date,
        cast(0 as bigint) as shifts_worked
    from batches
    where operator_id is not null and operator_id not in (select logged.operator_id from logged)
    group by operator_id
),

final as (
    select * from logged
    union all
    select * from named_by_batches_only
)

select * from final
