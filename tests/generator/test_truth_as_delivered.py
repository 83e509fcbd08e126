"""truth.json `as_delivered` against the files themselves: what the batch and QC files delivered by
each date say, summed here from the CSV rows, is what the truth as delivered by that date says.

Why from the files: the generator derives the truth as delivered from the simulation (the plant-day
without the rows still due); the delivered files are the other, independent account of the same
rows, and the one gold is built from.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generators.run import generate
from ground_truth.as_delivered import truth_as_delivered
from ingestion.landing import delivery_dates
from plants.home import Home
from tests.homes import read_truths

START = date(2026, 10, 20)
LATE_ONLY = {"late_arrivals": 0.3}  # chaos none otherwise: ids and spellings read as written


def _rows(home: Path, source: str, through: date) -> list[dict[str, str]]:
    """Every row of `source` in the delivery folders up to `through`."""
    rows = []
    for delivery in delivery_dates(home):
        if delivery <= through:
            for path in sorted((Home(home).delivery(delivery) / source).glob("*.csv")):
                with path.open(newline="", encoding="utf-8") as f:
                    rows.extend(csv.DictReader(f))
    return rows


def _batch_date(batch_id: str) -> str:
    return datetime.strptime(batch_id[1:7], "%y%m%d").date().isoformat()  # B<yymmdd>-...


def _check_date(check_id: str) -> str:
    return datetime.strptime(check_id[2:10], "%Y%m%d").date().isoformat()  # QC<yyyymmdd>-...


def _from_files(home: Path, day: str, through: date) -> dict[str, Any]:
    """Per machine produced / scrap / rework / good / batches, per product produced, and the
    defects per machine × product × reason × disposition, of `day` as delivered by `through`."""
    batches = {r["batch_id"]: r for r in _rows(home, "production_batches", through)}
    batches = {k: r for k, r in batches.items() if _batch_date(k) == day}
    checks = [r for r in _rows(home, "qc_checks", through) if _check_date(r["check_id"]) == day]
    machine: dict[str, Counter] = defaultdict(Counter)
    product: Counter = Counter()
    for b in batches.values():
        machine[b["machine_id"]]["produced_qty"] += int(b["units_produced"])
        machine[b["machine_id"]]["batch_count"] += 1
        product[b["product"]] += int(b["units_produced"])
    defects: Counter = Counter()
    for c in checks:
        n, disposition = int(c["defects_found"]), c["disposition"]
        if disposition in ("SCRAP", "REWORK") and n:
            defects[(c["machine_id"], c["product"], c["reason_category"], disposition)] += n
            if c["batch_id"] in batches:  # scrap and rework of a batch the files report
                machine[c["machine_id"]][f"{disposition.lower()}_qty"] += n
    for counts in machine.values():
        counts["good_qty"] = counts["produced_qty"] - counts["scrap_qty"] - counts["rework_qty"]
    return {"machine": machine, "product": product, "defects": defects}


def _from_truth(truth: dict[str, Any]) -> dict[str, Any]:
    names = ("produced_qty", "batch_count", "scrap_qty", "rework_qty", "good_qty")
    machine = {
        r["machine_id"]: Counter({n: r[n] for n in names if r[n]}) for r in truth["machine_daily"]
    }
    defects = Counter(
        {
            (r["machine_id"], r["product_id"], r["reason_category"], r["disposition"]): r[
                "quantity"
            ]
            for r in truth["quality_daily"]
        }
    )
    return {
        "machine": {k: v for k, v in machine.items() if v},
        "product": Counter({r["product_id"]: r["produced_qty"] for r in truth["product_daily"]}),
        "defects": defects,
    }


def _check_cuts(home: Path) -> int:
    """Compare every date's truth as delivered by each landed delivery with its files; the
    number of (date, delivery) pairs where the truth as delivered is not the whole truth."""
    landed = delivery_dates(home)
    partial = 0
    for day, truth in read_truths(home).items():
        for through in (d for d in landed if d.isoformat() >= day):
            expected = truth_as_delivered(truth, through)
            got = _from_files(home, day, through)
            got["machine"] = {k: +v for k, v in got["machine"].items() if +v}
            assert _from_truth(expected) == got, (day, through)
            partial += expected["machine_daily"] != truth["machine_daily"]
    return partial


def test_the_truth_as_delivered_is_what_the_delivered_files_say(tmp_path: Path) -> None:
    """Late batch and QC rows only: after two days with rows still due (--append leaves them
    for the next generation) and again once --finish delivered them, every date as delivered by
    every landed delivery sums, machine by machine, product by product and defect by defect,
    to what the batch and QC files delivered by then hold."""
    generate(tmp_path, START, 3, seed=11, chaos_level="none", overrides=LATE_ONLY, mode="append")
    assert _check_cuts(tmp_path) > 0  # some date was compared as partly delivered
    generate(tmp_path, START, 0, mode="append", finish=True)
    assert _check_cuts(tmp_path) > 0
    for truth in read_truths(tmp_path).values():  # everything delivered: the whole truth
        assert truth_as_delivered(truth, date(2100, 1, 1)) == truth
