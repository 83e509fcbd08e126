"""Timestamp renderings used by the plant's source systems."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UTC_FORMAT = "utc"  # 2026-10-19T04:00:00Z
OFFSET_FORMAT = "local_offset"  # 2026-10-19T06:00:00+02:00
NAIVE_FORMAT = "local_naive"  # 2026-10-19 06:00:00 (plant-local, no offset)


def utc_iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(epoch: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(epoch, tz).isoformat()


def is_ambiguous_local(epoch: int, tz: ZoneInfo) -> bool:
    """True in the repeated hour of a DST fall-back, where a naive local time names two instants."""
    local = datetime.fromtimestamp(epoch, tz).replace(tzinfo=None)
    return (
        local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset()
    )


def render(epoch: int, form: str, tz: ZoneInfo) -> str:
    """Render an instant in one form; a naive local time falls back to the offset if ambiguous."""
    if form == UTC_FORMAT:
        return utc_iso(epoch)
    if form == NAIVE_FORMAT and not is_ambiguous_local(epoch, tz):
        return datetime.fromtimestamp(epoch, tz).strftime("%Y-%m-%d %H:%M:%S")
    return local_iso(epoch, tz)
