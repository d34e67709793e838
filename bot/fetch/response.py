"""What a fetch returns, and what an HTTP status means to a user: pure data and rules."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import FetchError, NotFound, Paywalled, UpstreamError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page or feed, decoded and checked."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 for a conditional GET that was not modified
    content_type: str  # e.g. "text/html"
    body: bytes  # raw (decompressed) body, b"" on 304
    text: str  # body decoded to str ("" on 304)
    etag: str | None
    last_modified: str | None


def error_for_status(status: int) -> FetchError | None:
    """The user-facing failure an HTTP status stands for, or None for a usable 2xx."""
    if 200 <= status < 300:
        return None
    if status in (404, 410):
        return NotFound()
    if status in (401, 402, 403, 451):
        return Paywalled()  # also the usual answer of bot challenges (Cloudflare & co)
    if status == 429:
        return UpstreamError("The site is rate-limiting requests; try again later.")
    if status >= 500:
        return UpstreamError(f"The site returned an error ({status}).")
    return UpstreamError(f"The site answered with an unexpected status ({status}).")
