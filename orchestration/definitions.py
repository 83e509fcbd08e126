"""The one Dagster entry point: `dagster dev -m orchestration.definitions` (or `shopfloor ui`).

Why: the UI, the daemon (sensor, schedule) and `shopfloor run` all load these definitions, so
every path through the product runs the same code against the same warehouse resource.
The warehouse resource reads `$SHOPFLOOR_HOME` at run time (`shopfloor ui` and `shopfloor run`
set it; a bare `dagster dev` needs it exported).
"""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor

from orchestration.assets import bronze_assets, landing_specs
from orchestration.checks import bronze_checks
from orchestration.jobs import bronze_job
from orchestration.paths import HOME_ENV
from orchestration.resources import WarehouseResource
from orchestration.schedules import bronze_daily_schedule
from orchestration.sensors import landing_sensor

defs = Definitions(
    assets=[*landing_specs(), *bronze_assets()],
    asset_checks=bronze_checks(),
    jobs=[bronze_job],
    schedules=[bronze_daily_schedule],
    sensors=[landing_sensor],
    resources={"warehouse": WarehouseResource(home=EnvVar(HOME_ENV))},
    executor=in_process_executor,
)
