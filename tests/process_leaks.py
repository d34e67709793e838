"""pytest plugin: no test may leave a process running after the suite.

At the end of the session, every descendant of the pytest process still running after a short
grace period is listed, killed, and fails the run (exit status 1), so a test or fixture that
forgets to stop a worker pool or a `keypoints serve` cannot go unnoticed.

Two details make the check see everything:

- pytest becomes a child subreaper (Linux), so a process orphaned by a child that died (the
  worker pool of a SIGKILLed `keypoints serve`) is re-parented to pytest instead of init.
- multiprocessing's resource tracker, started by the first worker pool, normally lives until
  pytest exits. Its pipe is closed first, as interpreter exit would close it; it then leaves on
  its own, unless a leaked worker still holds the pipe, and then it is reported with the worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import time
from multiprocessing import resource_tracker
from typing import Any

import psutil
import pytest

GRACE_SECONDS = 5.0  # pools shut down with wait=False finish within a second or two
_PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--process-leak-grace",
        type=float,
        default=GRACE_SECONDS,
        metavar="SECONDS",
        help="how long child processes may take to exit after the last test (default: 5)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Adopt orphaned descendants (Linux only; elsewhere only live subtrees are seen)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run, after killing them, if child processes outlived the tests."""
    _close_resource_tracker()
    leaked = lingering_children(session.config.getoption("process_leak_grace"))
    if not leaked:
        return
    lines = [describe(proc) for proc in leaked]
    for proc in leaked:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(leaked, timeout=5)
    header = f"{len(leaked)} child process(es) outlived the tests; killed them"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", header, red=True, bold=True)
        for line in lines:
            reporter.write_line(line, red=True)
    else:
        print(header, *lines, sep="\n", file=sys.stderr)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def lingering_children(grace: float) -> list[psutil.Process]:
    """Descendants still running once ``grace`` seconds have passed (zombies are reaped)."""
    me = psutil.Process()
    deadline = time.monotonic() + grace
    while True:
        alive = [proc for proc in me.children(recursive=True) if _running(proc)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def describe(proc: psutil.Process) -> str:
    """``pid 123 (parent 45): python -m bot serve``."""
    try:
        command = " ".join(proc.cmdline()) or proc.name()
        return f"pid {proc.pid} (parent {proc.ppid()}): {command[:300]}"
    except psutil.Error:
        return f"pid {proc.pid}: (exited while being listed)"


def _running(proc: psutil.Process) -> bool:
    try:
        if proc.status() != psutil.STATUS_ZOMBIE:
            return True
    except psutil.NoSuchProcess:
        return False
    # An exited child of ours (or an adopted orphan) is reaped; a grandchild's zombie is left
    # to its own, running, parent.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(proc.pid, os.WNOHANG)
    return False


def _close_resource_tracker() -> None:
    """Close our end of the tracker's pipe without waiting: ``ResourceTracker._stop`` would
    block forever if a leaked worker still holds the other end (and then we want to see it)."""
    tracker: Any = resource_tracker._resource_tracker
    fd = getattr(tracker, "_fd", None)
    if fd is None:
        return
    os.close(fd)
    tracker._fd = None
    tracker._pid = None
