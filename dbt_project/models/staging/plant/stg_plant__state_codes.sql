-- The PLC State node's integer codes and what each state counts as in ISO 22400.
with

source as (
    select * from {{ source('plant', 'state_codes') }}
),

final as (
    select
        cast(state_code as integer) as state_code,
        cast(state as {{ string_type() }}) as state,
        cast(counts_as as {{ string_type() }}) as counts_as
    from source
)

select * from final
