"""Choosing the day's stories (pure): drop seen items, group the same story, rank, take top N."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.digest.feeds import FeedItem

# Query parameters that only track the click; two links differing in these are the same page.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|cmpid|ncid)$")
_WORD = re.compile(r"[a-z0-9]+")
# Words too common in headlines to say two titles are about the same thing.
_STOPWORDS = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "a an and are as at be by for from has have how in is it its of on or the this to was "
        "what when why will with you your new now after over says about into"
    ).split()
)
RECENCY_HALF_LIFE = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class KeywordFilters:
    """A channel's keyword filters: a story must name one ``include`` word (when there are
    any) and no ``exclude`` word, in its title or feed description (whole words, any case)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def keeps(self, item: FeedItem) -> bool:
        """Whether ``item`` passes. Links people shared always do: they chose them."""
        if item.shared or not self:
            return True
        words = set(_WORD.findall(f"{item.title} {item.summary}".lower()))
        if self.exclude and words & set(self.exclude):
            return False
        return not self.include or bool(words & set(self.include))


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """One story and every item that carries it; ``lead`` is the item shown."""

    lead: FeedItem
    items: tuple[FeedItem, ...]
    score: float

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources carrying the story: the lead's (the publisher, for an aggregator's
        copy) first, then the feeds that carried it ("also in")."""
        return tuple(dict.fromkeys((self.lead.shown_source, *(i.source for i in self.items))))

    @property
    def keys(self) -> tuple[str, ...]:
        """Every identity of every item (GUIDs and URL keys), to remember as seen."""
        return tuple(dict.fromkeys(k for i in self.items for k in item_keys(i)))


def item_keys(item: FeedItem) -> tuple[str, ...]:
    """An item's identities: its GUID and the keys of its URLs."""
    urls = (item.url, item.origin_url) if item.origin_url else (item.url,)
    return (item.key, *(url_key(u) for u in urls))


