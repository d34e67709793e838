"""The URL and decoding rules on the real pages of the extraction benchmark (../shared/data)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from yarl import URL

from bot.fetch import canonicalize_url
from bot.fetch.decode import decode_body, sniff_binary
from bot.fetch.urls import declared_canonicals

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction"

pytestmark = pytest.mark.skipif(
    not (DATA / "ground-truth.json").exists(),
    reason=f"extraction benchmark data not found at {DATA}",
)


def pages() -> list[tuple[str, bytes]]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (row["url"], gzip.decompress((DATA / "html" / f"{pid}.html.gz").read_bytes()))
        for pid, row in truth.items()
    ]


def test_real_pages_decode_exactly_even_under_a_wrong_label() -> None:
    """Benchmark pages decode exactly with no label or a false Latin-1 one; none is binary."""
    for url, raw in pages():
        expected = raw.decode("utf-8")
        assert sniff_binary(raw[:1024]) is None, url
        assert decode_body(raw, None) == expected, url
        assert decode_body(raw, "iso-8859-1") == expected, url


def test_real_page_canonicals_stay_on_the_page_site() -> None:
    """Canonical keys stay http(s) on the page's own host family; most pages declare one."""
    declaring = 0
    corpus = pages()
    for url, raw in corpus:
        html = raw.decode("utf-8")
        declaring += bool(declared_canonicals(html))
        key = URL(canonicalize_url(url, html))
        own = URL(url)
        assert key.scheme in ("http", "https") and key.fragment == "", url
        assert own.raw_host and key.raw_host, url
        own_site = ".".join(own.raw_host.split(".")[-2:])
        assert key.raw_host.endswith(own_site), (url, str(key))
    assert declaring >= len(corpus) * 0.8
