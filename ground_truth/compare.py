"""Every metric of every KPI mart row of one production date against truth.json.

Why: the gate's core. A row in truth but not in gold, or in gold but not in truth, fails like a
wrong value: "all metrics within tolerance" must also mean "nothing missing, nothing invented".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from ground_truth.marts import MARTS, Mart
from ground_truth.tolerances import ATTRIBUTES, TOLERANCES, within

ROW = "(row)"  # the metric name of a row-presence result


@dataclass(frozen=True)
class MetricResult:
    """One compared value: what truth expects, what gold has, and whether they agree."""

    production_date: date
    mart: str
    key: str
    metric: str
    expected: str | None
    actual: str | None
    tolerance: float | None
    passed: bool


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _key_text(mart: Mart, row: dict[str, Any]) -> str:
    return "|".join(f"{k}={row[k]}" for k in mart.key if k != "production_date")


def gold_rows(con: duckdb.DuckDBPyConnection, mart: Mart, day: date) -> dict[str, dict]:
    """Gold rows of one mart and date, by key text."""
    cur = con.execute(
        f"select * from gold.{mart.table} where production_date = ?",  # noqa: S608 (whitelisted)
        [day],
    )
    names = [d[0] for d in cur.description]
    rows = ({n: _plain(v) for n, v in zip(names, r, strict=True)} for r in cur.fetchall())
    return {_key_text(mart, row): row for row in rows}


def _compare_row(mart: Mart, day: date, key: str, expected: dict, actual: dict) -> list:
    results = []
    for metric, value in expected.items():
        if metric in mart.key:
            continue
        tol = TOLERANCES.get(metric)
        tolerance = 0.0 if metric in ATTRIBUTES else (tol.absolute if tol else None)
        got = actual.get(metric)
        ok = metric in actual and tolerance is not None and within(value, got, tolerance)
        results.append(
            MetricResult(day, mart.table, key, metric, _text(value), _text(got), tolerance, ok)
        )
    return results


def compare_mart(
    con: duckdb.DuckDBPyConnection, mart: Mart, truth: dict[str, Any], day: date
) -> list[MetricResult]:
    """All results of one mart on one date, including missing and extra rows."""
    gold = gold_rows(con, mart, day)
    results: list[MetricResult] = []
    seen: set[str] = set()
    for expected in truth[mart.section]:
        key = _key_text(mart, expected)
        seen.add(key)
        actual = gold.get(key)
        if actual is None:
            results.append(
                MetricResult(day, mart.table, key, ROW, "present", "missing", None, False)
            )
        else:
            results += _compare_row(mart, day, key, expected, actual)
    for key in sorted(set(gold) - seen):
        results.append(MetricResult(day, mart.table, key, ROW, "absent", "present", None, False))
    return results


def compare_date(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Any], day: date
) -> list[MetricResult]:
    """Every mart of one production date against its truth."""
    return [r for mart in MARTS for r in compare_mart(con, mart, truth, day)]
