"""Full rebuild of 30, 90 and 365 days at scale 1: wall time per stage, end to end, peak memory,
and the rebuild / bare-scan ratio, all measured in the same run.

A full rebuild is what `shopfloor run` does on a fresh home: the bronze job once per delivery
date, then one transform run (silver + dimensions, silver expectations, gold, truth gate,
publish). The data are generated once per size (cached, see bench/common.py) and not timed;
each run starts from a fresh copy of the landing files. S = DuckDB's bare read_csv/read_json
count(*) over the same files, measured in the same run alternately with the rebuilds.

Targets (issue 7), at 365 days: rebuild <= 15 x S; end to end <= 10 min; peak RSS <= 4 GiB.

    uv run python -m bench.bench_rebuild [--days 30 90 365] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import shutil

from bench.common import (
    Figure,
    adopt_built_home,
    append_section,
    clone_home,
    effective_command,
    fmt_mb,
    fmt_s,
    generated_home,
    median,
    parse_args,
    read_meta,
    run_task,
    scratch_dir,
    volume_table,
    volume_totals,
)

TARGET_DAYS = 365
TARGET_RATIO, TARGET_WALL_S, TARGET_RSS_MIB = 15.0, 600.0, 4096.0

# Dagster steps of transform_job -> the stage they belong to
STAGES = {
    "silver_and_dimensions": "silver",
    "silver_expectations": "validation",
    "gold_by_production_date": "gold",
    "truth_gate": "validation",
    "serving__publish": "publish",
}
STEP_LABELS = {
    "silver_and_dimensions": "silver s (dbt: seeds, staging, intermediate, dims)",
    "silver_expectations": "silver GX s",
    "gold_by_production_date": "gold s (dbt: facts, marts)",
    "truth_gate": "truth gate s",
    "serving__publish": "publish s",
}

STAGE_NOTES = (
    "Stages: bronze = the bronze job once per delivery date (loaders + bronze checks + "
    "Dagster per-run start-up); silver = step `silver_and_dimensions` (dbt build of seeds, "
    "staging views, intermediate tables and dimensions, with their tests); silver GX = step "
    "`silver_expectations` (validation); gold = step `gold_by_production_date` (dbt build of "
    "facts and KPI marts, with tests); truth gate = step `truth_gate` (validation); publish = "
    "step `serving__publish`. Step times are the Dagster step start/end of the transform run; "
    "'Dagster other' = transform wall − Σ steps (run start-up, definitions, event log). "
    "Peak RSS = the largest summed RSS of the process tree (Dagster process + dbt child), "
    "sampled every 0.5 s. Generation is not timed."
)


def measure(days: int, runs: int) -> dict:
    source = generated_home(days)
    results, scans = [], []
    for i in range(runs):
        scans.append(run_task("scan", home=str(source)))
        work = scratch_dir(f"rebuild{days}_")
        home = clone_home(source, work / "home")
        try:
            r = run_task("build", home=str(home))
            results.append(r)
            if i == runs - 1 and adopt_built_home(home, days, r):
                print(f"   kept as the cached {days}-day built home", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"{days} d run {i + 1}: bronze {r['bronze_s']:.1f} s, transform "
              f"{r['transform_s']:.1f} s, S {scans[-1]['seconds']:.2f} s, ok {r['ok']}",
              flush=True)  # fmt: skip
    return {"runs": results, "scans": scans, "volume": read_meta(source)["volume"]}


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[30, 90, 365])
    parser.add_argument("--runs", type=int, default=3)
    args = parse_args(parser, argv, {"days": [2], "runs": 1})

    measured = {days: measure(days, args.runs) for days in args.days}
    steps = list(STEP_LABELS)
    for key in (k for m in measured.values() for r in m["runs"] for k in r["steps"]):
        if key not in steps:  # a step this code does not know yet gets its own column
            steps.append(key)
    table = [["days", "MB", "lines", "bronze s", "bronze s per delivery date (median / max)",
              *(STEP_LABELS.get(k, f"{k} s") for k in steps),
              "Dagster other s", "transform s", "end to end s", "S s", "rebuild / S",
              "peak RSS MiB", "all ok"]]  # fmt: skip
    stage_table = [["days", "bronze", "silver", "gold", "validation", "publish", "other",
                    "end to end"]]  # fmt: skip
    figures = []
    for days, m in measured.items():
        runs = m["runs"]

        def med(key: str, runs: list[dict] = runs) -> float:
            return median(r[key] for r in runs)

        def step(key: str, runs: list[dict] = runs) -> float:
            return median(r["steps"].get(key, 0.0) for r in runs)

        other = median(r["transform_s"] - sum(r["steps"].values()) for r in runs)
        total, scan = med("total_s"), median(s["seconds"] for s in m["scans"])
        rss, ratio = med("peak_rss_mib"), med("total_s") / scan
        lines, n_bytes = volume_totals(m["volume"])
        ok = all(r["ok"] for r in runs)
        per_date = [x for r in runs for x in r["partition_s"]]
        table.append([str(days), fmt_mb(n_bytes), f"{lines:,}", fmt_s(med("bronze_s")),
                      f"{fmt_s(median(per_date))} / {fmt_s(max(per_date))}",
                      *(fmt_s(step(k)) for k in steps), fmt_s(other), fmt_s(med("transform_s")),
                      fmt_s(total), fmt_s(scan), f"{ratio:.1f}x", f"{rss:,.0f}",
                      str(ok)])  # fmt: skip
        stage = {s: sum(step(k) for k in steps if STAGES.get(k, "other") == s)
                 for s in ("silver", "gold", "validation", "publish", "other")}  # fmt: skip
        stage["other"] += other
        stage_table.append([str(days), fmt_s(med("bronze_s")),
                            *(fmt_s(stage[s]) for s in ("silver", "gold", "validation",
                                                        "publish", "other")),
                            fmt_s(total)])  # fmt: skip
        at_target = days == TARGET_DAYS

        def met(ok: bool, at_target: bool = at_target) -> bool | None:
            return ok if at_target else None

        scope = "" if at_target else f" (target is for {TARGET_DAYS} d)"
        figures += [
            Figure("rebuild", f"full rebuild {days} d, end to end", f"{total:,.0f} s",
                   f"<= {TARGET_WALL_S:.0f} s{scope}", met(total <= TARGET_WALL_S)),
            Figure("rebuild", f"full rebuild {days} d / bare scan S", f"{ratio:.1f}x",
                   f"<= {TARGET_RATIO:g}x{scope}", met(ratio <= TARGET_RATIO)),
            Figure("rebuild", f"full rebuild {days} d, peak RSS", f"{rss:,.0f} MiB",
                   f"<= {TARGET_RSS_MIB:.0f} MiB{scope}", met(rss <= TARGET_RSS_MIB)),
        ]  # fmt: skip
        if not ok:
            failures = sorted({f for r in runs for f in r["failures"]})
            figures.append(Figure("rebuild", f"full rebuild {days} d failures",
                                  "; ".join(failures)[:200], "none", False))  # fmt: skip

    target_rows = [f for f in figures if f.met is not None and "failures" not in f.figure]
    notes = (
        f"{STAGE_NOTES} Medians of {args.runs} run(s) per size. "
        + ("Target verdicts: " + "; ".join(f"{f.figure} {f.value} ({f.target}: {f.verdict})"
                                           for f in target_rows) + "."
           if target_rows else f"No {TARGET_DAYS}-day size in this run: no target verdict.")
    )  # fmt: skip
    volumes = [(f"Volume per source, {d} days (as delivered, copies and late files included):",
                volume_table(m["volume"])) for d, m in measured.items()]  # fmt: skip
    cmd = effective_command("bench.bench_rebuild", args, ["days", "runs"])
    print(append_section(
        f"Full rebuild: {', '.join(map(str, args.days))} days, scale 1 ({args.runs} run(s) each)",
        cmd, table, notes,
        extra_tables=[("Per stage (s, medians):", stage_table), *volumes],
        targets=[f"at {TARGET_DAYS} days: rebuild <= {TARGET_RATIO:g} x S, end to end <= "
                 f"{TARGET_WALL_S / 60:.0f} min, peak RSS <= {TARGET_RSS_MIB / 1024:.0f} GiB"],
    ))  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
