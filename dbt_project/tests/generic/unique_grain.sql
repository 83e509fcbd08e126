{#- Fails for every combination of `columns` that occurs more than once: the model's declared
    grain is violated (dbt_utils.unique_combination_of_columns without the package). -#}
{% test unique_grain(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
