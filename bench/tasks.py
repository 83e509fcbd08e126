"""The measured phases, each run in a fresh process by `bench.common.run_task`.

    python -m bench.tasks <task> '<json keyword arguments>'

prints one JSON object as its last stdout line. Each task times itself (interpreter start-up
excluded, imports of the product included) and reports the peak resident memory of its whole
process tree (dbt runs as a child process of Dagster).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from bench.common import PeakTreeRss, dbt_invocations

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _quiet(_: str) -> None:
    pass


# --------------------------------------------------------------------------------------------
# Dagster run records
# --------------------------------------------------------------------------------------------


def last_run_steps(home: Path, job_name: str) -> tuple[str | None, dict[str, float]]:
    """The latest run of `job_name` in the home's Dagster instance and its step wall times."""
    from dagster import RunsFilter

    from orchestration.instance import instance_for

    instance = instance_for(home)
    try:
        runs = instance.get_runs(filters=RunsFilter(job_name=job_name), limit=1)
        if not runs:
            return None, {}
        run_id = runs[0].run_id
        steps = {
            s.step_key: s.end_time - s.start_time
            for s in instance.get_run_step_stats(run_id)
            if s.start_time is not None and s.end_time is not None
        }
    finally:
        instance.dispose()
    return run_id, steps


# --------------------------------------------------------------------------------------------
# Bronze alone, and DuckDB's bare scan (the physical limit S)
# --------------------------------------------------------------------------------------------


def scan(home: str) -> dict:
    """DuckDB's own readers, count(*) over every landing file of each source: no lineage, no
    screening, errors skipped. This is S, the floor any loader of these bytes pays."""
    import duckdb

    from ingestion.contracts import SOURCES, Format

    t0 = time.perf_counter()
    con = duckdb.connect()
    rows, per_source = 0, {}
    for spec in SOURCES.values():
        files = sorted(str(p) for p in (Path(home) / "landing").glob(f"*/{spec.name}/*"))
        if not files:
            continue
        t = time.perf_counter()
        if spec.fmt is Format.CSV:
            sql = "SELECT count(*) FROM read_csv(?, all_varchar = true, ignore_errors = true, "
            sql += "union_by_name = true)"
        elif spec.fmt is Format.LOG:
            sql = "SELECT count(*) FROM read_csv(?, header = false, delim = '\x01', quote = '', "
            sql += "escape = '', columns = {'line': 'VARCHAR'}, ignore_errors = true)"
        else:
            sql = "SELECT count(*) FROM read_json(?, format = 'newline_delimited', "
            sql += "ignore_errors = true)"
        n = con.execute(sql, [files]).fetchall()[0][0]
        rows += n
        per_source[spec.name] = {"rows": n, "seconds": time.perf_counter() - t}
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "per_source": per_source}


def bronze_loaders(home: str) -> dict:
    """The bronze loaders over every landed partition, as the Dagster assets run them, without
    Dagster's per-run overhead."""
    from ingestion.contracts import SOURCES
    from ingestion.landing import delivery_dates
    from ingestion.loader import load_partition, sweep_strays
    from ingestion.warehouse import connect

    t0 = time.perf_counter()
    con = connect(Path(home))
    rows = rejected = 0
    per_source: dict[str, int] = {}
    for day in delivery_dates(Path(home)):
        for source in SOURCES:
            report = load_partition(con, Path(home), source, day)
            rows, rejected = rows + report.rows_loaded, rejected + report.rows_rejected
            per_source[source] = per_source.get(source, 0) + report.rows_loaded
        sweep_strays(con, Path(home), day)
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "rejected": rejected,
            "per_source": per_source}  # fmt: skip


# --------------------------------------------------------------------------------------------
# The pipeline through Dagster, as `shopfloor run` and the schedule run it
# --------------------------------------------------------------------------------------------


def _failures(outcomes) -> list[str]:
    return [f"{o.day}: {f}" for o in outcomes for f in o.failures]


def build(home: str, before: str | None = None, engine: str = "duckdb") -> dict:
    """Full rebuild: bronze for every delivery date (before `before`, if given), one partition
    run each, then one transform run (silver, gold, truth gate, publish) for the whole range,
    silver and gold built by `engine` (duckdb or spark)."""
    from cli.run import run_partitions, run_transform

    h = Path(home)
    days = sorted(date.fromisoformat(p.name) for p in (h / "landing").iterdir() if p.is_dir())
    if before:
        days = [d for d in days if d < date.fromisoformat(before)]
    t0 = time.perf_counter()
    bronze = run_partitions(h, days, echo=_quiet)
    t1 = time.perf_counter()
    transform = run_transform(h, days[0], days[-1], echo=_quiet, engine=engine)
    t2 = time.perf_counter()
    run_id, steps = last_run_steps(h, "transform_job")
    failures = _failures(bronze) + transform.failures
    return {
        "bronze_s": t1 - t0, "transform_s": t2 - t1, "total_s": t2 - t0, "steps": steps,
        "dbt": dbt_invocations(run_id),
        "run_id": run_id, "ok": not failures and transform.success, "failures": failures[:20],
        "first": days[0], "last": days[-1], "partitions": len(days),
        "partition_s": [o.seconds for o in bronze],
    }  # fmt: skip


