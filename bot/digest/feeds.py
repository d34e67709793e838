"""RSS/Atom bytes → ``FeedItem`` values (pure; feedparser never sees a URL, so never fetches)."""

from __future__ import annotations

import calendar
import html
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.errors import KeypointsError


class BrokenFeed(KeypointsError):
    """The feed's bytes are not a readable RSS/Atom document."""

    default_message = "That feed could not be read (it is not valid RSS or Atom)."
    reason = "broken_feed"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, or one link shared in the channel, as the digest sees it."""

    key: str  # stable identity: the GUID, else the link; never depends on dates
    title: str
    url: str
    source: str  # human name of where it came from: the feed title or the site
    published: datetime | None = None  # aware UTC; the first-published date, not ``updated``
    summary: str = ""  # plain text of the feed's description, used if the article can't be read
    points: int | None = None
    comments: int | None = None
    shared: bool = False  # a link posted in the channel: its title is a placeholder
    # An aggregator's copy: the publisher's own link (from the description or ``<source>``),
    # and the publisher's name when the feed gives it.
    origin_url: str | None = None
    publisher: str | None = None

    @property
    def shown_url(self) -> str:
        """The link to show: the publisher's, when this is an aggregator's copy."""
        return self.origin_url or self.url

    @property
    def shown_source(self) -> str:
        """The source to show: the publisher rather than the aggregator."""
        if self.origin_url:
            return self.publisher or site_of(self.origin_url)
        return self.publisher or self.source


# "<" is excluded inside a tag so a run of "<" without ">" is scanned once, not once per "<"
# (``<[^>]+>`` made 700 KB of "<" in a description cost minutes).
_TAG = re.compile(r"<[^<>]*>")
_SPACE = re.compile(r"\s+")
_HREF = re.compile(r"""<a\s[^<>]*?href\s*=\s*["']([^"'<>]+)["']""", re.IGNORECASE)
# hnrss.org-style descriptions: "Points: 120" and "# Comments: 45"
_POINTS = re.compile(r"\bPoints:\s*(\d+)", re.IGNORECASE)
_COMMENTS = re.compile(r"(?:#\s*Comments:\s*(\d+))|(?:\b(\d+)\s+comments?\b)", re.IGNORECASE)


# A title or description longer than this is cut before it is cleaned: only a title and a
# first sentence are ever shown.
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 20_000


def parse_feed(body: bytes, feed_url: str, max_items: int | None = None) -> list[FeedItem]:
    """Items of the feed in ``body`` (of its first ``max_items`` entries, when given); raises
    ``BrokenFeed`` when nothing usable is in it.

    CPU-bound and unbounded in time: the bot calls it through ``bot.digest.parsing``."""
    # feedparser accepts bytes and sniffs the encoding itself; passing bytes (not a URL)
    # guarantees it never opens a connection on its own.
    parsed: Any = _parse(body)
    if parsed.bozo and not parsed.entries:
        raise BrokenFeed()
    if not parsed.entries and not parsed.feed.get("title"):
        raise BrokenFeed()
    source = plain_text(parsed.feed.get("title", "")[:MAX_TITLE_CHARS]) or site_of(feed_url)
    items = [_item(entry, source, feed_url) for entry in parsed.entries[:max_items]]
    return [item for item in items if item is not None]


def check_feed_body(body: bytes, feed_url: str, max_items: int | None = None) -> list[FeedItem]:
    """``parse_feed``, stricter (``feed add``): the XML must be well-formed and at least one
    entry must have a title and a link, so a feed that would never give a story is refused."""
    parsed: Any = _parse(body)
    error = parsed.get("bozo_exception")
    if parsed.bozo and isinstance(error, xml.sax.SAXException):
        raise BrokenFeed("That feed is not well-formed XML, so it cannot be read reliably.")
    items = parse_feed(body, feed_url, max_items)
    if not items:
        raise BrokenFeed("That feed has no entries with a title and a link.")
    return items


def _parse(body: bytes) -> Any:
    # No HTML sanitising or URI rewriting inside descriptions: half of feedparser's time, and
    # useless here, since descriptions are reduced to plain text (``plain_text``) and never
    # rendered as HTML; links found in them are resolved with ``urljoin``.
    return feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)


def _item(entry: Any, source: str, feed_url: str) -> FeedItem | None:
    # RSS has no xml:base, so feedparser leaves a relative <link> as it is: resolve it against
    # the feed's own address (Atom's are already resolved).
    url = urljoin(feed_url, (entry.get("link") or "").strip())
    title = plain_text(entry.get("title", "")[:MAX_TITLE_CHARS])
    if not url.startswith(("http://", "https://")) or not title:
        return None
    raw_summary = (entry.get("summary", "") or "")[:MAX_SUMMARY_CHARS]
    text = plain_text(raw_summary)
    origin, publisher = _origin(entry, url, feed_url, raw_summary)
    # "published" first: an "updated" change must not make an item look new again.
    struct = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(struct), UTC) if struct else None
    return FeedItem(
        key=(entry.get("id") or "").strip() or url,
        title=title,
        url=url,
        source=source,
        published=published,
        summary=text,
        points=_first_int(_POINTS, text),
        comments=_int_or_none(entry.get("slash_comments")) or _first_int(_COMMENTS, text),
        origin_url=origin,
        publisher=publisher,
    )


def _origin(entry: Any, url: str, feed_url: str, raw_summary: str) -> tuple[str | None, str | None]:
    """``(publisher link, publisher name)`` of an aggregator's copy, else ``(None, name)``.

    An item is a copy when its link stays on the feed's own site while its description links
    to another site (Techmeme, Google News, newsletters); RSS 2.0's ``<source>`` names the
    publisher. A publisher's own item links off its own site, so it is never taken for one."""
    source = entry.get("source") or {}
    publisher = plain_text(str(source.get("title") or "")[:MAX_TITLE_CHARS]) or None
    home = site_of(feed_url)
    if site_of(url) != home:
        return None, publisher
    for match in _HREF.finditer(raw_summary):
        href = urljoin(url, html.unescape(match.group(1)))
        if href.startswith(("http://", "https://")) and site_of(href) not in (home, ""):
            return href, publisher
    return None, publisher


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def site_of(url: str) -> str:
    """The host of ``url`` without a leading ``www.``, as a readable source name."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _first_int(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(g for g in match.groups() if g is not None))


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
