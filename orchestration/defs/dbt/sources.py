"""Asset keys of the tables dbt reads as sources, as the sources name them: their one spelling.

Why: a dbt source names the asset that writes its table in `config.meta.dagster.asset_key`
(dbt_project/models/staging/*/_*__sources.yml), and dagster-dbt reads that for the dbt assets'
upstream keys. The Python assets that write those tables (the bronze loaders, the plant's
reference tables) take their keys from here, from the manifest the dbt assets load, as an
upstream asset does with dagster-dbt's own `get_asset_key_for_source`: the key is spelled once,
in dbt, and a source renamed there renames its writer. Not that helper itself: it looks tables
up by dbt source (`mes` holds three bronze tables) and names them by unique id, while a writer
knows its table (`bronze.qc_checks`).
"""

from functools import cache

from dagster import AssetKey

from orchestration.defs.dbt.project import parsed_manifest
from orchestration.defs.dbt.translator import ShopfloorTranslator


def source_asset_key(table: str) -> AssetKey:
    """The asset key the dbt source of `table` ("<schema>.<name>", as the writer names it)
    declares; a KeyError names a table that no dbt source reads."""
    keys = source_asset_keys()
    if table not in keys:
        raise KeyError(f"no dbt source reads {table}: declare it in a _*__sources.yml")
    return keys[table]


@cache
def source_asset_keys() -> dict[str, AssetKey]:
    """Every dbt source table ("<schema>.<name>") and the asset key it declares, read once."""
    manifest = parsed_manifest()
    translator = ShopfloorTranslator()
    return {
        f"{source['schema']}.{source['name']}": translator.get_asset_key(source)
        for source in manifest["sources"].values()
    }
