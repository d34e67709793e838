"""Per-language word normalisation (stop words and stemmer), built once per language.

Both come from sumy and work offline: the stop-word lists ship inside the sumy package and
the stemmers are NLTK's Snowball code, which needs no data files.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from sumy.nlp.stemmers import Stemmer, null_stemmer
from sumy.utils import get_stop_words

# ISO 639-1 → the language names sumy and NLTK use.
_NAMES = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "fi": "finnish", "ru": "russian", "uk": "ukrainian", "pl": "polish", "cs": "czech",
    "sk": "slovak", "el": "greek", "hu": "hungarian", "ro": "romanian", "ar": "arabic",
    "he": "hebrew", "ja": "japanese", "zh": "chinese", "ko": "korean", "th": "thai",
}


def language_name(code: str | None) -> str:
    """sumy's name for an ISO 639-1 code; English when unknown or missing."""
    return _NAMES.get((code or "en").lower()[:2], "english")


@lru_cache(maxsize=32)
def stop_words(code: str | None) -> frozenset[str]:
    """Lower-case stop words for the language, or none when sumy has no list for it."""
    try:
        return frozenset(word.lower() for word in get_stop_words(language_name(code)))
    except LookupError:
        return frozenset()


@lru_cache(maxsize=32)
def stemmer(code: str | None) -> Callable[[str], str]:
    """A memoised stemmer for the language (lower-casing only when none exists)."""
    try:
        stem: Callable[[str], str] = Stemmer(language_name(code))
    except LookupError:
        stem = null_stemmer
    return lru_cache(maxsize=65_536)(stem)
