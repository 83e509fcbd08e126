-- Machines of the plant file; a machine fed by a conveyor is a process station (dispensing cell),
-- whose cycles the equipment controller records.
with

source as (
    select * from {{ source('plant', 'machines') }}
),

final as (
    select
        cast(machine_id as varchar) as machine_id,
        cast(line_id as varchar) as line_id,
        cast(machine_type as varchar) as machine_type,
        cast(station_code as varchar) as station_code,
        cast(conveyor_id as varchar) as conveyor_id,
        cast(scanner_id as varchar) as scanner_id,
        conveyor_id is not null as is_process_station
    from source
)

select * from final
