"""Article links in a Slack message payload (pure: dict in, URLs out).

Slack gives links twice: as ``link`` elements of ``rich_text`` blocks (what the client sent)
and as ``<url|label>`` in ``text``. Blocks are preferred, text is the fallback (bots and older
clients send no blocks). Slack's own links, mentions and images are never articles.

Links inside code (an inline code span or a code block) are usually examples, not reading,
especially in developer channels: with ``code=False`` (auto mode) they are skipped; an explicit
request (mention, reaction, shortcut) passes ``code=True`` and gets them too. Bare links lose
the markdown marks and punctuation written around them: in ``*https://x.com/a*``,
```` `https://x.com/a` ```` or ``(see https://x.com/a).`` the link is ``https://x.com/a``.
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
# A backtick never belongs to a URL (it must be percent-encoded), so it always ends one.
# Not glued to a word ("xhttps://"), but "_" may open an italic link.
_BARE_LINK = re.compile(r"(?<![<|])(?<![^\W_])https?://[^\s<>|`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"*~"
_EMPHASIS_MARKS = "*_~"  # mrkdwn/markdown bold, italic, strike: "_https://x.com/a_"
_CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]+`")

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


def links_in_message(
    message: Mapping[str, Any], limit: int | None = 5, *, code: bool = True
) -> list[str]:
    """Up to ``limit`` (None: all) article URLs of a message event, in order, without
    duplicates; links inside code only with ``code``."""
    urls = list(_links_in_blocks(message.get("blocks") or [], code))
    if not urls:
        urls = links_in_text(str(message.get("text") or ""), limit=None, code=code)
    return _select(urls, limit)


def links_in_text(text: str, limit: int | None = 5, *, code: bool = True) -> list[str]:
    """Up to ``limit`` (None: all) article URLs in message text: ``<url|label>``, ``<url>``
    or bare; inside code spans and blocks only with ``code``."""
    if not code:
        text = _CODE_SPAN.sub(" ", _CODE_BLOCK.sub(" ", text))
    found = [(m.start(), html.unescape(m.group(1))) for m in _ANGLE_LINK.finditer(text)]
    without_angles = _ANGLE_LINK.sub(lambda m: " " * len(m.group(0)), text)
    for m in _BARE_LINK.finditer(without_angles):
        opener = without_angles[m.start() - 1] if m.start() else ""
        found.append((m.start(), _strip_trailing(html.unescape(m.group(0)), opener)))
    return _select([url for _, url in sorted(found)], limit)


def unwrap_link(word: str) -> str:
    """Slack sends links in command text as ``<https://…>`` or ``<https://…|label>``, with
    ``&``, ``<`` and ``>`` escaped as entities: the URL as the user wrote it. The slash
    commands and the settings form's feed box both read addresses through this."""
    if word.startswith("<") and word.endswith(">"):
        word = word[1:-1].split("|", 1)[0]
    # Slack escapes exactly these three; "&amp;" last, so "&amp;lt;" stays "&lt;".
    return word.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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


def _links_in_blocks(blocks: list[Any], code: bool) -> Iterator[str]:
    """``link`` elements anywhere inside ``rich_text`` blocks (sections, lists, quotes); with
    ``code``, also links in code blocks and inline code (which Slack sends as plain text)."""
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "rich_text":
            yield from _links_in_elements(block.get("elements") or [], code, in_code=False)


def _links_in_elements(elements: list[Any], code: bool, *, in_code: bool) -> Iterator[str]:
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        styled_code = bool((element.get("style") or {}).get("code"))
        inside = in_code or kind == "rich_text_preformatted" or styled_code
        if inside and not code:
            continue
        if kind == "link" and isinstance(element.get("url"), str):
            yield element["url"]
        elif kind == "text" and inside and isinstance(element.get("text"), str):
            yield from links_in_text(element["text"], limit=None)
        yield from _links_in_elements(element.get("elements") or [], code, in_code=inside)


def _strip_trailing(url: str, opener: str = "") -> str:
    # "see https://x.com/a." — the full stop ends the sentence, not the URL; "*x.com/a*" and
    # "_x.com/a_" end before the closing mark ("_" only when one opened: URLs may hold it).
    marks = _TRAILING_PUNCTUATION + (opener if opener in _EMPHASIS_MARKS else "")
    while url and url[-1] in marks:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # keep balanced parentheses, e.g. Wikipedia links
        url = url[:-1]
    return url


def _select(urls: list[str], limit: int | None) -> list[str]:
    chosen = [u for u in dict.fromkeys(u.strip() for u in urls) if is_article_candidate(u)]
    return chosen if limit is None else chosen[:limit]
