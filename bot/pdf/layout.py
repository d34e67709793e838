"""Page texts → an ``Article``: paragraphs rebuilt from lines, and a paper's abstract first.

PDF text comes as lines cut at the column's width, words hyphenated across lines, running
heads and page numbers on every page. Lines are joined back into paragraphs (a paragraph
ends where a line ends a sentence well short of the column's width, or at a heading); a paper's
key points come from its abstract and introduction when it has them (papers state their
contribution there), else from the body. Pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

from bot.errors import NoTextLayer, TooComplex
from bot.models import Article
from bot.pdf.reader import PdfText

MIN_TEXT_CHARS = 200  # less over all pages read: a scan, or a cover of pictures
INTRO_CHARS = 6_000  # of the introduction, after the abstract: enough for its claims

_HEADING_ABSTRACT = re.compile(
    r"(?i)^\s*(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\b[\s.:—–-]*"
)
_HEADING_INTRO = re.compile(r"(?i)^\s*(?:(?:1|I)\.?\s+)?introduction\b\s*$")
_HEADING_END_OF_ABSTRACT = re.compile(
    r"(?i)^\s*(?:(?:1|I)\.?\s+)?introduction\b|^\s*(?:keywords|key\s+words|index\s+terms|"
    r"ccs\s+concepts|acm\s+reference)\b"
)
# A numbered section heading: "2 Related Work", "II. METHOD", "3.1 Data".
_SECTION = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+[A-Z][^.!?]{0,80}$")
_SENTENCE_END = re.compile(r"[.!?:。！？][\"'”’)]*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_WORD_HYPHEN = re.compile(r"[^\W\d_]-$")
_UNTITLED = re.compile(r"(?i)^(?:untitled|microsoft\s+word\b|document\d*$)|\.(?:docx?|tex|pdf)$")


def pdf_article(pdf: PdfText, url: str | None = None) -> Article:
    """The readable text of a PDF as an ``Article``; ``NoTextLayer`` when it has none."""
    lines_by_page = [_clean_lines(page) for page in pdf.pages]
    repeated = _running_lines(lines_by_page)
    lines = [line for page in lines_by_page for line in page if line not in repeated]
    if sum(len(line) for line in lines) < MIN_TEXT_CHARS:
        # pages that failed (a stream over its limit, a broken one) are not a scan
        raise TooComplex() if pdf.unreadable else NoTextLayer()
    paragraphs = _paragraphs(lines)
    title = pdf.title if pdf.title and not _UNTITLED.search(pdf.title) else _first_line(lines)
    return Article(
        paragraphs=tuple(_key_part(paragraphs, title)),
        title=title,
        url=url,
        language=pdf.language,
        authors=_authors(pdf.author),
    )


def _clean_lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Running heads and footers: short lines repeated on most pages (from three pages on)."""
    if len(pages) < 3:
        return set()
    counts = Counter(line for page in pages for line in set(page[:2] + page[-2:]))
    return {line for line, n in counts.items() if n >= len(pages) / 2 and len(line) < 120}


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into paragraphs: a break after a line that ends a sentence well short of
    the usual width, and around headings; hyphenated words are joined again."""
    width = median(len(line) for line in lines) if lines else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if _PAGE_NUMBER.match(line):
            continue
        heading = _is_heading(line, width)
        if heading and current:
            paragraphs.append(current)
            current = ""
        if current and _WORD_HYPHEN.search(current):
            current = current[:-1] + line  # "compu-" + "ter"
        else:
            current = f"{current} {line}" if current else line
        if heading or (_SENTENCE_END.search(line) and len(line) < 0.8 * width):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_heading(line: str, width: float) -> bool:
    """A short line without a final stop that starts a section ("Abstract", "2 Method")."""
    if _HEADING_ABSTRACT.match(line) and len(line) < 0.6 * width:
        return True
    if _HEADING_INTRO.match(line) or (_HEADING_END_OF_ABSTRACT.match(line) and len(line) < 40):
        return True
    return bool(_SECTION.match(line)) and len(line) < 0.7 * width


def _key_part(paragraphs: list[str], title: str | None) -> list[str]:
    """Abstract, then the start of the introduction, when the document has an abstract;
    else the introduction when it has one; else everything (the body)."""
    start = next((i for i, p in enumerate(paragraphs) if _HEADING_ABSTRACT.match(p)), None)
    intro = next((i for i, p in enumerate(paragraphs) if _HEADING_INTRO.match(p)), None)
    if start is None and intro is None:
        return [p for p in paragraphs if p != title]
    chosen: list[str] = []
    if start is not None:
        first = _HEADING_ABSTRACT.sub("", paragraphs[start], count=1).strip()
        chosen += [first] if first else []
        for paragraph in paragraphs[start + 1 :]:
            if _HEADING_END_OF_ABSTRACT.match(paragraph) or _SECTION.match(paragraph):
                break
            chosen.append(paragraph)
    if intro is not None:
        size = 0
        for paragraph in paragraphs[intro + 1 :]:
            if _SECTION.match(paragraph) or size > INTRO_CHARS:
                break
            chosen.append(paragraph)
            size += len(paragraph)
    return chosen or [p for p in paragraphs if p != title]


def _first_line(lines: list[str]) -> str | None:
    """A title from the text: the first line that reads like one (not a date or a number)."""
    for line in lines[:5]:
        if 3 <= len(line.split()) <= 30 and not _PAGE_NUMBER.match(line):
            return line
    return None


def _authors(author: str | None) -> tuple[str, ...]:
    if not author:
        return ()
    names = re.split(r"\s*(?:;|,|\band\b|&)\s*", author)
    return tuple(name for name in names if name)
