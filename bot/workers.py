"""Worker processes for the CPU-bound part of the pipeline (extract → summarise), on a budget.

Parsing a large page holds the GIL inside lxml for tens of milliseconds at a time; in a thread
that stalls the event loop that must acknowledge Slack within 3 s (we aim for 50 ms). In a
separate process it cannot. lxml and trafilatura are also not safe on several threads at once
(issue 16: SIGBUS and double frees), so work that stays in this process (``KEYPOINTS_WORKERS=0``)
runs one job at a time (``one_at_a_time``).

Every job gets a hard budget enforced from outside the work (issue 16): pebble stops a worker
that runs past ``WorkerBudget.seconds`` and starts a fresh one, and each worker's address space
is capped (``RLIMIT_AS``) so a runaway allocation fails with ``MemoryError`` in that worker
instead of swapping the host. Either way the user is told ``TooComplex``; other jobs run on in
the other workers. Workers are started with ``spawn`` (forking a process that runs an event
loop and threads is unsafe), lazily on the first job, and a crashed worker is replaced.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from pebble import ProcessExpired, ProcessPool

from bot.errors import TooComplex

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def default_workers() -> int:
    """One core stays with the event loop; the rest extract and summarise."""
    return max(1, (os.cpu_count() or 1) - 1)


@dataclass(frozen=True, slots=True)
class WorkerBudget:
    """What one extract → summarise job may cost. Real pages take 40 ms (p99 150 ms) and
    well under 100 MB, so these only ever stop hostile or runaway pages."""

    seconds: float = 5.0  # wall clock from the job's start in a worker
    # address space of a worker: ~155 MB once the pipeline is imported, ~80 MB for the language
    # detector's model (bot.text.detect), plus 256 MB for a job
    memory_bytes: int = 496 << 20


class RespawningProcessPool(Executor):
    """Worker processes with a per-job time budget and a memory cap (see the module docs).

    A job over its time is stopped with its worker and fails with ``TimeoutError``; a worker
    that dies (killed, or crashed in C code) fails its job with ``pebble.ProcessExpired``; both
    are replaced by fresh workers. ``run_in_worker`` turns these into ``TooComplex``.
    """

    def __init__(self, workers: int, budget: WorkerBudget | None = None) -> None:
        self.budget = budget or WorkerBudget()
        self._workers = workers
        self._lock = threading.Lock()
        self._closed = False
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            max_workers=self._workers,
            initializer=start_worker,
            initargs=(self.budget.memory_bytes,),
            context=multiprocessing.get_context("spawn"),
        )

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            if not self._closed and not self._pool.active:
                # pebble gives up on a pool whose workers all died at once; start afresh
                log.warning("the pipeline worker pool broke; starting a new one")
                self._pool.join()
                self._pool = self._new_pool()
            return self._pool.schedule(fn, args=args, kwargs=kwargs, timeout=self.budget.seconds)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                self._pool.stop()  # type: ignore[no-untyped-call]  # unannotated in pebble
            else:
                self._pool.close()  # type: ignore[no-untyped-call]
            if wait or cancel_futures:  # stopping is quick: wait, so no worker outlives us
                self._pool.join()


def start_worker(memory_bytes: int) -> None:
    """Worker initializer: the memory cap, one BLAS thread, and Ctrl-C left to the parent."""
    ignore_sigint()
    # numpy is imported later, by the first job; one BLAS thread per worker, not one per core
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    _load_pipeline()  # here, so no job's time budget pays for a fresh worker's imports


# lxml and trafilatura are not thread-safe in practice: in-process jobs take turns.
_IN_PROCESS = threading.Lock()


def one_at_a_time(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Call ``fn`` while no other in-process pipeline job runs (for threads)."""
    with _IN_PROCESS:
        return fn(*args, **kwargs)


async def run_in_worker(
    executor: Executor | None, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T:
    """``fn(*args)`` in ``executor`` (worker processes) or, for ``None``, in a thread that takes
    its turn (``one_at_a_time``). A job over its budget raises ``TooComplex``; cancelling the
    caller stops the job (pebble stops its worker)."""
    if executor is None:
        return await asyncio.to_thread(one_at_a_time, fn, *args, **kwargs)
    future = executor.submit(fn, *args, **kwargs)
    try:
        return await asyncio.wrap_future(future)
    except TimeoutError:
        log.warning("a pipeline job ran over its time budget; its worker was replaced")
        raise TooComplex() from None
    except ProcessExpired as exc:  # out of memory in C code, or a crash
        log.warning("a pipeline worker died (exit code %s); it was replaced", exc.exitcode)
        raise TooComplex() from None
    except MemoryError:
        log.warning("a pipeline job ran out of its memory budget")
        raise TooComplex() from None


def ignore_sigint() -> None:
    """Run first in each worker. Ctrl-C reaches the whole process group; the parent handles
    it and shuts the pool down, so a worker must neither die mid-job nor print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def make_executor(workers: int, budget: WorkerBudget | None = None) -> Executor | None:
    """Worker processes, or ``None`` (threads in this process) for ``workers == 0``."""
    return RespawningProcessPool(workers, budget) if workers > 0 else None


def _load_pipeline() -> None:
    # the imports are the work (trafilatura, lxml, sumy, numpy, pypdf); bot.pipeline leaves
    # pypdf and bot.fetch.urls to the job that needs them, so they are loaded here first
    import bot.fetch.urls
    import bot.pdf
    import bot.pipeline  # noqa: F401
    from bot.text.detect import warm_up

    warm_up()  # the language model (~0.5 s), loaded lazily otherwise


async def warm_up(executor: Executor | None) -> None:
    """Start the workers and load the pipeline in them now, so the first link after start-up
    does not wait a second for imports (and start-up, not an ack, pays for it)."""
    if executor is not None:
        await asyncio.get_running_loop().run_in_executor(executor, _load_pipeline)
