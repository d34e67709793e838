"""What the recorded answers and votes say (``keypoints stats``): counts, reasons, sites.

Read-only queries over ``slack_replies`` and ``slack_reply_votes`` (``bot.store.replies``);
times there are on the bot's clock, and the window is given on the same clock (``since``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.replies import DOWN, FAILURE, SUMMARY, UP, ReplyRecord, ReplyVote


@dataclass
class SiteStats:
    """One site's answers, failures (by reason) and votes."""

    site: str
    answers: int = 0
    replies: int = 0
    failures: int = 0
    failure_reasons: dict[str, int] = field(default_factory=dict)
    up: int = 0
    down: int = 0

    @property
    def trouble(self) -> int:
        """How much this site needs fixing: failures plus 👎 (the sort key of the report)."""
        return self.failures + self.down


@dataclass
class Stats:
    answers: int = 0  # summaries and failures, posted or not
    replies_posted: int = 0  # summaries that reached Slack
    failures: int = 0
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    cached: int = 0
    removed: int = 0
    up: int = 0
    down: int = 0
    median_seconds_to_reply: float | None = None
    sites: list[SiteStats] = field(default_factory=list)  # most trouble first

    @property
    def cache_hit_rate(self) -> float | None:
        """Share of answers that came from the cache (None with no answers)."""
        return self.cached / self.answers if self.answers else None


async def gather_stats(engine: AsyncEngine, *, since: float, team_id: str | None = None) -> Stats:
    """The stats of the answers recorded at or after ``since`` (and the votes on them); of
    one workspace given ``team_id`` (the App Home), else of all."""
    r, v = ReplyRecord, ReplyVote
    scope = [r.created_at >= since] + ([r.team_id == team_id] if team_id is not None else [])
    outcomes = (
        select(
            r.site,
            r.kind,
            r.reason,
            r.cached,
            func.count().label("n"),
            func.count(r.posted_at).label("posted"),
            func.count(r.removed_at).label("removed"),
        )
        .where(*scope)
        .group_by(r.site, r.kind, r.reason, r.cached)
    )
    votes = (
        select(r.site, v.vote, func.count())
        .join(r, r.reply_id == v.reply_id)
        .where(*scope)
        .group_by(r.site, v.vote)
    )
    delays = select(r.posted_at - r.received_at).where(*scope, r.posted_at.is_not(None))
    async with engine.connect() as conn:
        outcome_rows = (await conn.execute(outcomes)).all()
        vote_rows = (await conn.execute(votes)).all()
        delay_values = [float(d) for (d,) in (await conn.execute(delays)).all() if d is not None]
    stats = Stats()
    sites: dict[str, SiteStats] = {}
    for site, kind, reason, cached, n, posted, removed in outcome_rows:
        one = sites.setdefault(site, SiteStats(site))
        stats.answers += n
        one.answers += n
        stats.cached += n if cached else 0
        stats.removed += removed
        if kind == SUMMARY:
            stats.replies_posted += posted
            one.replies += posted
        elif kind == FAILURE:
            why = reason or "unknown"
            stats.failures += n
            one.failures += n
            stats.failures_by_reason[why] = stats.failures_by_reason.get(why, 0) + n
            one.failure_reasons[why] = one.failure_reasons.get(why, 0) + n
    for site, vote, n in vote_rows:
        one = sites.setdefault(site, SiteStats(site))
        if vote == UP:
            one.up += n
            stats.up += n
        elif vote == DOWN:
            one.down += n
            stats.down += n
    if delay_values:
        stats.median_seconds_to_reply = statistics.median(delay_values)
    stats.sites = sorted(sites.values(), key=lambda s: (-s.trouble, -s.answers, s.site))
    return stats
