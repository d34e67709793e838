"""Slack messages for summaries and failures: Block Kit blocks plus a plain ``text`` fallback.

Everything taken from a web page is escaped where Slack parses markup (``mrkdwn`` and
``text``), so a page cannot ping (``<!channel>``, ``<@U…>``) or forge links; mrkdwn has no
escape for its formatting marks, so ``*``, ``_``, ``~`` and backticks from a page are shown as
lookalikes (a title cannot bold, strike or code-format itself or break out of the bold
heading). Bullets go in a ``rich_text`` list whose ``text`` elements Slack shows literally:
mentions there would need their own element types, which we never emit, so no escaping is
needed (or wanted: it would show ``&amp;`` to readers). Bidi controls and zero-width
characters are removed from all of it (``bot.text.invisible``), so what a reader sees is what
the page said, in its order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.models import Summary
from bot.summarize.links import bullet_links
from bot.text.invisible import strip_invisible

GENERIC_FAILURE = "Sorry, something went wrong while reading that link. Please try again later."

_TITLE_LIMIT = 250
_BULLET_LIMIT = 1200
SOURCE_LINK_LABEL = "↗"  # the small link after each bullet to its sentence in the article
# Slack's mrkdwn formatting marks → lookalikes that format nothing (mrkdwn has no escape).
_MRKDWN_MARKS = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What ``chat.postMessage`` gets: notification text, optional blocks, and optional
    message metadata (``{"event_type": …, "event_payload": {…}}``, invisible to people)."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None


def escape(text: str) -> str:
    """Slack's escaping for ``mrkdwn`` and ``text``: ``&``, ``<`` and ``>`` only."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def page_text(text: str) -> str:
    """Text from a page, for a ``mrkdwn`` or ``text`` field: shown literally, never as markup
    or mentions, without invisible characters."""
    return escape(strip_invisible(text).translate(_MRKDWN_MARKS))


def safe_link_target(url: str) -> str:
    """``url`` with the characters that would end or split ``<url|label>`` percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def summary_message(summary: Summary, posted_url: str) -> SlackMessage:
    """Title linked to the article, bullet list, and a context line."""
    article = summary.article
    url = article.canonical_url or article.url or posted_url
    title = page_text(_clip(article.title or url, _TITLE_LIMIT))
    heading = f"*<{safe_link_target(url)}|{title}>*"
    bullets = [_clip(b, _BULLET_LIMIT) for b in summary.bullets]
    links = bullet_links(summary, posted_url)
    context = context_line(summary)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": heading}},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [
                        {"type": "rich_text_section", "elements": _bullet_elements(b, link)}
                        for b, link in zip(bullets, links, strict=True)
                    ],
                }
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": page_text(context)}]},
    ]
    text = "\n".join([f"Key points: {title}", *(f"• {page_text(b)}" for b in bullets)])
    return SlackMessage(text=text, blocks=blocks)


def _bullet_elements(bullet: str, link: str | None) -> list[dict[str, Any]]:
    """The bullet's text, then a small link to its sentence in the article (not the whole
    bullet in link blue: the bullet stays readable, the link is there to check it)."""
    elements: list[dict[str, Any]] = [{"type": "text", "text": bullet}]
    if link:
        elements.append({"type": "text", "text": " "})
        elements.append({"type": "link", "url": link, "text": SOURCE_LINK_LABEL})
    return elements


def context_line(summary: Summary) -> str:
    """``site · N min read``, "the publisher's key points" when the bullets are theirs, and,
    when only a teaser was readable, a note saying so."""
    article = summary.article
    parts = [article.site_name] if article.site_name else []
    if article.authors:  # papers: who wrote it matters as much as where
        parts.append(authors_line(article.authors))
    parts.append(f"{article.reading_minutes} min read")
    if summary.from_publisher:
        parts.append("the publisher's key points")
    if article.is_preview:
        parts.append("⚠ preview only: the rest of the article was not readable")
    return " · ".join(parts)


def authors_line(authors: tuple[str, ...], shown: int = 3) -> str:
    """Authors as a reply shows them: "A, B and C", or "A, B, C et al." past ``shown``."""
    if len(authors) > shown:
        return ", ".join(authors[:shown]) + " et al."
    return " and ".join([", ".join(authors[:-1]), authors[-1]]) if len(authors) > 1 else authors[0]


def failure_message(message: str, url: str | None = None) -> SlackMessage:
    """A short honest line: what failed and for which link."""
    if url:
        return SlackMessage(text=f":warning: <{safe_link_target(url)}>: {escape(message)}")
    return SlackMessage(text=f":warning: {escape(message)}")


def notice_message(text: str) -> SlackMessage:
    """A plain informational reply (help, settings changed); ``text`` is trusted mrkdwn."""
    return SlackMessage(text=text)


def as_plain_text(text: str, blocks: list[dict[str, Any]] | None) -> str:
    """How a message reads in a terminal: title, ``• bullet`` lines, context (for the console)."""
    if not blocks:
        return _unescape(_unlink(text))
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            lines.append(_unescape(_unlink(str(block["text"]["text"]).strip("*"))))
        elif kind == "rich_text":
            for element in block.get("elements", []):
                for item in element.get("elements", []):
                    parts = [e for e in item.get("elements", []) if e.get("type") == "text"]
                    words = "".join(str(e.get("text", "")) for e in parts).rstrip()
                    lines.append(f"• {words}")
        elif kind == "context":
            lines.append(" ".join(_unescape(str(e.get("text", ""))) for e in block["elements"]))
    return "\n".join(lines)


def _unlink(text: str) -> str:
    """``<url|label>`` → ``label (url)`` and ``<url>`` → ``url``."""
    text = re.sub(r"<(https?://[^|>]+)\|([^>]*)>", r"\2 (\1)", text)
    return re.sub(r"<(https?://[^>]+)>", r"\1", text)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _clip(text: str, limit: int) -> str:
    text = " ".join(strip_invisible(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
