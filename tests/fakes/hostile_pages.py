"""Pages shaped to make extraction and summarising slow or hungry (pure builders, no I/O).

Each one fits the fetcher's 5 MB cap and compresses to almost nothing, so it is cheap for
anyone to serve; issue 16 measured each costing from 14 s to over 300 s before the caps and the
worker budget. ``SHAPES`` maps a short name to its builder, for the tests and
``bench/bench_hostile.py``.
"""

from __future__ import annotations

from collections.abc import Callable

CAP = 5_000_000  # the fetcher's body cap, in bytes (ASCII pages: also characters)
_HEAD = "<!doctype html><html><head><meta charset='utf-8'><title>Hostile</title></head><body>"
_TAIL = "</body></html>"


def _fill(unit: str, budget: int = CAP - 2_000) -> str:
    """``unit`` repeated as often as fits in ``budget`` characters."""
    return unit * (budget // len(unit))


def many_paragraphs(count: int = 200_000) -> str:
    """200,000 ``<p>Hi.</p>``: 2.2 MB, 4 KB gzipped; one tiny sentence each."""
    return _HEAD + "<p>Hi.</p>" * count + _TAIL


def table_rows() -> str:
    """4.35 MB of table rows, each with a few short cells."""
    row = "<tr><td>Cell one.</td><td>Cell two</td><td>3</td></tr>"
    return _HEAD + "<table>" + _fill(row, 4_350_000) + "</table>" + _TAIL


def one_long_sentence() -> str:
    """5 MB of words with no punctuation, in a single paragraph."""
    return _HEAD + "<article><p>" + _fill("word ", CAP - 200) + "</p></article>" + _TAIL


def many_meta_tags(count: int = 60_000) -> str:
    """60,000 ``<meta>`` tags in the head, each a different name, then a short article."""
    metas = "".join(f'<meta name="k{i}" content="value {i}">' for i in range(count))
    return (
        "<!doctype html><html><head><title>Hostile</title>"
        + metas
        + "</head><body><article><p>"
        + "The council approved the plan on Monday after a long debate. " * 5
        + "</p></article>"
        + _TAIL
    )


def huge_attribute() -> str:
    """One 4.8 MB ``class`` attribute on a paragraph of an otherwise normal page."""
    value = _fill("a ", 4_800_000)
    return (
        _HEAD
        + f'<article><div class="{value}"><p>'
        + "The council approved the plan on Monday after a long debate. " * 5
        + "</p></div></article>"
        + _TAIL
    )


def deep_nesting(depth: int = 200_000) -> str:
    """200,000 nested ``<div>``s around one paragraph."""
    return _HEAD + "<div>" * depth + "<p>Deep text here.</p>" + "</div>" * depth + _TAIL


def many_links(count: int = 100_000) -> str:
    """100,000 anchors inside one paragraph (the link index and link-density checks)."""
    anchors = '<a href="/x">Read more here</a> ' * count
    return _HEAD + "<article><p>" + anchors + "</p></article>" + _TAIL


def dots_without_space() -> str:
    """5 MB of ``.`` then a letter: a sentence-mark run that never ends a sentence."""
    return _HEAD + "<article><p>" + "." * (CAP - 200) + "x</p></article>" + _TAIL


def lines_without_spaces() -> str:
    """5 MB of ``Hi.`` lines: sentence marks separated only by newlines (no space to find)."""
    return _HEAD + "<article><pre>" + _fill("Hi.\n", CAP - 200) + "</pre></article>" + _TAIL


def prose_at_the_caps() -> str:
    """As much ordinary prose as the caps let through: 19,000 paragraphs of 105 characters."""
    paragraphs = "".join(
        f"<p>The council approved rail plan {i} on Monday after a long debate in the town. "
        f"Officials said work on section {i} would start soon.</p>"
        for i in range(19_000)
    )
    return _HEAD + "<article>" + paragraphs + "</article>" + _TAIL


SHAPES: dict[str, Callable[[], str]] = {
    "many_paragraphs": many_paragraphs,
    "table_rows": table_rows,
    "one_long_sentence": one_long_sentence,
    "many_meta_tags": many_meta_tags,
    "huge_attribute": huge_attribute,
    "deep_nesting": deep_nesting,
    "many_links": many_links,
    "dots_without_space": dots_without_space,
    "lines_without_spaces": lines_without_spaces,
    "prose_at_the_caps": prose_at_the_caps,
}
