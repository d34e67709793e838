"""Who may talk to the bot: Slack's signature on ``POST /slack/events``, checked before the
body is even parsed, and, with one workspace's token, that workspace only.

Anyone can send requests, so a refusal costs a constant-time HMAC and, at most once a minute,
one short log line (never the body: it may hold message text, and an outsider chooses it).
Slack's scheme: ``X-Slack-Signature = v0=hex(HMAC-SHA256(secret, "v0:{ts}:{raw body}"))`` with
``X-Slack-Request-Timestamp`` within five minutes of now.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.observability.logs import RateLimitedLog
from bot.observability.metrics import REQUESTS_REJECTED

log = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300  # Slack's rule: older (or newer) signatures may be replays
LOG_INTERVAL_SECONDS = 60.0

# One line per interval for all refusals of the process: outsiders choose how many there are.
refusals = RateLimitedLog(log, LOG_INTERVAL_SECONDS)


class SignatureCheck:
    """``reason(body, headers)``: None for a request Slack signed now, else why not."""

    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = signing_secret.encode()
        self._clock = clock

    def reason(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        # Digits only, and few: int() raises on "abc" or "1e3" (bolt answered those with a
        # 500 and a traceback) and accepts " 12", "+12" or "1_2".
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return "bad_signature"
        if abs(self._clock() - int(timestamp)) > MAX_SKEW_SECONDS:
            return "stale"
        # HMAC over the raw bytes: slack_sdk's helper decodes them as UTF-8 first, and a body
        # that is not UTF-8 would raise instead of being refused.
        digest = hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
        expected = f"v0={digest.hexdigest()}".encode()
        if not hmac.compare_digest(expected, signature.encode(errors="replace")):
            return "bad_signature"
        return None


def refuse(reason: str, source: str | None) -> None:
    """Count a refused request and (rate-limited) say so in one line; ``source`` is the peer
    address or the workspace id."""
    REQUESTS_REJECTED.labels(reason).inc()
    refusals.warning("refused a Slack request from %s: %s", source or "?", reason)


def own_workspace_only(app: AsyncApp) -> None:
    """A bolt middleware for single-token modes: requests from a workspace other than the
    token's (``auth.test``, which bolt calls once and caches) are acknowledged and ignored.
    Requests naming no workspace (URL verification) pass; they carry no work."""

    async def only_own_workspace(
        context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]
    ) -> BoltResponse | None:
        authorized = context.authorize_result
        own = authorized.team_id if authorized is not None else None
        if own and context.team_id and context.team_id != own:
            refuse("other_workspace", context.team_id)
            return BoltResponse(status=200, body="")  # an ack, so Slack does not retry
        await next()
        return None

    app.middleware(only_own_workspace)
