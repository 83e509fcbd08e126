"""Source asset keys have one spelling: the dbt sources' meta, which the Python writers read."""

import pytest
from dagster import AssetKey

from ingestion.contracts import SOURCES
from orchestration.defs.bronze.assets import build_source_asset
from orchestration.defs.bronze.plant import plant_table_key
from orchestration.defs.dbt import sources

DECLARED = {
    "bronze.qc_checks": AssetKey(["bronze", "mes", "qc_checks"]),
    "plant.lines": AssetKey(["plant", "reference", "lines"]),
}


def test_a_key_declared_in_a_dbt_source_is_the_key_of_the_asset_that_writes_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "source_asset_keys", lambda: DECLARED)
    assert build_source_asset(SOURCES["qc_checks"]).key == DECLARED["bronze.qc_checks"]
    assert plant_table_key("lines") == DECLARED["plant.lines"]


def test_a_table_no_dbt_source_reads_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "source_asset_keys", lambda: DECLARED)
    with pytest.raises(KeyError, match=r"bronze\.sensor_logs"):
        build_source_asset(SOURCES["sensor_logs"])
