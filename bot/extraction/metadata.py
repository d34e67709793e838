"""Article metadata from what the page declares: meta tags, JSON-LD, ``<link>``, ``<html lang>``.

trafilatura's own metadata pass costs about half as much as its whole text extraction
(mostly an extensive date search), so we read only the fields an ``Article`` carries, from the
declarations publishers fill in for search engines and social cards. A page that declares no
publication date gets the one its ``<time datetime>`` elements or its address give
(``/2024/05/01/``), both cheap to read; ``htmldate``'s search of the page text (fast mode) runs
only when the caller asks for it (``guess_date``): it cost a twentieth of
``trafilatura.extract``'s time on trafilatura's evaluation set, where two pages in five
declare no date, and nothing in the bot reads the date yet (issue 17).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

from bot.extraction.blocks import normalize_space

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# A date in the page's address as news sites write it: /2024/05/01/ or /2024-05-01-slug.
_URL_DATE = re.compile(r"/(\d{4})[/-](\d{2})[/-](\d{2})(?=[/_.-]|$)")
MAX_TIME_ELEMENTS = 50  # <time> elements read for a date; comments and lists have many
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")
# Meta keys (``property`` or ``name``, lower-cased) that publishers use for the first
# publication date, most specific first.
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
)
# JSON-LD types whose fields describe the article itself (a WebPage or Organization may also
# carry a "name" or a date, so they only fill fields an article object left empty).
_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|Review|NewsArticle|Posting", re.I)
# Titles are often "Headline | Site" or "Headline - Site"; split at the last such separator.
_TITLE_SEPARATOR = re.compile(r"\s+[|–—\-·:»]\s+(?=[^|–—\-·:»]+$)")
# JSON-LD is a few KB on real pages (articleBody copies reach ~100 KB); a larger block, or
# more of them than this in total, is not metadata worth the parse time, so it is skipped.
MAX_JSON_LD_BLOCK = 256_000  # characters of one <script type="application/ld+json">
MAX_JSON_LD_TOTAL = 1_000_000  # characters of JSON-LD read per page
MAX_JSON_LD_OBJECTS = 1_000  # objects looked at per page


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """The fields an ``Article`` takes from the page, plus the title variants seen on it."""

    title: str | None = None
    site_name: str | None = None
    published: str | None = None  # ISO 8601 date
    language: str | None = None  # ISO 639-1 (or -3) code
    canonical_url: str | None = None
    title_variants: tuple[str, ...] = ()  # <title>, og/twitter title, JSON-LD headline, <h1>s
    descriptions: tuple[str, ...] = ()  # description, og:description, twitter:description


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``property``/``name``/``itemprop``/``http-equiv`` (lower-cased) → content; first wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attribute)
            if key:
                found.setdefault(key.strip().lower(), content.strip())
    return found


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts, ``@graph`` members included, within
    the size and count caps above (the walk is iterative, so nesting depth costs no stack)."""
    budget, objects = MAX_JSON_LD_TOTAL, 0
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        text = script.text
        if len(text) > MAX_JSON_LD_BLOCK or len(text) > budget:
            continue
        budget -= len(text)
        try:
            data = json.loads(text)
        # broken JSON-LD is common; nesting deeper than the interpreter's recursion limit
        # makes the json module raise RecursionError, which is just as unreadable
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects += 1
                if objects > MAX_JSON_LD_OBJECTS:
                    return
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def _json_ld_fields(tree: HtmlElement) -> dict[str, str]:
    """headline, datePublished, publisher name, inLanguage; article objects take precedence."""
    article: dict[str, str] = {}
    other: dict[str, str] = {}
    for obj in _json_ld_objects(tree):
        kind = obj.get("@type")
        kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
        target = article if _ARTICLE_TYPES.search(kinds) else other
        publisher = obj.get("publisher")
        candidates = {
            "headline": obj.get("headline"),
            "datePublished": obj.get("datePublished"),
            "inLanguage": obj.get("inLanguage"),
            "publisher": publisher.get("name") if isinstance(publisher, dict) else None,
        }
        for key, value in candidates.items():
            if isinstance(value, str) and value.strip():
                target.setdefault(key, value.strip())
    return {**other, **article}


