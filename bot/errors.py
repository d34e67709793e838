"""Every outcome Keypoints reports to a user, as one exception tree.

Each exception carries ``message``: a short sentence fit for a Slack reply or a CLI error line.
Never show a traceback to a user; catch ``KeypointsError`` at the edge and print ``.message``.

    KeypointsError
    ├── InputError             bad input given to the CLI (empty, binary, malformed JSON)
    ├── FetchError             the page could not be fetched
    │   ├── InvalidURL         not an http(s) URL, or malformed
    │   ├── BlockedAddress     resolves to a private, loopback, link-local or metadata address
    │   ├── NotFound           DNS failure, 404/410
    │   ├── FetchTimeout       connect or total timeout
    │   ├── TooLarge           body over the size cap
    │   ├── NotAWebPage        not HTML (PDF, image, binary, compressed body, ...)
    │   ├── Paywalled          401/402/403/451, isAccessibleForFree=false, or a challenge page
    │   ├── TooManyRedirects   more redirects than allowed
    │   └── UpstreamError      5xx, connection refused, TLS failure, other HTTP errors
    └── NoArticle              fetched, but no article text (cookie wall, error page, JS stub)
"""

from __future__ import annotations


class KeypointsError(Exception):
    """Base of every user-facing failure; ``message`` is short and safe to show."""

    default_message = "Something went wrong."
    reason = "error"  # stable machine-readable code, used in metrics and JSON output

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InputError(KeypointsError):
    default_message = "That input could not be read."
    reason = "bad_input"


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
