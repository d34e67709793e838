"""What a failed Slack Web API call means for the reply that was being sent.

Three answers: *transient* (rate limited, Slack's 5xx, the network: try again later, no sooner
than ``Retry-After``), *token* (the token is invalid or the workspace inactive: nothing will
work until an admin acts) and *permanent* (this reply can never be posted: the bot left the
channel, the channel is gone, a scope is missing). The SDK's retry handlers have already retried
a few seconds of transient failures by the time one reaches here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import aiohttp
from slack_sdk.errors import SlackApiError

TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_authed",
        "no_permission",
        "team_access_not_granted",
    }
)
# API errors (HTTP 200, ok=false) that Slack documents as worth retrying; every other API
# error is permanent for this reply.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)

Kind = Literal["transient", "token", "permanent"]


@dataclass(frozen=True, slots=True)
class SlackFailure:
    kind: Kind
    error: str  # Slack's error code, or a short name for HTTP/network failures
    retry_after: float = 0.0  # seconds Slack asked us to wait (429), else 0
    needed: str | None = None  # missing_scope: the scope Slack says is needed


def api_error(exc: BaseException) -> str | None:
    """Slack's ``error`` code of a failed Web API call, or None."""
    if isinstance(exc, SlackApiError):
        data = exc.response.data
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            return str(data["error"])
    return None


def short_reason(exc: BaseException) -> str:
    """One short word for a failure, for a log line (Slack's error code, or the type)."""
    return api_error(exc) or type(exc).__name__


def classify(exc: BaseException) -> SlackFailure:
    """Sort a failure of a Web API call (or of the network under it)."""
    if isinstance(exc, SlackApiError):
        status = int(exc.response.status_code or 0)
        error = api_error(exc) or f"http_{status}"
        if status == 429 or error == "ratelimited":
            return SlackFailure("transient", "ratelimited", _retry_after(exc))
        if status >= 500 or error in TRANSIENT_ERRORS:
            return SlackFailure("transient", error)
        if error in TOKEN_ERRORS:
            return SlackFailure("token", error)
        data = exc.response.data
        needed = data.get("needed") if isinstance(data, dict) else None
        return SlackFailure("permanent", error, needed=str(needed) if needed else None)
    if isinstance(exc, aiohttp.ClientError | TimeoutError | asyncio.TimeoutError | OSError):
        return SlackFailure("transient", type(exc).__name__)
    return SlackFailure("permanent", type(exc).__name__)


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers or {}
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        return max(0.0, float(raw)) if raw is not None else 0.0
    except ValueError:
        return 0.0
