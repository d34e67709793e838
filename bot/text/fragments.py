"""Is a piece of text a sentence at all, or a fragment that only looks like one?

Pages hand the summariser things with a full stop that are not statements: table rows and
stat lines (``1 sack, 1 TFL, 2 QH.``, ``Palm Bay (1-0): Smith 25 points.``), labels and
headings, turns of an interview (``Q: ...``), and the two halves of a sentence cut at an
abbreviation the splitter could not know (``... von Disruption bzw.`` + ``Digital ...``).
A caption or heading glued to the next sentence by a lost line break is cut off it
(``split_glued``, also right after a caption's "(pictured)"), so the sentence can still be
used and the caption is judged alone.
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
# Two pieces glued by a lost line break: a caption or heading runs into the next sentence
# ("... own goal But goalkeeper Neuer was ...", "... was updated The previous model ...").
# A capitalised opener right after a lower-case word, with no punctuation, is not prose.
# An upper-case label inside a sentence ("... from Boots CLAIMS: First ...") starts a new piece.
_OPENERS: tuple[str, ...] = (
    *("The", "But", "He", "She", "It", "They", "We", "This", "These", "However"),
    *("Meanwhile", "His", "Her", "Their", "Its"),
)
_OPENER = "(?:" + "|".join(_OPENERS) + ")"
_GLUED = re.compile(
    rf"(?<=[a-z0-9’”)])\s+(?={_OPENER}\s+[a-z])|(?<=[^\sA-Z])\s+(?=[A-Z]{{2,}}(?:\s+[A-Z]{{2,}})?:\s)"
)
# A lede glued to the caption before it mostly opens "A man ...", "An examination ...":
# "... has denied four counts of sexual assault A senior doctor ...". But "A" also labels
# things ("vitamin A supplements", "Serie A standings", "infra-red A rays", "Nurse A said"),
# so the cut is made only after a plain lower-case word that is no such label (or after a
# closing bracket: "(pictured) A ...") and before a singular word that can start a noun
# phrase (not "A and", "A rays").
_GLUED_ARTICLE = re.compile(r"(?<=[a-z)])\s+(?=An?\s+([a-z][\w'’-]*))")
_LABELLED_BY_A = frozenset(
    (
        *("vitamin", "type", "plan", "grade", "class", "hepatitis", "category", "exhibit"),
        *("point", "series", "serie", "tier", "group", "section", "part", "option", "size"),
        *("model", "league", "division", "pool", "flu", "influenza", "battery", "cell"),
        *("list", "block", "side", "track", "day", "row", "floor", "gate", "wing", "building"),
        *("platform", "level", "round", "phase", "stage", "step", "item", "version", "box"),
        *("form", "note", "figure", "table", "appendix", "schedule", "plate", "road", "route"),
        *("terminal", "hall", "zone", "sector", "unit", "ward", "lane", "bay", "door", "room"),
        *("exit", "entrance", "lot", "pier", "deck", "court", "field", "strain", "variant"),
        *("blood", "protein", "letter", "team", "squad", "scenario", "patient", "nurse"),
    )
)
_NOT_AFTER_A = frozenset(
    (
        *("and", "or", "with", "said", "says", "to", "of", "in", "on", "at", "for", "is"),
        *("was", "are", "were", "has", "had", "have", "as", "by", "from", "but", "that"),
        *("than", "who", "which"),
    )
)
# A photo caption ends on its aside ("(pictured)", "(left)", "(L-R)", "(file photo)"): a
# capital right after one, with no punctuation, starts the next piece ("... with his wife
# (pictured) The couple ...", "Burton Albion's (L-R) Denny Johnstone ..."). Inside a sentence
# the aside is followed by its verb or "and" ("Wright (centre) is now ...").
_PHOTO_ASIDE = re.compile(
    r"\((?:pictured|picture|left|right|centre|center|above|below|top|bottom|inset|"
    r"file photo|file picture|L-R|l-r|seen here|second left|second right|front|back|middle)"
    r"[^()]{0,40}\)(\s+)(?=[A-Z‘“'\"])"
)
# A caption glued to the quotation after it: "... new permanent manager on Friday 'I'd be over
# the moon to get it,' said Locke ...". A quotation opened right after a word, with no
# punctuation, that closes with a comma and its named speaker ("...,' said Locke", "...,'
# the manager added") starts a new piece, unless the word before introduces it ("told her
# 'You ...'", "dubbed 'The ...'"). (With a bare "she admitted" the quote would name nobody.)
_SPEECH = r"(?:said|says|added|admitted|explained|insisted|continued|revealed|joked|claimed)"
_GLUED_QUOTE = re.compile(
    r"(?<=[A-Za-z)])\s+(?=[‘“'\"][A-Z][^\n]{3,400}?,['’\"”]\s+"
    r"(?:(?:the\s+[\w-]+(?:\s+[\w-]+)?|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})\s+)?"
    rf"{_SPEECH}\b)"
)
_INTRODUCES_QUOTE = frozenset(
    (
        *("said", "says", "saying", "added", "adding", "told", "tells", "telling", "wrote"),
        *("writes", "writing", "reads", "reading", "read", "captioned", "dubbed", "called"),
        *("titled", "entitled", "named", "tweeted", "posted", "asked", "asking", "replied"),
        *("shouted", "screamed", "explained", "insisted", "joked", "declared", "her", "him"),
        *("them", "me", "us", "you", "and", "or", "that", "of", "with", "as", "the", "a", "an"),
        *("was", "is", "were", "are", "be", "by", "to", "in", "on", "at", "for", "from"),
        *("song", "album", "film", "book", "show", "word", "words", "phrase", "slogan"),
    )
)
# Plain substring tests, far cheaper than the pattern, rule out most sentences first.
_GLUE_CUES = (": ", "\n", *(f" {opener} " for opener in _OPENERS))
_ARTICLE_CUES = (" A ", " An ")
_ASIDE_CUE = ") "
_QUOTE_CUES = (",' ", ",’ ", ",” ", '," ')


def mostly_cased(text: str) -> bool:
    """Whether most letters of ``text`` belong to a script with upper and lower case."""
    if text.isascii():
        return _LETTER.search(text) is not None
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
    lowercase = sum(map(str.islower, tokens))
    numbers = sum(map(str.isdigit, [word[0] for word in tokens]))
    if lowercase < MIN_LOWERCASE_WORDS:
        return True
    # Mostly numbers and few ordinary words: a row of a table or a box score.
    return numbers * 3 >= len(tokens) and lowercase * 2 < len(tokens)


def split_glued(sentence: str) -> list[str]:
    """``sentence`` cut where a lost line break glued two pieces together, verbatim.

    The cue is a capitalised sentence opener ("The", "But", "He", ...) followed by a
    lower-case word, right after a lower-case word or digit with no punctuation between;
    "A"/"An" opening a noun phrase after a plain lower-case word that does not label things
    with letters (``_starts_glued_lede``); a capital right after a photo aside
    ("(pictured) The couple ...", ``_PHOTO_ASIDE``); or a quotation with its named speaker
    right after a word that does not introduce it (``_GLUED_QUOTE``).
    """
    cuts: list[tuple[int, int]] = []
    if any(cue in sentence for cue in _GLUE_CUES):
        cuts += [(match.start(), match.end()) for match in _GLUED.finditer(sentence)]
    if any(cue in sentence for cue in _ARTICLE_CUES):
        cuts += [
            (match.start(), match.end())
            for match in _GLUED_ARTICLE.finditer(sentence)
            if _starts_glued_lede(_word_before(sentence, match.start()), match.group(1))
        ]
    if _ASIDE_CUE in sentence:
        cuts += [match.span(1) for match in _PHOTO_ASIDE.finditer(sentence)]
    if any(cue in sentence for cue in _QUOTE_CUES):
        cuts += [
            (match.start(), match.end())
            for match in _GLUED_QUOTE.finditer(sentence)
            if _word_before(sentence, match.start()).lower() not in _INTRODUCES_QUOTE
        ]
    if not cuts:
        return [sentence]
    pieces: list[str] = []
    start = 0
    for cut_start, cut_end in sorted(cuts):
        if cut_start < start:  # overlapping cuts: keep the first
            continue
        pieces.append(sentence[start:cut_start])
        start = cut_end
    pieces.append(sentence[start:])
    return pieces


def _word_before(sentence: str, cut: int) -> str:
    """The run of non-space characters that ends where a cut starts (the cut patterns only
    start right after one)."""
    return sentence[:cut].rsplit(None, 1)[-1]


def _starts_glued_lede(previous: str, following: str) -> bool:
    """Whether "A"/"An" + ``following`` after the word ``previous`` opens a glued sentence,
    not a label."""
    if not (previous.endswith(")") or (previous.isalpha() and previous.islower())):
        return False  # "infra-red A", "2014 A": too unsure to cut
    if previous in _LABELLED_BY_A or following in _NOT_AFTER_A:
        return False
    return not following.endswith("s") or following.endswith("ss")  # "A rays": a label
