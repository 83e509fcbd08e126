"""Asset registry: machine master data and its changes over time (the SCD2 source)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from plants.model import Machine, PlantConfig

COMMISSIONED = date(2024, 3, 1)


@dataclass(frozen=True)
class AssetRecord:
    machine_id: str
    line_id: str
    machine_type: str
    manufacturer: str
    model: str
    firmware_version: str
    location: str
    ideal_cycle_s: tuple[tuple[str, float], ...]
    last_maintenance_date: date
    effective_date: date
    change_kind: str

    @property
    def ideal(self) -> dict[str, float]:
        return dict(self.ideal_cycle_s)


def _initial(plant: PlantConfig, m: Machine) -> AssetRecord:
    cfg = plant.asset_registry
    hall = "Hall A" if int(m.line_id.lstrip("L")) % 2 else "Hall B"
    return AssetRecord(
        machine_id=m.id,
        line_id=m.line_id,
        machine_type=m.type,
        manufacturer=cfg["manufacturers"][m.type],
        model=cfg["models"][m.type],
        firmware_version=cfg["firmware"][m.type],
        location=f"{hall} / {m.line_id} / {m.station}",
        ideal_cycle_s=tuple(m.ideal_cycle_s.items()),
        last_maintenance_date=COMMISSIONED,
        effective_date=COMMISSIONED,
        change_kind="commissioned",
    )


class Registry:
    """The master data of every machine as valid on each day of the generated period.

    A machine with a `commissioning` change exists from that day on; a `retirement` change on
    day d makes day d - 1 its last. Outside that span it has no record: it is absent from the
    export and from `on(day)`, so the generator does not simulate it."""

    def __init__(self, plant: PlantConfig, start: date, days: int) -> None:
        self.start = start
        self.by_day: list[dict[str, AssetRecord]] = []
        self.maintenance_days: dict[str, list[int]] = {}
        current = {m.id: _initial(plant, m) for m in plant.machines}
        changes = plant.asset_registry.get("changes", [])
        commissioned = {
            ch["machine"]: int(ch["day"]) for ch in changes if ch["kind"] == "commissioning"
        }
        for i in range(days):
            day = start + timedelta(days=i)
            for ch in changes:
                if ch["machine"] not in current or not self._applies(ch, i):
                    continue
                rec = current[ch["machine"]]
                kind = ch["kind"]
                if kind == "maintenance":
                    rec = replace(rec, last_maintenance_date=day)
                    self.maintenance_days.setdefault(rec.machine_id, []).append(i)
                elif kind == "firmware":
                    rec = replace(rec, firmware_version=ch["firmware"])
                elif kind == "retooling":
                    ideal = dict(rec.ideal_cycle_s) | {ch["product"]: float(ch["ideal_cycle_s"])}
                    rec = replace(rec, ideal_cycle_s=tuple(ideal.items()))
                elif kind == "relocation":
                    rec = replace(rec, location=ch["location"])
                elif kind == "commissioning":
                    rec = replace(rec, last_maintenance_date=day)
                elif kind == "retirement":
                    del current[rec.machine_id]
                    continue
                else:
                    raise ValueError(f"unknown asset change kind {kind!r}")
                current[rec.machine_id] = replace(rec, effective_date=day, change_kind=kind)
            self.by_day.append(
                {mid: r for mid, r in current.items() if i >= commissioned.get(mid, 0)}
            )

    @staticmethod
    def _applies(change: dict, day_index: int) -> bool:
        if "every_days" in change:
            first = int(change.get("first_day", change["every_days"]))
            return day_index >= first and (day_index - first) % int(change["every_days"]) == 0
        return day_index == int(change["day"])

    def on(self, day_index: int) -> dict[str, AssetRecord]:
        return self.by_day[day_index]

    def present(self, day_index: int) -> set[str]:
        """The machines that exist on a day of the period."""
        return set(self.on(day_index))

    def ideal_by_machine(self, day_index: int) -> dict[str, dict[str, float]]:
        return {mid: rec.ideal for mid, rec in self.on(day_index).items()}
