{{ config(materialized='incremental', incremental_strategy=by_date_strategy(), unique_key=by_date_unique_key(), partition_by=by_date_partition(), on_schema_change='fail') }}
-- Usable (Good, fresh) StatusWord reads of dispensing controllers, decoded: the current step
-- (highest set bit) and the completed steps (all set bits) at each 60 s poll. A word of 0 means
-- no step yet on this production date (both decodings null).
with

node_reads as (
    select * from {{ ref('stg_plc__node_reads') }}
    where
        node_name = 'StatusWord'
        and machine_id is not null
        and status_code = 'Good'
        and value is not null
        and source_ts >= polled_at
        and {{ at_in_context_window('polled_at') }}
),

final as (
    select
        machine_id,
        {{ production_date('polled_at') }} as production_date,
        polled_at,
        cast(value as integer) as status_word,
        {{ status_word_current_bit('value') }} as current_bit,
        {{ status_word_current_step('value') }} as current_step,
        {{ status_word_completed_steps('value') }} as completed_steps,
        {{ status_word_is_complete('value') }} as is_cycle_complete
    from node_reads
)

select * from final
where {{ in_run_window('production_date') }}
