"""PDF bytes → page texts and metadata, with pypdf, inside limits a hostile file cannot pass.

pypdf is pure Python and has configurable limits of its own (``pypdf.Configuration``): the
output of each decompression filter, the decoding work per stream, array and dictionary
sizes, the page tree's size and depth. They are set far below pypdf's defaults here, because
we read text, not images. On top of that only the first ``MAX_PAGES`` pages are read, reading
stops at a time budget (the pages read so far are used), and the text is capped. What no
limit inside the process can promise (a pathological case pypdf has no limit for) the worker
process's budget catches from outside (``bot.workers``): the job is stopped, the user reads
``TooComplex``.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pypdf
from pypdf.errors import PdfReadError

from bot.errors import NoArticle, TooComplex

log = logging.getLogger(__name__)

MAX_PAGES = 30
MAX_CHARS = 400_000  # text kept from all pages: about 60,000 words, far more than is ranked
READ_SECONDS = 4.0  # below the worker's 5 s budget: a slow file gives its first pages, not an error
_STREAM_BYTES = 8_000_000  # per decompressed stream; a page's text is a few KB to a few hundred

# Far below pypdf's defaults (75 MB per stream, 300 MB of decoding work), which are meant for
# whole-document tools; nothing we read needs more, and images are never decoded for text.
_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": _STREAM_BYTES,
    "array_based_stream_maximum_output_length": _STREAM_BYTES,
    "zlib_maximum_output_length": _STREAM_BYTES,
    "lzw_maximum_output_length": _STREAM_BYTES,
    "run_length_maximum_output_length": _STREAM_BYTES,
    "jbig2_maximum_output_length": _STREAM_BYTES,
    "brotli_maximum_output_length": _STREAM_BYTES,
    "image_maximum_buffer_size": _STREAM_BYTES,
    "stream_decoding_work_maximum_length": 4 * _STREAM_BYTES,
    "stream_parsing_work_maximum_count": 1_000_000,
    "array_maximum_element_count": 50_000,
    "dictionary_maximum_element_count": 10_000,
    "page_tree_maximum_entries": 20_000,
    "page_tree_maximum_depth": 32,
    "page_tree_maximum_page_entries": 200_000,
    "outline_maximum_entries": 10_000,
    "xform_maximum_invocations_per_extraction": 500,
    "jbig2dec_binary": None,  # never start an external program on a user's file
}


@dataclass(frozen=True, slots=True)
class PdfText:
    """What was read from a PDF: its metadata and the text of its first pages."""

    pages: tuple[str, ...]
    title: str | None = None  # from the document information, when set
    author: str | None = None
    language: str | None = None  # the catalogue's /Lang, e.g. "de-DE"
    page_count: int = 0  # all pages, also those not read
    unreadable: int = 0  # pages read that failed (a broken stream, or one over a limit)


def read_pdf(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    seconds: float = READ_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> PdfText:
    """The text of the first ``max_pages`` pages of the PDF ``data`` (fewer when reading runs
    past ``seconds`` by ``clock``). Raises ``NoArticle`` for a damaged or encrypted file and
    ``TooComplex`` when it needs more memory than it may have."""
    started = clock()
    try:
        with pypdf.apply_configuration(**_LIMITS):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _decrypts(reader):
                raise NoArticle("That PDF is password-protected, so I can't read it.")
            page_count = len(reader.pages)
            pages: list[str] = []
            unreadable = 0
            chars = 0
            for index in range(min(page_count, max_pages)):
                if pages and clock() - started > seconds:
                    log.info("PDF reading stopped at its time budget after %d pages", len(pages))
                    break
                text = _page_text(reader, index)
                unreadable += text is None
                text = text or ""
                pages.append(text[: MAX_CHARS - chars])
                chars += len(pages[-1])
                if chars >= MAX_CHARS:
                    break
            info = _info(reader)
            language = _language(reader)
    except MemoryError:
        raise TooComplex() from None
    except RecursionError:  # objects nested thousands deep
        raise TooComplex() from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        log.info("unreadable PDF: %s", type(exc).__name__)
        raise NoArticle("That PDF is damaged or in a form I can't read.") from None
    return PdfText(
        pages=tuple(pages),
        title=info.get("title"),
        author=info.get("author"),
        language=language,
        page_count=page_count,
        unreadable=unreadable,
    )


def _decrypts(reader: pypdf.PdfReader) -> bool:
    """Whether the file opens with the empty user password (only "no copying" protection)."""
    try:
        return bool(reader.decrypt(""))
    except (PdfReadError, NotImplementedError, ValueError):
        return False


def _page_text(reader: pypdf.PdfReader, index: int) -> str | None:
    """One page's text; None for a page pypdf cannot read (a broken content stream, a stream
    over a limit), so the others are still read."""
    try:
        return reader.pages[index].extract_text() or ""
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # pypdf raises many types on broken streams: skip the page
        log.info("PDF page %d unreadable: %s", index + 1, type(exc).__name__)
        return None


def _info(reader: pypdf.PdfReader) -> dict[str, str]:
    try:
        info = reader.metadata
    except Exception:  # a broken /Info dictionary: the title then comes from the text
        return {}
    if info is None:
        return {}
    found = {"title": info.title, "author": info.author}
    return {key: " ".join(str(value).split()) for key, value in found.items() if value}


def _language(reader: pypdf.PdfReader) -> str | None:
    try:
        root = reader.trailer["/Root"].get_object()
        lang = root.get("/Lang") if isinstance(root, pypdf.generic.DictionaryObject) else None
    except Exception:  # an odd catalogue: the detector decides instead
        return None
    return str(lang)[:2].lower() if lang else None
