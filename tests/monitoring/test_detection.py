"""Precision, recall and delay of anomaly detection (ground_truth/detection.py) on constructed
injected anomalies and flags: no pipeline needed."""

from datetime import date

from ground_truth.detection import Flag, Injected, injected_from_truth, kind_of, measure

D = date.fromisoformat


def _by_kind(scores):
    return {s.kind: s for s in scores}


def test_a_flag_on_the_anomalys_machine_and_metric_in_its_window_detects_it():
    injected = [
        Injected("scrap_spike", "M-1", "scrap_rate", D("2026-10-10"), D("2026-10-10")),
        Injected("bearing_wear", "M-2", "vibration_mm_s", D("2026-10-10"), D("2026-10-13")),
    ]
    flags = [
        Flag(D("2026-10-10"), "M-1", "scrap_rate"),  # found on its onset: delay 0
        Flag(D("2026-10-12"), "M-2", "vibration_mm_s_p95:RUNNING"),  # found 2 days in
        Flag(D("2026-10-14"), "M-2", "failure_rate"),  # the day after its end: still true
        Flag(D("2026-10-11"), "M-3", "scrap_rate"),  # no anomaly on M-3: false
        Flag(D("2026-10-20"), "M-1", "scrap_rate"),  # long after its spike: false
    ]
    scores = _by_kind(measure(injected, flags, (D("2026-10-08"), D("2026-10-28"))))
    scrap, wear, other = scores["scrap_spike"], scores["bearing_wear"], scores["other"]
    assert (scrap.injected, scrap.detected, scrap.flags, scrap.true_flags) == (1, 1, 3, 1)
    assert scrap.recall == 1.0 and scrap.precision == 1 / 3 and scrap.delays_days == (0,)
    assert (wear.detected, wear.delays_days, wear.precision) == (1, (2,), 1.0)
    assert (other.flags, other.true_flags, other.injected) == (1, 1, 0)
    total = scores["all"]
    assert (total.injected, total.detected, total.flags, total.true_flags) == (2, 2, 5, 3)
    assert total.median_delay_days == 1.0
    # scrap: precision 1/3 < 0.8; wear: median delay 2 > 1 date; other: no miss, all true
    assert (scrap.passed, wear.passed, other.passed) == (False, False, True)


def test_a_flag_of_another_metric_does_not_detect_and_dates_outside_the_window_do_not_count():
    injected = [
        Injected("small_stop_burst", "M-1", "small_stop_rate", D("2026-10-10"), D("2026-10-10")),
        Injected("scrap_spike", "M-1", "scrap_rate", D("2026-10-02"), D("2026-10-02")),
    ]
    flags = [Flag(D("2026-10-10"), "M-1", "scrap_rate"), Flag(D("2026-10-02"), "M-1", "scrap_rate")]
    scores = _by_kind(measure(injected, flags, (D("2026-10-08"), D("2026-10-28"))))
    burst = scores["small_stop_burst"]
    assert (burst.injected, burst.detected, burst.recall) == (1, 0, 0.0)
    # the spike of 2 Oct lies before the scored window (in the baseline's period): not counted
    assert scores["scrap_spike"].injected == 0 and scores["scrap_spike"].flags == 1


def test_an_open_degradation_counts_to_the_last_scored_date_and_its_delay_from_the_window():
    injected = [Injected("degradation", "SMELTER-02", "performance", D("2026-10-02"), None)]
    flags = [Flag(D("2026-10-17"), "SMELTER-02", "performance")]
    [degradation, _] = measure(injected, flags, (D("2026-10-08"), D("2026-10-28")))
    assert degradation.detected == 1 and degradation.delays_days == (9,)


def test_truth_entries_repeated_per_date_are_one_anomaly_with_the_latest_end():
    entry = {"kind": "degradation", "machine_id": "S", "metric": "performance"}
    entry["onset"] = "2026-10-02"
    truths = [
        {"injected_anomalies": [entry | {"end": None}]},
        {"injected_anomalies": [entry | {"end": "2026-10-27"}]},
        {},
    ]
    assert injected_from_truth(truths) == [
        Injected("degradation", "S", "performance", D("2026-10-02"), D("2026-10-27"))
    ]


def test_metrics_map_to_the_kind_whose_signal_they_carry():
    assert kind_of("side_b_time_s:GEARBOX_M") == "dispenser_phase_slow"
    assert kind_of("longest_repeat_run:power_kw") == "sensor_stuck"
    assert kind_of("temperature_c_p95:IDLE") == "temperature_excursion"
    assert kind_of("performance") == "degradation"
    assert kind_of("setup_time_share") == "other"
