"""Every outcome Keypoints reports to a user, as one exception tree.

Each exception carries ``message``: a short sentence fit for a Slack reply or a CLI error line.
Never show a traceback to a user; catch ``KeypointsError`` at the edge and print ``.message``.

    KeypointsError
    ├── InputError             bad input given to the CLI (empty, binary, malformed JSON)
    ├── SettingsError          a missing or unusable setting (environment or config file)
    ├── FetchError             the page could not be fetched
    │   ├── InvalidURL         not an http(s) URL, or malformed
    │   ├── BlockedAddress     resolves to a private, loopback, link-local or metadata address
    │   ├── NotFound           DNS failure, 404/410
    │   ├── FetchTimeout       connect or total timeout
    │   ├── TooLarge           body over the size cap
    │   ├── NotAWebPage        not HTML (PDF, image, binary, compressed body, ...)
    │   │   └── IsAFeed        an RSS/Atom feed where an article was expected
    │   ├── Paywalled          401/402/403/451, isAccessibleForFree=false, or a challenge page
    │   ├── TooManyRedirects   more redirects than allowed
    │   └── UpstreamError      5xx, connection refused, TLS failure, other HTTP errors
    ├── NoArticle              fetched, but no article text (cookie wall, error page, JS stub)
    │   └── NoTextLayer        a PDF whose pages are images (a scan): nothing to quote
    └── TooComplex             reading the page ran over its time or memory budget
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.models import Article


class KeypointsError(Exception):
    """Base of every user-facing failure; ``message`` is short and safe to show."""

    default_message = "Something went wrong."
    reason = "error"  # stable machine-readable code, used in metrics and JSON output
    # The text extraction found, when the failure came after it (no bullet, paywall teaser,
    # cookie wall): ``keypoints batch`` still returns it.
    article: Article | None = None

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InputError(KeypointsError):
    default_message = "That input could not be read."
    reason = "bad_input"


class SettingsError(KeypointsError):
    default_message = "The configuration is invalid."
    reason = "bad_settings"


class FetchError(KeypointsError):
    default_message = "The page could not be fetched."
    reason = "fetch_failed"


class InvalidURL(FetchError):
    default_message = "That is not a web address I can fetch (only http and https)."
    reason = "invalid_url"


class BlockedAddress(FetchError):
    default_message = "That address points to a private or internal network, so I won't fetch it."
    reason = "blocked"


class NotFound(FetchError):
    default_message = "The page was not found."
    reason = "not_found"


class FetchTimeout(FetchError):
    default_message = "The site took too long to answer."
    reason = "timeout"


class TooLarge(FetchError):
    default_message = "The page is too large to summarise."
    reason = "too_large"


class NotAWebPage(FetchError):
    default_message = "That link is not a web page (it looks like a file or an image)."
    reason = "not_html"


class IsAFeed(NotAWebPage):
    """An RSS/Atom feed given where an article was expected (the digest reads feeds)."""

    default_message = "That link is a news feed (RSS or Atom), not an article."


class Paywalled(FetchError):
    default_message = "The article is behind a login or paywall, so I can't read it."
    reason = "paywalled"


class TooManyRedirects(FetchError):
    default_message = "The link redirects too many times."
    reason = "too_many_redirects"


class UpstreamError(FetchError):
    default_message = "The site returned an error."
    reason = "upstream_error"


class NoArticle(KeypointsError):
    default_message = "I couldn't find article text on that page."
    reason = "no_article"


class NoTextLayer(NoArticle):
    """A PDF with no text to read: its pages are pictures of text (a scan, or a fax)."""

    default_message = (
        "That PDF has no text layer (it looks like a scan), so there is nothing I can quote."
    )
    reason = "pdf_no_text"


class TooComplex(KeypointsError):
    """Extraction or summarising ran over its budget (``bot.workers.WorkerBudget``)."""

    default_message = "The page is too large or complex to read."
    reason = "too_complex"
