"""`shopfloor sql`: the DuckDB CLI on the published serving copy, read-only.

Why the DuckDB CLI (PyPI `duckdb-cli`, a project dependency) and not a shell of our own: it is
DuckDB's own, well-kept shell (line editing, history, completion, `.tables`, `.mode csv`, `-c`),
the tool analysts use anyway, and the serving copy is written in a storage version it reads
(orchestration/defs/serving/publish.py). harlequin was not needed: the CLI opens the copy.

Why exec the binary the package ships rather than its `duckdb` console script: that script is a
Python wrapper around the binary, so a Ctrl-C on a long query would stop the wrapper and kill the
whole shell, where the binary alone cancels the query and keeps the session. The wrapper is the
fallback when the package holds no binary.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.resources import files
from pathlib import Path

from plants.home import HOME_ENV, Home

# The session reads TIMESTAMPTZ in UTC, as every reader of the product does (connect_serving).
SESSION_SETUP = "SET TimeZone = 'UTC'"


def duckdb_cli() -> list[str]:
    """The command that starts the DuckDB CLI of this Python environment (never one on PATH)."""
    binary = files("duckdb_cli").joinpath("duckdb.exe" if sys.platform == "win32" else "duckdb")
    if binary.is_file():
        return [str(binary)]
    return [sys.executable, "-m", "duckdb_cli"]


def sql_command(serving: Path, query: str | None = None) -> list[str]:
    """The DuckDB CLI on `serving`, read-only, in UTC; with `query`, run it and exit."""
    return [
        *duckdb_cli(),
        "-readonly",
        "-cmd",
        SESSION_SETUP,
        str(serving),
        *(["-c", query] if query is not None else []),
    ]


def add_sql_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `shopfloor sql [-c QUERY]`."""
    sql = subparsers.add_parser(
        "sql",
        help="SQL shell (the DuckDB CLI) on the published serving copy, read-only",
        description="Open the DuckDB CLI on warehouse/serving.duckdb, read-only (schemas gold, "
        "audit, rejects, accounting, meta). `.tables` lists the tables, `.quit` leaves.",
    )
    sql.add_argument(
        "-c",
        "--command",
        dest="query",
        metavar="QUERY",
        help="run QUERY (one or more statements), print the result and exit",
    )
    sql.set_defaults(func=cmd_sql)
    return sql


def cmd_sql(args: argparse.Namespace) -> int:
    """Replace this process with the DuckDB CLI on the serving copy (signals go to it)."""
    home = Home.at(args.home) if getattr(args, "home", None) else Home.from_env()
    if not home.serving.exists():
        print(
            f"shopfloor sql: error: no serving copy at {home.serving} yet: `shopfloor run` "
            f"publishes one (home: --home or ${HOME_ENV})",
            file=sys.stderr,
        )
        return 2
    cmd = sql_command(home.serving, args.query)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)
    return 0  # pragma: no cover
