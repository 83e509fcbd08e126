"""The chaos catalogue: sixteen switchable kinds of realistic mess, each with an intensity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# id → (name, default intensity, what the intensity means)
CATALOGUE: dict[int, tuple[str, float, str]] = {
    1: ("product_variants", 0.30, "share of product-name fields written as a variant spelling"),
    2: ("machine_variants", 0.30, "share of machine-id fields written as a variant spelling"),
    3: ("sensor_nulls", 0.02, "share of sensor values written as null"),
    4: ("sensor_drift", 0.30, "share of sensor device-days whose clock drifts (up to ±5 min)"),
    5: ("duplicate_batches", 0.03, "share of batch rows exported twice"),
    6: ("late_arrivals", 0.03, "share of batch/QC rows, and of files, delivered 1-2 days late"),
    7: ("timezone_mix", 0.25, "share of CSV timestamps in local time (with or without offset)"),
    8: ("degradation", 1.00, "multiplier of SMELTER-02's configured efficiency loss per day"),
    9: ("counter_resets", 0.15, "chance per machine-day of a PLC counter reset; 16-bit counters"),
    10: ("opcua_bad_values", 0.01, "share of OPC-UA node reads that are stale or bad quality"),
    11: ("malformed_lines", 0.003, "share of rows preceded by a truncated partial write"),
    12: ("duplicate_files", 0.03, "share of files delivered a second time under another name"),
    13: ("schema_drift", 1.00, "1 = production_batches gains and renames a column mid-period"),
    14: ("skipped_log_states", 0.03, "share of dispenser phase lines missing from machine logs"),
    15: ("scanner_misreads", 0.01, "share of scans misread; twice this share double-scanned"),
    16: ("clock_skew", 1.00, "scanner clock offset vs the controller, in units of up to 20 s"),
}
NAME_TO_ID = {name: cid for cid, (name, _, _) in CATALOGUE.items()}
LEVELS = ("none", "default", "heavy")
HEAVY_FACTOR = 3.0
# Intensities that are switches or magnitudes rather than shares are not capped at 0.5.
UNCAPPED = {"degradation", "schema_drift", "clock_skew"}


@dataclass
class ChaosConfig:
    level: str
    rates: dict[str, float]
    injected: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_level(cls, level: str, overrides: dict[str, float] | None = None) -> ChaosConfig:
        if level not in LEVELS:
            raise ValueError(f"unknown chaos level {level!r} (choose from {', '.join(LEVELS)})")
        rates = {}
        for name, default, _ in CATALOGUE.values():
            if level == "none":
                rates[name] = 0.0
            elif level == "default":
                rates[name] = default
            else:
                rates[name] = default * HEAVY_FACTOR
                if name not in UNCAPPED:
                    rates[name] = min(rates[name], 0.5)
        for name, value in (overrides or {}).items():
            if name not in NAME_TO_ID:
                raise ValueError(f"unknown chaos type {name!r}")
            if value < 0:
                raise ValueError(f"chaos intensity for {name} must be >= 0, got {value}")
            rates[name] = value
        return cls(level=level, rates=rates)

    def rate(self, name: str) -> float:
        return self.rates[name]

    def on(self, name: str) -> bool:
        return self.rates[name] > 0


def record(
    name: str, source: str, key: str, detail: Any = None, production_date: str = ""
) -> dict[str, Any]:
    """A truth entry for one injected item; `file` and `line` are filled once it is written."""
    return {
        "type": NAME_TO_ID[name],
        "name": name,
        "source": source,
        "production_date": production_date,
        "file": None,
        "line": None,
        "key": key,
        "detail": detail,
    }


def product_variants(product_id: str, display_name: str) -> list[str]:
    """Spellings a human or a legacy system might use for one product, other than its id (a
    one-word id such as TINE written "TINE" is no variant)."""
    words = display_name.split()
    base = product_id
    variants = [
        display_name,
        display_name.capitalize(),
        display_name.lower(),
        base.lower(),
        base.replace("_", "-"),
        base.replace("_", " "),
        base.replace("_", ""),
        "".join(words),
        "-".join(words),
        f" {display_name} ",
        f"{words[0][0]}. {' '.join(words[1:])}",
    ]
    return [v for v in variants if v != product_id]


def machine_variants(machine_id: str, station: str) -> list[str]:
    """Spellings of a machine id other than the id itself (SMELTER-02 → smelter_02, Smelter 2,
    SMELTER02, ...); the forms that equal the id (SMELTER-10 written as PREFIX-n) are dropped."""
    prefix, _, number = machine_id.rpartition("-")
    n = int(number)
    variants = [
        machine_id.lower(),
        f"{prefix.lower()}_{number}",
        f"{prefix.title()} {n}",
        f"{prefix}{number}",
        f"{prefix}-{n}",
        f"{station} ({prefix.title()})",
    ]
    return [v for v in dict.fromkeys(variants) if v != machine_id]
