-- Every spelling of a machine with the key a raw name is looked up by (macro alias_key), so
-- that "Smelter 2", "smelter_02" and "SM2 (Smelter)" all resolve to SMELTER-02.
with

source as (
    select * from {{ source('plant', 'machine_spellings') }}
),

keyed as (
    select
        {{ alias_key('spelling') }} as alias_key,
        cast(machine_id as varchar) as machine_id,
        cast(spelling as varchar) as example_spelling
    from source
),

final as (
    select * from keyed
    -- two spellings of one machine may share a key ("SMELTER-02", "smelter_02")
    qualify row_number() over (partition by alias_key, machine_id order by example_spelling) = 1
)

select * from final
