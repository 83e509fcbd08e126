"""The one Dagster entry point: `dagster dev -m orchestration.definitions` (or `shopfloor ui`).

Why: the UI, the daemon (sensor, schedule) and `shopfloor run` all load these definitions, so
every path through the product runs the same code against the same warehouse resource.
The warehouse resource reads `$SHOPFLOOR_HOME` at run time (`shopfloor ui` and `shopfloor run`
set it; a bare `dagster dev` needs it exported).
"""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor
from dagster_dbt import DbtCliResource

from orchestration.assets import bronze_assets, landing_specs
from orchestration.checks import bronze_checks
from orchestration.dbt_assets import gold_by_production_date, silver_and_dimensions
from orchestration.dbt_project import DBT_EXECUTABLE, shopfloor_dbt
from orchestration.jobs import bronze_job, daily_job, transform_job
from orchestration.paths import HOME_ENV
from orchestration.plant_asset import plant_reference
from orchestration.publish_asset import publish_serving
from orchestration.resources import WarehouseResource
from orchestration.schedules import daily_schedule
from orchestration.sensors import landing_sensor
from orchestration.validation import validation_checks

defs = Definitions(
    assets=[
        *landing_specs(),
        *bronze_assets(),
        plant_reference,
        silver_and_dimensions,
        gold_by_production_date,
        publish_serving,
    ],
    asset_checks=[*bronze_checks(), *validation_checks()],
    jobs=[bronze_job, transform_job, daily_job],
    schedules=[daily_schedule],
    sensors=[landing_sensor],
    resources={
        "warehouse": WarehouseResource(home=EnvVar(HOME_ENV)),
        "dbt": DbtCliResource(
            project_dir=shopfloor_dbt,
            profiles_dir=str(shopfloor_dbt.project_dir),
            dbt_executable=DBT_EXECUTABLE,
        ),
    },
    executor=in_process_executor,
)
