-- One row per operator seen in the operator logs: name, the machine they work, when they were
-- first and last on shift.
with

operator_shifts as (
    select * from {{ ref('int_operator_shifts') }}
),

final as (
    select
        operator_id,
        arg_max(operator_name, production_date) as operator_name,
        arg_max(machine_id, production_date) as machine_id,
        min(production_date) as first_production_date,
        max(production_date) as last_production_date,
        cast(count(*) as bigint) as shifts_worked
    from operator_shifts
    group by operator_id
)

select * from final
