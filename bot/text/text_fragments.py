"""URL text fragments (``#:~:text=start,end``, WICG Text Fragments) that open a page scrolled to
one sentence and highlight it. Pure: no I/O.

Browsers match a directive against the page's rendered text, case-insensitively, with
whitespace collapsed, and only at word boundaries. So a term is always whole words of the
sentence: the whole sentence when it is short, else its first and last few words
(``textStart,textEnd``). A short ``textStart`` that appears earlier on the page would make the
browser highlight from that earlier spot, so when the article's text is given, the ends grow
until the start's first occurrence is this sentence and the end's first occurrence after it
closes it. Scripts written without spaces (Chinese, Japanese, Thai) have no words we can cut
at, except after their own commas and stops: such a sentence is given whole unless it has one.

Encoding: the syntax reserves ``-``, ``,`` and ``&``; everything else that is not an
unreserved URL character is percent-encoded as UTF-8 too.
"""

from __future__ import annotations

import re
from urllib.parse import quote

WHOLE_MAX_WORDS = 10  # sentences up to this many words are given whole
END_WORDS = 5  # words at each end of a long sentence, to start with
DIRECTIVE = ":~:"
# A longer directive (a huge unbroken "word") is no use as a link: the link then opens the page
# at the top. Slack and browsers take far longer URLs; this keeps messages small.
MAX_DIRECTIVE = 2000

# Where a term may be cut: a run of whitespace, or just after CJK punctuation (no space there).
_BOUNDARY = re.compile(r"\s+|(?<=[，、；：。！？])")


def encode_term(term: str) -> str:
    """``term`` percent-encoded for a text directive (``-`` too, which ``quote`` keeps)."""
    return quote(term, safe="").replace("-", "%2D")


def collapse(text: str) -> str:
    """Whitespace collapsed the way a browser renders it (and strips the ends)."""
    return " ".join(text.split())


def search_text(text: str) -> str:
    """``text`` as a browser compares it: whitespace collapsed, case folded (for
    ``text_directive``'s ``haystack``; prepare it once per article, not once per sentence)."""
    return collapse(text).casefold()


def text_directive(sentence: str, haystack: str = "") -> str:
    """``text=…`` for ``sentence``. ``haystack`` (optional) is ``search_text`` of the text the
    sentence is in, up to it at least: the terms must point at this sentence and nowhere
    earlier. Empty for an empty sentence, and when the directive would be longer than
    ``MAX_DIRECTIVE``."""
    directive = _directive(sentence, haystack)
    return directive if len(directive) <= MAX_DIRECTIVE else ""


def _directive(sentence: str, haystack: str) -> str:
    sentence = collapse(sentence)
    if not sentence:
        return ""
    cuts = [(m.start(), m.end()) for m in _BOUNDARY.finditer(sentence) if m.start() > 0]
    cuts = [(a, b) for a, b in cuts if b < len(sentence)]
    if len(cuts) + 1 <= WHOLE_MAX_WORDS:
        return "text=" + encode_term(sentence)
    for words in range(END_WORDS, (len(cuts) + 1) // 2 + 1):
        start = sentence[: cuts[words - 1][0]]
        end = sentence[cuts[-words][1] :]
        if not haystack or _points_here(
            haystack, sentence.casefold(), start.casefold(), end.casefold()
        ):
            return f"text={encode_term(start)},{encode_term(end)}"
    return "text=" + encode_term(sentence)


def _points_here(haystack: str, sentence: str, start: str, end: str) -> bool:
    """Whether ``start,end`` selects ``sentence``'s first occurrence in ``haystack`` (or, if
    the sentence is not there as written, at least picks terms that occur once)."""
    at = haystack.find(sentence)
    if at < 0:
        return haystack.count(start) <= 1
    if haystack.find(start) != at:
        return False
    return haystack.find(end, at + len(start)) == at + len(sentence) - len(end)


def with_fragment(url: str, directive: str) -> str:
    """``url`` with ``directive`` as its fragment directive, keeping an existing ``#anchor``
    (``#anchor:~:text=…``) and replacing an existing directive."""
    if not directive:
        return url
    base, _, anchor = url.partition("#")
    anchor = anchor.split(DIRECTIVE, 1)[0]
    return f"{base}#{anchor}{DIRECTIVE}{directive}"
