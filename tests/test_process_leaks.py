"""The suite's process-leak check (tests/process_leaks.py) can fail: a small suite that leaves a
child process, or orphans a grandchild, fails and names it; one that cleans up passes."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest

TESTS = Path(__file__).resolve().parent

CLEAN = """
import subprocess, sys
from concurrent.futures import ProcessPoolExecutor
import multiprocessing

def test_waits_for_its_child():
    subprocess.run([sys.executable, "-c", "pass"], check=True)

def test_shuts_its_worker_pool_down():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(pow, 2, 5).result(timeout=300) == 32
"""

LEAKY = """
import subprocess, sys
from pathlib import Path

SLEEP = "import time; time.sleep(120)"

def test_leaves_a_child_running():
    child = subprocess.Popen([sys.executable, "-c", SLEEP + " # leaked-child"])
    Path("pids.txt").write_text(f"{child.pid}\\n")

def test_orphans_a_grandchild():
    # The middle process starts a sleeper and exits at once, as a SIGKILLed bot leaves its
    # worker pool behind: the sleeper is nobody's child any more.
    spawn = (
        "import subprocess, sys; "
        f"p = subprocess.Popen([sys.executable, '-c', {SLEEP + ' # orphan'!r}], "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(p.pid)"
    )
    out = subprocess.run([sys.executable, "-c", spawn], capture_output=True, text=True)
    with Path("pids.txt").open("a") as pids:
        pids.write(out.stdout)
"""


@pytest.fixture
def with_leak_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make tests/process_leaks.py importable in pytester's subprocess."""
    path = [str(TESTS), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))


def test_a_leaked_child_and_an_orphaned_grandchild_fail_the_run(
    pytester: pytest.Pytester, with_leak_check: None
) -> None:
    """Tests that pass but leave processes behind fail the run; both are named and killed."""
    pytester.makepyfile(test_leaky=LEAKY)
    # a short grace keeps this test quick; the sleepers would outlast any grace anyway
    result = pytester.runpytest_subprocess("-p", "process_leaks", "--process-leak-grace=0.5")
    pids = [int(line) for line in (pytester.path / "pids.txt").read_text().split()]
    assert len(pids) == 2
    try:
        result.assert_outcomes(passed=2)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.fnmatch_lines(
            ["*2 child process(es) outlived the tests; killed them*", "*leaked-child*"]
        )
        result.stdout.fnmatch_lines(["*# orphan*"])
        assert not any(_running(pid) for pid in pids)
    finally:
        for pid in pids:  # so that a failure here does not also leak into this suite
            if _running(pid):
                psutil.Process(pid).kill()


def test_a_suite_that_stops_its_processes_passes(
    pytester: pytest.Pytester, with_leak_check: None
) -> None:
    """A waited-for child and a shut-down spawn worker pool (and its resource tracker) pass."""
    pytester.makepyfile(test_clean=CLEAN)
    result = pytester.runpytest_subprocess("-p", "process_leaks")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    assert "outlived the tests" not in result.stdout.str()


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
