"""Per-language word normalisation (stop words and stemmers), built once per language.

All offline: the stop-word lists ship inside the sumy package; sumy's stemmers (for the sumy
methods) are NLTK's pure-Python Snowball code, and the default ranker uses PyStemmer, the
same Snowball algorithms compiled to C (~1.5 µs a word instead of ~75 µs), because stemming
an article's fresh vocabulary otherwise costs more than everything else put together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import Stemmer as pystemmer  # type: ignore[import-not-found]
from sumy.nlp.stemmers import Stemmer, null_stemmer
from sumy.utils import get_stop_words

# ISO 639-1 → the language names sumy and NLTK use.
_NAMES = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "sv": "swedish",
    "da": "danish",
    "no": "norwegian",
    "fi": "finnish",
    "ru": "russian",
    "uk": "ukrainian",
    "pl": "polish",
    "cs": "czech",
    "sk": "slovak",
    "el": "greek",
    "hu": "hungarian",
    "ro": "romanian",
    "ar": "arabic",
    "he": "hebrew",
    "ja": "japanese",
    "zh": "chinese",
    "ko": "korean",
    "th": "thai",
}


def language_name(code: str | None) -> str:
    """sumy's name for an ISO 639-1 code; English when unknown or missing."""
    return _NAMES.get((code or "en").lower()[:2], "english")


@lru_cache(maxsize=32)
def stop_words(code: str | None) -> frozenset[str]:
    """Lower-case stop words for the language: sumy's list (what the benchmarks were tuned
    with), else the ``stop-words`` package's (Dutch and Russian, which sumy lacks), else none."""
    name = language_name(code)
    try:
        return frozenset(word.lower() for word in get_stop_words(name))
    except LookupError:
        pass
    import stop_words as more  # type: ignore[import-untyped]  # no type hints shipped

    try:
        return frozenset(word.lower() for word in more.get_stop_words(name))
    except more.StopWordError:
        return frozenset()


@lru_cache(maxsize=32)
def stemmer(code: str | None) -> Callable[[str], str]:
    """sumy's memoised stemmer for the language (lower-casing only when none exists)."""
    try:
        stem: Callable[[str], str] = Stemmer(language_name(code))
    except LookupError:
        stem = null_stemmer
    return lru_cache(maxsize=65_536)(stem)


@lru_cache(maxsize=32)
def term_normaliser(code: str | None) -> Callable[[str], str | None]:
    """word → its stemmed, lower-case term, or None for a stop word; memoised per language."""
    ignored = stop_words(code)
    name = language_name(code)
    stems: Callable[[str], str] = (
        pystemmer.Stemmer(name).stemWord if name in pystemmer.algorithms() else str.lower
    )

    @lru_cache(maxsize=65_536)
    def normalise(word: str) -> str | None:
        lowered = word.lower()
        return None if lowered in ignored else stems(lowered)

    return normalise


# Languages written without spaces between words: the tokenizer gives one token per character.
CHARACTER_LANGUAGES = frozenset({"zh", "ja"})


def _is_character(token: str) -> bool:
    return len(token) == 1 and ord(token) >= 0x3040


def ranking_words(words: Sequence[str], code: str | None) -> tuple[str, ...]:
    """The terms a sentence is compared by. Chinese and Japanese: overlapping character
    bigrams (a standard dictionary-free unit: most words are two characters, and single
    characters match across unrelated words), plus each Latin/number token as it is."""
    if (code or "")[:2] not in CHARACTER_LANGUAGES:
        return tuple(words)
    terms: list[str] = []
    previous = ""
    for token in words:
        if _is_character(token):
            if previous:
                terms.append(previous + token)
            previous = token
        else:
            terms.append(token)
            previous = ""
    return tuple(terms)


def word_units(words: Sequence[str]) -> float:
    """A sentence's length in words, for the length rules: a Chinese or Japanese character
    counts as half a word (words there average about two characters)."""
    characters = sum(1 for token in words if _is_character(token))
    return len(words) - characters / 2
