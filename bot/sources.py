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
from bot.fetch.decode import SNIFF_BYTES, decode_body, sniff_binary

MAX_INPUT_BYTES = 20_000_000  # a local file larger than this is not an article
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div|meta)[\s>/]", re.I)
# A host name then a path (``example.com/a``), or a ``www.`` name: not ``notes.txt``.
_BARE_ADDRESS = re.compile(
    r"(?i)^(?:(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/\S*|www\.(?:[a-z0-9-]+\.)+[a-z]{2,}\S*)$"
)


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded input: either HTML or plain text."""

    content: str
    is_html: bool
    url: str | None = None


def is_url(value: str) -> bool:
    """True for an http(s) URL given on the command line."""
    return bool(re.match(r"(?i)^https?://\S+$", value.strip()))


def looks_like_html(data: bytes | str) -> bool:
    """True when the first few KB contain an HTML tag (check decoded text: in UTF-16 bytes the
    tags are interleaved with NUL bytes)."""
    head = data[:4096]
    return bool(_HTML_SNIFF.search(head.encode("utf-8") if isinstance(head, str) else head))


def looks_like_web_address(value: str) -> bool:
    """True for ``www.example.com`` or ``example.com/a``: a URL typed without its scheme."""
    return bool(_BARE_ADDRESS.match(value.strip()))


def decode_input(data: bytes, *, url: str | None = None) -> Source:
    """Bytes from a file or stdin → a ``Source``; binary or empty input is an ``InputError``."""
    if not data.strip():
        raise InputError("The input is empty.")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"The input is larger than {MAX_INPUT_BYTES // 1_000_000} MB.")
    # The fetcher's own checks: the same magic numbers, and BOM → meta → detected charset.
    binary = sniff_binary(data[:SNIFF_BYTES])
    if binary is not None:
        raise InputError(f"The input is a binary file ({binary}), not HTML or text.")
    # BOM first, then the meta charset (the HTML spec's order); sniff tags in the decoded text.
    content = decode_body(data, None)
    return Source(content=content, is_html=looks_like_html(content), url=url)


def read_path(path: str, stdin: BinaryIO) -> Source:
    """Read ``path`` (or stdin for ``-``) with a size cap, and decode it."""
    if path == "-":
        data = stdin.read(MAX_INPUT_BYTES + 1)
    else:
        file = Path(path)
        if file.is_dir():
            raise InputError(f"{path} is a directory; give an HTML or text file, a URL, or -.")
        if not file.is_file():
            hint = f" (for a web page, add the scheme: https://{path})"
            raise InputError(f"No such file: {path}{hint if looks_like_web_address(path) else ''}")
        with file.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    return decode_input(data)
