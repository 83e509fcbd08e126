-- Every spelling of a machine with the key a raw name is looked up by (macro alias_key), so
-- that "Mill 2", "mill_02" and "ML2 (Mill)" all resolve to MILL-02.
with

source as (
    select * from {{ source('plant', 'machine_spellings') }}
),

keyed as (
    select
        {{ alias_key('spelling') }} as alias_key,
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(spelling as {{ string_type() }}) as example_spelling
    from source
),

final as (
    select * from keyed
    -- two spellings of one machine may share a key ("MILL-02", "mill_02")
    qualify row_number() over (partition by alias_key, machine_id order by example_spelling) = 1
)

select * from final
