"""How dbt nodes become Dagster assets: models keyed and grouped by layer, sources by their meta.

Why: a model's schema is its layer (silver, gold; seeds and models without one are reference),
so the key and the group say where it lives. A source names the asset that writes its table in
its own `config.meta.dagster.asset_key` (dbt_project/models/staging/*/_*__sources.yml), which
dagster-dbt's default translator reads: the bronze assets and the plant's reference tables, which
take their own keys from there (sources.py), so the graph runs landing → bronze → silver → gold
without gaps and each key is spelled once.
"""

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator

UNLAYERED = "reference"  # seeds and models without a schema of their own


def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
    return dbt_resource_props.get("config", {}).get("schema") or UNLAYERED


class ShopfloorTranslator(DagsterDbtTranslator):
    """Models and seeds: `<layer>/<name>`, grouped by layer; sources: the key their meta names."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # meta.dagster.asset_key
        return AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return _layer(dbt_resource_props)
