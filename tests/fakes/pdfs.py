"""A tiny PDF writer for tests: text pages, metadata, and hostile files.

Hand-written (a few dozen lines of the PDF syntax) so that tests control every byte, which a
PDF library would not let them do for the broken and hostile files.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(lines: Sequence[str]) -> bytes:
    """A page content stream showing ``lines`` top to bottom in Helvetica 10 pt."""
    ops = ["BT", "/F1 10 Tf", "12 TL", "50 780 Td"]
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def build_pdf(
    pages: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    author: str | None = None,
    lang: str | None = None,
    compress: bool = True,
    extra_objects: Sequence[bytes] = (),
    raw_streams: Sequence[bytes] | None = None,
) -> bytes:
    """A valid PDF whose page ``i`` shows the lines ``pages[i]``. ``raw_streams`` replaces the
    pages' content streams with already-compressed FlateDecode data (for hostile files)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    streams = raw_streams if raw_streams is not None else [_content(p) for p in pages]
    kids = []
    for data in streams:
        compressed = raw_streams is not None or compress
        payload = data if raw_streams is not None else (zlib.compress(data) if compress else data)
        flt = b" /Filter /FlateDecode" if compressed else b""
        stream = add(
            b"<< /Length %d%s >>\nstream\n" % (len(payload), flt) + payload + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (tree, font, stream)
            )
        )
    for body in extra_objects:
        add(body)
    lang_entry = b" /Lang (%s)" % lang.encode() if lang else b""
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (tree, lang_entry)
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    info_parts = []
    if title:
        info_parts.append(b"/Title (%s)" % _escape(title).encode("latin-1"))
    if author:
        info_parts.append(b"/Author (%s)" % _escape(author).encode("latin-1"))
    info = add(b"<< " + b" ".join(info_parts) + b" >>") if info_parts else None
    return _assemble(objects, catalog, info)


def _assemble(objects: list[bytes], root: int, info: int | None) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    info_entry = b" /Info %d 0 R" % info if info else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\n" % (len(objects) + 1, root, info_entry)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def wrap(text: str, width: int = 90) -> list[str]:
    """``text`` cut into lines of at most ``width`` characters, as a PDF column would be."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


# Hostile files -------------------------------------------------------------------------


def decompression_bomb(inflated_mb: int = 1024) -> bytes:
    """One page whose content stream inflates to ``inflated_mb`` MB of spaces (~1 MB each GB
    compressed): a reader that decompresses it whole needs a gigabyte."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    payload = b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    return build_pdf([[]], raw_streams=[payload])


def deep_nesting(depth: int = 200_000) -> bytes:
    """A page whose content stream is an array nested ``depth`` deep: a recursive parser
    runs out of stack."""
    stream = b"BT /F1 10 Tf 50 780 Td " + b"[" * depth + b"]" * depth + b" TJ ET"
    return build_pdf([[]], raw_streams=[zlib.compress(stream)]) + _nested_object(depth)


def _nested_object(depth: int) -> bytes:
    """Trailing junk object nested deep too (the parser's object reader is recursive)."""
    return b"\n99 0 obj\n" + b"<< /A " * depth + b">>" * depth + b"\nendobj\n"


def many_pages(count: int = 10_000, lines: Sequence[str] = ("Page text.",)) -> bytes:
    """``count`` pages of a short line each, for the page cap."""
    return build_pdf([list(lines)] * count)


def scanned(pages: int = 3) -> bytes:
    """Pages with no text operators at all: what a scanner's PDF looks like to a text reader
    (its images are left out; they carry no text either way)."""
    return build_pdf([[]] * pages)


def summarise_in_worker(data: bytes) -> tuple[str, float, float]:
    """Run in a worker process: the outcome of summarising ``data`` as a PDF ("ok" or the
    error's reason), the CPU seconds and the worker's peak RSS in MB afterwards."""
    import resource
    import time

    from bot.errors import KeypointsError
    from bot.pipeline import summarize_pdf

    start = time.process_time()
    try:
        summarize_pdf(data, "https://example.com/paper.pdf", 3, "default")
        outcome = "ok"
    except KeypointsError as exc:
        outcome = exc.reason
    cpu = time.process_time() - start
    return outcome, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PAPER_ABSTRACT = (
    "We present Foldy, a method for folding boxes with two robot arms. Our approach learns "
    "from two million images of boxes in many states of damage. On a benchmark of 500 boxes "
    "it folds boxes four times faster than a human packer. We release the code and the data "
    "set to the research community. The results suggest that robot packing can be cheap and "
    "reliable in small warehouses."
)
PAPER_INTRO = (
    "Warehouses pack millions of boxes each day, mostly by hand. Packing is slow, repetitive "
    "and a common cause of injury among warehouse workers. Earlier robots needed boxes in "
    "perfect shape and failed on damaged cardboard. In this paper we show that a camera "
    "system trained on varied images removes that limit."
)
PAPER_BODY = (
    "Prior work on folding used fixed jigs that only fit one box size at a time. "
    "Such jigs cost thousands of dollars and take an hour to change between box sizes. "
) * 6


def paper_pdf() -> bytes:
    """A two-column-less paper: title, authors, Abstract, 1 Introduction, 2 Related Work."""
    page = [
        "Foldy: Learning to Fold Boxes with Two Arms",
        "Jane Doe and John Roe",
        "Abstract",
        *wrap(PAPER_ABSTRACT),
        "1 Introduction",
        *wrap(PAPER_INTRO),
        "2 Related Work",
        *wrap(PAPER_BODY),
    ]
    return build_pdf([page], title="Foldy: Learning to Fold Boxes", author="Jane Doe, John Roe")
