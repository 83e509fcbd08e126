"""dbt: silver and gold, built by `dbt build` (models, seeds and data tests as asset checks)."""

from dagster import Definitions

from orchestration.defs.dbt.assets import gold_by_production_date, silver_and_dimensions

defs = Definitions(assets=[silver_and_dimensions, gold_by_production_date])
