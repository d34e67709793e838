"""Where the evaluation data lives (``../shared/data``, read-only, never copied into the repo),
and one loader for the extraction pages, so tests agree on paths and skip reasons."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
EXTRACTION = SHARED_DATA / "extraction"
CNNDM = SHARED_DATA / "summaries" / "cnndm_test_sample.jsonl"

HAS_EXTRACTION = (EXTRACTION / "ground-truth.json").exists()
HAS_CNNDM = CNNDM.exists()
NO_EXTRACTION = f"extraction benchmark data not found at {EXTRACTION} (optional, not in the repo)"
NO_CNNDM = f"CNN/DM sample not found at {CNNDM} (optional, not in the repo)"


class Page(NamedTuple):
    page_id: str
    url: str
    raw: bytes  # the page's HTML bytes (UTF-8)
    truth: str  # the ground-truth article body

    @property
    def html(self) -> str:
        return self.raw.decode("utf-8")


@cache
def extraction_pages() -> tuple[Page, ...]:
    """Every benchmark page, in id order (call only when ``HAS_EXTRACTION``)."""
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    return tuple(
        Page(
            pid,
            row["url"],
            gzip.decompress((EXTRACTION / "html" / f"{pid}.html.gz").read_bytes()),
            row["articleBody"],
        )
        for pid, row in sorted(truth.items())
    )
