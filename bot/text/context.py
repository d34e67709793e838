"""Does a sentence need the one before it? Two strengths of "yes".

``leans_on_context``: it opens with a connective that only continues an argument ("Which is
...", "That said, ...", "This comes after ..."), so it reads badly as a bullet wherever it
comes from.

``refers_back``: it points back at something it does not name — a pronoun or demonstrative
subject ("He was arrested ..."), "And that ...", a leading "However" or "Also," or an inner
", however,", a subordinate clause with no main clause ("Because ... ."), a bare quotation
with no speaker, or a short line that names nothing ("All of my thoughts became musical.").
Such a sentence reads well right after the sentence it refers to, so the summariser only
ranks it down when that sentence is not also a bullet.

("But" and "And" ledes are left alone: news stories use them to bring in a new fact.)

``addresses_reader``: outside quotation marks it speaks to the reader ("You might have seen
...", "If you're like me ..."): a feature's hook, a tip or an advert, seldom a fact of the
story. English only; the summariser ranks such a sentence down, it does not drop it.
"""

from __future__ import annotations

import re

from bot.text.fragments import mostly_cased

_DANGLING_OPENING = re.compile(
    r"^\W*(?:which|instead|otherwise|likewise|similarly|moreover|furthermore|besides|"
    r"nonetheless|nevertheless|conversely|consequently|that\s+said|even\s+so|or\s+so|"
    r"in\s+(?:addition|contrast|turn|fact)|by\s+contrast|on\s+the\s+other\s+hand|"
    r"as\s+a\s+result|then\s+there|not\s+only\s+that|this\s+is\s+why|that\s+is\s+why|"
    r"(?:this|that|it)\s+(?:comes|came|follows|followed)\s+(?:after|as|amid|days|weeks|hours))\b",
    re.IGNORECASE,
)
# A time or quantity after a demonstrative names its own referent: "This year", "That night".
_SELF_CONTAINED = (
    r"(?:year|week|month|day|morning|afternoon|evening|night|weekend|season|summer|winter|"
    r"spring|autumn|fall|time|decade|century|quarter|term)s?\b"
)
_POINTS_BACK = re.compile(
    rf"""^\W*(?:
        (?:and|but|or|so|yet)\s+(?:he|she|it|they|this|that|these|those|then|so)\b
      | or\b
      | (?:he|she|it|they|his|her|its|their|him|them)\b(?!\s*[’']s\s+(?:{_SELF_CONTAINED}))
      | (?:this|that|these|those)\b(?!\s+{_SELF_CONTAINED})
      | because\b[^,;:]*$
      | however\b | also,
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_INNER_HOWEVER = re.compile(r"^(?:\S+\s+){1,6}?\S*,\s+however,", re.IGNORECASE)
# Nothing but a quotation: who says it is in another sentence.
_BARE_QUOTATION = re.compile(r"^\s*[\"“‘'«][^\"“”‘«»]*[.!?…,]\s*[\"”’'»]\s*$")
THIN_WORDS = 6  # a line this short with no name or number leans on what came before
# Openings of such a line: determiners and pronouns, never a name ("Acme sold ...").
_THIN_OPENERS = frozenset(
    {
        *("all", "every", "each", "some", "any", "no", "none", "both", "such", "the", "a", "an"),
        *("this", "that", "these", "those", "it", "they", "he", "she", "we", "i", "you", "there"),
        *("my", "our", "your", "his", "her", "its", "their", "so"),
    }
)
_CAPITALISED = re.compile(r"(?:^|\s)\W*[A-Z]")
_SECOND_PERSON = re.compile(
    r"(?<![-‐])\b(?:you|your|yours|yourself|yourselves)(?:[’']\w+)?\b", re.IGNORECASE
)
# Quoted speech: double quotes, or single quotes opened before a word and closed after one
# (apostrophes inside words, "can't", "Locke's", do not end the span).
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|(?<!\w)['‘](?:[^'‘’]|(?<=\w)['’](?=\w))*['’](?!\w)")


def _is_thin(sentence: str) -> bool:
    """Short, opening with a determiner or pronoun, and naming nothing: no capital, no number.

    Only for cased, space-separated scripts: in Chinese or Japanese neither length in
    white-space words nor capitals mean anything.
    """
    words = sentence.split()
    if (
        not words
        or len(words) > THIN_WORDS
        or words[0].strip("\"'“‘«(").lower() not in _THIN_OPENERS
    ):
        return False
    if not mostly_cased(sentence):
        return False
    names = _CAPITALISED.search(" ".join(words[1:]))  # the first word is capitalised anyway
    return names is None and not any(c.isdigit() for c in sentence)


def leans_on_context(sentence: str) -> bool:
    """Whether the sentence opens with a connective that needs the sentence before it."""
    return _DANGLING_OPENING.match(sentence) is not None


def is_bare_quotation(sentence: str) -> bool:
    """Whether the sentence is nothing but a quotation, its speaker named elsewhere."""
    return _BARE_QUOTATION.match(sentence) is not None


def addresses_reader(sentence: str) -> bool:
    """Whether the sentence speaks to the reader: "you" outside quotation marks (English)."""
    if _SECOND_PERSON.search(sentence) is None:
        return False
    return _SECOND_PERSON.search(_QUOTED.sub(" ", sentence)) is not None


def refers_back(sentence: str) -> bool:
    """Whether the sentence points back at something only the previous sentence names."""
    return bool(
        _POINTS_BACK.match(sentence)
        or _INNER_HOWEVER.match(sentence)
        or _BARE_QUOTATION.match(sentence)
        or _is_thin(sentence)
    )
