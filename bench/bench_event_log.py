"""Dagster event log: time to record one asset event, stock SQLite storage vs the pooled one.

A partitioned range run records one planned and one materialization event per asset and
partition (a plant-year rebuild: about 25,000). This writes `--events` materialization events
(35 assets x consecutive daily partitions, as a range run does) into a fresh instance, once
with Dagster's `SqliteEventLogStorage` and once with `PooledSqliteEventLogStorage`
(orchestration/event_log.py, what `orchestration/instance.py` configures), each in its own
process, alternating.

    uv run python -m bench.bench_event_log [--events 2000] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

from bench.common import ROOT, Figure, append_section, effective_command, median, parse_args

CHILD = """
import json, sys, time
from datetime import date, timedelta
from pathlib import Path
from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterInstance
from dagster._core.events import DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from orchestration.instance import instance_for

kind, folder, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
if kind == "pooled":
    instance = instance_for(folder)
else:
    (folder / "dagster.yaml").write_text("telemetry:\\n  enabled: false\\n")
    instance = DagsterInstance.from_config(str(folder))
storage = type(instance.event_log_storage).__name__
t0 = time.perf_counter()
for i in range(n):
    day = (date(2026, 1, 5) + timedelta(days=i // 35)).isoformat()
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value, "transform_job",
        event_specific_data=StepMaterializationData(
            AssetMaterialization(AssetKey(["silver", f"model_{i % 35}"]), partition=day)))
    instance.handle_new_event(EventLogEntry(
        error_info=None, level=10, user_message="", run_id="bench", timestamp=time.time(),
        dagster_event=event, job_name="transform_job"))
print(json.dumps({"storage": storage, "seconds": time.perf_counter() - t0}))
"""


def run_once(kind: str, events: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_events_") as folder:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, kind, folder, str(events)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parse_args(parser, argv, {"events": 200, "runs": 1})
    results: dict[str, list[dict]] = {"stock": [], "pooled": []}
    for i in range(args.runs):
        for kind in results:
            results[kind].append(run_once(kind, args.events))
            ms = results[kind][-1]["seconds"] / args.events * 1000
            print(f"run {i + 1}: {kind} {ms:.2f} ms/event", flush=True)
    per_event = {
        kind: median(r["seconds"] for r in runs) / args.events * 1000
        for kind, runs in results.items()
    }
    ratio = per_event["stock"] / per_event["pooled"]
    table = [["storage", "class", "events", "ms per event (median)", "events/s"]]
    for kind, runs in results.items():
        table.append([kind, runs[0]["storage"], f"{args.events:,}", f"{per_event[kind]:.2f}",
                      f"{1000 / per_event[kind]:,.0f}"])  # fmt: skip
    notes = (
        f"stock / pooled = {ratio:.1f}x. Each figure is the median of {args.runs} run(s), each "
        "a fresh process writing into a fresh instance; runs alternate stock and pooled. The "
        "stock storage creates an engine and a connection (closed with a WAL checkpoint) per "
        "write and commits with synchronous=FULL; the pooled one keeps an engine and connection "
        "per database file and commits with synchronous=NORMAL."
    )
    cmd = effective_command("bench.bench_event_log", args, ["events", "runs"])
    title = f"Dagster event log: stock vs pooled SQLite storage ({args.runs} runs)"
    print(append_section(title, cmd, table, notes, targets=["none (explains the Dagster share)"]))
    return [
        Figure("event log", "ms per asset event, stock / pooled",
               f"{per_event['stock']:.1f} / {per_event['pooled']:.1f} ({ratio:.1f}x)"),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
