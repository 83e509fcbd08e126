"""Which engine builds silver and gold in a run: DuckDB (the default) or Spark.

Why a run tag and not a resource: the engine is chosen per run (`shopfloor run --engine spark`,
or the tag set on a run launched in the UI), while the definitions, resources and asset graph
stay one and the same; a resource's config would fix it per code location.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGINE_TAG = "shopfloor/engine"
DUCKDB = "duckdb"
SPARK = "spark"
ENGINES = (DUCKDB, SPARK)


def run_engine(tags: Mapping[str, str]) -> str:
    """The engine a run's tags ask for (DuckDB when none); an unknown name is an error."""
    engine = tags.get(ENGINE_TAG, DUCKDB)
    if engine not in ENGINES:
        raise ValueError(f"run tag {ENGINE_TAG}={engine!r}: the engines are {', '.join(ENGINES)}")
    return engine


def engine_tags(engine: str) -> dict[str, str]:
    """The run tags that choose `engine` (none for the default)."""
    run_engine({ENGINE_TAG: engine})
    return {} if engine == DUCKDB else {ENGINE_TAG: engine}
