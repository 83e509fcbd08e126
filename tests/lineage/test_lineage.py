"""From a KPI row of the serving copy to the landing lines behind it (issue 21 §4): the facts of a
kpi_machine_daily row carry source_file and source_row_number, and the landing file read at that
line holds the very values of the fact row."""

from __future__ import annotations

import csv
import gzip
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration.defs.serving.publish import connect_serving


def _serving_dicts(home: Path, sql: str, params: list) -> list[dict[str, Any]]:
    """Rows of one query on the serving copy (what an analyst reads), each a dict by column."""
    con = connect_serving(home)
    try:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _landing_line(home: Path, source_file: str, row_number: int) -> str:
    """The physical line `row_number` (1-based) of a landing file, as delivered."""
    raw = (home / source_file).read_bytes()
    if source_file.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.split(b"\n")[row_number - 1].rstrip(b"\r").decode("utf-8")


def _csv_record(home: Path, source_file: str, row_number: int) -> dict[str, str]:
    """The landing line read as a record under its file's header (line 1)."""
    header, line = _landing_line(home, source_file, 1), _landing_line(home, source_file, row_number)
    return next(csv.DictReader([header, line]))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_kpi_machine_daily_row_reaches_landing_lines_whose_bytes_match(one_day_run) -> None:
    home = one_day_run[0]
    (kpi,) = _serving_dicts(
        home,
        "select * from gold.kpi_machine_daily where produced_qty > 0 "
        "order by batch_count desc, machine_id limit 1",
        [],
    )
    key = [kpi["production_date"], kpi["machine_id"]]
    where = "where production_date = ? and machine_id = ?"
    batches = _serving_dicts(home, f"select * from gold.fct_production_batch {where}", key)
    states = _serving_dicts(home, f"select * from gold.fct_machine_state {where}", key)
    checks = _serving_dicts(home, f"select * from gold.fct_quality_check {where}", key)

    # the fact rows add up to the KPI row: they are the rows behind it
    assert sum(b["produced_qty"] for b in batches) == kpi["produced_qty"]
    assert sum(c["scrap_qty"] for c in checks) == kpi["scrap_qty"]
    running = sum(s["duration_s"] for s in states if s["state"] == "RUNNING")
    assert running == kpi["actual_production_time_s"]

    for b in batches:
        record = _csv_record(home, b["source_file"], b["source_row_number"])
        assert record["batch_id"] == b["batch_id"]
        assert int(record["units_produced"]) == b["produced_qty"]
        assert _instant(record["start_time"]) == b["started_at"]
    for c in checks:
        record = _csv_record(home, c["source_file"], c["source_row_number"])
        assert (record["check_id"], record["batch_id"]) == (c["check_id"], c["batch_id"])
        assert (int(record["sample_size"]), int(record["defects_found"])) == (
            c["sample_size"],
            c["defects_found"],
        )
    starting = [s for s in states if not (s["is_continuation"] or s["is_split_continuation"])]
    assert starting, "a machine-day with states that begin on a log line"
    for s in starting:
        line = _landing_line(home, s["source_file"], s["source_row_number"])
        logged_at, _ = line.split(" ", 1)
        assert _instant(logged_at) == s["started_at"], line
        if s["detail"]:
            assert s["detail"] in line