def _iso_date(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` date at the start of an ISO 8601 value, if it is one."""
    match = _ISO_DATE.match(value.strip()) if value else None
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return match.group(0)


def _language(*values: str | None) -> str | None:
    """First value that looks like a language tag, reduced to its primary subtag."""
    for value in values:
        match = _LANGUAGE.match(value.strip()) if value else None
        if match:
            return match.group(1).lower()
    return None


def _canonical(tree: HtmlElement, metas: dict[str, str], url: str | None) -> str | None:
    """``rel=canonical`` (or ``og:url``) resolved against the page URL; http(s) only."""
    href = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            href = link.get("href")
            break
    href = href or metas.get("og:url")
    if not href:
        return None
    resolved = urljoin(url or "", href.strip())
    return resolved if urlsplit(resolved).scheme in ("http", "https") else None


def _clean_title(title: str, site_name: str | None) -> str:
    """``<title>`` without a trailing " | Site" part when that part is the site's name."""
    parts = _TITLE_SEPARATOR.split(title, maxsplit=1)
    if len(parts) == 2 and site_name and parts[1].strip().lower() in site_name.lower():
        return parts[0].strip()
    return title


def _time_date(tree: HtmlElement) -> str | None:
    """The earliest date among the page's ``<time datetime>`` elements (the first ones): a
    page shows when the story was published, sometimes when it was updated, seldom earlier."""
    dates = [
        date
        for time in islice(tree.iter("time"), MAX_TIME_ELEMENTS)
        if (date := _iso_date(time.get("datetime")))
    ]
    return min(dates) if dates else None


def _url_date(url: str | None) -> str | None:
    """The date in the page's address (``/2024/05/01/story``), if it has one."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    return _iso_date("-".join(match.groups())) if match else None


def _guess_date(tree: HtmlElement, url: str | None) -> str | None:
    """htmldate's fast heuristics (URL, visible dates); the date is optional, so never fatal."""
    try:
        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception:  # a third-party heuristic must not sink the whole extraction
        return None
    return _iso_date(found) if isinstance(found, str) else None


def read_metadata(
    tree: HtmlElement, url: str | None = None, *, guess_date: bool = False
) -> PageMetadata:
    """Metadata of the page in ``tree`` (not mutated); ``url`` resolves relative links.
    ``guess_date``: when neither the declarations, the ``<time>`` elements nor the address
    give a date, search the page text for one (``htmldate``; slower)."""
    metas = _meta_tags(tree)
    ld = _json_ld_fields(tree)
    html_title = normalize_space(tree.findtext(".//title") or "")
    h1s = [normalize_space(h.text_content()) for h in tree.iter("h1")][:3]
    site_name = metas.get("og:site_name") or ld.get("publisher") or metas.get("application-name")

    declared = metas.get("og:title") or metas.get("twitter:title") or ld.get("headline")
    only_h1 = h1s[0] if len(h1s) == 1 and h1s[0] else None
    title = declared or only_h1 or (_clean_title(html_title, site_name) if html_title else None)

    published = next(
        (d for d in (_iso_date(metas.get(k)) for k in _DATE_KEYS) if d), None
    ) or _iso_date(ld.get("datePublished"))
    published = published or _time_date(tree) or _url_date(url)
    if published is None and guess_date:
        published = _guess_date(tree, url)

    root = tree.getroottree().getroot()
    language = _language(
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        metas.get("content-language"),
        metas.get("og:locale"),
        ld.get("inLanguage"),
    )
    variants = (html_title, metas.get("og:title"), metas.get("twitter:title"), ld.get("headline"))
    return PageMetadata(
        title=normalize_space(title) if title else None,
        site_name=normalize_space(site_name) if site_name else None,
        published=published,
        language=language,
        canonical_url=_canonical(tree, metas, url),
        title_variants=tuple(normalize_space(v) for v in (*variants, *h1s) if v and v.strip()),
        descriptions=tuple(
            dict.fromkeys(
                normalize_space(metas[key])
                for key in ("description", "og:description", "twitter:description")
                if key in metas
            )
        ),
    )
