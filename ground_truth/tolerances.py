"""Per-metric tolerances of the truth gate, declared once and justified from data_contract §9.

Why: §9 says every KPI metric is recoverable exactly at default chaos; the only slack left is the
rounding truth.json applies (§8.2), so a tolerance is half of nothing for counts and integer
seconds, one unit of the last rounded decimal for ratios (6 dp) and for 3-dp values. Gold that
rounds the same way differs by 0; gold that keeps full precision differs by < half a unit. One
unit (not half) absorbs a float landing on the other side of a rounding boundary.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    """Absolute tolerance of one metric and the §9 row that justifies it."""

    absolute: float
    why: str


EXACT = Tolerance(0.0, "§9: exact (counts and integer seconds recovered from landing data)")
RATIO_6DP = Tolerance(1e-6, "§9: exact ratio of recovered sums; truth rounds to 6 dp (§8.2)")
VALUE_3DP = Tolerance(1e-3, "§9: exact sum; truth rounds to 3 dp (§8.2)")
UNROUNDED_S = Tolerance(0.0, "§9: exact to the second; min/max are unrounded (§8.2)")

_EXACT = """
shift_time_s planned_stop_time_s planned_busy_time_s actual_production_time_s idle_time_s
setup_time_s down_time_s produced_qty good_qty scrap_qty rework_qty failure_count
small_stop_count batch_count signed_in_s break_s worked_s process_count cycles_started
cycles_completed cycles_aborted quantity
"""
_RATIO_6DP = """
availability performance quality good_unit_ratio oee scrap_ratio rework_ratio first_pass_yield
mtbf_s mttr_s throughput_per_h energy_per_good_unit_kwh units_per_worked_h processes_per_worked_h
processes_per_h
"""
_VALUE_3DP = """
ideal_production_time_s fully_productive_time_s energy_kwh cycle_time_s_avg cycle_time_s_stddev
cycle_time_s_p50 cycle_time_s_p95 wait_time_s_avg wait_time_s_stddev wait_time_s_p50 wait_time_s_p95
clamp_time_s_avg side_a_time_s_avg side_b_time_s_avg unclamp_time_s_avg eject_time_s_avg
"""
_UNROUNDED = "cycle_time_s_min cycle_time_s_max wait_time_s_min wait_time_s_max"

TOLERANCES: dict[str, Tolerance] = {
    **dict.fromkeys(_EXACT.split(), EXACT),
    **dict.fromkeys(_RATIO_6DP.split(), RATIO_6DP),
    **dict.fromkeys(_VALUE_3DP.split(), VALUE_3DP),
    **dict.fromkeys(_UNROUNDED.split(), UNROUNDED_S),
}

# Descriptive attributes a truth row carries besides its key (compared as exact text).
ATTRIBUTES = frozenset({"line_id", "station_id", "shift_code", "machine_id"})


def within(expected: object, actual: object, tolerance: float) -> bool:
    """True when actual matches expected: nulls only equal nulls, text exactly, numbers within."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, str) or isinstance(actual, str):
        return str(expected) == str(actual)
    return abs(float(actual) - float(expected)) <= tolerance + 1e-9
