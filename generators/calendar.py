"""Shift calendar: plant-local shifts and breaks turned into UTC instants (epoch seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from plants.model import PlantConfig, Shift


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


def _shift_window(tz: ZoneInfo, day: date, index: int, shift: Shift, day_start: str) -> ShiftWindow:
    """One shift of production date `day`. A shift whose clock time is before the day start
    (e.g. 00:00 with day start 06:00) starts on the next calendar day; a break whose clock time
    is before the shift start is on the calendar day after the shift's own start day. ("HH:MM"
    texts, zero-padded by plants/check.py, compare as times.)"""
    start_day = day + timedelta(days=1) if shift.start < day_start else day
    h, m = (int(x) for x in shift.start.split(":"))
    start_local = datetime.combine(start_day, time(h, m))
    start = local_to_epoch(tz, start_day, shift.start)
    end_local = start_local + timedelta(minutes=shift.minutes)
    end = local_to_epoch(tz, end_local.date(), f"{end_local:%H:%M}")
    breaks = []
    for hhmm, minutes in shift.breaks:
        offset = 1 if hhmm < shift.start else 0  # a break before the start is after midnight
        a = local_to_epoch(tz, start_day, hhmm, offset)
        breaks.append((a, a + minutes * 60))
    return ShiftWindow(day, shift.code, index, start, end, tuple(sorted(breaks)))


def shifts_for(plant: PlantConfig, day: date) -> list[ShiftWindow]:
    """The scheduled shifts whose production date is `day` (the night shift belongs to the day
    it began, a shift starting after midnight to the day before); none on a holiday or a weekday
    the shift model leaves off."""
    tz = ZoneInfo(plant.timezone)
    index = {s.code: i for i, s in enumerate(plant.shifts)}
    return [
        _shift_window(tz, day, index[s.code], s, plant.day_start)
        for s in plant.scheduled_shifts(day)
    ]


def day_bounds(plant: PlantConfig, day: date) -> tuple[int, int]:
    """[start, end) of a production date in epoch seconds (23, 24 or 25 hours long): from the
    plant's day start to the next day's."""
    tz = ZoneInfo(plant.timezone)
    return local_to_epoch(tz, day, plant.day_start), local_to_epoch(tz, day, plant.day_start, 1)


def to_utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
