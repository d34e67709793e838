"""Body sniffing and decoding: declared types and charsets are checked against the bytes."""

from __future__ import annotations

import codecs
import gzip

import pytest

from bot.fetch.decode import body_fits, declared_type_fits, decode_body, media_type, sniff_binary

TEXT = "Café à la carte, naïve — “quoted”."


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00", "PNG"),
        (b"\xff\xd8\xff\xe0", "JPEG"),
        (b"GIF89a", "GIF"),
        (b"PK\x03\x04", "ZIP"),
        (gzip.compress(b"<html>", mtime=0), "gzip"),  # no timestamp: same id on every worker
        (b"<html>\x00</html>", "binary"),
        (b"  \n%PDF-1.4", "PDF"),
    ],
)
def test_binary_bodies_are_named(head: bytes, expected: str) -> None:
    """Known magic numbers and NUL bytes are recognised as binary."""
    assert sniff_binary(head) == expected


@pytest.mark.parametrize(
    "head",
    [b"<!doctype html><html>", TEXT.encode("utf-16"), b"", b"GIFT shop</p>"],
)
def test_text_bodies_are_not_binary(head: bytes) -> None:
    """HTML, UTF-16 text with a BOM and empty bodies are not flagged as binary."""
    assert sniff_binary(head) is None


def test_media_type_parsing() -> None:
    """Content-Type headers split into a lower-case type and an optional charset."""
    assert media_type('Text/HTML; Charset="ISO-8859-1"') == ("text/html", "ISO-8859-1")
    assert media_type("application/rss+xml") == ("application/rss+xml", None)
    assert media_type(None) == ("", None)


@pytest.mark.parametrize(
    ("mime", "kind", "expected"),
    [
        ("text/html", "page", True),
        ("application/xhtml+xml", "page", True),
        ("application/pdf", "page", False),
        ("application/rss+xml", "page", False),
        ("", "page", None),
        ("text/plain", "page", None),
        ("application/atom+xml", "feed", True),
        ("text/xml", "feed", True),
        ("application/feed+json", "feed", True),
        ("text/html", "feed", None),
        ("application/json", "feed", None),
        ("image/png", "feed", False),
        ("text/x-opml", "feed", False),
        ("text/x-opml", "page", False),
        ("text/x-opml", "opml", True),
        ("application/x-opml", "opml", True),
        ("application/xml", "opml", True),
        ("text/xml", "opml", True),
        ("text/plain", "opml", None),
        ("text/html", "opml", False),
        ("application/json", "opml", False),
    ],
)
def test_declared_type_fit(mime: str, kind: str, expected: bool | None) -> None:
    """Pages take HTML/XHTML, feeds take RSS/Atom/XML, OPML lists their own types or XML (and
    only they take text/x-opml); vague labels defer to the body."""
    assert declared_type_fits(mime, kind) is expected  # type: ignore[arg-type]


def test_body_sniffing_for_vague_types() -> None:
    """Vaguely typed bodies are judged by their first bytes."""
    assert body_fits(b"\xef\xbb\xbf<!DOCTYPE html><html>", "page")
    assert not body_fits(b"just some text", "page")
    assert body_fits(b'<?xml version="1.0"?><rss>', "feed")
    assert not body_fits(b"<!doctype html>", "feed")
    assert body_fits(b'\n<?xml version="1.0"?><opml>', "opml")
    assert body_fits(b'<opml version="2.0">', "opml")
    assert not body_fits(b"<!doctype html><html>", "opml")
    assert not body_fits(b"<rss>", "opml")


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8", TEXT),
        (TEXT.encode("utf-8"), "iso-8859-1", TEXT),  # lying Latin-1 label on UTF-8
        (TEXT.encode("cp1252"), "utf-8", TEXT),  # lying UTF-8 label on windows-1252
        (TEXT.encode("utf-8"), "no-such-charset", TEXT),
        (TEXT.encode("cp1252"), "latin-1", TEXT),  # WHATWG: latin-1 means windows-1252
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "cp1252", TEXT),  # BOM beats the header
        (TEXT.encode("utf-16"), None, TEXT),
    ],
)
def test_decoding_survives_wrong_labels(body: bytes, header: str | None, expected: str) -> None:
    """BOM, header, document declaration and detection combine to the right text."""
    assert decode_body(body, header) == expected


def test_meta_charset_is_used_without_a_header_charset() -> None:
    """<meta charset> decides when the header has none."""
    html = "<html><head><meta charset='windows-1251'></head><body>Привет, мир</body></html>"
    assert "Привет, мир" in decode_body(html.encode("cp1251"), None)


def test_xml_declaration_encoding_is_used() -> None:
    """A feed's XML declaration encoding is honoured."""
    xml = '<?xml version="1.0" encoding="ISO-8859-15"?><rss><title>Prix en €</title></rss>'
    assert "Prix en €" in decode_body(xml.encode("iso-8859-15"), None)
