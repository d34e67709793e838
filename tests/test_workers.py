"""Worker processes for the pipeline: results come back, a dead or overrunning worker is
replaced, each job has a time and memory budget, and in-process jobs take turns."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from pebble import ProcessExpired

from bot.errors import TooComplex
from bot.workers import (
    RespawningProcessPool,
    WorkerBudget,
    make_executor,
    one_at_a_time,
    run_in_worker,
)


def test_zero_workers_means_threads_in_process() -> None:
    """KEYPOINTS_WORKERS=0 gives no executor: the pipeline runs in a thread instead."""
    assert make_executor(0) is None


def test_a_crashed_worker_is_replaced_on_the_next_job() -> None:
    """A worker that dies fails its own job only; the next job gets a fresh worker."""
    pool = RespawningProcessPool(1)
    try:
        assert pool.submit(pow, 2, 10).result(timeout=300) == 1024
        with pytest.raises(ProcessExpired):
            pool.submit(os._exit, 1).result(timeout=300)
        assert pool.submit(pow, 3, 3).result(timeout=300) == 27
    finally:
        pool.shutdown(cancel_futures=True)


async def test_a_job_over_its_time_is_stopped_while_other_jobs_are_answered() -> None:
    """An overrunning job gets TooComplex; the other worker answers meanwhile, then a
    replacement worker takes new jobs."""
    # The budget only has to outlast a quick job's round trip on a loaded machine.
    pool = RespawningProcessPool(2, WorkerBudget(seconds=8.0))
    try:
        await asyncio.gather(*(run_in_worker(pool, pow, 2, 2) for _ in range(4)))  # both up
        stuck = asyncio.ensure_future(run_in_worker(pool, time.sleep, 60))
        await asyncio.sleep(0.2)
        assert await run_in_worker(pool, pow, 2, 5) == 32  # the other worker is free ...
        assert not stuck.done()  # ... it did not wait for the stuck one to be stopped
        with pytest.raises(TooComplex, match="too large or complex"):
            await asyncio.wait_for(stuck, 300)
        assert await asyncio.wait_for(run_in_worker(pool, pow, 3, 2), 300) == 9
    finally:
        pool.shutdown(cancel_futures=True)


async def test_a_job_over_its_memory_gets_too_complex_and_the_worker_lives_on() -> None:
    """Allocating past the worker's address-space cap fails the job, not the host."""
    pool = RespawningProcessPool(1)
    try:
        with pytest.raises(TooComplex):
            await run_in_worker(pool, bytearray, 1 << 30)
        assert await run_in_worker(pool, pow, 2, 3) == 8
    finally:
        pool.shutdown(cancel_futures=True)


async def test_in_process_jobs_take_turns() -> None:
    """Without workers, no two pipeline jobs run on threads at the same time."""
    running, most = 0, 0
    guard = threading.Lock()

    def job() -> None:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with guard:
            running -= 1

    await asyncio.gather(*(run_in_worker(None, job) for _ in range(8)))
    assert most == 1
    assert one_at_a_time(pow, 2, 4) == 16


async def test_summarize_url_runs_the_pipeline_in_a_worker_process() -> None:
    """With an executor, extraction runs in the worker; timings still reach our metrics."""
    from fakes.article_site import PARAGRAPHS, article_page
    from fakes.feed_server import FeedServer

    from bot.fetch import Fetcher, FetchSettings
    from bot.observability.metrics import STAGE_SECONDS
    from bot.pipeline import summarize_url

    def extract_count() -> float:
        return STAGE_SECONDS.labels("extract")._sum.get()  # type: ignore[attr-defined,no-any-return]

    pool = RespawningProcessPool(1, WorkerBudget(seconds=60))  # the path, not the budget
    before = extract_count()
    try:
        async with FeedServer() as site, Fetcher(FetchSettings(allow_hosts=("127.0.0.1",))) as f:
            site.routes["/articles/a"] = article_page("Rail plan approved").encode()
            summary = await summarize_url(site.url("/articles/a"), f, executor=pool)
    finally:
        pool.shutdown(cancel_futures=True)
    assert summary.article.title == "Rail plan approved"
    assert summary.bullets and all(any(b in p for p in PARAGRAPHS) for b in summary.bullets)
    assert summary.article.canonical_url == site.url("/articles/a")
    assert extract_count() > before
