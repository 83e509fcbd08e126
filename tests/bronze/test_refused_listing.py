"""The run's listing of refused rows: a flood of one kind never hides a rare one."""

from __future__ import annotations

from cli.refused import PER_KIND, listed_by_kind

LOG = "landing/2026-10-22/machine_logs/SM1__2026-10-22.log"
BATCHES = "landing/2026-10-22/production_batches/production_batches__2026-10-22.csv"
PARTIAL = "truncated row: partial write, repeated in full on the next line"


def test_each_kind_is_listed_and_the_rest_counted():
    partials = [(LOG, n, None, None, PARTIAL) for n in range(1, 101)]
    machine = (BATCHES, 7, "machine_id", "MACHINE-99", 'machine_id "MACHINE-99" is not a machine')
    counts = [
        (BATCHES, 8, "units_produced", v, f'units_produced: "{v}" is not a whole number ≥ 0')
        for v in ("1,234", "NaN", "-5", "1e3")
    ]
    listed, more = listed_by_kind([*partials, machine, *counts], limit=60)
    assert listed == [*partials[:PER_KIND], machine, *counts[:PER_KIND]]
    assert more == {
        f"machine_logs rows: {PARTIAL}": 100 - PER_KIND,
        'production_batches rows: units_produced: "1,234" is not a whole number ≥ 0': 1,
    }


def test_the_limit_bounds_the_listing():
    rows = [(BATCHES, n, "f", str(n), f"reason {chr(65 + n)}") for n in range(10)]
    listed, more = listed_by_kind(rows, limit=4)
    assert listed == rows[:4]
    assert sum(more.values()) == 6
