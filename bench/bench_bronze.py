"""Bronze load time for N days vs DuckDB's bare read_csv / read_json scan of the same files.

Why: the ratio says what the bronze guarantees (line numbers, rejects with reasons, manifest,
dedupe, lineage) cost on top of just reading the bytes. Each phase runs in its own process so
that its peak memory (max RSS) is its own. Figures are appended to bench/RESULTS.md.

    uv run python -m bench.bench_bronze --days 30 --runs 3
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import append_section

START = date(2026, 10, 19)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_load(home: Path) -> dict:
    """The bronze loaders over every landed partition, as the Dagster assets run them."""
    from ingestion.contracts import SOURCES
    from ingestion.landing import delivery_dates
    from ingestion.loader import load_partition, sweep_strays
    from ingestion.warehouse import connect

    t0 = time.perf_counter()
    con = connect(home)
    rows = rejected = 0
    for day in delivery_dates(home):
        for source in SOURCES:
            report = load_partition(con, home, source, day)
            rows, rejected = rows + report.rows_loaded, rejected + report.rows_rejected
        sweep_strays(con, home, day)
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "rejected": rejected,
            "peak_mib": _peak_mib()}  # fmt: skip


def phase_scan(home: Path) -> dict:
    """DuckDB's own readers, count(*) over the same files, no lineage, errors skipped."""
    import duckdb

    from ingestion.contracts import SOURCES, Format

    t0 = time.perf_counter()
    con = duckdb.connect()
    rows = 0
    for spec in SOURCES.values():
        files = sorted(str(p) for p in (home / "landing").glob(f"*/{spec.name}/*"))
        if not files:
            continue
        if spec.fmt is Format.CSV:
            sql = "SELECT count(*) FROM read_csv(?, all_varchar = true, ignore_errors = true, "
            sql += "union_by_name = true)"
        elif spec.fmt is Format.LOG:
            sql = "SELECT count(*) FROM read_csv(?, header = false, delim = '\x01', quote = '', "
            sql += "escape = '', columns = {'line': 'VARCHAR'}, ignore_errors = true)"
        else:
            sql = "SELECT count(*) FROM read_json(?, format = 'newline_delimited', "
            sql += "ignore_errors = true)"
        rows += con.execute(sql, [files]).fetchall()[0][0]
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "peak_mib": _peak_mib()}


def _run_phase(phase: str, home: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_bronze", "--phase", phase, "--home", str(home)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phase", choices=["load", "scan"], help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        fn = phase_load if args.phase == "load" else phase_scan
        print(json.dumps(fn(Path(args.home))))
        return

    from generators.run import generate

    work = Path(tempfile.mkdtemp(prefix="bench_bronze_"))
    try:
        source = work / "generated"
        generate(source, START, args.days, seed=42, chaos_level="default", scale=args.scale)
        mb = sum(p.stat().st_size for p in (source / "landing").rglob("*") if p.is_file()) / 1e6
        loads, scans = [], []
        for i in range(args.runs):
            home = work / f"run{i}"
            shutil.copytree(source / "landing", home / "landing")
            scans.append(_run_phase("scan", home))
            loads.append(_run_phase("load", home))
            print(f"run {i + 1}: bronze {loads[-1]['seconds']:.1f} s, "
                  f"bare scan {scans[-1]['seconds']:.2f} s", flush=True)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_s = statistics.median(r["seconds"] for r in loads)
    scan_s = statistics.median(r["seconds"] for r in scans)
    rows = loads[0]["rows"] + loads[0]["rejected"]
    table = [
        ["scale", "days", "MB", "lines", "bronze load s", "bare scan s", "ratio",
         "bronze lines/s", "peak RSS MiB load / scan"],
        [str(args.scale), str(args.days), f"{mb:.0f}", f"{rows:,}", f"{load_s:.1f}",
         f"{scan_s:.2f}", f"{load_s / scan_s:.1f}x", f"{rows / load_s:,.0f}",
         f"{max(r['peak_mib'] for r in loads):.0f} / {max(r['peak_mib'] for r in scans):.0f}"],
    ]  # fmt: skip
    notes = (
        "Bronze load = the loaders the Dagster assets run (split lines, screen, parse, insert "
        "with lineage, rejects, manifest, dedupe), into a fresh warehouse, without Dagster's own "
        "per-run overhead. Bare scan = DuckDB `read_csv`/`read_json` count(*) over the same "
        f"files with `ignore_errors`. Medians of {args.runs} runs; each phase in its own process."
    )
    cmd = "uv run python -m bench.bench_bronze " + " ".join(
        f"--{k} {v}" for k, v in (("days", args.days), ("scale", args.scale), ("runs", args.runs))
    )
    print(append_section(f"Bronze load vs bare DuckDB scan, {args.days} days, scale "
                         f"{args.scale} ({args.runs} runs)", cmd, table, notes))  # fmt: skip


if __name__ == "__main__":
    main()
