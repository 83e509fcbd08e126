"""The dates a range run's check result concerns, as structured check metadata.

Why: a run over many delivery dates yields one result per check, and the CLI reports per date,
so a failed result names its dates. They travel as a JSON list of ISO dates (Dagster's
`MetadataValue.json`), written and read here only, never as text to split again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

FAILED_DATES = "failed_dates"  # dates with a failure of the check's own severity
WARNING_DATES = "warning_dates"  # dates with warnings only (never blocking)


def dates_metadata(days: Iterable[date]) -> Any:
    """The metadata value naming `days` (sorted, ISO), an empty list for none."""
    from dagster import MetadataValue

    return MetadataValue.json(sorted({day.isoformat() for day in days}))


def named_dates(metadata: Mapping[str, Any], key: str) -> set[date] | None:
    """The dates a result's metadata names under `key`; None when it names none (a failure that
    names no date concerns every date of the run)."""
    value = metadata.get(key)
    listed = getattr(value, "data", value)
    if not isinstance(listed, list) or not listed:
        return None
    return {date.fromisoformat(text) for text in listed}
