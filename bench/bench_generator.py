"""Generator throughput: rows/s and peak memory for 30 days at scale 1 and scale 4.

Each run is a fresh process (so peak RSS is the run's own); the figures are medians of the runs.
Usage: uv run python -m bench.bench_generator [--days 30] [--runs 3] [--scales 1 4] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

from bench.common import (
    START,
    Figure,
    append_section,
    effective_command,
    fmt_mb,
    parse_args,
)

CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from generators.run import generate
t0 = time.perf_counter()
r = generate(Path(sys.argv[1]), date.fromisoformat(sys.argv[4]), int(sys.argv[2]), seed=42,
             chaos_level="default", scale=int(sys.argv[3]))
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "rows": sum(r.rows_by_source.values()),
                  "bytes": sum(r.bytes_by_source.values()), "units": r.units,
                  "rows_by_source": dict(r.rows_by_source),
                  "bytes_by_source": dict(r.bytes_by_source),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_once(days: int, scale: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_gen_") as home:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, home, str(days), str(scale), START.isoformat()],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4])
    args = parse_args(parser, argv, {"days": 2, "runs": 1, "scales": [1]})
    table = [["scale", "days", "rows", "MB", "wall s (median)", "rows/s", "peak RSS MiB"]]
    figures, first_runs = [], {}
    for scale in args.scales:
        runs = [run_once(args.days, scale) for _ in range(args.runs)]
        wall = statistics.median(r["wall_s"] for r in runs)
        rss = statistics.median(r["peak_rss_mib"] for r in runs)
        rows, mb = runs[0]["rows"], runs[0]["bytes"] / 1e6
        first_runs[scale] = runs[0]
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
        figures += [
            Figure("generator", f"rows/s, scale {scale}, {args.days} d", f"{rows / wall:,.0f}"),
            Figure("generator", f"peak RSS, scale {scale}", f"{rss:,.0f} MiB"),
        ]
        print(table[-1], flush=True)
    per_source = [["source"] + [f"{h}, scale {s}" for s in args.scales for h in ("rows", "MB")]]
    sources = sorted(first_runs[args.scales[0]]["bytes_by_source"],
                     key=lambda k: -first_runs[args.scales[0]]["bytes_by_source"][k])  # fmt: skip
    for source in sources:
        row = [source]
        for s in args.scales:
            r = first_runs[s]
            row += [f"{r['rows_by_source'].get(source, 0):,}",
                    fmt_mb(r["bytes_by_source"].get(source, 0))]  # fmt: skip
        per_source.append(row)
    notes = (
        "Rows and bytes are what the generator rendered (original files; duplicate copies not "
        "counted). Wall time includes writing the files and the ground truth. No target is set "
        "for the generator in issue 7: these figures are informational."
    )
    command = effective_command("bench.bench_generator", args, ["days", "runs", "scales"])
    print(
        append_section(
            f"Generator, {args.days} days, default chaos ({args.runs} runs each)",
            command,
            table,
            notes,
            extra_tables=[("Volume per source (one run):", per_source)],
            targets=["none (informational)"],
        )
    )
    return figures


if __name__ == "__main__":
    main()
