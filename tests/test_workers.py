"""Worker processes for the pipeline: results come back, and a dead worker is replaced."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.workers import RespawningProcessPool, make_executor


def test_zero_workers_means_threads_in_process() -> None:
    """KEYPOINTS_WORKERS=0 gives no executor: the pipeline runs in a thread instead."""
    assert make_executor(0) is None


def test_a_crashed_worker_is_replaced_on_the_next_job() -> None:
    """A worker that dies fails its own job only; the next job gets a fresh pool."""
    pool = RespawningProcessPool(1)
    try:
        assert pool.submit(pow, 2, 10).result(timeout=60) == 1024
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 1).result(timeout=60)
        assert pool.submit(pow, 3, 3).result(timeout=60) == 27
    finally:
        pool.shutdown(cancel_futures=True)


async def test_summarize_url_runs_the_pipeline_in_a_worker_process() -> None:
    """With an executor, extraction runs in the worker; timings still reach our metrics."""
    from fakes.article_site import PARAGRAPHS, article_page
    from fakes.feed_server import FeedServer

    from bot.fetch import Fetcher, FetchSettings
    from bot.observability.metrics import STAGE_SECONDS
    from bot.pipeline import summarize_url

    def extract_count() -> float:
        return STAGE_SECONDS.labels("extract")._sum.get()  # type: ignore[attr-defined,no-any-return]

    pool = RespawningProcessPool(1)
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
