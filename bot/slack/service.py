"""The work behind every trigger: dedupe → cache → summarise → render → post.

Slack wants an acknowledgement within 3 seconds, so listeners only record the work as durable
jobs (``enqueue``, a few milliseconds) and ``spawn`` the rest. The service keeps a reference to
every task it starts (an un-referenced task can be garbage-collected mid-flight) and ``drain``
waits for them at shutdown. A job whose replica died is finished by another one's ``sweep``.
Every outcome is a reply: a summary, the ``KeypointsError`` message, or a generic line for
unexpected errors. The links of one message are summarised in parallel and posted in the
message's order, with an :eyes: reaction on the message meanwhile.

When Slack fails for longer than the SDK's own retries, the job is postponed (kept pending in
the database, so a restart loses nothing) and the sweep tries again later; errors that will not
go away (``not_in_channel``, ``invalid_auth``...) end the job with one warning line.
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
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import KeypointsError
from bot.models import Summary
from bot.observability.logs import RateLimitedLog
from bot.observability.metrics import REPLIES_POSTED, SUMMARIES
from bot.slack.buttons import ButtonState, with_buttons
from bot.slack.channel_cache import ChannelSettingsCache
from bot.slack.failures import SlackFailure, api_error, classify, short_reason
from bot.slack.filters import require_length
from bot.slack.pacing import ChannelPacer
from bot.slack.priority import RequestPriority
from bot.slack.render import (
    GENERIC_FAILURE,
    SlackMessage,
    failure_message,
    summary_message,
)
from bot.slack.replier import MessageEditor, Replier
from bot.slack.tenancy import team_scope
from bot.store import events, jobs, replies, teams
from bot.store.cache import CachedFailure, get_cached, put_cached

log = logging.getLogger(__name__)
overloaded = RateLimitedLog(log, 60.0)  # one line a minute while a backlog lasts

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
    quiet: bool = False  # auto mode: failures go to the poster alone (ephemeral)
    min_words: int | None = None  # auto mode: a shorter article gets a note, not key points
    no_minimum: tuple[str, ...] = ()  # links on the channel's "always" sites: no minimum


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    bullets: int = 3
    method: str = "default"
    cache_ttl: float = 86400.0
    failure_cache_ttl: float = 600.0
    job_lease: float = 60.0
    job_max_attempts: int = 3
    retry_base: float = 5.0  # first wait after Slack failed a reply (seconds)
    retry_max: float = 300.0  # longest wait between two tries
    retry_window: float = 6 * 3600.0  # a reply not posted by this age is given up
    progress_reaction: str | None = "eyes"  # on the message while its replies are worked on
    # Back-pressure: messages whose links are worked on at once (fetching, the workers, the
    # job and cache writes); the rest wait their turn, so a burst cannot flood the database
    # and the pool with work that competes with the acks.
    max_active: int = 4
    # Messages waiting for a turn beyond this are left to the sweep (their jobs are durable
    # and leased; when the lease runs out, any replica's sweep takes them): memory stays
    # bounded however long a burst lasts.
    max_backlog: int = 2000

    def retry_delay(self, age: float, retry_after: float) -> float:
        """How long to wait before trying a reply again: half the job's age so far (so the
        waits grow geometrically through a long outage) within [base, max], and never less
        than Slack's ``Retry-After``."""
        return max(retry_after, min(self.retry_max, max(self.retry_base, age / 2)))


REPLY_EVENT_TYPE = "keypoints_reply"


