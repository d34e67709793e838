"""A real `keypoints serve` in a subprocess (``python -m bot serve``), for multi-replica tests.

Each process gets its own port, logs (stderr) to a file the test can read, and is stopped with
SIGTERM, or killed with SIGKILL to simulate a crash.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """One replica; ``base`` is its http://127.0.0.1:PORT."""

    def __init__(self, env: Mapping[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        # A roomy job budget unless the test sets one: a loaded machine is not a hostile page.
        defaults = {"KEYPOINTS_JOB_SECONDS": "60"}
        self._env = {
            **defaults,
            **os.environ,
            **env,
            "PORT": str(self.port),
            "PYTHONPATH": str(ROOT),
        }
        self._proc: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    async def start(self) -> BotProcess:
        self._log = self.log_path.open("wb")
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve",
            cwd=ROOT, env=self._env,
            stdout=self._log, stderr=self._log,
        )  # fmt: skip
        return self

    async def wait_healthy(self, session: aiohttp.ClientSession, within: float = 120.0) -> None:
        """Poll /healthz until it answers 200 (or fail with the process's log). Generous: on a
        loaded 2-core machine, imports, migrations and the worker's start take tens of seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.returncode is not None:
                raise AssertionError(f"bot exited early:\n{self.log()}")
            try:
                async with session.get(f"{self.base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"bot not healthy after {within}s:\n{self.log()}")

    @property
    def pid(self) -> int | None:
        """The process id (the digest scheduler's claim owner names it)."""
        return self._proc.pid if self._proc is not None else None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def kill(self) -> None:
        """SIGKILL: no drain, no clean-up — a crashed replica."""
        await self._signal(signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it is still running after 25 s."""
        await self._signal(signal.SIGTERM, grace=25.0)

    async def _signal(self, sig: signal.Signals, grace: float = 5.0) -> None:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            proc.send_signal(sig)
            try:
                await asyncio.wait_for(proc.wait(), grace)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
