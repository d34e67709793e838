"""Plain data passed along the pipeline: extract → summarise → render.

Pure values, no behaviour beyond derived properties, so every stage can be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    """The readable part of a web page (or a plain text), as the summariser sees it."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    published: str | None = None  # ISO 8601 date, e.g. "2024-05-01"
    language: str | None = None  # ISO 639-1 code, e.g. "en"
    is_preview: bool = False  # only a teaser was readable (paywall, truncated page)
    # The publisher's own key-points list above the article, verbatim (not in ``paragraphs``).
    publisher_points: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # a paper's authors (arXiv, PDF metadata); pages leave it empty

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        """Word count of the body (whitespace-separated tokens)."""
        return sum(len(p.split()) for p in self.paragraphs)

    @property
    def reading_minutes(self) -> int:
        """Reading time at 230 words per minute, at least one minute."""
        return max(1, round(self.words / 230))


@dataclass(frozen=True, slots=True)
class Summary:
    """Key points of one article: sentences taken verbatim from it, in article order."""

    article: Article
    bullets: tuple[str, ...]
    method: str = "default"
    extras: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def bullets_requested(self) -> int:
        """How many bullets were asked for (``bot.summarize`` records it in ``extras``)."""
        requested = self.extras.get("bullets_requested", "")
        return int(requested) if requested.isdigit() else len(self.bullets)

    @property
    def bullets_note(self) -> str | None:
        """Why there are fewer bullets than requested; ``None`` when there are not."""
        return self.extras.get("bullets_note")

    @property
    def from_publisher(self) -> bool:
        """Whether the bullets are the publisher's own key points, not sentences we chose."""
        return self.extras.get("key_points_source") == "publisher"
