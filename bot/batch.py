"""``keypoints batch``: JSONL in, JSONL out, one line per input line, in input order.

Each input line is ``{"id", "html", "url"?}``, ``{"id", "text"}`` or ``{"id", "url"}``. Each output
line is ``{"id", "title", "text", "bullets", "error", "bullets_requested", "bullets_note"}``;
``error`` is null or a short reason, ``bullets_note`` null or why there are fewer bullets than
requested. ``text`` is the extracted body whenever extraction found one, also when no bullet
could be chosen or the page is a paywall teaser (``error`` says why). A bad
line yields an error record and never aborts the batch. URL lines are fetched concurrently (the
fetcher enforces the global and per-host limits) while output stays in input order, with at most
``window`` lines in flight so memory stays bounded on any input size.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, TextIO

from bot.errors import InputError, KeypointsError
from bot.models import Article, Summary
from bot.pipeline import summarize_html, summarize_text, summarize_url
from bot.workers import WorkerBudget, default_workers, make_executor, run_in_worker

if TYPE_CHECKING:
    from bot.fetch import Fetcher

log = logging.getLogger(__name__)
Record = dict[str, Any]


def decode_line(line: str, lineno: int) -> Record:
    """One JSONL line → a JSON object; anything else raises ``InputError``."""
    try:
        job = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(f"line {lineno}: not valid JSON") from None
    if not isinstance(job, dict):
        raise InputError(f"line {lineno}: expected a JSON object")
    return job


def validate_job(job: Record, lineno: int) -> None:
    """A job needs one of the ``html``, ``text`` or ``url`` strings."""
    if not any(isinstance(job.get(key), str) for key in ("html", "text", "url")):
        raise InputError(f'line {lineno}: needs an "html", "text" or "url" string')


def result_record(
    job_id: Any,
    summary: Summary | None,
    error: str | None,
    *,
    requested: int,
    article: Article | None = None,
) -> Record:
    """The output object for one line; on an error, ``article`` is what extraction found."""
    if summary is None:
        return {
            "id": job_id,
            "title": article.title if article else None,
            "text": article.text if article else None,
            "bullets": [],
            "error": error,
            "bullets_requested": requested,
            "bullets_note": None,
        }
    return {
        "id": job_id,
        "title": summary.article.title,
        "text": summary.article.text,
        "bullets": list(summary.bullets),
        "error": None,
        "bullets_requested": summary.bullets_requested,
        "bullets_note": summary.bullets_note,
    }


class BatchRunner:
    """Runs jobs with a bounded window; creates the fetcher only if a line needs one."""

    def __init__(
        self,
        *,
        bullets: int,
        method: str,
        fetcher_factory: Callable[[], Fetcher],
        window: int = 16,
        workers: int | None = None,
        budget: WorkerBudget | None = None,
    ) -> None:
        """``workers``: processes that extract and summarise, each job on a time and memory
        ``budget`` (default: one per core but one, ``WorkerBudget()``); 0 runs them in this
        process, one at a time (lxml is not safe on several threads at once)."""
        self._budget = budget
        self._bullets = bullets
        self._method = method
        self._fetcher_factory = fetcher_factory
        self._fetcher: Fetcher | None = None
        self._window = window
        self._workers = default_workers() if workers is None else workers
        self._executor: Executor | None = None  # started by the first line that needs it

    async def run(self, lines: Iterable[str], out: TextIO) -> int:
        """Process every line, writing results in order; returns the number of error lines."""
        pending: deque[asyncio.Task[Record]] = deque()
        errors = 0
        try:
            for lineno, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                pending.append(asyncio.create_task(self._run_line(line, lineno)))
                if len(pending) >= self._window:
                    errors += _write(await pending.popleft(), out)
            while pending:
                errors += _write(await pending.popleft(), out)
        finally:
            for task in pending:
                task.cancel()
            if self._fetcher is not None:
                await self._fetcher.close()
            if self._executor is not None:
                self._executor.shutdown(cancel_futures=True)
        return errors

    async def _run_line(self, line: str, lineno: int) -> Record:
        job_id: Any = None
        try:
            job = decode_line(line, lineno)
            job_id = job.get("id")
            validate_job(job, lineno)
            summary = await self._summarise(job)
        except KeypointsError as exc:
            return result_record(
                job_id, None, exc.message, requested=self._bullets, article=exc.article
            )
        except Exception:  # one bad page must never abort the batch
            log.exception("batch line %d failed", lineno)
            error = "internal error while summarising this line"
            return result_record(job_id, None, error, requested=self._bullets)
        return result_record(job_id, summary, None, requested=self._bullets)

    def _summarise(self, job: Record) -> Awaitable[Summary]:
        bullets, method = self._bullets, self._method
        url = job.get("url") if isinstance(job.get("url"), str) else None
        executor = self._pool()
        if isinstance(job.get("html"), str):
            return run_in_worker(
                executor, summarize_html, job["html"], url, bullets=bullets, method=method
            )
        if isinstance(job.get("text"), str):
            return run_in_worker(
                executor, summarize_text, job["text"], bullets=bullets, method=method
            )
        assert url is not None  # validate_job guarantees one of the three keys
        if self._fetcher is None:
            self._fetcher = self._fetcher_factory()
        return summarize_url(url, self._fetcher, bullets=bullets, method=method, executor=executor)

    def _pool(self) -> Executor | None:
        """The worker processes, started on first use (``None``: this process)."""
        if self._executor is None and self._workers > 0:
            self._executor = make_executor(self._workers, self._budget)
        return self._executor


def _write(record: Record, out: TextIO) -> int:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return int(record["error"] is not None)
