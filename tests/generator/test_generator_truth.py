"""Truth is internally consistent: sums add up, ratios are ratios of sums, OEE = A × P × Q."""

from __future__ import annotations

import math

import pytest

ADDITIVE = [
    "shift_time_s",
    "planned_stop_time_s",
    "planned_busy_time_s",
    "actual_production_time_s",
    "idle_time_s",
    "setup_time_s",
    "down_time_s",
    "produced_qty",
    "good_qty",
    "scrap_qty",
    "rework_qty",
    "failure_count",
]


def _close(a: float | None, b: float | None, tol: float = 2e-6) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=tol)


def test_every_day_has_all_sections(default_truths):
    assert len(default_truths) == 4
    for truth in default_truths.values():
        assert len(truth["machine_daily"]) == 4
        assert len(truth["machine_shift"]) == 12
        assert len(truth["plant_daily"]) == 1
        assert truth["process_daily"] and truth["product_daily"] and truth["operator_daily"]
        assert truth["quality_daily"] and truth["material_flow_daily"]


def test_time_model_adds_up(default_truths):
    for truth in default_truths.values():
        for row in truth["machine_shift"] + truth["machine_daily"]:
            assert row["planned_busy_time_s"] == row["shift_time_s"] - row["planned_stop_time_s"]
            parts = ("actual_production_time_s", "idle_time_s", "setup_time_s", "down_time_s")
            assert sum(row[p] for p in parts) == row["planned_busy_time_s"]


def test_quantities_add_up(default_truths):
    for truth in default_truths.values():
        for row in truth["machine_shift"] + truth["machine_daily"] + truth["product_daily"]:
            assert row["good_qty"] + row["scrap_qty"] + row["rework_qty"] == row["produced_qty"]


def test_oee_is_product_of_factors(default_truths):
    for truth in default_truths.values():
        rows = truth["machine_shift"] + truth["machine_daily"] + truth["plant_daily"]
        for row in rows:
            a, p, q = row["availability"], row["performance"], row["quality"]
            assert _close(row["oee"], a * p * q, 1e-5)
            assert 0 < a <= 1 and 0 < p <= 1.2 and 0 < q <= 1


@pytest.mark.parametrize("field", ADDITIVE)
def test_machine_days_are_sums_of_shifts(default_truths, field):
    for truth in default_truths.values():
        for daily in truth["machine_daily"]:
            shifts = [s for s in truth["machine_shift"] if s["machine_id"] == daily["machine_id"]]
            assert sum(s[field] for s in shifts) == daily[field]


@pytest.mark.parametrize("field", ADDITIVE)
def test_plant_totals_are_machine_sums(default_truths, field):
    for truth in default_truths.values():
        assert truth["plant_daily"][0][field] == sum(m[field] for m in truth["machine_daily"])


def test_plant_ratios_are_ratios_of_sums_not_averages(default_truths):
    for truth in default_truths.values():
        plant, machines = truth["plant_daily"][0], truth["machine_daily"]
        running = sum(m["actual_production_time_s"] for m in machines)
        pbt = sum(m["planned_busy_time_s"] for m in machines)
        ideal = sum(m["ideal_production_time_s"] for m in machines)
        assert _close(plant["availability"], running / pbt)
        assert _close(plant["performance"], ideal / running)
        productive = sum(m["fully_productive_time_s"] for m in machines)
        # quality is weighted by ideal cycle: the plant makes eight products at different cycles
        assert _close(plant["quality"], productive / ideal, 1e-6)
        assert _close(plant["good_unit_ratio"], plant["good_qty"] / plant["produced_qty"])
        # so OEE = Σ good × ideal / Σ planned busy time at plant level (ISO 22400)
        assert _close(plant["oee"], productive / pbt, 2e-6)
        energy = sum(m["energy_kwh"] for m in machines)
        assert _close(plant["energy_kwh"], energy, 1e-3)
        # Machines run for different times, so an average of their ratios would differ.
        mean_of_ratios = sum(m["performance"] for m in machines) / len(machines)
        assert not _close(plant["performance"], mean_of_ratios, 1e-7)


def test_mtbf_and_mttr_follow_from_failures(default_truths):
    for truth in default_truths.values():
        for row in truth["machine_daily"]:
            if row["failure_count"] == 0:
                assert row["mtbf_s"] is None and row["mttr_s"] is None
            else:
                n = row["failure_count"]
                assert _close(row["mtbf_s"], row["actual_production_time_s"] / n, 1e-3)
                assert _close(row["mttr_s"], row["down_time_s"] / n, 1e-3)


def test_products_and_quality_sections_match_machines(default_truths):
    for truth in default_truths.values():
        produced = sum(p["produced_qty"] for p in truth["product_daily"])
        assert produced == truth["plant_daily"][0]["produced_qty"]
        scrap = sum(q["quantity"] for q in truth["quality_daily"] if q["disposition"] == "SCRAP")
        assert scrap == truth["plant_daily"][0]["scrap_qty"]


def test_process_cycles_are_consistent(default_truths):
    for truth in default_truths.values():
        (proc,) = truth["process_daily"]
        assert proc["cycles_started"] == proc["cycles_completed"] + proc["cycles_aborted"]
        dispenser = next(m for m in truth["machine_daily"] if m["machine_id"] == "DISPENSER-01")
        assert proc["cycles_completed"] == dispenser["produced_qty"]
        assert proc["cycle_time_s_min"] <= proc["cycle_time_s_p50"] <= proc["cycle_time_s_p95"]
        assert proc["cycle_time_s_p95"] <= proc["cycle_time_s_max"]
        phases = sum(
            proc[f"{p}_time_s_avg"] for p in ("clamp", "side_a", "side_b", "unclamp", "eject")
        )
        assert _close(phases, proc["cycle_time_s_avg"], 0.01)


def test_dst_day_has_a_longer_night_shift(default_truths):
    # 2026-10-25 03:00 CEST → 02:00 CET happens in the night shift that began on 24 Oct.
    night = [s for s in default_truths["2026-10-24"]["machine_shift"] if s["shift_code"] == "NIGHT"]
    assert {s["shift_time_s"] for s in night} == {9 * 3600}
    normal = [
        s for s in default_truths["2026-10-23"]["machine_shift"] if s["shift_code"] == "NIGHT"
    ]
    assert {s["shift_time_s"] for s in normal} == {8 * 3600}


def test_smelter_02_degrades_and_others_do_not(default_truths):
    perf = {
        d: {m["machine_id"]: m["performance"] for m in t["machine_daily"]}
        for d, t in default_truths.items()
    }
    days = sorted(perf)
    assert perf[days[-1]]["SMELTER-02"] < perf[days[0]]["SMELTER-02"] - 0.03
    assert abs(perf[days[-1]]["SMELTER-01"] - perf[days[0]]["SMELTER-01"]) < 0.03
    anomalies = default_truths[days[-1]]["anomalies"]
    assert [a["machine_id"] for a in anomalies] == ["SMELTER-02"]


def test_operators_worked_their_shift(default_truths):
    for truth in default_truths.values():
        ops = truth["operator_daily"]
        assert len(ops) == 12  # 3 shifts × 4 machines
        for op in ops:
            assert 7 * 3600 <= op["signed_in_s"] <= 9 * 3600
            assert op["worked_s"] == op["signed_in_s"] - op["break_s"]
        assert sum(o["produced_qty"] for o in ops) == truth["plant_daily"][0]["produced_qty"]
