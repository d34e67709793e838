"""Worker processes for the CPU-bound part of the pipeline (extract → summarise).

Parsing a large page holds the GIL inside lxml for tens of milliseconds at a time; in a thread
that stalls the event loop that must acknowledge Slack within 3 s (we aim for 50 ms). In a
separate process it cannot. Workers are started with ``spawn`` (forking a process that runs an
event loop and threads is unsafe), lazily on the first job, and a pool broken by a crashed
worker is replaced on the next job instead of failing every later one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def default_workers() -> int:
    """One core stays with the event loop; the rest extract and summarise."""
    return max(1, (os.cpu_count() or 1) - 1)


class RespawningProcessPool(Executor):
    """A ``ProcessPoolExecutor`` that replaces itself once a worker has died."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            try:
                return self._pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                log.warning("a pipeline worker died; starting a new pool")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def make_executor(workers: int) -> Executor | None:
    """Worker processes, or ``None`` (threads in this process) for ``workers == 0``."""
    return RespawningProcessPool(workers) if workers > 0 else None


def _load_pipeline() -> None:
    import bot.pipeline  # noqa: F401  (the import is the work: trafilatura, lxml, sumy, numpy)


async def warm_up(executor: Executor | None) -> None:
    """Start the workers and load the pipeline in them now, so the first link after start-up
    does not wait a second for imports (and start-up, not an ack, pays for it)."""
    if executor is not None:
        await asyncio.get_running_loop().run_in_executor(executor, _load_pipeline)
