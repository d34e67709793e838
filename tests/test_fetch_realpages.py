"""The URL and decoding rules on the real pages of the extraction benchmark (../shared/data)."""

from __future__ import annotations

import pytest
from fakes.evaluation_data import HAS_EXTRACTION, NO_EXTRACTION, extraction_pages
from yarl import URL

from bot.fetch import canonicalize_url
from bot.fetch.decode import decode_body, sniff_binary
from bot.fetch.urls import declared_canonicals

pytestmark = pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)


def pages() -> list[tuple[str, bytes]]:
    return [(page.url, page.raw) for page in extraction_pages()]


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