def incremental(home: str, new_day: str) -> dict:
    """One new delivery day: its bronze partition(s), then silver + gold for that production date
    (the gold window adds the lookback for late rows, as in production)."""
    from cli.run import run_partitions, run_transform

    h, new = Path(home), date.fromisoformat(new_day)
    days = [d for d in (date.fromisoformat(p.name) for p in (h / "landing").iterdir()) if d >= new]
    t0 = time.perf_counter()
    bronze = run_partitions(h, sorted(days), echo=_quiet)
    t1 = time.perf_counter()
    transform = run_transform(h, new, new, echo=_quiet)
    t2 = time.perf_counter()
    run_id, steps = last_run_steps(h, "transform_job")
    failures = _failures(bronze) + transform.failures
    return {
        "bronze_s": t1 - t0, "transform_s": t2 - t1, "total_s": t2 - t0, "steps": steps,
        "dbt": dbt_invocations(run_id),
        "run_id": run_id, "ok": not failures and transform.success, "failures": failures[:20],
    }  # fmt: skip


def daily(home: str, day: str) -> dict:
    """The scheduled daily run (`daily_job` for one delivery date, what the 06:00 schedule and
    the sensor launch), executed in this process the way `shopfloor run` executes jobs."""
    import os

    from plants.home import HOME_ENV

    t0 = time.perf_counter()
    os.environ[HOME_ENV] = home
    from orchestration.definitions import defs
    from orchestration.instance import instance_for

    job = defs.resolve_job_def("daily_job")
    t1 = time.perf_counter()
    instance = instance_for(Path(home))
    try:
        result = job.execute_in_process(
            run_config=QUIET, partition_key=day, instance=instance, raise_on_error=False,
            tags={"shopfloor/launched_by": "bench"},
        )  # fmt: skip
    finally:
        instance.dispose()
    t2 = time.perf_counter()
    run_id, steps = last_run_steps(Path(home), "daily_job")
    failures = [e.step_key for e in result.get_step_failure_events()]
    built = [e.asset_key for e in result.get_asset_materialization_events()
             if e.asset_key.path[0] != "bronze"]  # fmt: skip
    return {
        "import_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0, "steps": steps,
        "transform_assets": len(built),
        "dbt": dbt_invocations(run_id),
        "run_id": run_id, "ok": result.success and not failures, "failures": failures,
    }  # fmt: skip


def schedule_tick(home: str, day: str) -> dict:
    """One evaluation of `daily_schedule` at 06:00 plant time after delivery date `day`, in a
    fresh process as the daemon's tick would see it: the decision to run or skip."""
    import os
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from dagster import SkipReason, build_schedule_context

    from orchestration.partitions import PLANT_TZ
    from plants.home import HOME_ENV

    t0 = time.perf_counter()
    os.environ[HOME_ENV] = home
    from orchestration.defs.landing.schedules import daily_schedule

    t1 = time.perf_counter()
    at = datetime.combine(date.fromisoformat(day) + timedelta(days=1), datetime.min.time())
    context = build_schedule_context(
        scheduled_execution_time=at.replace(hour=6, tzinfo=ZoneInfo(PLANT_TZ))
    )
    decision = daily_schedule(context)
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "tick_s": t2 - t1, "skipped": isinstance(decision, SkipReason),
            "decision": getattr(decision, "skip_message", None) or repr(decision)}  # fmt: skip


GOLD_STEP = "gold_by_production_date"


