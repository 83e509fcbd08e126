"""Pipeline cost: a full rebuild (bronze → silver → gold) of N days, and one incremental day on
top of H days of history — the incremental cost must not grow with history.

Every scenario runs in a fresh process through the same Dagster jobs as `shopfloor run`
(bronze per delivery date, then one silver+gold run for the window).
Usage: uv run python -m bench.bench_pipeline [--days 30] [--history 30 90] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

from bench.common import append_section

CHILD = """
import json, resource, sys, time
from datetime import date, timedelta
from pathlib import Path
from generators.run import generate
from orchestration.runner import run_partitions, run_transform
home, mode, days = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
start = date(2026, 1, 5)
quiet = lambda _: None
generate(home, start, days + (1 if mode == "incremental" else 0), seed=42, chaos_level="default")
landed = sorted(date.fromisoformat(p.name) for p in (home / "landing").iterdir())
out = {}
if mode == "full":
    t0 = time.perf_counter(); run_partitions(home, landed, echo=quiet); t1 = time.perf_counter()
    ok = run_transform(home, landed[0], landed[-1], echo=quiet).success; t2 = time.perf_counter()
    out = {"bronze_s": t1 - t0, "silver_gold_s": t2 - t1, "total_s": t2 - t0, "ok": ok}
else:
    new_day = start + timedelta(days=days)
    history = [d for d in landed if d < new_day]
    run_partitions(home, history, echo=quiet)
    run_transform(home, history[0], history[-1], echo=quiet)
    t0 = time.perf_counter(); run_partitions(home, [d for d in landed if d >= new_day], echo=quiet)
    t1 = time.perf_counter(); ok = run_transform(home, new_day, new_day, echo=quiet).success
    t2 = time.perf_counter()
    out = {"bronze_s": t1 - t0, "silver_gold_s": t2 - t1, "total_s": t2 - t0, "ok": ok}
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_once(mode: str, days: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_pipe_") as home:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, home, mode, str(days)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=30, help="days of the full rebuild")
    parser.add_argument("--history", type=int, nargs="+", default=[30, 90])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    table = [["scenario", "bronze s", "silver+gold s", "total s", "peak RSS MiB", "ok"]]
    scenarios = [("full", args.days, f"full rebuild, {args.days} days")] + [
        ("incremental", h, f"1 new day on {h} days of history") for h in args.history
    ]
    for mode, days, label in scenarios:
        runs = [run_once(mode, days) for _ in range(args.runs)]

        def med(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        table.append(
            [
                label,
                f"{med('bronze_s'):.1f}",
                f"{med('silver_gold_s'):.1f}",
                f"{med('total_s'):.1f}",
                f"{med('peak_rss_mib'):.0f}",
                str(all(r["ok"] for r in runs)),
            ]
        )
        print(table[-1], flush=True)
    command = "uv run python -m bench.bench_pipeline " + " ".join(
        [f"--days {args.days}", "--history", *map(str, args.history), f"--runs {args.runs}"]
    )
    print(
        append_section(
            f"Pipeline: full rebuild and incremental day ({args.runs} run(s) each)", command, table
        )
    )


if __name__ == "__main__":
    main()
