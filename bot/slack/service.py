"""The work behind every trigger: dedupe → cache → summarise → render → post.

Slack wants an acknowledgement within 3 seconds, so listeners only record the work as durable
jobs (``enqueue``, a few milliseconds) and ``spawn`` the rest. The service keeps a reference to
every task it starts (an un-referenced task can be garbage-collected mid-flight) and ``drain``
waits for them at shutdown. A job whose replica died is finished by another one's ``sweep``.
Every outcome is a reply: a summary, the ``KeypointsError`` message, or a generic line for
unexpected errors.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import KeypointsError
from bot.models import Summary
from bot.observability.metrics import REPLIES_POSTED, SUMMARIES
from bot.slack.pacing import ChannelPacer
from bot.slack.render import (
    GENERIC_FAILURE,
    SlackMessage,
    failure_message,
    summary_message,
)
from bot.slack.replier import Replier
from bot.slack.tenancy import team_scope
from bot.store import events, jobs, teams
from bot.store.cache import CachedFailure, get_cached, put_cached

log = logging.getLogger(__name__)

# Only what the page itself said is remembered (briefly). Policy and network outcomes (blocked
# address, bad URL, DNS failure, timeout, refused connection, redirect loop) are never cached:
# an operator who changes KEYPOINTS_ALLOW_HOSTS and restarts must see the new answer at once,
# and a network hiccup must not stick to a link for ten minutes.
CACHEABLE_FAILURES = frozenset({"paywalled", "not_html", "no_article", "not_found", "too_large"})


class Summariser(Protocol):
    """``bot.pipeline.summarize_url`` with its fetcher bound; tests pass a fake."""

    async def __call__(self, url: str, *, bullets: int, method: str) -> Summary: ...


ShareHook = Callable[[str, str, str, str, Sequence[str]], Awaitable[None]]
"""Called as ``hook(team_id, channel_id, user_id, message_ts, urls)`` for links shared."""

ReplyFinder = Callable[[str, str, str], Awaitable[bool]]
"""``find(channel_id, thread_ts, marker)``: is a reply with this job marker already there?"""

UninstallHook = Callable[[str, set[str]], Awaitable[None]]
"""Called as ``hook(team_id, channel_ids)`` when a workspace uninstalls the app."""


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """Key points asked for (explicitly or by auto mode) for the links of one message."""

    team_id: str
    channel_id: str
    user_id: str
    message_ts: str  # the message holding the request; with the URL, the dedupe key
    thread_ts: str | None  # where visible replies go
    urls: tuple[str, ...]
    bullets: int | None = None  # None: the configured default
    response_url: str | None = None  # slash command / shortcut: failures go here, ephemeral
    public_response: bool = False  # slash command: the summary itself goes via response_url
    dedupe: bool = True  # explicit requests (slash command, shortcut) always get an answer


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    bullets: int = 3
    method: str = "default"
    cache_ttl: float = 86400.0
    failure_cache_ttl: float = 600.0
    job_lease: float = 60.0
    job_max_attempts: int = 3


REPLY_EVENT_TYPE = "keypoints_reply"


def job_marker(spec: jobs.JobSpec) -> str:
    """A short, stable id of a job's reply, carried in the reply's message metadata."""
    key = "\n".join((spec.team_id, spec.channel_id, spec.message_ts, spec.url))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def replica_name() -> str:
    """Identifies this process in job leases: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class KeypointsService:
    """Answers ``LinkRequest``s; owns the background tasks, the pacer and the cache policy."""

    def __init__(
        self,
        engine: AsyncEngine,
        summarise: Summariser,
        replier: Replier,
        *,
        canonicalize: Callable[[str], str],
        pacer: ChannelPacer | None = None,
        options: ServiceOptions | None = None,
        owner: str | None = None,
        find_reply: ReplyFinder | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        # The one wall clock of every stored time (leases, claims, cache expiry); tests inject it.
        self.clock = clock
        self.summarise = summarise
        self.replier = replier
        self.canonicalize = canonicalize
        self.pacer = pacer or ChannelPacer()
        self.options = options or ServiceOptions()
        self.owner = owner or replica_name()
        self.find_reply = find_reply
        self.share_hooks: list[ShareHook] = []
        self.uninstall_hooks: list[UninstallHook] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: dict[tuple[str, int, str], asyncio.Task[Summary | CachedFailure]] = {}

    # -- background work ---------------------------------------------------------------------

    def spawn(
        self,
        work: Coroutine[Any, Any, Any],
        *,
        reply_on_error: LinkRequest | None = None,
    ) -> asyncio.Task[Any]:
        """Run ``work`` in the background, keeping a reference until it finishes. If it fails
        unexpectedly, the error is logged and, given ``reply_on_error``, the requester gets a
        short generic reply instead of silence."""
        task = asyncio.create_task(self._guarded(work, reply_on_error))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def pending(self) -> int:
        """Background tasks still running."""
        return len(self._tasks)

    async def drain(self, grace: float | None = None) -> None:
        """Wait for the background work, including work it starts; after ``grace`` seconds,
        cancel what is left (shutdown must end)."""
        loop = asyncio.get_running_loop()
        deadline = None if grace is None else loop.time() + grace
        while self._tasks:
            left = None if deadline is None else max(0.0, deadline - loop.time())
            _, pending = await asyncio.wait(set(self._tasks), timeout=left)
            if pending and deadline is not None and loop.time() >= deadline:
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                return

    async def _guarded(
        self, work: Coroutine[Any, Any, Any], reply_on_error: LinkRequest | None
    ) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:  # last resort: log it, and never leave the requester in silence
            log.exception("background work failed")
            if reply_on_error is not None:
                try:
                    await self.reply_notice(reply_on_error, failure_message(GENERIC_FAILURE))
                except Exception:
                    log.exception("could not report the failure either")

    # -- deduplication and hooks -----------------------------------------------------------

    async def first_delivery(self, event_id: str | None) -> bool:
        """False when this Slack delivery (event id / trigger id) was already handled."""
        return (
            True
            if not event_id
            else await events.claim_event(self.engine, event_id, now=self.clock())
        )

    async def notify_shared(
        self, team_id: str, channel_id: str, user_id: str, message_ts: str, urls: Sequence[str]
    ) -> None:
        """Tell every share hook (e.g. the digest) that links were posted; one failing hook
        does not stop the others or the reply."""
        for hook in list(self.share_hooks):
            try:
                await hook(team_id, channel_id, user_id, message_ts, list(urls))
            except Exception:
                log.exception("share hook %r failed", hook)

    async def forget_team(self, team_id: str) -> None:
        """Remove a workspace's settings, here and (through the hooks) in the digest."""
        channels = await teams.forget_team(self.engine, team_id)
        for hook in list(self.uninstall_hooks):
            await hook(team_id, channels)

    # -- answering ---------------------------------------------------------------------------

    async def answer(self, request: LinkRequest) -> None:
        """Reply to every link of ``request`` (in parallel; posts are paced per channel)."""
        if not request.dedupe:
            await asyncio.gather(*(self._answer_once(request, url) for url in request.urls))
            return
        await self.run_jobs(await self.accept(request))

    async def enqueue(self, request: LinkRequest) -> int:
        """Record the request's links as durable jobs now (before Slack's ack) and answer them
        in the background; returns how many were new."""
        accepted = await self.accept(request)
        if accepted:
            self.spawn(self.run_jobs(accepted), reply_on_error=request)
        return len(accepted)

    async def accept(self, request: LinkRequest) -> list[jobs.Job]:
        """One leased job per link not yet claimed for this message (retries and duplicate
        deliveries, on any replica, create nothing)."""
        created = []
        for url in request.urls:
            spec = jobs.JobSpec(
                team_id=request.team_id,
                channel_id=request.channel_id,
                message_ts=request.message_ts,
                url=self._key(url),
                posted_url=url,
                thread_ts=request.thread_ts,
                user_id=request.user_id,
                bullets=request.bullets,
            )
            job = await jobs.create_job(
                self.engine, spec, owner=self.owner, lease=self.options.job_lease, now=self.clock()
            )
            if job is None:
                log.info("already answered %s in %s/%s", spec.url, spec.channel_id, spec.message_ts)
            else:
                created.append(job)
        return created

    async def run_jobs(self, accepted: Sequence[jobs.Job]) -> None:
        await asyncio.gather(*(self._run_job(job) for job in accepted))

    async def sweep(self) -> int:
        """Re-take jobs whose replica died (lease expired) and answer them; how many."""
        taken = await jobs.take_expired(
            self.engine,
            owner=self.owner,
            lease=self.options.job_lease,
            max_attempts=self.options.job_max_attempts,
            now=self.clock(),
        )
        for job in taken:
            log.warning(
                "finishing job %d (attempt %d) of a replica that stopped", job.id, job.attempts
            )
            self.spawn(self._run_job(job))
        return len(taken)

    async def reply_notice(self, request: LinkRequest, message: SlackMessage) -> None:
        """A non-summary answer (help, no links found), ephemeral when possible."""
        await self._deliver(request, message, ok=False, kind="notice")

    def _key(self, url: str) -> str:
        try:
            return self.canonicalize(url)
        except KeypointsError:
            return url  # the job still runs and replies with the error

    async def _run_job(self, job: jobs.Job) -> None:
        spec = job.spec
        request = LinkRequest(
            team_id=spec.team_id,
            channel_id=spec.channel_id,
            user_id=spec.user_id,
            message_ts=spec.message_ts,
            thread_ts=spec.thread_ts,
            urls=(spec.posted_url,),
            bullets=spec.bullets,
        )
        marker = job_marker(spec)
        if job.attempts > 1 and await self._posted_before(request, marker):
            log.info("job %d was posted by a replica that stopped; not posting again", job.id)
        else:
            heartbeat = asyncio.create_task(self._keep_lease(job.id))
            try:
                await self._answer_once(request, spec.posted_url, marker)
            finally:
                heartbeat.cancel()
        try:
            await jobs.finish_job(self.engine, job.id, self.owner, now=self.clock())
        except Exception:  # it stays pending; a sweep will see it (and may post it again)
            log.exception("could not mark job %d done", job.id)

    async def _posted_before(self, request: LinkRequest, marker: str) -> bool:
        """A re-taken job: did the replica that died post the reply before marking it done?"""
        if self.find_reply is None or request.thread_ts is None:
            return False
        try:
            with team_scope(request.team_id):
                return await self.find_reply(request.channel_id, request.thread_ts, marker)
        except Exception:  # cannot tell: a possible duplicate is better than a lost reply
            log.exception("could not check the thread for an earlier reply")
            return False

    async def _keep_lease(self, job_id: int) -> None:
        """Renew the job's lease every third of it while the answer is being worked on."""
        lease = self.options.job_lease
        while True:
            await asyncio.sleep(lease / 3)
            try:
                renewed = await jobs.renew_lease(
                    self.engine, job_id, self.owner, lease, now=self.clock()
                )
                if not renewed:
                    return  # taken over (we were presumed dead): nothing left to keep
            except Exception:
                log.exception("could not renew the lease of job %d", job_id)

    async def _answer_once(self, request: LinkRequest, url: str, marker: str | None = None) -> None:
        message: SlackMessage
        try:
            key = self.canonicalize(url)
            outcome = await self._outcome(url, key, request.bullets or self.options.bullets)
            if isinstance(outcome, Summary):
                message, ok = summary_message(outcome, url), True
            else:
                message, ok = failure_message(outcome.message, url), False
        except KeypointsError as exc:  # e.g. InvalidURL from canonicalisation
            message, ok = failure_message(exc.message, url), False
        except Exception:
            log.exception("could not answer %s", url)
            message, ok = failure_message(GENERIC_FAILURE, url), False
        if marker is not None:  # invisible; lets a replica re-taking the job see it was posted
            payload = {"event_type": REPLY_EVENT_TYPE, "event_payload": {"job": marker}}
            message = dataclasses.replace(message, metadata=payload)
        try:
            await self._deliver(request, message, ok=ok, kind="summary" if ok else "failure")
        except Exception:
            log.exception("could not post the reply for %s to %s", url, request.channel_id)

    async def _outcome(self, url: str, key: str, bullets: int) -> Summary | CachedFailure:
        """Cached outcome, or one fresh summarisation shared by concurrent requests."""
        cached = await get_cached(self.engine, key, bullets, self.options.method, now=self.clock())
        if cached is not None:
            SUMMARIES.labels("cached").inc()
            return cached
        flight_key = (key, bullets, self.options.method)
        task = self._in_flight.get(flight_key)
        if task is None:
            task = asyncio.create_task(self._summarise_and_cache(url, key, bullets))
            self._in_flight[flight_key] = task
            task.add_done_callback(lambda _: self._in_flight.pop(flight_key, None))
        return await asyncio.shield(task)

    async def _summarise_and_cache(
        self, url: str, key: str, bullets: int
    ) -> Summary | CachedFailure:
        method = self.options.method
        try:
            summary = await self.summarise(url, bullets=bullets, method=method)
        except KeypointsError as exc:
            failure = CachedFailure(reason=exc.reason, message=exc.message)
            if exc.reason in CACHEABLE_FAILURES:
                await self._remember([key], bullets, failure, self.options.failure_cache_ttl)
            return failure
        keys = [key] + ([summary.article.canonical_url] if summary.article.canonical_url else [])
        await self._remember(keys, bullets, summary, self.options.cache_ttl)
        return summary

    async def _remember(
        self, keys: list[str], bullets: int, outcome: Summary | CachedFailure, ttl: float
    ) -> None:
        # A cache that cannot be written must not cost the user their answer.
        try:
            await put_cached(
                self.engine, keys, bullets, self.options.method, outcome, ttl, now=self.clock()
            )
        except Exception:
            log.exception("could not cache the outcome for %s", keys[0])

    async def _deliver(
        self, request: LinkRequest, message: SlackMessage, *, ok: bool, kind: str
    ) -> None:
        try:
            with team_scope(request.team_id):  # OAuth: post with this workspace's token
                await self._send(request, message, ok=ok)
        except Exception:
            REPLIES_POSTED.labels(kind, "error").inc()
            raise
        REPLIES_POSTED.labels(kind, "ok").inc()

    async def _send(self, request: LinkRequest, message: SlackMessage, *, ok: bool) -> None:
        if request.response_url and (not ok or request.public_response):
            await self.replier.respond(request.response_url, message, public=ok)
            return
        try:
            async with self.pacer.turn(request.channel_id):
                await self.replier.post(request.channel_id, request.thread_ts, message)
        except SlackApiError as exc:
            if not request.response_url:
                raise
            # e.g. not_in_channel for a shortcut: the requester still gets the answer, privately.
            log.warning("posting in %s failed: %s", request.channel_id, exc)
            await self.replier.respond(request.response_url, message, public=False)
