"""Article links in a Slack message payload (pure: dict in, URLs out).

Slack gives links twice: as ``link`` elements of ``rich_text`` blocks (what the client sent)
and as ``<url|label>`` in ``text``. Blocks are preferred, text is the fallback (bots and older
clients send no blocks). Slack's own links, mentions and images are never articles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

# <https://example.com/a|label> or <https://example.com/a>; mentions (<@U1>, <#C1>, <!here>)
# never start with a scheme, so they do not match.
_ANGLE_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
# Bare links appear in slash-command text and in the offline console.
_BARE_LINK = re.compile(r"(?<![<|\w])https?://[^\s<>|]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""

_SLACK_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com", "slack-redir.net")
_IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".svg",
    ".bmp",
    ".ico",
    ".tif",
    ".tiff",
    ".avif",
    ".heic",
)


def links_in_message(message: Mapping[str, Any], limit: int = 5) -> list[str]:
    """Up to ``limit`` article URLs of a message event, in order, without duplicates."""
    urls = list(_links_in_blocks(message.get("blocks") or []))
    if not urls:
        urls = links_in_text(str(message.get("text") or ""), limit=limit)
    return _select(urls, limit)


def links_in_text(text: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` article URLs in message text: ``<url|label>``, ``<url>`` or bare."""
    urls = [html.unescape(m.group(1)) for m in _ANGLE_LINK.finditer(text)]
    without_angles = _ANGLE_LINK.sub(" ", text)
    urls += [
        _strip_trailing(html.unescape(m.group(0))) for m in _BARE_LINK.finditer(without_angles)
    ]
    return _select(urls, limit)


def is_article_candidate(url: str) -> bool:
    """False for Slack's own links, non-http(s) links and direct image links."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    if any(host == h or host.endswith("." + h) for h in _SLACK_HOSTS):
        return False
    return not parts.path.lower().endswith(_IMAGE_SUFFIXES)


def _links_in_blocks(blocks: list[Any]) -> Iterator[str]:
    """``link`` elements anywhere inside ``rich_text`` blocks (sections, lists, quotes)."""
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "rich_text":
            yield from _links_in_elements(block.get("elements") or [])


def _links_in_elements(elements: list[Any]) -> Iterator[str]:
    for element in elements:
        if not isinstance(element, dict):
            continue
        if element.get("type") == "link" and isinstance(element.get("url"), str):
            yield element["url"]
        yield from _links_in_elements(element.get("elements") or [])


def _strip_trailing(url: str) -> str:
    # "see https://x.com/a." — the full stop ends the sentence, not the URL.
    while url and url[-1] in _TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # keep balanced parentheses, e.g. Wikipedia links
        url = url[:-1]
    return url


def _select(urls: list[str], limit: int) -> list[str]:
    chosen = [u for u in dict.fromkeys(u.strip() for u in urls) if is_article_candidate(u)]
    return chosen[:limit]
