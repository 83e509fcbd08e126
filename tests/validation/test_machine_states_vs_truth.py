"""Machine-state silver/gold against truth.json, on the pipeline_home fixture (4 built days).

Per machine and shift, the state
durations of fct_machine_state must equal truth's machine_shift times to the second, and its
failure and small-stop starts the truth counts (data contract §9: exact). The skipped dispenser
phase lines found by permissive mode must equal the injected chaos 14 items per machine-day.
"""

from __future__ import annotations

from tests.homes import query, read_truths

TIME_FIELDS = {
    "RUNNING": "actual_production_time_s",
    "IDLE": "idle_time_s",
    "SETUP": "setup_time_s",
    "DOWN": "down_time_s",
    "PLANNED_STOP": "planned_stop_time_s",
}


def test_machine_shift_times_and_counts_equal_truth(pipeline_home):
    gold: dict[tuple[str, str, str], dict[str, int]] = {}
    for d, m, s, state, secs, failures, small_stops in query(
        pipeline_home,
        "select production_date, machine_id, shift_code, state, sum(duration_s),"
        " count(*) filter (where is_failure_start), count(*) filter (where is_small_stop_start)"
        " from gold.fct_machine_state group by all",
    ):
        row = gold.setdefault((str(d), m, s), {"failure_count": 0, "small_stop_count": 0})
        row[TIME_FIELDS[state]] = int(secs)
        row["shift_time_s"] = row.get("shift_time_s", 0) + int(secs)
        row["failure_count"] += failures
        row["small_stop_count"] += small_stops
    mismatches = []
    compared = 0
    for truth in read_truths(pipeline_home).values():
        for row in truth["machine_shift"]:
            key = (row["production_date"], row["machine_id"], row["shift_code"])
            got = gold.get(key, {})
            for name in [
                *TIME_FIELDS.values(),
                "shift_time_s",
                "failure_count",
                "small_stop_count",
            ]:
                compared += 1
                if got.get(name, 0) != row[name]:
                    mismatches.append((key, name, row[name], got.get(name, 0)))
    assert compared, "no truth rows"
    assert not mismatches, mismatches[:20]


def test_skipped_phase_lines_equal_injected_chaos(pipeline_home):
    found = {
        (str(d), m): n
        for d, m, n in query(
            pipeline_home,
            "select production_date, machine_id, skipped_states from silver.int_log_skipped_states",
        )
    }
    stations = {
        s: m
        for s, m in query(
            pipeline_home,
            "select distinct station_id, machine_id from silver.int_machine_log_events_parsed",
        )
    }
    injected: dict[tuple[str, str], int] = {}
    for date_s, truth in read_truths(pipeline_home).items():
        for item in truth["chaos"]:
            if item["name"] == "skipped_log_states":
                key = (date_s, stations[item["key"].split("@")[0]])
                injected[key] = injected.get(key, 0) + 1
    keys = set(injected) | {k for k, n in found.items() if n}
    diffs = [
        (k, injected.get(k, 0), found.get(k, 0))
        for k in sorted(keys)
        if injected.get(k, 0) != found.get(k, 0)
    ]
    assert not diffs, diffs[:20]
