"""The article's language: what the markup says, checked against the text.

Pages often declare the wrong language (a template's ``lang="en"`` on a German story, a CMS
default), and plain text and many PDFs declare none. py3langid (langid.py's model, shipped
inside the wheel: nothing is downloaded) reads a sample of the text; the declared language is
kept unless the text clearly says otherwise. About a millisecond per article; the model loads
once per process (~0.5 s, in the worker's start-up, not in a job).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SUPPORTED = ("en", "de", "fr", "es", "pt", "it", "nl", "ru", "ja", "zh")
SAMPLE_CHARS = 3_000  # the start of the text decides; enough for a confident answer
# Below this many UTF-8 bytes the detector guesses; the markup (or nothing) is kept. Bytes, not
# characters: a Chinese character carries as much as a few Latin letters.
MIN_BYTES = 60
# The markup's language stands unless the text makes it this unlikely (a wrong declaration
# scores ~1e-20; a right one on a short or mixed text still well above this).
KEEP_DECLARED = 0.01
# The detector's Chinese varieties, written in the same characters: one word handling.
_SAME = {"wuu": "zh", "yue": "zh", "nb": "no", "nn": "no"}

_KANA = re.compile(r"[\u3040-\u30ff]")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import (  # type: ignore[import-untyped]  # no type hints shipped
        MODEL_FILE,
        LanguageIdentifier,
    )

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``'s language: ``declared`` (its first two letters, e.g. "de"
    for "de-CH") unless the text is clearly in another language; None when neither tells."""
    claimed = (declared or "").strip().lower()[:2] or None
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip().encode()) < MIN_BYTES:
        return claimed
    if _KANA.search(sample) and claimed in (None, "zh"):
        return "ja"  # kana are Japanese only; the detector mixes up short ja/zh samples
    ranked: dict[str, float] = {}
    for code, probability in _identifier().rank(sample):
        code = _SAME.get(code, code)
        ranked[code] = ranked.get(code, 0.0) + float(probability)
    best = max(ranked, key=ranked.__getitem__)
    if claimed is None or ranked.get(claimed, 0.0) < KEEP_DECLARED:
        return best
    return claimed


def warm_up() -> None:
    """Load the model now (a worker's start-up), not in the first job."""
    _identifier()
