"""``keypoints batch``: JSONL in, JSONL out, one line per input line, in input order.

Each input line is ``{"id", "html", "url"?}``, ``{"id", "text"}`` or ``{"id", "url"}``. Each output
line is ``{"id", "title", "text", "bullets", "error"}``; ``error`` is null or a short reason. A bad
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
from typing import TYPE_CHECKING, Any, TextIO

from bot.errors import InputError, KeypointsError
from bot.models import Summary
from bot.pipeline import summarize_html, summarize_text, summarize_url

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


def result_record(job_id: Any, summary: Summary | None, error: str | None) -> Record:
    """The output object for one line."""
    if summary is None:
        return {"id": job_id, "title": None, "text": None, "bullets": [], "error": error}
    return {
        "id": job_id,
        "title": summary.article.title,
        "text": summary.article.text,
        "bullets": list(summary.bullets),
        "error": None,
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
    ) -> None:
        self._bullets = bullets
        self._method = method
        self._fetcher_factory = fetcher_factory
        self._fetcher: Fetcher | None = None
        self._window = window

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
        return errors

    async def _run_line(self, line: str, lineno: int) -> Record:
        job_id: Any = None
        try:
            job = decode_line(line, lineno)
            job_id = job.get("id")
            validate_job(job, lineno)
            summary = await self._summarise(job)
        except KeypointsError as exc:
            return result_record(job_id, None, exc.message)
        except Exception:  # one bad page must never abort the batch
            log.exception("batch line %d failed", lineno)
            return result_record(job_id, None, "internal error while summarising this line")
        return result_record(job_id, summary, None)

    def _summarise(self, job: Record) -> Awaitable[Summary]:
        bullets, method = self._bullets, self._method
        url = job.get("url") if isinstance(job.get("url"), str) else None
        if isinstance(job.get("html"), str):
            return asyncio.to_thread(
                summarize_html, job["html"], url, bullets=bullets, method=method
            )
        if isinstance(job.get("text"), str):
            return asyncio.to_thread(summarize_text, job["text"], bullets=bullets, method=method)
        assert url is not None  # validate_job guarantees one of the three keys
        if self._fetcher is None:
            self._fetcher = self._fetcher_factory()
        return summarize_url(url, self._fetcher, bullets=bullets, method=method)


def _write(record: Record, out: TextIO) -> int:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return int(record["error"] is not None)
