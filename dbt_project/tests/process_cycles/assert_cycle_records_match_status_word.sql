-- Detects cycle-assembly errors: a cycle's number of step records must equal the number of set
-- bits of the highest mask it reached (one record per step, masks cumulative); a mismatch means
-- records of two cycles were merged or a step record is missing/duplicated.
select cycle_id, record_count, last_status_word
from {{ ref('int_equipment_cycles_assembled') }}
where record_count <> {{ status_word_step_count('last_status_word') }}
