"""`make bench`: run every benchmark scenario in turn; each appends its figures to RESULTS.md,
then a summary of every headline figure against its target is printed and appended.

Order: the cheap scenarios first, then the full rebuilds, which leave their last built home in
the cache (`$SHOPFLOOR_BENCH_CACHE`, default /tmp/shopfloor_bench) for the scenarios that need
a built home (peer, framework, dashboard, fixed cost); then the incremental scenario, whose
history homes are built untimed, and the scale-16 end to end run with its own data set and the
truth gate's verdict (it fails when the gate fails). Any `bench/bench_*.py` not listed runs at
the end.

    uv run python -m bench.run_all [--quick] [--runs N] [--only NAME ...] [--skip NAME ...]

`--quick` passes `--quick` to every scenario (tiny sizes, results in bench/out/RESULTS-quick.md).
A full run takes hours on a 2-core machine: the 365-day rebuild alone runs 3 times.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import time
import traceback

import bench
from bench.common import QUICK_RESULTS, RESULTS_ENV, Figure, append_section, command_line

ORDER = [
    "bench_generator",
    "bench_bronze",
    "bench_event_log",
    "bench_rebuild",
    "bench_peer",
    "bench_framework",
    "bench_dashboard",
    "bench_fixed_cost",
    "bench_incremental",
    "bench_scale",
]


def scenarios() -> list[str]:
    found = {m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


def _cause(exc: Exception) -> str:
    """The line that names the failure: a failed child task's last traceback line (its first
    lines are warnings), else the exception itself; one table cell."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    named = [
        ln for ln in lines if ln.startswith(("RuntimeError", "AssertionError")) or "Error:" in ln
    ]
    text = (named or lines or [type(exc).__name__])[-1]
    return text.replace("|", "/")[:200]


def summary_table(figures: list[Figure]) -> list[list[str]]:
    table = [["scenario", "figure", "value", "target", "verdict"]]
    table += [[f.scenario, f.figure, f.value, f.target, f.verdict] for f in figures]
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--quick", action="store_true", help="smoke-test sizes everywhere")
    parser.add_argument("--only", nargs="+", default=[], help="scenario names, e.g. rebuild")
    parser.add_argument("--skip", nargs="+", default=[], help="scenario names to leave out")
    parser.add_argument("--runs", type=int, help="passed to every scenario (default: theirs, 3)")
    args = parser.parse_args(argv)
    passed = (["--quick"] if args.quick else []) + (["--runs", str(args.runs)] if args.runs else [])
    if args.quick:
        os.environ.setdefault(RESULTS_ENV, str(QUICK_RESULTS))

    def wanted(name: str) -> bool:
        short = name.removeprefix("bench_")
        return (not args.only or short in args.only or name in args.only) and not (
            short in args.skip or name in args.skip
        )

    figures: list[Figure] = []
    for name in filter(wanted, scenarios()):
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            out = importlib.import_module(f"bench.{name}").main(passed)
            figures += out or []
        except Exception as exc:  # one broken scenario must not hide the others' figures
            traceback.print_exc()
            figures.append(Figure(name.removeprefix("bench_"), "ERROR", _cause(exc),
                                  "runs", False))  # fmt: skip
        print(f"== {name} done in {time.perf_counter() - t0:,.0f} s", flush=True)

    table = summary_table(figures)
    width = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    print("\nSummary")
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, width, strict=True)))
    argv_out = passed + (["--only", *args.only] if args.only else [])
    argv_out += ["--skip", *args.skip] if args.skip else []
    missed = sum(f.met is False for f in figures)
    append_section(
        "Summary of this `bench.run_all` run",
        command_line("bench.run_all", argv_out),
        table,
        f"{sum(f.met is True for f in figures)} target(s) met, {missed} missed; figures "
        "without a target are informational. Each figure's section above has the detail.",
    )


if __name__ == "__main__":
    main()
