"""Generator throughput: rows/s and peak memory for 30 days at scale 1 and scale 4.

Each run is a fresh process (so peak RSS is the run's own); the figure is the median of the runs.
Usage: uv run python -m bench.bench_generator [--days 30] [--runs 3] [--scales 1 4]
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
from datetime import date
from pathlib import Path
from generators.run import generate
t0 = time.perf_counter()
r = generate(Path(sys.argv[1]), date(2026, 10, 1), int(sys.argv[2]), seed=42,
             chaos_level="default", scale=int(sys.argv[3]))
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "rows": sum(r.rows_by_source.values()),
                  "bytes": sum(r.bytes_by_source.values()), "units": r.units,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_once(days: int, scale: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_gen_") as home:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, home, str(days), str(scale)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args(argv)
    table = [["scale", "days", "rows", "MB", "wall s (median)", "rows/s", "peak RSS MiB"]]
    for scale in args.scales:
        runs = [run_once(args.days, scale) for _ in range(args.runs)]
        wall = statistics.median(r["wall_s"] for r in runs)
        rss = statistics.median(r["peak_rss_mib"] for r in runs)
        rows, mb = runs[0]["rows"], runs[0]["bytes"] / 1e6
        table.append(
            [
                str(scale),
                str(args.days),
                f"{rows:,}",
                f"{mb:,.0f}",
                f"{wall:.1f}",
                f"{rows / wall:,.0f}",
                f"{rss:,.0f}",
            ]
        )
        print(table[-1], flush=True)
    command = "uv run python -m bench.bench_generator " + " ".join(
        [f"--days {args.days}", f"--runs {args.runs}", "--scales", *map(str, args.scales)]
    )
    print(
        append_section(
            f"Generator, {args.days} days, default chaos ({args.runs} runs each)", command, table
        )
    )


if __name__ == "__main__":
    main()