def job_marker(spec: jobs.JobSpec) -> str:
    """A short, stable id of a job's reply, carried in the reply's message metadata."""
    key = "\n".join((spec.team_id, spec.channel_id, spec.message_ts, spec.url))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def site_of(url: str) -> str:
    """The site a link is on, as the stats group it: its host name without ``www.``."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") or "(no host)"


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
        editor: MessageEditor | None = None,
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
        self.editor = editor
        # Read before each ack: from memory, refreshed by ``watch`` (started by the app).
        self.channel_settings = ChannelSettingsCache(engine)
        # Workspaces whose token Slack refused (invalid_auth, account_inactive...): /healthz
        # reports degraded while any is here; a successful post clears its entry.
        self.token_problems: dict[str, str] = {}
        self.share_hooks: list[ShareHook] = []
        self.uninstall_hooks: list[UninstallHook] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._turns = asyncio.Semaphore(self.options.max_active)
        self.requests = RequestPriority()  # the HTTP server marks Slack requests in flight
        self._waiting = 0  # run_jobs waiting for a turn
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

    def share_later(
        self, team_id: str, channel_id: str, user_id: str, message_ts: str, urls: Sequence[str]
    ) -> None:
        """``notify_shared`` after the ack (in a burst, its writes must not delay acks); past
        ``max_backlog`` background tasks the links are not recorded, with a warning."""
        if not self.share_hooks:
            return
        if len(self._tasks) >= self.options.max_backlog:
            overloaded.warning("busy: %d shared links not recorded for the digest", len(urls))
            return
        self.spawn(self.notify_shared(team_id, channel_id, user_id, message_ts, urls))

    async def forget_team(self, team_id: str) -> None:
        """Remove a workspace's settings, here and (through the hooks) in the digest."""
        channels = await teams.forget_team(self.engine, team_id)
        await replies.forget_team_replies(self.engine, team_id)
        self.channel_settings.changed()
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
            self.schedule(accepted, reply_on_error=request)
        return len(accepted)

    def schedule(
        self,
        accepted: Sequence[jobs.Job],
        *,
        retaken: bool = False,
        reply_on_error: LinkRequest | None = None,
    ) -> None:
        """Answer ``accepted`` in the background when a turn is free; past ``max_backlog``
        waiting messages, leave them to the sweep (they are durable and leased)."""
        if self._waiting >= self.options.max_backlog:
            overloaded.warning(
                "%d messages wait for a turn; %d more jobs are left to the sweep",
                self._waiting, len(accepted),
            )  # fmt: skip
            return
        self.spawn(self.run_jobs(accepted, retaken=retaken), reply_on_error=reply_on_error)

    async def accept(self, request: LinkRequest) -> list[jobs.Job]:
        """One leased job per link not yet claimed for this message (retries and duplicate
        deliveries, on any replica, create nothing), all in one transaction."""
        specs = [
            jobs.JobSpec(
                team_id=request.team_id,
                channel_id=request.channel_id,
                message_ts=request.message_ts,
                url=self._key(url),
                posted_url=url,
                thread_ts=request.thread_ts,
                user_id=request.user_id,
                bullets=request.bullets,
                quiet=request.quiet,
                min_words=None if url in request.no_minimum else request.min_words,
            )
            for url in dict.fromkeys(request.urls)
        ]
        created = await jobs.create_jobs(
            self.engine, specs, owner=self.owner, lease=self.options.job_lease, now=self.clock()
        )
        if len(created) < len(specs):
            log.info(
                "already answered %d link(s) in %s/%s",
                len(specs) - len(created), request.channel_id, request.message_ts,
            )  # fmt: skip
        return created

    async def run_jobs(self, accepted: Sequence[jobs.Job], *, retaken: bool = False) -> None:
        """Summarise the jobs' links in parallel, post the replies in link order; an :eyes:
        reaction on the message shows the bot is at work (not on a retake: it was shown)."""
        if not accepted:
            return
        # The leases are kept while the jobs wait for their turn too: a queued job is not a
        # dead replica's.
        heartbeats = [asyncio.create_task(self._keep_lease(job.id)) for job in accepted]
        try:
            self._waiting += 1
            try:
                await self._turns.acquire()
            finally:
                self._waiting -= 1
            try:
                await self._work_on(accepted, retaken)
            finally:
                self._turns.release()
        finally:
            for heartbeat in heartbeats:
                heartbeat.cancel()

    async def _work_on(self, accepted: Sequence[jobs.Job], retaken: bool) -> None:
        await self.requests.wait_idle()
        first = accepted[0].spec
        progress = None if retaken else self.options.progress_reaction
        if progress:
            await self._react(first, progress, add=True)
        try:
            prepared = await asyncio.gather(*(self._prepare(job, retaken) for job in accepted))
            held: float | None = None  # Slack failed a reply: the later ones wait with it
            await self.requests.wait_idle()
            for job, message in zip(accepted, prepared, strict=True):
                if held is None:
                    held = await self._post_job(job, message)
                else:  # posting them now would put them before the one that failed
                    await jobs.postpone(
                        self.engine, job.id, self.owner, until=held, now=self.clock()
                    )
        finally:
            if progress:
                await self._react(first, progress, add=False)

    async def sweep(self) -> int:
        """Re-take jobs whose replica died (lease expired) and answer them; how many."""
        taken = await jobs.take_expired(
            self.engine,
            owner=self.owner,
            lease=self.options.job_lease,
            max_attempts=self.options.job_max_attempts,
            now=self.clock(),
        )
        by_message: dict[tuple[str, str, str], list[jobs.Job]] = {}
        for job in sorted(taken, key=lambda j: j.id):  # ids follow the links' order
            spec = job.spec
            by_message.setdefault((spec.team_id, spec.channel_id, spec.message_ts), []).append(job)
            log.warning(
                "finishing job %d (attempt %d): its replica stopped, or Slack failed it before",
                job.id, job.attempts,
            )  # fmt: skip
        for group in by_message.values():  # one message's links still answered in order
            self.schedule(group, retaken=True)
        return len(taken)

    async def reply_notice(
        self, request: LinkRequest, message: SlackMessage, *, ephemeral: bool = False
    ) -> None:
        """A non-summary answer (help, no links found): in the thread, or with ``ephemeral``
        only to the requester (through the ``response_url`` when there is one)."""
        if ephemeral:
            request = dataclasses.replace(request, quiet=True)
        await self._deliver(request, message, ok=False, kind="notice")

    def key(self, url: str) -> str:
        """The dedupe key (canonical URL) of a link."""
        return self._key(url)

    def _key(self, url: str) -> str:
        try:
            return self.canonicalize(url)
        except Exception:  # even a bug here costs one link, never the message's other links
            return url  # the job still runs and replies with the error

    @staticmethod
    def _request_of(job: jobs.Job) -> LinkRequest:
        spec = job.spec
        return LinkRequest(
            team_id=spec.team_id,
            channel_id=spec.channel_id,
            user_id=spec.user_id,
            message_ts=spec.message_ts,
            thread_ts=spec.thread_ts,
            urls=(spec.posted_url,),
            bullets=spec.bullets,
            quiet=spec.quiet,
            min_words=spec.min_words,
        )

    async def _prepare(self, job: jobs.Job, retaken: bool) -> tuple[SlackMessage, bool] | None:
        """The job's reply and whether it is a summary; None when a replica that stopped (or
        a try Slack answered with an error after all) already posted it."""
        request = self._request_of(job)
        marker = job_marker(job.spec)
        if (retaken or job.attempts > 1) and await self._posted_before(request, marker):
            log.info("job %d was posted before; not posting again", job.id)
            return None
        message, ok = await self._reply_for(
            request, job.spec.posted_url, reply_id=marker, received_at=job.created_at
        )
        # Invisible; lets a replica re-taking the job see it was posted.
        payload = {"event_type": REPLY_EVENT_TYPE, "event_payload": {"job": marker}}
        return dataclasses.replace(message, metadata=payload), ok

    async def _post_job(
        self, job: jobs.Job, prepared: tuple[SlackMessage, bool] | None
    ) -> float | None:
        """Post the reply and finish the job; when Slack fails, postpone it (returns until
        when) or give it up."""
        reply_ts = None
        if prepared is not None:
            if not await jobs.is_pending(self.engine, job.id):
                return None  # the message was deleted meanwhile (or another replica took it)
            message, ok = prepared
            request = self._request_of(job)
            try:
                reply_ts = await self._deliver(
                    request, message, ok=ok, kind="summary" if ok else "failure"
                )
            except Exception as exc:
                return await self._failed_post(job, classify(exc), exc)
            self.token_problems.pop(job.spec.team_id, None)
            await self._posted(job_marker(job.spec), reply_ts)
        try:
            await jobs.finish_job(
                self.engine, job.id, self.owner, reply_ts=reply_ts, now=self.clock()
            )
        except Exception:  # it stays pending; a sweep will see it (and may post it again)
            log.exception("could not mark job %d done", job.id)
        return None

    async def _failed_post(
        self, job: jobs.Job, failure: SlackFailure, exc: Exception
    ) -> float | None:
        """Postpone the job (returns until when) or, for good, mark it failed (None)."""
        spec, now = job.spec, self.clock()
        age = now - job.created_at
        if failure.kind == "transient" and age < self.options.retry_window:
            delay = self.options.retry_delay(age, failure.retry_after)
            log.warning(
                "Slack failed the reply of job %d in %s (%s); trying again in %.0f s",
                job.id, spec.channel_id, failure.error, delay,
            )  # fmt: skip
            await jobs.postpone(self.engine, job.id, self.owner, until=now + delay, now=now)
            return now + delay
        if failure.kind == "token":
            self.token_problems[spec.team_id] = failure.error
        if failure.error == type(exc).__name__ and failure.kind == "permanent":
            log.error("could not post the reply of job %d", job.id, exc_info=exc)  # a bug
        else:
            why = f"gave up after {age:.0f} s" if failure.kind == "transient" else "giving up"
            log.warning(
                "Slack refused the reply of job %d in %s: %s; %s",
                job.id, spec.channel_id, failure.error, why,
            )  # fmt: skip
        await jobs.finish_job(self.engine, job.id, self.owner, state=jobs.FAILED, now=now)
        return None

    async def _react(self, spec: jobs.JobSpec, name: str, *, add: bool) -> None:
        """Progress shown on the message; best effort (a missing scope costs nothing)."""
        if self.editor is None:
            return
        try:
            with team_scope(spec.team_id):
                if add:
                    await self.editor.add_reaction(spec.channel_id, spec.message_ts, name)
                else:
                    await self.editor.remove_reaction(spec.channel_id, spec.message_ts, name)
        except Exception as exc:
            log.debug("progress reaction on %s: %s", spec.message_ts, short_reason(exc))

    async def _posted_before(self, request: LinkRequest, marker: str) -> bool:
        """A re-taken job: did the replica that died post the reply before marking it done?"""
        if self.find_reply is None or request.thread_ts is None:
            return False
        try:
            with team_scope(request.team_id):
                return await self.find_reply(request.channel_id, request.thread_ts, marker)
        except Exception as exc:  # cannot tell: a possible duplicate beats a lost reply
            log.warning("could not check the thread for an earlier reply: %s", short_reason(exc))
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
        """Answer one link without a job (explicit requests that always get an answer)."""
        reply_id, received_at = uuid.uuid4().hex[:24], self.clock()
        message, ok = await self._reply_for(
            request, url, reply_id=reply_id, received_at=received_at
        )
        if marker is not None:  # invisible; lets a replica re-taking the job see it was posted
            payload = {"event_type": REPLY_EVENT_TYPE, "event_payload": {"job": marker}}
            message = dataclasses.replace(message, metadata=payload)
        try:
            reply_ts = await self._deliver(
                request, message, ok=ok, kind="summary" if ok else "failure"
            )
        except Exception as exc:
            log.warning("could not post the reply to %s: %s", request.channel_id, short_reason(exc))
            return
        await self._posted(reply_id, reply_ts)

    async def _reply_for(
        self, request: LinkRequest, url: str, *, reply_id: str, received_at: float
    ) -> tuple[SlackMessage, bool]:
        """The summary of ``url`` with its buttons, or the failure line; and whether it is a
        summary. The outcome is recorded (for the buttons and ``keypoints stats``) first."""
        bullets = request.bullets or await self.default_bullets(request.team_id, request.channel_id)
        key, cached, reason = url, False, None
        try:
            key = self.canonicalize(url)
            outcome, cached = await self._outcome(url, key, bullets)
            if isinstance(outcome, Summary) and request.min_words:
                require_length(outcome.article, request.min_words)  # TooShort: a failure
            if isinstance(outcome, Summary):
                state = ButtonState(reply_id, len(outcome.bullets), bullets,
                                    more_possible=len(outcome.bullets) >= bullets)  # fmt: skip
                message, ok = with_buttons(summary_message(outcome, url), state), True
            else:
                message, ok, reason = failure_message(outcome.message, url), False, outcome.reason
        except KeypointsError as exc:  # e.g. InvalidURL from canonicalisation
            message, ok, reason = failure_message(exc.message, url), False, exc.reason
        except Exception:
            log.exception("could not answer %s", url)
            message, ok, reason = failure_message(GENERIC_FAILURE, url), False, "error"
        record = replies.Outcome(
            reply_id=reply_id, team_id=request.team_id, channel_id=request.channel_id,
            message_ts=request.message_ts, url=key, site=site_of(url),
            requester_id=request.user_id, bullets=bullets,
            kind=replies.SUMMARY if ok else replies.FAILURE, reason=reason, cached=cached,
            received_at=received_at,
        )  # fmt: skip
        try:  # a record that cannot be written must not cost the user their answer
            await replies.record_outcome(self.engine, record, now=self.clock())
        except Exception:
            log.exception("could not record the outcome for %s", request.channel_id)
        return message, ok

    async def default_bullets(self, team_id: str, channel_id: str) -> int:
        """Key points for a request that names no count: the channel's choice (``/keypoints
        bullets``, the Home tab), else the configured default. Read from memory."""
        try:
            chosen = (await self.channel_settings.choices(team_id, channel_id)).bullets
        except Exception:  # the database is failing: the reply still goes out
            log.warning("could not read the settings of %s; default bullets", channel_id)
            chosen = None
        return chosen or self.options.bullets

    async def _posted(self, reply_id: str, reply_ts: str | None) -> None:
        """The reply reached Slack: when (for the stats), and where (for its buttons)."""
        try:
            await replies.mark_posted(self.engine, reply_id, reply_ts, now=self.clock())
        except Exception:
            log.exception("could not record reply %s as posted", reply_id)

    async def _outcome(
        self, url: str, key: str, bullets: int
    ) -> tuple[Summary | CachedFailure, bool]:
        """Cached outcome, or one fresh summarisation shared by concurrent requests; and
        whether it came from the cache."""
        cached = await get_cached(self.engine, key, bullets, self.options.method, now=self.clock())
        if cached is not None:
            SUMMARIES.labels("cached").inc()
            return cached, True
        flight_key = (key, bullets, self.options.method)
        task = self._in_flight.get(flight_key)
        if task is None:
            task = asyncio.create_task(self._summarise_and_cache(url, key, bullets))
            self._in_flight[flight_key] = task
            task.add_done_callback(lambda _: self._in_flight.pop(flight_key, None))
        return await asyncio.shield(task), False

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
    ) -> str | None:
        """Send ``message``; the ``ts`` of a visible post (None for other kinds of answer)."""
        try:
            with team_scope(request.team_id):  # OAuth: post with this workspace's token
                ts = await self._send(request, message, ok=ok)
        except Exception:
            REPLIES_POSTED.labels(kind, "error").inc()
            raise
        REPLIES_POSTED.labels(kind, "ok").inc()
        return ts

    async def _send(self, request: LinkRequest, message: SlackMessage, *, ok: bool) -> str | None:
        if request.response_url and (not ok or request.public_response):
            await self.replier.respond(request.response_url, message, public=ok)
            return None
        if request.quiet and not ok and not request.response_url:
            # Auto mode's failures are the poster's business, not the channel's.
            await self.replier.post_ephemeral(
                request.channel_id, request.user_id, request.thread_ts, message
            )
            return None
        try:
            async with self.pacer.turn(request.channel_id):
                return await self.replier.post(request.channel_id, request.thread_ts, message)
        except SlackApiError as exc:
            if not request.response_url:
                raise
            # e.g. not_in_channel for a shortcut: the requester still gets the answer, privately.
            log.warning("posting in %s failed: %s", request.channel_id, api_error(exc))
            await self.replier.respond(request.response_url, message, public=False)
            return None
