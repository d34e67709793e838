"""The digest as data: what ``build_digest`` returns and the renderers and poster consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedState:
    """Conditional-GET validators of one feed for one channel, saved once a digest is posted."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class DigestStory:
    """One story of a digest: the shown item, its other sources and its key points."""

    title: str
    url: str
    site: str
    best_line: str  # the first key point, or the feed's summary sentence as a fallback
    bullets: tuple[str, ...] = ()  # full key points; empty when the article couldn't be read
    also_in: tuple[str, ...] = ()
    published: datetime | None = None
    score: float = 0.0
    keys: tuple[str, ...] = ()  # identities of every item of the story, remembered once posted


@dataclass(frozen=True, slots=True)
class Digest:
    """One channel's digest, plus what to remember once it has been posted."""

    channel_id: str
    generated_at: datetime
    stories: tuple[DigestStory, ...]
    new_stories: int  # new stories found before taking the top N (the quiet rule's count)
    heading: str = "Tech digest"
    problems: tuple[str, ...] = ()  # "source: reason" for feeds/articles that were skipped
    feeds: int = 0  # feeds asked for
    feed_problems: tuple[str, ...] = ()  # "feed URL: reason" for those that could not be read
    seen_keys: frozenset[str] = field(default_factory=frozenset)  # of the stories posted only
    feed_states: tuple[FeedState, ...] = ()
    notices: tuple[str, ...] = ()  # feeds that keep failing, told to the channel once
    feeds_read: tuple[str, ...] = ()  # feed URLs that answered (their failing streak ends)
    feeds_failed: tuple[tuple[str, str], ...] = ()  # (feed URL, reason) of those that did not
    told: tuple[str, ...] = ()  # feed URLs whose ``notices`` this digest carries

    @property
    def nothing_read(self) -> bool:
        """Every feed failed and no story came from elsewhere (shared links)."""
        return self.feeds > 0 and len(self.feed_problems) >= self.feeds and not self.stories

    def is_quiet(self, min_stories: int) -> bool:
        """True when there are too few new stories to be worth a post."""
        return self.new_stories < max(1, min_stories)
