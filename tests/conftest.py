"""Suite-wide fixtures and hooks.

``KEYPOINTS_TEST_CLOCK_SHIFT_DAYS=N`` moves the wall clock (``time.time``, ``datetime.now``)
N days ahead (or back, if negative) for the whole run, with time still ticking; monotonic
clocks are left alone, so timeouts and asyncio behave as usual. ``test_clock_shift.py`` runs
the time-sensitive modules that way, a year ahead and a year back: the suite must pass on any
date, which it can only if no code path mixes an injected clock with the real one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis times each example (200 ms by default) and its data generation: speed targets,
# which a loaded machine can miss. Off for the whole suite; speed is measured in bench/.
settings.register_profile("keypoints", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("keypoints")

# process_leaks fails the run when a child process outlives the tests (see its docstring);
# pytester runs a small suite in a subprocess to prove that check can fail.
pytest_plugins = ("pytester", "process_leaks")

CLOCK_SHIFT_ENV = "KEYPOINTS_TEST_CLOCK_SHIFT_DAYS"


@pytest.fixture(autouse=True, scope="session")
def _shifted_wall_clock() -> Iterator[None]:
    """Travel in time for the whole session when CLOCK_SHIFT_ENV asks for it."""
    days = os.environ.get(CLOCK_SHIFT_ENV)
    if not days:
        yield
        return
    import time_machine

    destination = datetime.now(UTC) + timedelta(days=float(days))
    with time_machine.travel(destination, tick=True):
        yield
