"""Every SQL block of the README's analyst section runs, as written, in the DuckDB CLI from PyPI
(the project's `duckdb-cli`) against a freshly published serving copy, and answers with rows."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cli.sql import duckdb_cli
from plants.home import Home
from tests.homes import REPO

SECTION = "## For analysts"


def analyst_sql_blocks() -> list[str]:
    """The ```sql blocks between the analyst heading and the next heading of its level."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return re.findall(r"^```sql\n(.*?)^```$", readme[start : end if end > 0 else None], re.M | re.S)


def test_analyst_section_has_kpi_reject_and_accounting_queries() -> None:
    blocks = "\n".join(analyst_sql_blocks())
    for table in ("gold.kpi_", "gold.kpi_selection", "rejects.", "accounting.files"):
        assert table in blocks, table
    assert "shopfloor.duckdb" not in blocks and "bronze." not in blocks and "silver." not in blocks


def test_every_analyst_sql_block_runs_verbatim_in_the_duckdb_cli(pipeline_home: Path) -> None:
    serving = str(Home(pipeline_home).serving)
    for block in analyst_sql_blocks():
        done = subprocess.run(
            [*duckdb_cli(), "-readonly", "-csv", serving],
            input=block,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and not done.stderr, f"{block}\n{done.stderr}"
        assert len(done.stdout.splitlines()) >= 2, f"no rows:\n{block}"  # header + a row
