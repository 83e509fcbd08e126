"""Every silver and gold model says what it is, and every column it outputs has a description.

Why: a newcomer follows a KPI to its landing line through `dbt docs`; an undocumented column is
a dead end on that walk (issue 17, "traceable in minutes"). The columns a model outputs are read
from a built warehouse, not from the yml, so a column added to the SQL without a description
fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.dbt.project import ensure_manifest
from plants.home import Home

DOCUMENTED_LAYERS = ("models/staging/", "models/intermediate/", "models/marts/")


def _models() -> list[dict]:
    """The silver (staging, intermediate) and gold (marts) model nodes of the parsed project."""
    nodes = json.loads(ensure_manifest().read_text(encoding="utf-8"))["nodes"].values()
    return sorted(
        (
            node
            for node in nodes
            if node["resource_type"] == "model"
            and node["original_file_path"].startswith(DOCUMENTED_LAYERS)
        ),
        key=lambda node: node["name"],
    )


def _described_columns(model: dict) -> set[str]:
    return {name for name, column in model["columns"].items() if column["description"].strip()}


def test_every_model_and_listed_column_has_a_description() -> None:
    models = _models()
    assert len(models) > 50, "the manifest lists the project's silver and gold models"
    undescribed_models = [model["name"] for model in models if not model["description"].strip()]
    undescribed_columns = [
        f"{model['name']}.{name}"
        for model in models
        for name in model["columns"]
        if name not in _described_columns(model)
    ]
    assert not undescribed_models, f"models without a description: {undescribed_models}"
    assert not undescribed_columns, f"columns listed without a description: {undescribed_columns}"


def test_every_built_column_is_documented(pipeline_home: Path) -> None:
    con = duckdb.connect(str(Home(pipeline_home).warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('silver', 'gold')"
        ).fetchall()
    finally:
        con.close()
    built: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows:
        built.setdefault((schema, table), set()).add(column)
    undocumented, stale, unbuilt = [], [], []
    for model in _models():
        columns = built.get((model["schema"], model["alias"]))
        if columns is None:
            unbuilt.append(model["name"])
            continue
        described = _described_columns(model)
        undocumented += [f"{model['name']}.{name}" for name in sorted(columns - described)]
        stale += [f"{model['name']}.{name}" for name in sorted(set(model["columns"]) - columns)]
    assert not unbuilt, (
        f"models the pipeline did not build, so their columns went unchecked: {unbuilt}"
    )
    assert not undocumented, (
        f"columns without a description in their folder's _<folder>__models.yml: {undocumented}"
    )
    assert not stale, f"yml documents columns the model does not output: {stale}"


@pytest.mark.parametrize("kpi_mart", ["kpi_machine_shift", "kpi_machine_daily", "kpi_plant_daily"])
def test_iso22400_marts_say_their_formulas_in_words(kpi_mart: str) -> None:
    description = next(model for model in _models() if model["name"] == kpi_mart)["description"]
    for formula in ("availability =", "performance =", "quality =", "OEE ="):
        assert formula in description, f"{kpi_mart}'s description lacks '{formula} …'"
