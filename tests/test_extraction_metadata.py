"""Metadata reader against hostile JSON-LD: deep nesting and oversize blocks (issue 16, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml.html import fromstring

from bot.cli import main
from bot.extraction.metadata import MAX_JSON_LD_BLOCK, MAX_JSON_LD_OBJECTS, read_metadata

BODY = "".join(
    f"<p>Acme said on Tuesday that sales rose {n} percent in the third quarter of the year.</p>"
    for n in range(12)
)


def page(*json_ld: str, title: str = "Plain title") -> str:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in json_ld)
    return f"<html><head><title>{title}</title>{scripts}</head><body>{BODY}</body></html>"


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def headline(text: str) -> str:
    return json.dumps({"@type": "NewsArticle", "headline": text})


def test_400_kb_of_nested_arrays_is_ignored_not_a_recursion_error() -> None:
    """400 KB of nested JSON-LD arrays is skipped; the <title> still gives the title."""
    meta = read_metadata(fromstring(page(nested_arrays(200_000))))
    assert meta.title == "Plain title"


def test_small_but_too_deep_block_is_skipped_and_later_blocks_still_read() -> None:
    """A block nested deeper than the recursion limit (10 KB) is skipped; the next one counts."""
    meta = read_metadata(fromstring(page(nested_arrays(5_000), headline("From JSON-LD"))))
    assert meta.title == "From JSON-LD"


def test_oversize_block_is_not_parsed() -> None:
    """A JSON-LD block over the size cap is ignored even when it is valid."""
    big = json.dumps({"@type": "NewsArticle", "headline": "Huge", "pad": "x" * MAX_JSON_LD_BLOCK})
    assert read_metadata(fromstring(page(big))).title == "Plain title"


def test_object_walk_is_capped() -> None:
    """Only the first MAX_JSON_LD_OBJECTS objects are looked at, so a flood of them is cheap."""
    flood = json.dumps([{"@type": "Thing"}] * MAX_JSON_LD_OBJECTS + [json.loads(headline("Late"))])
    assert read_metadata(fromstring(page(flood))).title == "Plain title"


def test_summarize_of_a_nested_json_ld_page_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`keypoints summarize` of that page prints the summary (no traceback, exit 0)."""
    path = tmp_path / "nested.html"
    path.write_text(page(nested_arrays(200_000)), encoding="utf-8")
    assert main(["summarize", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Plain title\n• ") and "Traceback" not in err
