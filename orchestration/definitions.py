"""The one Dagster entry point: `dagster dev -m orchestration.definitions` (or `shopfloor ui`).

Why: the UI, the daemon (sensor, schedule) and `shopfloor run` all load these definitions, so
every path through the product runs the same code against the same warehouse resource. Each
area of `orchestration/defs/` (landing → bronze → dbt → validation → serving) owns its
definitions; this module merges them with what they share: the jobs that cross areas, the
resources and the executor. The warehouse resource reads `$SHOPFLOOR_HOME` at run time
(`shopfloor ui` and `shopfloor run` set it; a bare `dagster dev` needs it exported).
"""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor
from dagster_dbt import DbtCliResource

from orchestration.defs.bronze import definitions as bronze
from orchestration.defs.dbt import definitions as dbt
from orchestration.defs.dbt.project import DBT_EXECUTABLE, shopfloor_dbt
from orchestration.defs.landing import definitions as landing
from orchestration.defs.notify import definitions as notify
from orchestration.defs.reporting import definitions as reporting
from orchestration.defs.serving import definitions as serving
from orchestration.defs.validation import definitions as validation
from orchestration.jobs import bronze_job, daily_job, transform_job
from orchestration.resources import WarehouseResource
from plants.home import HOME_ENV

defs = Definitions.merge(
    landing.defs,
    bronze.defs,
    dbt.defs,
    validation.defs,
    serving.defs,
    notify.defs,
    reporting.defs,
    Definitions(
        jobs=[bronze_job, transform_job, daily_job],
        resources={
            "warehouse": WarehouseResource(home=EnvVar(HOME_ENV)),
            "dbt": DbtCliResource(
                project_dir=shopfloor_dbt,
                profiles_dir=str(shopfloor_dbt.project_dir),
                dbt_executable=DBT_EXECUTABLE,
            ),
        },
        executor=in_process_executor,
    ),
)
