"""DuckDB vs Spark: the same dbt project building silver and gold at `--scale 1 4 16`.

Why: DuckDB is the engine for one plant; Spark (`shopfloor run --engine spark`, README "Engines")
is for many plants and years. This scenario measures both on this machine, per stage (bronze,
each transform step: the dbt steps, silver expectations, truth gate, publish), with the process
tree's peak memory and CPU time, so that the fixed cost of Spark (a JVM, a Hive metastore, the
Parquet export of bronze and the import of its gold) is visible against the work that grows with
the data. A local Spark on 2 cores cannot win; where it pays back on a cluster is a projection
from these figures (RESULTS.md says which figures are measured and which projected).

What runs: per scale, one generated data set (cached, bench/common.py), then per engine a full
rebuild on a fresh copy (bronze once per delivery date, one transform run with the engine), in
a child process (bench.tasks build), gate verdict read from the audit tables.

    uv run --extra spark python -m bench.bench_engines [--days 2] [--scale 1 4 16] [--quick]
"""

from __future__ import annotations

import argparse
import shutil

from bench.bench_rebuild import STEP_LABELS
from bench.bench_scale import gate_verdict
from bench.common import (
    Figure,
    append_section,
    clone_home,
    effective_command,
    fmt_s,
    generated_home,
    parse_args,
    read_meta,
    run_task,
    scratch_dir,
    volume_totals,
)
from orchestration.spark.engine import ENGINES

STAGES = tuple(STEP_LABELS)  # the transform job's steps, as bench_rebuild names them


def measure(days: int, scale: int, engine: str) -> dict:
    """One full rebuild of the cached data set on `engine`: the task's figures and the gate."""
    source = generated_home(days, scale=scale)
    work = scratch_dir(f"engines_{engine}_s{scale}_{days}d_")
    try:
        home = clone_home(source, work / "home")
        result = run_task("build", home=str(home), engine=engine)
        result["gate"] = gate_verdict(home)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["meta"] = read_meta(source)
    return result


def _stage(result: dict, name: str) -> str:
    """Seconds of the transform step whose key starts with `name`, or '–'."""
    matches = [s for key, s in result["steps"].items() if key.startswith(name)]
    return fmt_s(sum(matches)) if matches else "–"


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    args = parse_args(parser, argv, {"days": 1, "scale": [1]})

    table = [["scale", "engine", "landing lines", "bronze s", *STAGES, "transform s",
              "end to end s", "peak RSS MiB", "gate"]]  # fmt: skip
    figures, problems = [], []
    for scale in args.scale:
        for engine in args.engines:
            r = measure(args.days, scale, engine)
            lines, _ = volume_totals(r["meta"]["volume"])
            ok = r["ok"] and r["gate"]["ok"]
            problems += [
                f"scale {scale} {engine}: {p}" for p in r["failures"] + r["gate"]["problems"]
            ]
            table.append([str(scale), engine, f"{lines:,}", fmt_s(r["bronze_s"]),
                          *(_stage(r, s) for s in STAGES), fmt_s(r["transform_s"]),
                          fmt_s(r["total_s"]), f"{r['peak_rss_mib']:,.0f}",
                          "passed" if ok else "FAILED"])  # fmt: skip
            figures.append(Figure("engines", f"scale {scale}, {args.days} d, {engine} transform",
                                  f"{r['transform_s']:,.0f} s"))  # fmt: skip
            print(table[-1], flush=True)
    notes = (
        f"Default plant, {args.days} production date(s), default chaos, one run per cell on a "
        "fresh copy of the cached landing files. transform = the transform job (both dbt steps, "
        "silver expectations, truth gate, publish); on spark the first dbt step includes the "
        "Parquet export of bronze and the Spark session's start, the second the import of "
        "Spark's gold into the warehouse. Peak RSS = the process tree (Dagster, dbt, and on "
        "spark the JVM, which runs in a child of the same process tree), sampled every 0.5 s. "
        + ("Problems: " + "; ".join(problems)[:1500] if problems else "Every gate passed.")
    )
    cmd = effective_command("bench.bench_engines", args, ["days", "scale", "engines"])
    print(append_section(f"Engines: DuckDB vs Spark, {args.days} day(s), scale "
                         f"{' '.join(map(str, args.scale))}", cmd, table, notes))  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