def canonical_link(url: str) -> str:
    """``url`` without its click-tracking query parameters (``utm_*``, ``fbclid``...) or
    fragment: the link shown and posted."""
    parts = urlsplit(url.strip())
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def url_key(url: str) -> str:
    """A key to compare URLs: no scheme, ``www.``, fragment, tracking query or trailing ``/``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, query, ""))


def title_tokens(title: str) -> frozenset[str]:
    """Content words of a headline, lower-cased."""
    return frozenset(w for w in _WORD.findall(title.lower()) if w not in _STOPWORDS)


def title_similarity(a: str, b: str) -> float:
    """Token-set Jaccard of two headlines; 0 for short titles or different numbers.

    "iOS 17 released" and "iOS 18 released" are different stories however alike the words, and
    titles under three content words match by accident too easily.
    """
    ta, tb = title_tokens(a), title_tokens(b)
    if len(ta) < 3 or len(tb) < 3:
        return 0.0
    if {t for t in ta if t.isdigit()} != {t for t in tb if t.isdigit()}:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def new_items(items: Iterable[FeedItem], seen: Collection[str]) -> list[FeedItem]:
    """Items whose key and URL key are both unseen; a feed repeating an entry counts once.

    The same URL from two *different* sources is kept: grouping makes it one story with
    "also in", which is the point.
    """
    fresh: list[FeedItem] = []
    taken: set[tuple[str, str]] = set()
    for item in items:
        if item.key in seen or url_key(item.url) in seen or (item.source, item.key) in taken:
            continue
        taken.add((item.source, item.key))
        fresh.append(item)
    return fresh


def group_stories(items: Sequence[FeedItem], threshold: float) -> list[list[FeedItem]]:
    """Items grouped by story: same URL key (an aggregator's copy also by its publisher's
    link), or headlines at least ``threshold`` similar.

    Near-linear: URLs are joined through a dict, and only titles that share a token of their
    *prefix* are compared. With each title's tokens ordered rarest first, two titles whose
    Jaccard is at least ``threshold`` must share one of the first ``n - ceil(threshold * n) + 1``
    tokens (prefix filtering, Chaudhuri et al. 2006), so the result equals comparing every pair,
    which cost 395 s for 5,000 items.
    """
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_url: dict[str, int] = {}
    for i, item in enumerate(items):
        for url in (item.url, item.origin_url):
            if url:
                join(i, by_url.setdefault(url_key(url), i))
    # A shared link's title is a placeholder (its site name) until the article is read, so it
    # groups by URL only: two different articles from one site are not one story.
    tokens = {i: title_tokens(item.title) for i, item in enumerate(items) if not item.shared}
    tokens = {i: t for i, t in tokens.items() if len(t) >= 3}  # shorter never match
    frequency: dict[str, int] = {}
    for words in tokens.values():
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    # Titles only match with the same numbers, so the numbers are part of the index key.
    index: dict[tuple[frozenset[str], str], list[int]] = {}
    for i, words in tokens.items():
        numbers = frozenset(w for w in words if w.isdigit())
        ordered = sorted(words, key=lambda w: (frequency[w], w))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        candidates = {j for word in prefix for j in index.get((numbers, word), ())}
        for j in candidates:
            other = tokens[j]
            if root(i) != root(j) and len(words & other) >= threshold * len(words | other):
                join(i, j)
        for word in prefix:
            index.setdefault((numbers, word), []).append(i)
    groups: dict[int, list[FeedItem]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return list(groups.values())


def score(items: Sequence[FeedItem], now: datetime) -> float:
    """Rank: each extra source counts most, then recency, then points/comments where known."""
    sources = len({item.source for item in items})
    dates = [item.published for item in items if item.published is not None]
    recency = 0.0
    if dates:
        age_hours = max(0.0, (now - max(dates)).total_seconds() / 3600)
        recency = 0.5 ** (age_hours / (RECENCY_HALF_LIFE.total_seconds() / 3600))
    engagement = sum((item.points or 0) + (item.comments or 0) for item in items)
    return 2.0 * sources + recency + 0.5 * math.log10(1 + engagement)


def choose_stories(
    items: Sequence[FeedItem],
    *,
    seen: Collection[str],
    now: datetime,
    top_n: int,
    max_age: timedelta,
    threshold: float,
    per_source: int = 0,
) -> tuple[list[StoryGroup], list[StoryGroup]]:
    """``(top, all)``: every new, recent story ranked best first, and its first ``top_n``
    (taking at most ``per_source`` stories whose shown source is the same, 0: no cap)."""
    recent = [i for i in items if i.published is None or now - i.published <= max_age]
    ranked = sorted(
        (_group(g, now) for g in group_stories(new_items(recent, seen), threshold)),
        key=lambda g: (-g.score, g.lead.title),
    )
    return cap_per_source(ranked, per_source, top_n), ranked


def cap_per_source(ranked: Sequence[StoryGroup], per_source: int, top_n: int) -> list[StoryGroup]:
    """The first ``top_n`` of ``ranked`` taking at most ``per_source`` stories of any one shown
    source (0: no cap), so one busy feed or a PR wire cannot fill the digest. The capped
    stories follow, best first, and are used only when the other sources cannot fill
    ``top_n`` (a channel with one feed still gets its top N)."""
    if per_source <= 0:
        return list(ranked[:top_n])
    taken: dict[str, int] = {}
    within: list[StoryGroup] = []
    over: list[StoryGroup] = []
    for group in ranked:
        source = group.lead.shown_source
        if taken.get(source, 0) < per_source:
            taken[source] = taken.get(source, 0) + 1
            within.append(group)
        else:
            over.append(group)
    return [*within, *over][:top_n]


def _group(items: list[FeedItem], now: datetime) -> StoryGroup:
    # The lead is a feed item (it has a real title), the publisher's own rather than an
    # aggregator's copy, with the most engagement, then the earliest published: usually the
    # original report.
    lead = max(
        items,
        key=lambda i: (
            not i.shared,
            i.origin_url is None,
            (i.points or 0) + (i.comments or 0),
            -_ts(i.published),
        ),
    )
    ordered = (lead, *(i for i in items if i is not lead))
    return StoryGroup(lead=lead, items=ordered, score=score(items, now))


def _ts(published: datetime | None) -> float:
    return published.timestamp() if published else math.inf
