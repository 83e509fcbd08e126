"""Bronze: the landing folders as external assets, one loader asset per source, the plant's
reference tables and the bronze checks (row accounting, nothing left unprocessed)."""

from dagster import Definitions

from orchestration.defs.bronze.assets import bronze_assets, landing_specs
from orchestration.defs.bronze.checks import bronze_checks
from orchestration.defs.bronze.plant import plant_reference

defs = Definitions(
    assets=[*landing_specs(), *bronze_assets(), plant_reference],
    asset_checks=bronze_checks(),
)
