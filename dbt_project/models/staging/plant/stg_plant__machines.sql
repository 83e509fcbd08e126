-- Machines of the plant file; a machine fed by a conveyor is a process station (dispensing cell),
-- whose cycles the equipment controller records.
with

source as (
    select * from {{ source('plant', 'machines') }}
),

final as (
    select
        cast(machine_id as {{ string_type() }}) as machine_id,
        cast(line_id as {{ string_type() }}) as line_id,
        cast(machine_type as {{ string_type() }}) as machine_type,
        cast(station_code as {{ string_type() }}) as station_code,
        cast(conveyor_id as {{ string_type() }}) as conveyor_id,
        cast(scanner_id as {{ string_type() }}) as scanner_id,
        conveyor_id is not null as is_process_station
    from source
)

select * from final
