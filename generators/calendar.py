"""Shift calendar: plant-local shifts and breaks turned into UTC instants (epoch seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from generators.config import PlantConfig, Shift


@dataclass(frozen=True)
class ShiftWindow:
    """One shift of one production date, in UTC epoch seconds."""

    production_date: date
    code: str
    index: int
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...]

    @property
    def shift_time_s(self) -> int:
        return self.end - self.start

    @property
    def planned_stop_s(self) -> int:
        return sum(b - a for a, b in self.breaks)

    @property
    def work_windows(self) -> list[tuple[int, int]]:
        """The shift minus its breaks: the planned busy time as intervals."""
        windows, cursor = [], self.start
        for a, b in self.breaks:
            if a > cursor:
                windows.append((cursor, a))
            cursor = b
        if cursor < self.end:
            windows.append((cursor, self.end))
        return windows


def local_to_epoch(tz: ZoneInfo, day: date, hhmm: str, day_offset: int = 0) -> int:
    """Plant-local wall-clock time to epoch seconds; in a repeated hour, the first occurrence."""
    h, m = (int(x) for x in hhmm.split(":"))
    local = datetime.combine(day + timedelta(days=day_offset), time(h, m), tzinfo=tz)
    return int(local.timestamp())


def _shift_window(tz: ZoneInfo, day: date, index: int, shift: Shift) -> ShiftWindow:
    start_h = int(shift.start.split(":")[0])
    start = local_to_epoch(tz, day, shift.start)
    end_hhmm = f"{(start_h + shift.hours) % 24:02d}:{shift.start.split(':')[1]}"
    end = local_to_epoch(tz, day, end_hhmm, (start_h + shift.hours) // 24)
    breaks = []
    for hhmm, minutes in shift.breaks:
        offset = 1 if int(hhmm.split(":")[0]) < start_h else 0
        a = local_to_epoch(tz, day, hhmm, offset)
        breaks.append((a, a + minutes * 60))
    return ShiftWindow(day, shift.code, index, start, end, tuple(sorted(breaks)))


def shifts_for(plant: PlantConfig, day: date) -> list[ShiftWindow]:
    """The shifts whose production date is `day` (the night shift belongs to the day it began)."""
    tz = ZoneInfo(plant.timezone)
    return [_shift_window(tz, day, i, s) for i, s in enumerate(plant.shifts)]


def day_bounds(plant: PlantConfig, day: date) -> tuple[int, int]:
    """[start, end) of a production date in epoch seconds (23, 24 or 25 hours long)."""
    shifts = shifts_for(plant, day)
    return shifts[0].start, shifts[-1].end


def to_utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
