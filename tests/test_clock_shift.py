"""The suite passes on any date: the time-sensitive modules, run with the wall clock a year ahead
and a year back (``KEYPOINTS_TEST_CLOCK_SHIFT_DAYS``, see conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CLOCK_SHIFT_ENV

ROOT = Path(__file__).resolve().parent.parent

# Every module whose code under test reads or stores a time: leases, claims, caches, digest
# windows, schedules, OAuth states, stats windows. Tests whose bot or CLI runs in a child
# process are left out: the shift applies to this process only.
TIME_SENSITIVE = (
    "tests/test_clock_shift.py::test_wall_clock_follows_the_requested_shift",
    "tests/test_digest_scheduler.py",
    "tests/test_digest_schedule.py",
    "tests/test_digest_runner.py",
    "tests/test_digest_commands.py",
    "tests/test_digest_service.py",
    "tests/test_digest_stories.py",
    "tests/test_digest_fairness.py",
    "tests/test_digest_feeds.py",
    "tests/test_ops_jobs.py",
    "tests/test_store_slack.py",
    "tests/test_oauth_install.py",
    "tests/test_slack_service.py",
    "tests/test_slack_outage.py",
    "tests/test_slack_commands.py",
    "tests/test_stats.py",
    # ... but not its CLI test: the CLI runs in a child process, on the real clock.
    "--deselect",
    "tests/test_stats.py::test_stats_command_prints_json_and_text_from_database_url",
)


def test_wall_clock_follows_the_requested_shift(tmp_path: Path) -> None:
    """time.time() is the kernel's wall clock moved by the requested shift (none by default)."""
    marker = tmp_path / "now"
    marker.touch()  # the file system stamps it with the real, unshifted time
    shift = float(os.environ.get(CLOCK_SHIFT_ENV) or 0) * 86400
    assert abs(time.time() - (marker.stat().st_mtime + shift)) < 60


@pytest.mark.slow
def test_time_sensitive_tests_pass_a_year_ahead_and_a_year_back() -> None:
    """Every time-sensitive test passes with the wall clock a year ahead and a year back."""
    # The two runs wait mostly on databases and sockets, so they run side by side.
    runs = {
        days: subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TIME_SENSITIVE],
            cwd=ROOT,
            env={**os.environ, CLOCK_SHIFT_ENV: str(days)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for days in (365, -365)
    }
    failed = {}
    for days, run in runs.items():
        try:
            output, _ = run.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            run.kill()
            output, _ = run.communicate()
        if run.returncode != 0:
            failed[days] = output[-4000:]
    assert not failed, failed
