"""The loss marts as readers get them: in the serving copy after one `shopfloor run`.

The dbt tests prove the loss tree and the Pareto inside the warehouse (the identity, the sums,
the agreement with kpi_machine_shift); these read the published copy, which the report, the
dashboard and the alerts read, and check it against sources outside gold: the plant file's
targets and the operator log as delivered.
"""

from __future__ import annotations

import csv
from pathlib import Path

from plants.home import Home, home_plant
from tests.homes import query


def _serving(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    return query(home, sql, params, serving=True)


def test_plant_oee_of_the_loss_tree_is_the_published_plant_oee(one_day_run) -> None:
    """plant_day rows: planned busy time = fully productive time + the losses, and the OEE the
    waterfall ends at is kpi_plant_daily's."""
    home, _ = one_day_run
    rows = _serving(
        home,
        "select t.production_date, t.planned_busy_time_s, t.fully_productive_time_s "
        "+ t.breakdown_loss_s + t.setup_loss_s + t.small_stop_loss_s + t.idle_loss_s "
        "+ t.speed_loss_s + t.scrap_loss_s + t.rework_loss_s + t.unrecorded_loss_s, "
        "t.oee, p.oee, p.planned_busy_time_s "
        "from gold.kpi_loss_tree t join gold.kpi_plant_daily p using (production_date) "
        "where t.grain = 'plant_day'",
    )
    assert rows
    for day, planned_busy, parts, tree_oee, plant_oee, plant_planned_busy in rows:
        assert planned_busy == parts == plant_planned_busy, day
        assert abs(tree_oee - plant_oee) <= 1.1e-6, day


def test_downtime_selection_rolls_the_pareto_up(one_day_run) -> None:
    """gold.downtime_selection over the whole day and every machine: each cause's events and
    time are the Pareto rows summed, MTTR their ratio, MTBF the running time of every selected
    machine-shift over the events; the breakdowns add up to kpi_machine_shift's failures."""
    home, _ = one_day_run
    ((day, running_s, failures),) = _serving(
        home,
        "select min(production_date), sum(actual_production_time_s), sum(failure_count) "
        "from gold.kpi_machine_shift",
    )
    machines = [
        m for (m,) in _serving(home, "select distinct machine_id from gold.kpi_machine_shift")
    ]
    selection = _serving(
        home,
        "select loss_category, cause_code, event_count, loss_time_s, mtbf_s, mttr_s "
        "from gold.downtime_selection(?, ?, [], ?)",
        [day, day, machines],
    )
    pareto = {
        (category, cause): (events, seconds)
        for category, cause, events, seconds in _serving(
            home,
            "select loss_category, cause_code, sum(event_count), sum(loss_time_s) "
            "from gold.kpi_downtime_pareto group by all",
        )
    }
    assert {(c, k) for c, k, *_ in selection} == set(pareto)
    for category, cause, events, seconds, mtbf_s, mttr_s in selection:
        assert (events, seconds) == pareto[(category, cause)], (category, cause)
        if events:
            assert mttr_s == float(seconds) / events
            assert mtbf_s == running_s / events
        else:
            assert mtbf_s is None and mttr_s is None
    assert sum(e for c, _, e, *_ in selection if c == "breakdown") == failures


def test_targets_are_the_plant_files(one_day_run) -> None:
    """dim_target: the plant row carries the plant file's plant-wide targets, and every machine
    the KPIs report has a row (the default plant sets no line or machine target)."""
    home, _ = one_day_run
    plant = home_plant(home)
    plant_targets = plant.targets["plant"]
    ((scope_id, oee, availability, performance, quality, defined_at),) = _serving(
        home,
        "select scope_id, oee, availability, performance, quality, defined_at "
        "from gold.dim_target where scope = 'plant'",
    )
    assert scope_id == plant.id and defined_at == "plant"
    assert (oee, availability, performance, quality) == tuple(
        plant_targets.get(kpi) for kpi in ("oee", "availability", "performance", "quality")
    )
    missing = _serving(
        home,
        "select distinct k.machine_id from gold.kpi_machine_shift k left join gold.dim_target t "
        "on t.scope = 'machine' and t.scope_id = k.machine_id where t.scope_id is null",
    )
    assert not missing


def test_every_operator_note_delivered_is_in_gold(one_day_run) -> None:
    """fct_operator_note holds each NOTE line of the delivered operator logs, with its text."""
    home, _ = one_day_run
    delivered = set()
    for path in Home(home).landing.glob("*/operator_logs/*.csv"):
        with path.open(newline="", encoding="utf-8") as f:
            rows = csv.DictReader(f)
            delivered |= {(r["event_id"], r["note"]) for r in rows if r["event_type"] == "NOTE"}
    published = set(_serving(home, "select note_id, note from gold.fct_operator_note"))
    assert delivered and published == delivered
