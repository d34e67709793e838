"""Digest configuration, read once from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

# Used when a channel has no feeds of its own; KEYPOINTS_DEFAULT_FEEDS replaces the whole list.
DEFAULT_FEEDS: tuple[str, ...] = (
    "https://news.ycombinator.com/rss",
    "https://feeds.arstechnica.com/arstechnica/index",
    "https://www.theverge.com/rss/index.xml",
    "https://techcrunch.com/feed/",
)


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """Knobs of the digest; defaults follow the product brief."""

    default_feeds: tuple[str, ...] = DEFAULT_FEEDS
    catch_up: timedelta = timedelta(hours=2)  # a run missed by less than this is still posted
    min_stories: int = 1  # quiet rule: no post with fewer new stories than this
    top_n: int = 5
    bullets: int = 3
    max_item_age: timedelta = timedelta(hours=48)  # older dated items are not "today's news"
    claim_lease: timedelta = timedelta(minutes=10)  # a crashed run is retried after this
    keep_seen: timedelta = timedelta(days=30)  # far beyond max_item_age, so nothing resurfaces
    max_attempts: int = 3  # a run that keeps failing is given up after this many claims
    title_similarity: float = 0.75  # token-set Jaccard at or above this means "same story"
    concurrency: int = 4  # feeds or articles fetched at once
    feed_max_items: int = 200  # entries read from one feed
    feed_parse_seconds: int = 2  # a feed whose parse takes longer is refused (bot.digest.parsing)
    per_source: int = 2  # stories of one source in one digest at most (0: no cap)
    max_lookback: timedelta = timedelta(days=7)  # "since the last digest" looks back this far
    feed_notice_after: int = 2  # a feed failing this many digests in a row is told (once)
    shared_read_ahead: int = 20  # most recent shared links read before ranking (404s dropped)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DigestSettings:
        """Settings from ``KEYPOINTS_*`` variables; unset or empty ones keep their default."""
        env = os.environ if env is None else env
        feeds = tuple(u for u in re.split(r"[\s,]+", env.get("KEYPOINTS_DEFAULT_FEEDS", "")) if u)
        return cls(
            default_feeds=feeds or DEFAULT_FEEDS,
            catch_up=timedelta(minutes=_int(env, "KEYPOINTS_DIGEST_CATCH_UP_MINUTES", 120)),
            min_stories=_int(env, "KEYPOINTS_DIGEST_MIN_STORIES", 1),
            top_n=_int(env, "KEYPOINTS_DIGEST_TOP_N", 5),
            bullets=_int(env, "KEYPOINTS_DIGEST_BULLETS", 3),
            feed_max_items=_int(env, "KEYPOINTS_FEED_MAX_ITEMS", 200),
            feed_parse_seconds=_int(env, "KEYPOINTS_FEED_PARSE_SECONDS", 2),
            per_source=_int(env, "KEYPOINTS_DIGEST_PER_SOURCE", 2),
            claim_lease=timedelta(seconds=_int(env, "KEYPOINTS_DIGEST_LEASE_SECONDS", 600)),
            feed_notice_after=max(1, _int(env, "KEYPOINTS_DIGEST_FEED_NOTICE_AFTER", 2)),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value
