"""Quotation marks and brackets: is a sentence balanced, and re-join quotations cut in pieces.

The splitter (rightly) ends a sentence inside a quotation that holds several sentences, so a
piece like ``“The best way I can describe it is ... musical.`` opens a quote it never closes.
Such a piece reads broken as a bullet. ``join_quotations`` puts the pieces of one quotation
back together (verbatim, from the paragraph) so the whole quotation can be judged as one unit;
``is_balanced`` tells the summariser which units still open or close a quote they do not hold.

Straight single quotes double as apostrophes (``don't``, ``players'``), so for them only
clear cases count: an opening ``'`` at the start of a word with no closing one after it, or a
``.'`` / ``,'`` (after punctuation a quote mark can only close) with no opening one before it.
Ambiguous cases are given the benefit of the doubt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Straight single quotes: an opener starts a word, a closer ends one (after a letter/punctuation).
_STRAIGHT_OPEN = re.compile(r"(?:^|(?<=[\s(\[{—–\-\"“]))'(?=[^\W\d_])")
_STRAIGHT_CLOSE = re.compile(r"(?<=[^\s(\[{])'(?=[\s)\]}.,;:!?\"”—–\-]|$)")
# After punctuation a single quote can only close a quotation: "... tourists,' he said."
_PUNCTUATION_CLOSER = re.compile(r"[.!?,…]['’](?![^\W_])")
# Curly single: ‘ only opens; ’ closes when a letter does not follow it (else an apostrophe).
_CURLY_SINGLE_CLOSE = re.compile(r"’(?![^\W_])")
_QUOTE_OR_BRACKET = re.compile(r"[\"'“”‘’„«»()\[\]{}「」『』]")
_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("「", "」"), ("『", "』"))


def _double_quotes_balanced(text: str) -> bool:
    if text.count('"') % 2:
        return False
    if "„" in text:  # German „…“ / „…”: the low mark opens, either high mark closes
        return text.count("„") == text.count("“") + text.count("”")
    return text.count("“") == text.count("”")


def _single_quotes_balanced(text: str) -> bool:
    opened = text.rfind("‘")
    if opened >= 0 and not _CURLY_SINGLE_CLOSE.search(text, opened + 1):
        return False
    if "'" not in text and "’" not in text:
        return True
    openers = [m.start() for m in _STRAIGHT_OPEN.finditer(text)]
    if openers and not _STRAIGHT_CLOSE.search(text, openers[-1] + 1):
        return False
    closer = _PUNCTUATION_CLOSER.search(text)
    if closer is None:
        return True
    # A closer with no opener before it closes a quotation opened in an earlier sentence.
    return bool(openers and openers[0] < closer.start()) or "‘" in text[: closer.start()]


def is_balanced(text: str) -> bool:
    """Whether every quotation and bracket opened in ``text`` is closed in it, and vice versa."""
    if _QUOTE_OR_BRACKET.search(text) is None:
        return True  # most sentences: nothing to pair up
    for left, right in _BRACKETS:
        if (left in text or right in text) and text.count(left) != text.count(right):
            return False
    return _double_quotes_balanced(text) and _single_quotes_balanced(text)


def join_quotations(paragraph: str, sentences: Sequence[str], max_pieces: int = 6) -> list[str]:
    """``sentences`` (split from ``paragraph``) with each cut quotation joined back into one.

    A sentence that is unbalanced is extended with the sentences after it until the span is
    balanced; the span is taken verbatim from ``paragraph``. The whole quotation becomes one
    unit however long it is, so that none of its inner sentences ("All of my thoughts
    became musical.") passes for a statement of the article's own; a too-long unit is simply
    not a bullet. When no span of at most ``max_pieces`` sentences balances (a quotation
    never closed), the pieces are left as they are.
    """
    if all(is_balanced(sentence) for sentence in sentences):
        return list(sentences)  # the usual case: nothing to join
    starts: list[int] = []
    cursor = 0
    for sentence in sentences:
        found = paragraph.find(sentence, cursor)
        if found < 0:  # not a verbatim piece of this paragraph: do not touch anything
            return list(sentences)
        starts.append(found)
        cursor = found + len(sentence)
    joined: list[str] = []
    index = 0
    while index < len(sentences):
        last = index
        if not is_balanced(sentences[index]):
            for end in range(index + 1, min(index + max_pieces, len(sentences))):
                if is_balanced(paragraph[starts[index] : starts[end] + len(sentences[end])]):
                    last = end
                    break
        joined.append(paragraph[starts[index] : starts[last] + len(sentences[last])])
        index = last + 1
    return joined
