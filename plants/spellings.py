"""The names other systems use for a plant's machines and products, generated from the plant.

Why generated: a plant file lists only the spellings no rule can derive; the canonical id, the
station code, "Smelter 2" and "SM2 (Smelter)" follow from the machine itself, so a plant of any
size (or `--scale 16`) resolves without an alias table to keep by hand. dbt turns each spelling
into its lookup key (macro `alias_key`), so the normalization rule has one owner.
"""

from __future__ import annotations

from plants.model import Machine, PlantConfig


def machine_type_word(machine: Machine) -> str:
    """SMELTER-02 → Smelter."""
    return machine.id.rpartition("-")[0].title()


def machine_spellings(machine: Machine) -> list[str]:
    """Every name that must resolve to the machine: canonical id, station code, the type and
    number ("Smelter 2"), the station with its type ("SM2 (Smelter)") and the declared ones."""
    prefix, _, number = machine.id.rpartition("-")
    generated = [machine.id, machine.station]
    if number.isdigit():
        generated.append(f"{prefix.title()} {int(number)}")
    generated.append(f"{machine.station} ({machine_type_word(machine)})")
    return list(dict.fromkeys([*generated, *machine.spellings]))


def product_abbreviation(display_name: str) -> str:
    """Sealed Gearbox S → S. Gearbox S."""
    words = display_name.split()
    return f"{words[0][0]}. {' '.join(words[1:])}" if len(words) > 1 else display_name


def product_spellings(product_id: str, spec: dict) -> list[str]:
    """Every name that must resolve to the product: id, display name, its abbreviation and the
    declared ones."""
    name = spec["name"]
    generated = [product_id, name, product_abbreviation(name)]
    return list(dict.fromkeys([*generated, *spec.get("spellings", ())]))


def all_machine_spellings(plant: PlantConfig) -> list[tuple[str, str]]:
    """(spelling, machine id) for every machine of the plant."""
    return [(s, m.id) for m in plant.machines for s in machine_spellings(m)]


def all_product_spellings(plant: PlantConfig) -> list[tuple[str, str]]:
    """(spelling, product id) for every product of the plant."""
    return [(s, pid) for pid, spec in plant.products.items() for s in product_spellings(pid, spec)]
