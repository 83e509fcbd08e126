"""Serving copy for DuckDB 1.x readers: STORAGE_VERSION on attach vs a Parquet export beside it.

The project's DuckDB 2.0 writes storage version 69, which no 1.x reader opens (the DuckDB CLI on
PyPI, `duckdb-cli` 1.5.x; DBeaver / ODBC / JDBC drivers of the 1.x line). Two ways out, each
measured on a built home (by default the demo's 14 days, `make demo`'s home `./data`): the serving
copy written by `write_copy` (orchestration/defs/serving/publish.py) with an older
`STORAGE_VERSION`, or the 2.0 copy plus `EXPORT DATABASE ... (FORMAT parquet)` beside it. Per
variant: the time to write it (median of --runs, the variants taken in turn, the warehouse in the
page cache), its size, and whether the project's DuckDB CLI (duckdb-cli) opens it and runs
`gold.kpi_selection`.

    uv run python -m bench.bench_serving [--home data] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

from bench.common import append_section, fmt_mb, fmt_s, median, parse_args, scratch_dir
from cli.sql import duckdb_cli
from ingestion.warehouse import connect
from orchestration.defs.serving.publish import SERVING_STORAGE_VERSION, write_copy
from plants.home import Home

DEFAULT_STORAGE = "v2.0.0"  # what DuckDB 2.0 writes when ATTACH names no storage version
VARIANTS = ("v2.0.0", "v1.5.0", "v1.0.0", "parquet")
PROBE = (
    "select count(*) from gold.kpi_selection((select min(production_date) from "
    "gold.kpi_machine_shift), (select max(production_date) from gold.kpi_machine_shift), [], "
    "(select list(machine_id) from gold.dim_machine), true, true)"
)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def _cli_reads(target: Path, parquet: bool) -> str:
    """What the DuckDB CLI of this environment says when it opens the variant."""
    if parquet:  # a 1.x reader queries the exported files (or IMPORT DATABASE them)
        glob = f"{target}/*kpi_machine_shift*.parquet"  # a CLI argument: no parameter to bind
        cmd = [*duckdb_cli(), "-c", f"select count(*) from '{glob}'"]  # noqa: S608
    else:
        cmd = [*duckdb_cli(), "-readonly", str(target), "-c", PROBE]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return "yes (tables and kpi_selection)" if not parquet else "yes (tables; no macros)"
    return "no: " + (done.stderr.strip().splitlines() or ["?"])[0][:90]


def _write(con, work: Path, variant: str, publication: dict) -> tuple[float, int, Path]:
    copy = work / f"serving-{variant}.duckdb"
    for stale in (copy, copy.with_suffix(".parquet")):
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(True)
    t0 = time.perf_counter()
    write_copy(con, copy, publication, DEFAULT_STORAGE if variant == "parquet" else variant)
    size = _size(copy)
    if variant == "parquet":
        folder = copy.with_suffix(".parquet")
        con.execute("attach ? as exported (read_only)", [str(copy)])
        try:
            con.execute(f"export database exported to '{folder}' (format parquet)")
        finally:
            con.execute("detach exported")
        size += _size(folder)
        return time.perf_counter() - t0, size, folder
    return time.perf_counter() - t0, size, copy


def measure(home: Path, runs: int) -> list[list[str]]:
    work = scratch_dir("serving_")
    try:
        warehouse = work / "home"
        shutil.copytree(Home(home).warehouse.parent, warehouse / "warehouse")
        con = connect(warehouse)
        try:
            cursor = con.execute(
                "select * from audit.publications order by published_at desc limit 1"
            )
            names = [d[0] for d in cursor.description]
            publication = dict(zip(names, cursor.fetchone(), strict=True))
            table = [["variant", "write s", "size MB", "vs v2.0.0 size", "DuckDB CLI 1.5 opens"]]
            times: dict[str, list[float]] = {v: [] for v in VARIANTS}
            written: dict[str, tuple[int, Path]] = {}
            for _ in range(runs):  # round robin: a burst of load on the machine hits every variant
                for variant in VARIANTS:
                    seconds, size, target = _write(con, work, variant, publication)
                    times[variant].append(seconds)
                    written[variant] = (size, target)
            results = {v: (median(times[v]), *written[v]) for v in VARIANTS}
        finally:
            con.close()
        base = results[DEFAULT_STORAGE][1]
        for variant, (seconds, size, target) in results.items():
            label = {
                "v2.0.0": "STORAGE_VERSION v2.0.0 (the default, before)",
                "parquet": "v2.0.0 copy + EXPORT DATABASE (FORMAT parquet) beside it",
            }.get(variant, f"STORAGE_VERSION {variant}")
            if variant == SERVING_STORAGE_VERSION:
                label += " (chosen)"
            table.append([label, fmt_s(seconds), fmt_mb(size), f"{size / base:.2f}x",
                          _cli_reads(target, variant == "parquet")])  # fmt: skip
        return table
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("data"), help="a built, published home")
    parser.add_argument("--runs", type=int, default=3)
    args = parse_args(parser, argv, {"runs": 1})
    table = measure(args.home, args.runs)
    days = len(list(Home(args.home).ground_truth.glob("*/truth.json")))
    print(
        append_section(
            f"Serving copy for DuckDB 1.x readers ({days} days, {args.runs} run(s) each)",
            f"uv run python -m bench.bench_serving --home <a built {days}-day home> "
            f"--runs {args.runs}",
            table,
            notes=(
                "Write s = writing the whole serving copy (gold, audit, rejects, accounting, "
                "meta) from the open warehouse into a new file, as publish does before its "
                "rename; for Parquet, plus EXPORT DATABASE of that copy. Size = the file (plus "
                "the export folder). Opens = the project's DuckDB CLI (duckdb-cli, 1.5.x) runs "
                "gold.kpi_selection on the copy (Parquet: a query over the exported files)."
            ),
        )
    )


if __name__ == "__main__":
    main()