def gold_only(home: str, first: str, last: str) -> dict:
    """Only the gold dbt step of `transform_job` (facts and KPI marts, built from scratch because
    the caller dropped their tables) for production dates [first, last]."""
    import os

    from plants.home import HOME_ENV

    os.environ[HOME_ENV] = home
    from orchestration.definitions import defs
    from orchestration.defs.dbt.assets import gold_by_production_date
    from orchestration.instance import instance_for
    from orchestration.partitions import range_run_tags

    job = defs.resolve_job_def("transform_job")
    instance = instance_for(Path(home))
    t0 = time.perf_counter()
    try:
        result = job.execute_in_process(
            run_config=QUIET, instance=instance, raise_on_error=False,
            asset_selection=list(gold_by_production_date.keys),
            tags={**range_run_tags(date.fromisoformat(first), date.fromisoformat(last)),
                  "shopfloor/launched_by": "bench"},
        )  # fmt: skip
    finally:
        instance.dispose()
    t1 = time.perf_counter()
    run_id, steps = last_run_steps(Path(home), "transform_job")
    return {"run_s": t1 - t0, "steps": steps, "dbt": dbt_invocations(run_id),
            "run_id": run_id, "ok": result.success,
            "failures": [e.step_key for e in result.get_step_failure_events()]}  # fmt: skip


def direct_gold(warehouse: str, models: list[dict]) -> dict:
    """dbt's compiled SQL of the gold models, run with DuckDB directly: `create or replace table
    <schema>.<name> as <compiled select>`, one model after another in dependency order."""
    import duckdb

    def count(con, m: dict) -> int | None:
        try:  # identifiers come from dbt's manifest, not from input
            sql = f'select count(*) from "{m["schema"]}"."{m["name"]}"'  # noqa: S608
            return con.execute(sql).fetchone()[0]
        except duckdb.CatalogException:
            return None

    sqls = {m["name"]: Path(m["compiled_path"]).read_text(encoding="utf-8") for m in models}
    con = duckdb.connect(warehouse)
    con.execute("set TimeZone = 'UTC'")  # as the dbt profile sets it
    rows_before = {m["name"]: count(con, m) for m in models}  # what dbt built
    per_model = {}
    t0 = time.perf_counter()
    for m in models:
        t = time.perf_counter()
        con.execute(f'create or replace table "{m["schema"]}"."{m["name"]}" as ({sqls[m["name"]]})')
        per_model[m["name"]] = time.perf_counter() - t
    seconds = time.perf_counter() - t0
    rows = {m["name"]: count(con, m) for m in models}
    con.close()
    return {"seconds": seconds, "per_model": per_model, "rows": rows, "rows_dbt": rows_before}


# --------------------------------------------------------------------------------------------
# The pandas peer and the dashboard
# --------------------------------------------------------------------------------------------


def peer(home: str, out: str) -> dict:
    from bench.peers import kpi_machine_daily_pandas as p

    t0 = time.perf_counter()
    df = p.compute(Path(home))
    seconds = time.perf_counter() - t0
    df.to_csv(out, index=False)
    return {"seconds": seconds, "rows": len(df)}


def dashboard(home: str, pages: list[str], runs: int, dates: list[str] | None) -> dict:
    """Render each page `runs` times under streamlit.testing's AppTest against the home's
    serving copy. Per render: a fresh AppTest and an emptied data cache (cold: what a user sees
    first after a publish), then one rerun of the same page (warm: filters changed back and
    forth, every query cached). The sidebar's queries run on every page and are included."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import data
    from plants.home import HOME_ENV

    os.environ[HOME_ENV] = home
    os.environ.pop(data.SERVING_ENV, None)
    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
    window = tuple(date.fromisoformat(d) for d in dates) if dates else None

    def fresh() -> AppTest:
        at = AppTest.from_file(app, default_timeout=600)
        if window:
            at.session_state["dates"] = window
        return at

    def check(at: AppTest, page: str) -> None:
        if at.exception:
            raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")

    warm_up = fresh()
    warm_up.run()  # imports and first compile of the app, not counted
    check(warm_up, "warm-up")
    cold: dict[str, list[float]] = {p: [] for p in pages}
    warm: dict[str, list[float]] = {p: [] for p in pages}
    titles: dict[str, str] = {}
    for _ in range(runs):
        for page in pages:
            at = fresh()
            if page == pages[0]:  # the default page renders on the first run
                st.cache_data.clear()
                t = time.perf_counter()
                at.run()
            else:
                at.run()
                st.cache_data.clear()
                t = time.perf_counter()
                at.switch_page(page).run()
            cold[page].append(time.perf_counter() - t)
            check(at, page)
            titles[page] = at.title[0].value if at.title else "(no title)"
            t = time.perf_counter()
            at.run()
            warm[page].append(time.perf_counter() - t)
            check(at, page)
    return {"cold": cold, "warm": warm, "titles": titles}


TASKS = {
    f.__name__: f
    for f in (scan, bronze_loaders, build, incremental, daily, schedule_tick, gold_only,
              direct_gold, peer, dashboard)
}  # fmt: skip


def main() -> None:
    task, kwargs = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    with PeakTreeRss() as rss:
        out = TASKS[task](**kwargs)
    out["peak_rss_mib"] = rss.peak_mib
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
