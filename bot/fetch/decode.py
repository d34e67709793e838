"""What a response body is, and how to turn its bytes into text: pure functions.

Servers lie about content types and charsets, so the declared values are checked against the
bytes: a "text/html" that starts with ``%PDF`` is a PDF, and a page labelled ISO-8859-1 that is
valid multi-byte UTF-8 is UTF-8.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

import charset_normalizer

Kind = Literal["page", "feed", "opml"]

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "application/feed+json",
    }
)
# An OPML subscription list (``/keypoints feed import <url>``): its own types or generic XML.
# Only that fetch accepts them: an article or a feed served as OPML is refused.
OPML_TYPES = frozenset(
    {"text/x-opml", "application/x-opml", "text/x-opml+xml", "application/xml", "text/xml"}
)
# Labels too vague to trust either way: the body decides.
VAGUE_TYPES = frozenset({"", "text/plain", "application/octet-stream", "binary/octet-stream"})

SNIFF_BYTES = 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"BZh", "bzip2"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg"),
    (b"ID3", "MP3"),
    (b"\x7fELF", "ELF"),
    (b"\x00asm", "WebAssembly"),
    (b"\x00\x00\x01\x00", "icon"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from a Content-Type header value (charset may be None)."""
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", params, re.IGNORECASE)
    return mime.strip().lower(), charset.group(1) if charset else None


def declared_type_fits(mime: str, kind: Kind) -> bool | None:
    """True if the declared type suits ``kind``, False if it surely does not, None if vague."""
    if mime in VAGUE_TYPES or (kind == "feed" and mime in ("text/html", "application/json")):
        return None  # feeds are often served as text/html, JSON Feeds as application/json
    if kind == "page":
        return mime in PAGE_TYPES
    if kind == "opml":
        return mime in OPML_TYPES or mime.endswith("+xml")
    return mime in FEED_TYPES or mime.endswith("+xml")


def sniff_binary(head: bytes) -> str | None:
    """Name of the binary format ``head`` starts with (or "binary" for NUL bytes), else None."""
    if head.startswith(_UTF16_BOMS):
        return None  # UTF-16 text is full of NUL bytes
    start = head.lstrip(b" \t\r\n")
    for magic, name in _SIGNATURES:
        if start.startswith(magic):
            return name
    return "binary" if b"\x00" in head else None


def body_fits(head: bytes, kind: Kind) -> bool:
    """Whether a body with a vague content type looks like HTML (page), a feed (feed) or an
    OPML document (opml)."""
    text = head[:SNIFF_BYTES].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    if kind == "page":
        return text.startswith(("<!doctype html", "<html", "<head", "<!--")) or "<html" in text
    if kind == "opml":
        return text.startswith(("<?xml", "<opml"))
    return text.startswith(("<?xml", "<rss", "<feed", "<rdf:rdf", "{"))


def decode_body(body: bytes, header_charset: str | None) -> str:
    """The body as text: BOM, then the header charset, then ``<meta>``/XML declaration, then
    charset-normalizer's guess; a label that fails to decode strictly is skipped."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    for label in (header_charset, _declared_in_document(body[:4096])):
        text = _strict_decode(body, label)
        if text is not None:
            return text
    return body.decode(_detect(body), errors="replace")


def _detect(body: bytes) -> str:
    """charset-normalizer's guess, nudged towards windows-1252 among near-equal guesses.

    On short Western text several single-byte code pages decode "without chaos" (cp1257 turns
    "à" into "ą"); windows-1252 is the web's dominant legacy encoding and the WHATWG fallback,
    so it wins a near tie.
    """
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return "utf-8"
    best_chaos = min(match.chaos for match in matches)
    near_best = {match.encoding for match in matches if match.chaos <= best_chaos + 0.05}
    return "cp1252" if "cp1252" in near_best else str(matches[0].encoding)


_SINGLE_BYTE_WESTERN = frozenset({"ascii", "iso8859_1", "cp1252"})


def _strict_decode(body: bytes, label: str | None) -> str | None:
    if not label:
        return None
    try:
        encoding = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    if encoding in _SINGLE_BYTE_WESTERN:
        # WHATWG maps these labels to windows-1252, and a page that is valid multi-byte UTF-8
        # but labelled Latin-1 is a misconfigured server, not Latin-1 text.
        utf8 = _strict_decode(body, "utf-8") if not body.isascii() else None
        if utf8 is not None:
            return utf8
        encoding = "cp1252"
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _declared_in_document(head: bytes) -> str | None:
    """Charset from ``<meta charset>``, ``http-equiv`` content or an XML declaration."""
    found = _META_CHARSET.search(head)
    if found is None:
        return None
    label = found.group(1) or found.group(2)
    return label.decode("ascii") if label else None
