{#- Fails for every row where `expression` is false (null passes, not_null owns it): a rule that
    ties two columns of one row, such as an end before its start or more defective units than
    units made (dbt_utils.expression_is_true without the package). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
