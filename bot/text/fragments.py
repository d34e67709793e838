"""Is a piece of text a sentence at all, or a fragment that only looks like one?

Pages hand the summariser things with a full stop that are not statements: table rows and
stat lines (``1 sack, 1 TFL, 2 QH.``, ``Palm Bay (1-0): Smith 25 points.``), labels and
headings, turns of an interview (``Q: ...``), and the two halves of a sentence cut at an
abbreviation the splitter could not know (``... von Disruption bzw.`` + ``Digital ...``).
Real prose, in any cased alphabet, has several lower-case words and few numbers; a cut
sentence ends on an abbreviation that never ends one. Scripts without case (Chinese,
Japanese) give no such signal and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.text.sentences import ends_with_abbreviation, tokenize_words

MIN_LOWERCASE_WORDS = 3  # "Ahmed Omar remains a fugitive." has three; "1 sack, 1 TFL." one
_LETTER = re.compile(r"[^\W\d_]")
# Letters of scripts without upper and lower case: CJK, kana, Hangul, Thai, Arabic, Hebrew, Indic.
UNCASED_LETTER = re.compile(
    r"[\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u0e00-\u0e7f"
    r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_INTERVIEW_TURN = re.compile(r"^\W*(?:Q|A)\s*[:.)]\s")


def mostly_cased(text: str) -> bool:
    """Whether most letters of ``text`` belong to a script with upper and lower case."""
    if UNCASED_LETTER.search(text) is None:  # the common case, decided without counting
        return _LETTER.search(text) is not None
    return len(UNCASED_LETTER.findall(text)) * 2 < len(_LETTER.findall(text))


def looks_like_fragment(
    sentence: str, words: Sequence[str] | None = None, language: str | None = None
) -> bool:
    """Whether ``sentence`` is a stat line, table row, label, Q&A turn or a cut sentence.

    ``words`` are its word tokens (``tokenize_words``) when the caller already has them.
    """
    if _INTERVIEW_TURN.match(sentence) or ends_with_abbreviation(sentence, language):
        return True
    if not mostly_cased(sentence):
        return False
    tokens = tokenize_words(sentence) if words is None else words
    lowercase = sum(word.islower() for word in tokens)
    numbers = sum(word[0].isdigit() for word in tokens)
    if lowercase < MIN_LOWERCASE_WORDS:
        return True
    # Mostly numbers and few ordinary words: a row of a table or a box score.
    return numbers * 3 >= len(tokens) and lowercase * 2 < len(tokens)
