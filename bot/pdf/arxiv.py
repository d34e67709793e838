"""arXiv links: any form of a paper's address → its abstract page, read for the paper.

The abstract page (``/abs/ID``) is cheaper and cleaner than the PDF: a few KB of HTML whose
``citation_*`` meta tags (the Highwire Press tags Google Scholar reads) carry the title, each
author and the abstract. ``/pdf/ID``, ``/html/ID`` and the old ``/pdf/ID.pdf`` all name the same
paper, so they are fetched as ``/abs/ID``. Pure functions.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import html as lxml_html

from bot.models import Article

_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
# "2401.01234", "2401.01234v2", old style "hep-th/9901001v1", "cs.AI/0101001"
_PAPER = re.compile(
    r"^/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)"
    r"(?:\.pdf)?/?$"
)


def arxiv_abstract_url(url: str) -> str | None:
    """The abstract page of the arXiv paper ``url`` names, or None for any other address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in _HOSTS:
        return None
    found = _PAPER.match(parts.path)
    return f"https://arxiv.org/abs/{found.group(1)}" if found else None


def arxiv_article(html: str, url: str) -> Article | None:
    """Title, authors and abstract from an arXiv abstract page; None when they are missing
    (the page changed shape: the generic extractor then reads it)."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None

    def meta(name: str) -> list[str]:
        values = tree.xpath(f'//meta[@name="{name}"]/@content')
        return [" ".join(str(value).split()) for value in values if str(value).strip()]

    titles = meta("citation_title")
    abstract = meta("citation_abstract") or _abstract_block(tree)
    if not titles or not abstract:
        return None
    return Article(
        paragraphs=tuple(abstract[:1]),
        title=titles[0],
        url=url,
        canonical_url=arxiv_abstract_url(url) or url,
        site_name="arXiv",
        published=_date(meta("citation_date") or meta("citation_online_date")),
        language="en",
        authors=tuple(meta("citation_author")),
    )


def _abstract_block(tree: lxml_html.HtmlElement) -> list[str]:
    blocks = tree.xpath('//blockquote[contains(@class, "abstract")]')
    if not blocks:
        return []
    text = " ".join(blocks[0].text_content().split())
    text = re.sub(r"^Abstract:\s*", "", text)
    return [text] if text else []


def _date(values: list[str]) -> str | None:
    """ "2024/01/03" → "2024-01-03"."""
    if not values:
        return None
    found = re.match(r"(\d{4})[/-](\d{2})[/-](\d{2})", values[0])
    return "-".join(found.groups()) if found else None
