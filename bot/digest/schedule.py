"""When a channel's digest is due (pure, DST-safe).

A schedule is a local wall-clock time in an IANA zone on weekdays, every day, or one day a week
(a weekly roll-up, which looks back to the previous digest like any other). Each local date has at
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

Days = Literal["weekdays", "daily", "weekly"]
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = ``date.weekday()``
_DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ScheduleError(ValueError):
    """A schedule that cannot be understood (bad time or unknown timezone)."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """A local time in a named timezone, on weekdays only, every day, or weekly on one day."""

    at: time
    tz: str
    days: Days = "weekdays"
    weekday: int = 0  # the day of a weekly schedule (``date.weekday()``: 0 is Monday)

    def __post_init__(self) -> None:
        zone(self.tz)  # fail early on an unknown timezone
        if not 0 <= self.weekday <= 6:
            raise ScheduleError(f"{self.weekday} is not a weekday number (0-6).")

    def runs_on(self, local_date: date) -> bool:
        """Whether this schedule has a run on ``local_date``."""
        if self.days == "weekly":
            return local_date.weekday() == self.weekday
        return self.days == "daily" or local_date.weekday() < 5

    def describe(self) -> str:
        """Human wording, e.g. ``08:30 Europe/Berlin on weekdays``."""
        when = {"weekdays": "on weekdays", "daily": "every day"}.get(self.days)
        return f"{self.at:%H:%M} {self.tz} {when or 'every ' + _DAY_WORDS[self.weekday]}"

    @property
    def days_code(self) -> str:
        """How the store keeps ``days`` (one short column): ``weekly-mon`` for weekly ones."""
        return f"weekly-{DAY_NAMES[self.weekday]}" if self.days == "weekly" else self.days

    @classmethod
    def from_code(cls, at: time, tz: str, code: str) -> Schedule:
        """The inverse of ``days_code``; anything unknown reads as weekdays (the default)."""
        if code.startswith("weekly-") and code[7:] in DAY_NAMES:
            return cls(at, tz, "weekly", DAY_NAMES.index(code[7:]))
        return cls(at, tz, "daily" if code == "daily" else "weekdays")


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


def parse_weekday(word: str) -> int | None:
    """``mon``/``Monday``/``tues`` → 0/0/1 (``date.weekday()``); None if not a day's name."""
    word = word.lower()
    if len(word) < 3:
        return None
    return next((i for i, day in enumerate(_DAY_WORDS) if day.lower().startswith(word)), None)


def parse_time(text: str) -> time:
    """``08:30`` / ``8:30`` / ``8`` → ``time``; ``ScheduleError`` otherwise."""
    hours, _, minutes = text.strip().partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError as exc:
        raise ScheduleError(f"{text!r} is not a time like 08:30.") from exc


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)
