"""URL checks and the canonical URL used as the cache and "same story" key: pure functions.

``target_url`` decides whether a string is something the fetcher may even try (http(s), a
sane host, no credentials, no abusable port, no refused IP literal); ``canonicalize_url``
turns the many spellings of one article's address into one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote_plus

from tld import get_fld
from yarl import URL

from bot.errors import BlockedAddress, InvalidURL
from bot.fetch.policy import BLOCKED_PORTS, AllowList, is_local_name, may_connect, parse_ip_literal

_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")

# Query parameters that identify a campaign, a click or a sharer, never the content.
# fmt: off
TRACKING_PARAMS: frozenset[str] = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "ref",
     "ref_src", "ref_url", "igshid", "_hsenc", "_hsmi", "yclid", "spm", "cmpid", "icid", "ncid",
     "soc_src", "soc_trk", "sr_share", "twclid", "ttclid", "li_fat_id", "mkt_tok", "vero_id",
     "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "wt_mc", "at_medium", "at_campaign",
     "__twitter_impression", "guccounter", "guce_referrer", "guce_referrer_sig"}
)
# fmt: on
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")


def target_url(url: str, allow: AllowList | None = None) -> URL:
    """Parse a user-supplied URL into one the fetcher may request, or raise.

    Raises InvalidURL for anything that is not a plain http(s) URL with a valid host, and
    BlockedAddress for IP-literal hosts the address policy refuses, for ``localhost`` names,
    and for ports that browsers also refuse. Host names are checked again after DNS.
    """
    allow = allow or AllowList()
    try:
        parsed = URL(url.strip())
        host = parsed.raw_host
        port = parsed.port
    except (ValueError, TypeError) as exc:
        raise InvalidURL() from exc
    if parsed.scheme not in ("http", "https") or not host or port is None:
        raise InvalidURL()
    if parsed.raw_user is not None or parsed.raw_password is not None:
        raise InvalidURL("I don't fetch links that carry a user name or password.")
    try:
        literal = parse_ip_literal(host)
    except ValueError as exc:
        raise InvalidURL() from exc
    if literal is None and not _HOST_NAME.fullmatch(host):
        raise InvalidURL()  # percent-escapes, spaces or other characters no DNS name has
    if port in BLOCKED_PORTS:
        raise BlockedAddress("That port is used by non-web services, so I won't fetch it.")
    if allow.covers_name(host):
        return parsed
    if literal is not None and not may_connect(literal, allow):
        raise BlockedAddress()
    if literal is None and is_local_name(host):
        raise BlockedAddress()
    return parsed


def is_tracking_param(name: str) -> bool:
    """True for query parameter names used only for analytics (``utm_source``, ``fbclid``...)."""
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str, page_html: str | None = None) -> str:
    """One spelling per article: the cache key and the "same story" key.

    Lower-cases scheme and host, drops default ports, credentials, the fragment and tracking
    parameters (other parameters keep their order and encoding). With ``page_html``, the page's
    own ``rel=canonical`` (then ``og:url``) wins when it is an http(s) URL on the same site
    (same registrable domain) and is not a bare home page standing in for an article: a
    canonical on another domain could poison the cache for that domain's links.

    Raises InvalidURL (never a bare ValueError) for a string no URL parser accepts, so the
    caller answers that one link with a reason and goes on with the others.
    """
    try:
        own = _normalize(URL(url.strip()))
    except (ValueError, TypeError) as exc:
        raise InvalidURL() from exc
    if page_html:
        for candidate in declared_canonicals(page_html):
            chosen = _usable_canonical(own, candidate)
            if chosen is not None:
                return str(chosen)
    return str(own)


def _normalize(parsed: URL) -> URL:
    if not parsed.is_absolute() or parsed.scheme not in ("http", "https"):
        return parsed.with_fragment(None)
    kept = [
        pair
        for pair in parsed.raw_query_string.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    ]
    # host_subcomponent keeps an IPv6 literal's brackets; the raw host would lose them and
    # "2606:4700::1" would read as host "2606" with a port.
    host = (parsed.host_subcomponent or "").rstrip(".")
    return URL.build(
        scheme=parsed.scheme,
        host=host,
        port=None if parsed.is_default_port() else parsed.explicit_port,
        path=parsed.raw_path or "/",
        query_string="&".join(kept),
        encoded=True,
    )


def _usable_canonical(own: URL, declared: str) -> URL | None:
    """The page's declared canonical, normalised, if it is trustworthy for ``own``."""
    try:
        candidate = _normalize(own.join(URL(declared.strip())))
    except ValueError:
        return None
    if candidate.scheme not in ("http", "https") or not candidate.raw_host:
        return None
    if _site(candidate) is None or _site(candidate) != _site(own):
        return None
    is_home = candidate.raw_path in ("", "/") and not candidate.raw_query_string
    if is_home and (own.raw_path not in ("", "/") or own.raw_query_string):
        return None  # CMS bug: every article declares the home page as canonical
    if own.scheme == "https" and candidate.scheme == "http":
        candidate = candidate.with_scheme("https")  # stale http canonicals: never downgrade
    return candidate


def _site(url: URL) -> str | None:
    """Registrable domain (``bbc.co.uk`` for ``news.bbc.co.uk``), via the public suffix list."""
    host = url.raw_host or ""
    try:
        if parse_ip_literal(host) is not None:
            return host
    except ValueError:
        return None
    site = get_fld(host, fix_protocol=True, fail_silently=True)
    return site.lower() if isinstance(site, str) else None


def declared_canonicals(page_html: str) -> list[str]:
    """``rel=canonical`` hrefs, then ``og:url`` contents, from the page's head, as written."""
    head_end = re.search(r"<body[\s>]", page_html, re.IGNORECASE)
    finder = _CanonicalFinder()
    finder.feed(page_html[: head_end.start() if head_end else 300_000])
    return finder.canonicals + finder.og_urls


class _CanonicalFinder(HTMLParser):
    """Collects canonical declarations; tolerant of the broken markup real pages have."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonicals: list[str] = []
        self.og_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonicals.append(values.get("href", ""))
        elif tag == "meta" and values.get("property", values.get("name", "")).lower() == "og:url":
            self.og_urls.append(values.get("content", ""))
