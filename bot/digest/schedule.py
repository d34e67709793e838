"""When a channel's digest is due (pure, DST-safe).

A schedule is a local wall-clock time in an IANA zone on some weekdays. Each local date has at
most one run instant:

* a nonexistent local time (spring-forward gap) runs at the first valid instant after it, i.e.
  the moment the clocks jump;
* an ambiguous local time (autumn fold) runs at its first occurrence only.

The run's identity is ``(channel, local date)``, so the store's claim makes it happen once even
if two ticks or two replicas find it due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Days = Literal["weekdays", "daily"]


class ScheduleError(ValueError):
    """A schedule that cannot be understood (bad time or unknown timezone)."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """A daily local time in a named timezone, on weekdays only or every day."""

    at: time
    tz: str
    days: Days = "weekdays"

    def __post_init__(self) -> None:
        zone(self.tz)  # fail early on an unknown timezone

    def runs_on(self, local_date: date) -> bool:
        """Whether this schedule has a run on ``local_date``."""
        return self.days == "daily" or local_date.weekday() < 5

    def describe(self) -> str:
        """Human wording, e.g. ``08:30 Europe/Berlin on weekdays``."""
        when = "on weekdays" if self.days == "weekdays" else "every day"
        return f"{self.at:%H:%M} {self.tz} {when}"


@dataclass(frozen=True, slots=True)
class DueRun:
    """One occurrence of a schedule: its local date (the run's identity) and its UTC instant."""

    local_date: date
    at: datetime


def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for ``name``; ``ScheduleError`` if the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"Unknown timezone {name!r}.") from exc


def run_instant(schedule: Schedule, local_date: date) -> datetime:
    """The aware UTC instant of the run on ``local_date`` (whether or not it runs that day)."""
    tz = zone(schedule.tz)
    wall = datetime.combine(local_date, schedule.at)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(first, tz) == wall:
        return first  # exists; fold=0 is the first occurrence when the time is ambiguous
    # In a gap fold=0 and fold=1 map to instants on either side of the transition; the first
    # instant whose wall time is at or past the requested one is the transition itself.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = first
    low, high = min(low, high), max(low, high)
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if _wall(mid, tz) >= wall:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0)


def due_run(schedule: Schedule, now: datetime, catch_up: timedelta) -> DueRun | None:
    """The latest run at or before ``now`` that is less than ``catch_up`` old, if any."""
    now = now.astimezone(UTC)
    today = now.astimezone(zone(schedule.tz)).date()
    for local_date in (today, today - timedelta(days=1)):
        if not schedule.runs_on(local_date):
            continue
        at = run_instant(schedule, local_date)
        if at <= now:
            return DueRun(local_date, at) if now - at < catch_up else None
    return None


def next_run(schedule: Schedule, after: datetime) -> DueRun:
    """The first run strictly after ``after``."""
    after = after.astimezone(UTC)
    local_date = after.astimezone(zone(schedule.tz)).date() - timedelta(days=1)
    while True:
        if schedule.runs_on(local_date):
            at = run_instant(schedule, local_date)
            if at > after:
                return DueRun(local_date, at)
        local_date += timedelta(days=1)


def parse_time(text: str) -> time:
    """``08:30`` / ``8:30`` / ``8`` → ``time``; ``ScheduleError`` otherwise."""
    hours, _, minutes = text.strip().partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError as exc:
        raise ScheduleError(f"{text!r} is not a time like 08:30.") from exc


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)
