-- One row per machine version and product: the asset registry's packed ideal_cycle_times
-- ("PART_A=30;PART_B=34") unpacked, with the version's validity range.
with

machine_versions as (
    select * from {{ ref('int_machine_versions') }}
),

unpacked as (
    select
        machine_key,
        machine_id,
        valid_from,
        valid_to,
        {{ split_to_rows('ideal_cycle_times', "';'") }} as packed_pair
    from machine_versions
),

trimmed as (
    select
        machine_key,
        machine_id,
        valid_from,
        valid_to,
        trim(packed_pair) as pair
    from unpacked
),

final as (
    select
        machine_key,
        machine_id,
        trim(split_part(pair, '=', 1)) as product_id,
        cast(trim(split_part(pair, '=', 2)) as double) as ideal_cycle_time_s,
        valid_from,
        valid_to
    from trimmed
    where pair <> ''
)

select * from final
