"""The default plant at `--scale 16` end to end: a full rebuild of a few days with the truth gate,
its wall time, peak memory and the gate's verdict.

Why: spellings are generated from the plant (plants/spellings.py), so a plant of any size
resolves without an alias table; this scenario proves it at 16 copies of every line (64 machines
of the default plant's 4), truth gate included: every metric of every KPI mart row passes and
every countable chaos type has 100 % recall.

What runs: the data set is generated once (cached, see bench/common.py; generation is not in the
end-to-end figure, its time is reported from the cache entry), then each run is a full rebuild on
a fresh copy of the landing files, as `shopfloor run` does it on a fresh home: the bronze job once
per delivery date, then one transform run (silver, gold, truth gate, publish). The gate's verdict
is read from the home's audit tables after the run. A run whose gate fails (a metric failed, a
production date not compared, a countable type under 100 % recall, nothing published) raises
after its section is appended: the scenario fails loudly.

    uv run python -m bench.bench_scale [--days 7] [--scale 16] [--runs 1] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from bench.common import (
    Figure,
    append_section,
    clone_home,
    effective_command,
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
from ground_truth.outcome import HAS_TRUTH
from plants.model import load_plant


def gate_verdict(home: Path) -> dict:
    """The latest gate run of `home`: metrics checked/failed per production date, recall per
    chaos type, the publication, and whether the gate passed in full."""
    from ingestion.warehouse import connect

    con = connect(home, read_only=True)
    try:
        run = con.execute(
            "select run_id from audit.validation_runs order by validated_at desc limit 1"
        ).fetchone()
        if run is None:
            return {"run_id": None, "ok": False, "problems": ["no gate run in audit"],
                    "dates": [], "recall": [], "checked": 0, "failed": 0}  # fmt: skip
        run_id = run[0]
        dates = con.execute(
            "select production_date, truth_status, metrics_checked, metrics_failed, passed "
            "from audit.validation_runs where run_id = ? order by production_date",
            [run_id],
        ).fetchall()
        recall = con.execute(
            "select chaos_type, detected, injected, handled_elsewhere, recall, note "
            "from audit.chaos_recall where run_id = ? order by chaos_type",
            [run_id],
        ).fetchall()
        published = con.execute(
            "select validation_status from audit.publications where run_id = ? "
            "order by published_at desc limit 1",
            [run_id],
        ).fetchone()
    finally:
        con.close()
    checked, failed = sum(d[2] for d in dates), sum(d[3] for d in dates)
    problems = [f"{d[0]}: {d[1]}, {d[3]:,} of {d[2]:,} metrics failed" for d in dates
                if d[1] != HAS_TRUTH or d[3] or not d[4]]  # fmt: skip
    countable = [r for r in recall if r[4] is not None]
    problems += [f"{r[0]} recall {100 * r[4]:.1f} % ({r[1]:,} / {r[2]:,})" for r in countable
                 if r[4] < 1.0]  # fmt: skip
    if not dates or not checked:
        problems.append("no metric checked")
    if not countable:
        problems.append("no countable chaos type")
    if published is None:
        problems.append("not published (the gate blocked the run)")
    return {
        "run_id": run_id, "ok": not problems, "problems": problems,
        "checked": checked, "failed": failed,
        "dates": [[str(d[0]), d[1], d[2], d[3]] for d in dates],
        "recall": [list(r) for r in recall],
        "published": published[0] if published else None,
    }  # fmt: skip


def measure(days: int, scale: int, runs: int) -> dict:
    source = generated_home(days, scale=scale)
    results, verdicts = [], []
    for i in range(runs):
        work = scratch_dir(f"scale{scale}_{days}d_")
        try:
            home = clone_home(source, work / "home")
            r = run_task("build", home=str(home))
            v = gate_verdict(home)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        results.append(r)
        verdicts.append(v)
        print(f"scale {scale}, {days} d run {i + 1}: bronze {r['bronze_s']:.1f} s, transform "
              f"{r['transform_s']:.1f} s, peak RSS {r['peak_rss_mib']:,.0f} MiB, metrics "
              f"{v['checked']:,} checked / {v['failed']:,} failed, gate "
              f"{'passed' if v['ok'] else 'FAILED'}", flush=True)  # fmt: skip
    return {"runs": results, "verdicts": verdicts, "meta": read_meta(source)}


def _recall_table(verdict: dict) -> list[list[str]]:
    table = [["chaos type", "detected", "injected", "handled elsewhere", "recall", "note"]]
    for name, detected, injected, elsewhere, value, note in verdict["recall"]:
        pct = "n/a" if value is None else f"{100 * value:.1f} %"
        table.append([name, f"{detected:,}", f"{injected:,}", f"{elsewhere:,}", pct,
                      (note or "").replace("|", "/")])  # fmt: skip
    return table


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--scale", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1)
    args = parse_args(parser, argv, {"days": 1, "scale": 2, "runs": 1})

    m = measure(args.days, args.scale, args.runs)
    runs, verdicts, meta = m["runs"], m["verdicts"], m["meta"]
    lines, n_bytes = volume_totals(meta["volume"])
    total, rss = median(r["total_s"] for r in runs), median(r["peak_rss_mib"] for r in runs)
    ok = all(r["ok"] for r in runs) and all(v["ok"] for v in verdicts)
    last = verdicts[-1]
    countable = [r for r in last["recall"] if r[4] is not None]
    full = sum(r[4] >= 1.0 for r in countable)
    table = [["run", "bronze s", "transform s", "end to end s", "peak RSS MiB",
              "metrics checked", "metrics failed", "dates compared", "countable types at 100 %",
              "published", "gate"]]  # fmt: skip
    for i, (r, v) in enumerate(zip(runs, verdicts, strict=True), 1):
        at_100 = sum(x[4] is not None and x[4] >= 1.0 for x in v["recall"])
        n_countable = sum(x[4] is not None for x in v["recall"])
        compared = sum(d[1] == HAS_TRUTH for d in v["dates"])
        table.append([str(i), fmt_s(r["bronze_s"]), fmt_s(r["transform_s"]),
                      fmt_s(r["total_s"]), f"{r['peak_rss_mib']:,.0f}", f"{v['checked']:,}",
                      f"{v['failed']:,}", f"{compared} / {len(v['dates'])}",
                      f"{at_100} / {n_countable}", v.get("published") or "no",
                      "passed" if r["ok"] and v["ok"] else "FAILED"])  # fmt: skip
    n_machines = len(load_plant(scale=args.scale).machines)
    problems = sorted({p for v in verdicts for p in v["problems"]})
    problems += sorted({f for r in runs for f in r["failures"]})
    notes = (
        f"Default plant, {args.days} production date(s) from {meta['start']}, scale "
        f"{args.scale} ({n_machines} machines), seed {meta['seed']}, default chaos: "
        f"{lines:,} landing lines, {n_bytes / 1e6:,.1f} MB. Generation {fmt_s(meta['generate_s'])}"
        " s (cached data set, not in the end-to-end figure). End to end = the bronze job once per "
        "delivery date + one transform run (silver, silver GX, gold, truth gate, publish), each "
        "run on a fresh copy of the landing files; peak RSS = the largest summed RSS of the "
        "process tree (Dagster + dbt child), sampled every 0.5 s. The gate passes when every "
        "production date was compared against truth with no metric failed, every countable "
        "chaos type has 100 % recall (degradation is not countable: it is proven by the KPI "
        "comparison) and the run was published. "
        + (f"Median of {args.runs} runs. " if args.runs > 1 else "")
        + ("Gate: passed." if ok else "Gate: FAILED: " + "; ".join(problems)[:1500])
    )
    cmd = effective_command("bench.bench_scale", args, ["days", "scale", "runs"])
    print(append_section(
        f"Scale {args.scale}: the default plant end to end, {args.days} day(s), truth gate",
        cmd, table, notes,
        extra_tables=[(f"Chaos recall (run {len(runs)}):", _recall_table(last)),
                      ("Volume per source (as delivered):", volume_table(meta["volume"]))],
        targets=[f"at scale {args.scale}: every truth metric passes, 100 % recall per countable "
                 "chaos type"],
    ))  # fmt: skip
    figures = [
        Figure("scale", f"scale {args.scale}, {args.days} d, end to end", f"{total:,.0f} s"),
        Figure("scale", f"scale {args.scale}, {args.days} d, peak RSS", f"{rss:,.0f} MiB"),
        Figure("scale", f"scale {args.scale}, {args.days} d, truth metrics failed",
               f"{last['failed']:,} of {last['checked']:,}", "0", last["failed"] == 0
               and last["checked"] > 0),
        Figure("scale", f"scale {args.scale}, {args.days} d, recall", f"{full} of "
               f"{len(countable)} countable types at 100 %", "all", full == len(countable) > 0),
    ]  # fmt: skip
    if not ok:
        raise RuntimeError(f"scale {args.scale} gate failed: " + "; ".join(problems)[:2000])
    return figures


if __name__ == "__main__":
    main()
