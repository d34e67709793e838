"""``keypoints stats`` output: a short text report, or one JSON object. Pure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.store.stats import SiteStats, Stats

SITES_SHOWN = 15  # the text report's table; --json lists every site


def stats_json(stats: Stats, *, days: int, since: float) -> str:
    """One JSON object; sites with the most failures plus 👎 first."""
    data: dict[str, Any] = {
        "days": days,
        "since": _iso(since),
        "answers": stats.answers,
        "replies_posted": stats.replies_posted,
        "failures": stats.failures,
        "failures_by_reason": dict(sorted(stats.failures_by_reason.items(), key=_most)),
        "votes": {"up": stats.up, "down": stats.down},
        "removed": stats.removed,
        "cache_hit_rate": None if stats.cache_hit_rate is None else round(stats.cache_hit_rate, 4),
        "median_seconds_to_reply": _round(stats.median_seconds_to_reply),
        "sites": [
            {
                "site": s.site,
                "answers": s.answers,
                "replies_posted": s.replies,
                "failures": s.failures,
                "failure_reasons": dict(sorted(s.failure_reasons.items(), key=_most)),
                "up": s.up,
                "down": s.down,
            }
            for s in stats.sites
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def stats_text(stats: Stats, *, days: int, since: float) -> str:
    """The report people read: totals, then the sites to fix first."""
    span = "day" if days == 1 else f"{days} days"
    lines = [f"Keypoints, last {span} (since {_iso(since)})"]
    if not stats.answers:
        lines.append("No links answered in this period.")
        return "\n".join(lines)
    reasons = " · ".join(f"{r} {n}" for r, n in sorted(stats.failures_by_reason.items(), key=_most))
    rate = stats.cache_hit_rate or 0.0
    median = stats.median_seconds_to_reply
    rows = [
        ("links answered", str(stats.answers)),
        ("replies posted", str(stats.replies_posted)),
        ("failures", f"{stats.failures}" + (f"  ({reasons})" if reasons else "")),
        ("votes", f"👍 {stats.up} · 👎 {stats.down}"),
        ("replies removed", str(stats.removed)),
        ("message → reply, median", "–" if median is None else f"{median:.1f} s"),
        ("cache hit rate", f"{rate:.0%} ({stats.cached} of {stats.answers})"),
    ]
    lines += [f"  {name:<24} {value}" for name, value in rows]
    trouble = [s for s in stats.sites if s.trouble][:SITES_SHOWN]
    if trouble:
        lines += ["", "Sites to fix first (most failures plus 👎):"]
        lines.append(
            f"  {'site':<32} {'answers':>7} {'failures':>8} {'👎':>3} {'👍':>3}  main reason"
        )
        lines += [_site_line(s) for s in trouble]
    return "\n".join(lines)


def _site_line(site: SiteStats) -> str:
    top = max(site.failure_reasons.items(), key=lambda kv: kv[1], default=None)
    reason = f"{top[0]} ({top[1]})" if top else ""
    name = site.site if len(site.site) <= 32 else site.site[:31] + "…"
    return (
        f"  {name:<32} {site.answers:>7} {site.failures:>8} {site.down:>4} {site.up:>4}  {reason}"
    ).rstrip()


def _most(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
