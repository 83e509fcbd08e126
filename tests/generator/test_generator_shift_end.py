"""A stop or failure drawn when the shift has no time left never happens, so truth does not count
it (it would have no log line; found on 2026-11-12 in a 365-day run, seed 42)."""

from __future__ import annotations

import random
from datetime import date

from generators.calendar import shifts_for
from generators.simulate import MachineDay, MachineState, ShiftSimulator
from plants.model import load_plant


def _simulator() -> tuple[ShiftSimulator, MachineDay]:
    plant = load_plant()
    machine = plant.machines[0]
    day = date(2026, 11, 12)
    out = MachineDay(machine=machine, production_date=day)
    ideal = dict.fromkeys(machine.ideal_cycle_s, 30.0)
    shift = shifts_for(plant, day)[1]
    sim = ShiftSimulator(plant, machine, shift, MachineState(), random.Random(7), 1.0, ideal,
                         "OP-01", out)  # fmt: skip
    return sim, out


def test_failure_and_small_stop_at_shift_end_are_not_counted() -> None:
    sim, out = _simulator()
    sim.tau = sim.clock.total
    sim._fail()
    sim._small_stop()
    assert out.failures == [] and out.small_stops == {} and sim.segments == []


def test_failure_and_small_stop_with_time_left_are_counted() -> None:
    sim, out = _simulator()
    sim.tau = sim.clock.total - 5  # both are cut short at the shift end, but they happen
    sim._small_stop()
    sim.tau = sim.clock.total - 5
    sim._fail()
    assert len(out.failures) == 1 and out.small_stops == {sim.shift.code: 1}
    assert [segment[2] for segment in sim.segments] == ["IDLE", "DOWN"]
