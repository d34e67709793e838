"""Digest schedules: DST gaps and folds, weekdays, catch-up window (pure, fake clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.schedule import (
    Schedule,
    ScheduleError,
    due_run,
    next_run,
    parse_time,
    parse_weekday,
    run_instant,
)

TWO_HOURS = timedelta(hours=2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        # Berlin springs forward 02:00 → 03:00 on 29 March 2026 (at 01:00 UTC).
        ("Europe/Berlin", date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),
        # New York springs forward 02:00 → 03:00 on 8 March 2026 (at 07:00 UTC).
        ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 7, 0)),
    ],
)
def test_nonexistent_time_runs_when_clocks_jump(tz: str, day: date, expected: datetime) -> None:
    """02:30 on a spring-forward day runs at the first valid instant after it (the jump)."""
    schedule = Schedule(time(2, 30), tz, "daily")
    assert run_instant(schedule, day) == expected
    assert expected.astimezone(ZoneInfo(tz)).strftime("%H:%M") == "03:00"


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected"),
    [
        # Berlin falls back 03:00 → 02:00 on 25 October 2026: 02:30 happens twice.
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        # New York falls back 02:00 → 01:00 on 1 November 2026: 01:30 happens twice.
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    ],
)
def test_ambiguous_time_runs_at_first_occurrence(
    tz: str, day: date, at: time, expected: datetime
) -> None:
    """A local time that happens twice on fall-back day maps to its first occurrence."""
    assert run_instant(Schedule(at, tz, "daily"), day) == expected


@pytest.mark.parametrize(
    ("tz", "start"),
    [
        ("Europe/Berlin", utc(2026, 3, 27)),
        ("Europe/Berlin", utc(2026, 10, 23)),
        ("America/New_York", utc(2026, 3, 6)),
        ("America/New_York", utc(2026, 10, 30)),
    ],
)
@pytest.mark.parametrize("at", [time(1, 30), time(2, 30), time(8, 30)])
def test_ticking_every_minute_across_dst_gives_one_run_per_day(
    tz: str, start: datetime, at: time
) -> None:
    """A scheduler ticking each minute through a DST change finds each day due exactly once."""
    schedule = Schedule(at, tz, "daily")
    claimed: dict[date, datetime] = {}
    now = start
    while now < start + timedelta(days=4):
        due = due_run(schedule, now, TWO_HOURS)
        if due and due.local_date not in claimed:  # the store's claim: once per local date
            claimed[due.local_date] = now
        now += timedelta(minutes=1)
    days = sorted(claimed)
    assert days == [days[0] + timedelta(days=i) for i in range(len(days))]  # none skipped
    assert len(days) >= 3
    for day, first_seen in claimed.items():
        # on time (or at the start, for a run caught up from before the clock started)
        assert first_seen == max(start, run_instant(schedule, day))


def test_weekdays_schedule_skips_weekend() -> None:
    """A weekdays schedule has no run on Saturday: Friday's run is followed by Monday's."""
    schedule = Schedule(time(8, 30), "Europe/Berlin", "weekdays")
    friday = run_instant(schedule, date(2026, 11, 27))
    following = next_run(schedule, friday)
    assert following.local_date == date(2026, 11, 30)
    assert due_run(schedule, utc(2026, 11, 28, 7, 45), TWO_HOURS) is None


def test_missed_run_inside_window_is_still_due() -> None:
    """After downtime, a run missed by less than the catch-up window is still posted."""
    schedule = Schedule(time(8, 30), "Europe/Berlin", "daily")  # 07:30 UTC in November
    due = due_run(schedule, utc(2026, 11, 30, 9, 15), TWO_HOURS)
    assert due is not None and due.local_date == date(2026, 11, 30)
    assert due.at == utc(2026, 11, 30, 7, 30)


def test_missed_run_outside_window_is_skipped() -> None:
    """A run missed by more than the catch-up window is skipped, not posted late."""
    schedule = Schedule(time(8, 30), "Europe/Berlin", "daily")
    assert due_run(schedule, utc(2026, 11, 30, 9, 31), TWO_HOURS) is None
    assert due_run(schedule, utc(2026, 11, 30, 7, 29), TWO_HOURS) is None  # not yet


def test_catch_up_across_midnight_uses_the_runs_own_local_date() -> None:
    """A 23:30 run caught up after local midnight keeps yesterday's date (its identity)."""
    schedule = Schedule(time(23, 30), "America/New_York", "daily")
    due = due_run(schedule, utc(2026, 12, 1, 5, 10), TWO_HOURS)  # 00:10 local, next day
    assert due is not None and due.local_date == date(2026, 11, 30)


def test_bad_inputs_raise_schedule_error() -> None:
    """Unknown zones and malformed times are reported, not crashed on."""
    with pytest.raises(ScheduleError):
        Schedule(time(8), "Mars/Olympus_Mons")
    with pytest.raises(ScheduleError):
        parse_time("25:00")
    assert parse_time("8") == time(8, 0)


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
)
def test_run_instant_is_the_wall_time_or_the_first_valid_one_after(
    tz: str, day: date, minutes: int
) -> None:
    """The run's local wall time is the scheduled one, or the first that exists after it."""
    at = time(minutes // 60, minutes % 60)
    instant = run_instant(Schedule(at, tz, "daily"), day)
    wall = datetime.combine(day, at)
    local = instant.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    assert local >= wall
    if local != wall:  # only inside a gap: one second earlier is before the wall time
        before = (instant - timedelta(seconds=1)).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        assert before < wall


def test_weekly_schedule_runs_on_its_day_only() -> None:
    """A weekly Friday schedule: one run a week, on Friday, and due only then."""
    schedule = Schedule(time(8, 30), "Europe/Berlin", "weekly", weekday=4)
    assert schedule.describe() == "08:30 Europe/Berlin every Friday"
    first = next_run(schedule, utc(2026, 11, 30, 7, 0))  # a Monday
    assert first.local_date == date(2026, 12, 4) and first.at == utc(2026, 12, 4, 7, 30)
    assert next_run(schedule, first.at).local_date == date(2026, 12, 11)
    assert due_run(schedule, utc(2026, 12, 3, 7, 45), TWO_HOURS) is None  # Thursday
    assert due_run(schedule, utc(2026, 12, 4, 7, 45), TWO_HOURS) is not None


def test_schedule_days_code_round_trips() -> None:
    """The store's one-column form keeps the weekly day; unknown codes read as weekdays."""
    for schedule in (
        Schedule(time(9), "UTC", "weekly", weekday=6),
        Schedule(time(9), "UTC", "daily"),
        Schedule(time(9), "UTC"),
    ):
        assert len(schedule.days_code) <= 16  # the column's width
        assert Schedule.from_code(time(9), "UTC", schedule.days_code) == schedule
    assert Schedule.from_code(time(9), "UTC", "weekly-xyz").days == "weekdays"
    assert parse_weekday("Fri") == parse_weekday("friday") == 4
    assert parse_weekday("fr") is None and parse_weekday("utc") is None
    with pytest.raises(ScheduleError):
        Schedule(time(9), "UTC", "weekly", weekday=7)
