"""Anomaly detection against truth: precision, recall and delay per kind at default intensity.

For each seed the generator writes `--days` production dates at default chaos (which brings the
default anomaly intensities, generators/anomalies.py) into a scratch home; the pipeline runs them
as `shopfloor run` does (bronze, then one transform run: the first baseline is recorded from the
first monitoring.first_baseline_days dates, the rest scored against it); the truth gate's
figures (audit.anomaly_detection, ground_truth/detection.py) are pooled over the seeds. Also
reported: how many production dates after the onset of SMELTER-02's degradation its first
performance flag came.

Targets (issue 21): recall >= 0.9, precision >= 0.8, median delay <= 1 production date per kind;
SMELTER-02 flagged within 3 days of its degradation onset.

    uv run python -m bench.bench_detection [--days 28] [--seeds 1 2 3] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from collections import defaultdict
from datetime import date

from bench.common import append_section, effective_command, parse_args, scratch_dir, verdict
from cli.run import run_partitions, run_transform
from generators.run import generate
from ground_truth.detection import (
    TARGET_MEDIAN_DELAY_DAYS,
    TARGET_PRECISION,
    TARGET_RECALL,
    Flag,
    injected_from_truth,
    measure,
)
from ground_truth.truth import load_truth
from ingestion.landing import delivery_dates
from ingestion.warehouse import connect

START = date(2026, 9, 1)


def one_seed(days: int, seed: int) -> tuple[list, int | None]:
    """Pooled inputs of one seed: (injected, flags, window) and SMELTER-02's flag delay."""
    home = scratch_dir(f"detect{seed}_") / "home"
    try:
        generate(home, START, days, seed=seed, chaos_level="default")
        landed = delivery_dates(home)
        assert all(o.success for o in run_partitions(home, landed, echo=lambda _: None))
        outcome = run_transform(home, landed[0], landed[-1], echo=lambda _: None)
        assert outcome.success, outcome.failures
        con = connect(home, read_only=True)
        try:
            (period_to,) = con.execute(
                "select max(period_to) from monitoring.baseline where is_active"
            ).fetchone()
            flags = [
                Flag(*row)
                for row in con.execute(
                    "select production_date, machine_id, metric from gold.fct_anomaly"
                ).fetchall()
            ]
        finally:
            con.close()
        injected = injected_from_truth(t for d in landed if (t := load_truth(home, d)))
        onset = min((a.onset for a in injected if a.kind == "degradation"), default=None)
        first = min(
            (f.production_date for f in flags
             if f.machine_id == "SMELTER-02" and f.metric == "performance"),
            default=None,
        )  # fmt: skip
        delay = (first - onset).days if first and onset else None
        window = (period_to.fromordinal(period_to.toordinal() + 1), landed[-1])
        return [(injected, flags, window)], delay
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parse_args(parser, argv, {"days": 10, "seeds": [1]})
    pooled: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    delays: dict[str, list[int]] = defaultdict(list)
    smelter = []
    for seed in args.seeds:
        runs, delay = one_seed(args.days, seed)
        smelter.append(delay)
        for injected, flags, window in runs:
            for s in measure(injected, flags, window):
                p = pooled[s.kind]
                p[0] += s.injected
                p[1] += s.detected
                p[2] += s.flags
                p[3] += s.true_flags
                delays[s.kind] += s.delays_days
    table = [["kind", "injected", "detected", "recall", "flags", "true", "precision",
              "median delay (dates)", "meets targets"]]  # fmt: skip
    for kind, (injected, detected, flags, true) in sorted(pooled.items()):
        recall = detected / injected if injected else None
        precision = true / flags if flags else None
        delay = statistics.median(delays[kind]) if delays[kind] else None
        met = (
            (recall is None or recall >= TARGET_RECALL)
            and (precision is None or precision >= TARGET_PRECISION)
            and (delay is None or delay <= TARGET_MEDIAN_DELAY_DAYS)
        )
        table.append([
            kind, str(injected), str(detected), "–" if recall is None else f"{recall:.2f}",
            str(flags), str(true), "–" if precision is None else f"{precision:.2f}",
            "–" if delay is None else f"{delay:.1f}", verdict(met),
        ])  # fmt: skip
    notes = (
        "SMELTER-02 degradation: first performance flag "
        + ", ".join("never" if d is None else f"{d} dates after onset" for d in smelter)
        + f" (seeds {', '.join(map(str, args.seeds))}; target <= 3)."
    )
    print(
        append_section(
            f"Anomaly detection, {args.days} days × {len(args.seeds)} seeds",
            effective_command("bench.bench_detection", args, ["days", "seeds"]),
            table,
            notes,
            targets=["recall >= 0.9, precision >= 0.8, median delay <= 1 date per kind"],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
