"""Summary cache keyed by canonical URL (plus bullet count and method).

A summary is kept for a day by default; failures such as "paywalled" are kept briefly so a
link pasted in ten channels is fetched once, while a site that recovers is retried soon.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Article, Summary
from bot.store.db import Base
from bot.store.dialect import conflict_insert


@dataclass(frozen=True, slots=True)
class CachedFailure:
    """A failure remembered for a while: the ``KeypointsError`` reason and message."""

    reason: str
    message: str


class CachedSummary(Base):
    """One cached outcome for (canonical URL, bullets, method)."""

    __tablename__ = "slack_summary_cache"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    bullets: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "summary" or "failure"
    payload: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def summary_to_json(summary: Summary) -> str:
    """Serialise a summary (article metadata, paragraphs and bullets)."""
    return json.dumps(
        {
            "article": asdict(summary.article),
            "bullets": list(summary.bullets),
            "method": summary.method,
            "extras": summary.extras,
        }
    )


def summary_from_json(text: str) -> Summary:
    """Inverse of ``summary_to_json``."""
    data: dict[str, Any] = json.loads(text)
    article_fields = dict(data["article"])
    article_fields["paragraphs"] = tuple(article_fields["paragraphs"])
    article_fields["publisher_points"] = tuple(article_fields.get("publisher_points") or ())
    # absent in rows cached before papers had authors
    article_fields["authors"] = tuple(article_fields.get("authors") or ())
    return Summary(
        article=Article(**article_fields),
        bullets=tuple(data["bullets"]),
        method=data["method"],
        extras=dict(data.get("extras") or {}),
    )


async def get_cached(
    engine: AsyncEngine, url: str, bullets: int, method: str, *, now: float
) -> Summary | CachedFailure | None:
    """The unexpired outcome for the key, or None."""
    stmt = select(CachedSummary.kind, CachedSummary.payload).where(
        CachedSummary.url == url,
        CachedSummary.bullets == bullets,
        CachedSummary.method == method,
        CachedSummary.expires_at > now,
    )
    async with engine.connect() as conn:
        row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    kind, payload = row
    if kind == "failure":
        return CachedFailure(**json.loads(payload))
    return summary_from_json(payload)


async def any_cached_summary(
    engine: AsyncEngine, url: str, method: str, *, now: float
) -> Summary | None:
    """An unexpired summary of ``url`` at any bullet count (its article text lets the
    More / Fewer buttons re-summarise without fetching the page again), or None."""
    stmt = (
        select(CachedSummary.payload)
        .where(
            CachedSummary.url == url,
            CachedSummary.method == method,
            CachedSummary.kind == "summary",
            CachedSummary.expires_at > now,
        )
        .order_by(CachedSummary.expires_at.desc())
        .limit(1)
    )
    async with engine.connect() as conn:
        payload = (await conn.execute(stmt)).scalar_one_or_none()
    return None if payload is None else summary_from_json(payload)


async def put_cached(
    engine: AsyncEngine,
    urls: list[str],
    bullets: int,
    method: str,
    outcome: Summary | CachedFailure,
    ttl: float,
    *,
    now: float,
) -> None:
    """Remember ``outcome`` under each of ``urls`` (the posted and the canonical spelling)."""
    if ttl <= 0:
        return
    if isinstance(outcome, Summary):
        kind, payload = "summary", summary_to_json(outcome)
    else:
        kind, payload = "failure", json.dumps(asdict(outcome))
    expires_at = now + ttl
    table = CachedSummary.__table__
    async with engine.begin() as conn:
        for url in dict.fromkeys(urls):
            stmt = conflict_insert(conn, table).values(  # type: ignore[arg-type]
                url=url,
                bullets=bullets,
                method=method,
                kind=kind,
                payload=payload,
                expires_at=expires_at,
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["url", "bullets", "method"],
                set_={"kind": kind, "payload": payload, "expires_at": expires_at},
            )
            await conn.execute(stmt)


async def purge_expired(engine: AsyncEngine, *, now: float) -> int:
    """Delete expired entries; number removed."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(CachedSummary).where(CachedSummary.expires_at <= now))
    return int(result.rowcount or 0)
