"""Reading what a user hands the CLI: an HTML file, a text file, stdin, or a URL.

Pure decisions (is it a URL? is it HTML? is it binary?) are separate functions so the CLI and
``batch`` share them and tests can check them without files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from bot.errors import InputError

MAX_INPUT_BYTES = 20_000_000  # a local file larger than this is not an article
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div|meta)[\s>/]", re.I)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b")


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded input: either HTML or plain text."""

    content: str
    is_html: bool
    url: str | None = None


def is_url(value: str) -> bool:
    """True for an http(s) URL given on the command line."""
    return bool(re.match(r"(?i)^https?://\S+$", value.strip()))


def looks_like_html(data: bytes) -> bool:
    """True when the first few KB contain an HTML tag."""
    return bool(_HTML_SNIFF.search(data[:4096]))


def decode_input(data: bytes, *, url: str | None = None) -> Source:
    """Bytes from a file or stdin → a ``Source``; binary or empty input is an ``InputError``."""
    if not data.strip():
        raise InputError("The input is empty.")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"The input is larger than {MAX_INPUT_BYTES // 1_000_000} MB.")
    head = data[:1024]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise InputError("The input is a binary file, not HTML or text.")
    is_html = looks_like_html(data)
    return Source(content=_decode(data), is_html=is_html, url=url)


def _decode(data: bytes) -> str:
    """UTF-8 first (the common case, and cheap); otherwise let charset-normalizer guess."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is None:
            raise InputError("The input is not readable text.") from None
        return data.decode(best.encoding, errors="replace")


def read_path(path: str, stdin: BinaryIO) -> Source:
    """Read ``path`` (or stdin for ``-``) with a size cap, and decode it."""
    if path == "-":
        data = stdin.read(MAX_INPUT_BYTES + 1)
    else:
        file = Path(path)
        if not file.is_file():
            raise InputError(f"No such file: {path}")
        with file.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    return decode_input(data)
