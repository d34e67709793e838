"""Offline sentence splitting, word tokenising, the sumy tokenizer and boilerplate rules."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import (
    OfflineTokenizer,
    is_boilerplate,
    leans_on_context,
    looks_like_caption,
    sentences,
    split_sentences,
    strip_dateline,
    tokenize_words,
)

SPLIT_CASES: list[tuple[str, str, list[str]]] = [
    (
        "titles",
        "Mr. Smith met Dr. Jones. They talked.",
        ["Mr. Smith met Dr. Jones.", "They talked."],
    ),
    (
        "decimals and money",
        "It rose 3.5% to $1.2bn. Shares fell.",
        ["It rose 3.5% to $1.2bn.", "Shares fell."],
    ),
    (
        "initials",
        "J. R. R. Tolkien wrote it. George W. Bush read it.",
        ["J. R. R. Tolkien wrote it.", "George W. Bush read it."],
    ),
    (
        "e.g. and i.e.",
        "Use tools, e.g. a hammer, i.e. this one. Done.",
        ["Use tools, e.g. a hammer, i.e. this one.", "Done."],
    ),
    (
        "company abbreviation then a new sentence",
        "He joined Apple Inc. The company grew.",
        ["He joined Apple Inc.", "The company grew."],
    ),
    (
        "company abbreviation inside a sentence",
        "Apple Inc. Chief Tim Cook spoke.",
        ["Apple Inc. Chief Tim Cook spoke."],
    ),
    (
        "U.S. inside and at the end",
        "The U.S. economy grew in the U.S. The end came.",
        ["The U.S. economy grew in the U.S.", "The end came."],
    ),
    (
        "numbered and dated",
        "It was No. 1 on Jan. 5 in Britain. Fine.",
        ["It was No. 1 on Jan. 5 in Britain.", "Fine."],
    ),
    (
        "Jr. before a new sentence",
        "He met Robert Downey Jr. The actor smiled.",
        ["He met Robert Downey Jr.", "The actor smiled."],
    ),
    ("ellipsis then capital", "Wait... What happened?", ["Wait...", "What happened?"]),
    ("ellipsis then lower case", "Wait… and then it came.", ["Wait… and then it came."]),
    ("closing quote", 'He said "Go." Then he left.', ['He said "Go."', "Then he left."]),
    ("curly quotes", "“I am here,” he said. “So am I.”", ["“I am here,” he said.", "“So am I.”"]),
    (
        "question inside a quote",
        '"Why?" he asked. Nobody knew.',
        ['"Why?" he asked.', "Nobody knew."],
    ),
    (
        "closing bracket",
        "It works (mostly.) Then it broke.",
        ["It works (mostly.)", "Then it broke."],
    ),
    (
        "URL and e-mail",
        "See https://example.com/a.b?x=1 now. Mail me at a.b@example.org today.",
        ["See https://example.com/a.b?x=1 now.", "Mail me at a.b@example.org today."],
    ),
    (
        "exclamation in a name",
        "Yahoo! is a company. It is old.",
        ["Yahoo! is a company.", "It is old."],
    ),
    (
        "Russian",
        "Это первое предложение. Это второе! А это третье?",
        ["Это первое предложение.", "Это второе!", "А это третье?"],
    ),
    ("Japanese", "これは文です。これも文です。最後", ["これは文です。", "これも文です。", "最後"]),
    (
        "paragraph break without a full stop",
        "Heading\n\nBody text here.",
        ["Heading", "Body text here."],
    ),
    (
        "single newline is a space",
        "One line\ncontinues here. Next.",
        ["One line\ncontinues here.", "Next."],
    ),
    ("stray full stops are dropped", "Scroll down . . Then more.", ["Scroll down .", "Then more."]),
    ("empty", "", []),
    ("only white space", " \n\n \t", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES]
)
def test_split_sentences_edge_cases(text: str, expected: list[str]) -> None:
    """Each edge case splits exactly where a reader would."""
    assert split_sentences(text) == expected


def test_language_specific_abbreviation() -> None:
    """A German abbreviation that could be English ("Hr.") ends no sentence in German only."""
    text = "Das sagte Hr. Müller. Ende."
    assert split_sentences(text, "de") == ["Das sagte Hr. Müller.", "Ende."]
    assert split_sentences(text, "german") == ["Das sagte Hr. Müller.", "Ende."]
    assert split_sentences(text) == ["Das sagte Hr. Müller.", "Ende."]
    assert split_sentences(text, "en") == ["Das sagte Hr.", "Müller.", "Ende."]


def test_unmistakable_foreign_abbreviation_holds_in_any_language() -> None:
    """The non-English "bzw." ends no sentence even on a page declared English."""
    text = "Das gilt bzw. Für alle. Ende."
    assert split_sentences(text, "en") == ["Das gilt bzw. Für alle.", "Ende."]


@given(st.text(max_size=400))
def test_sentences_are_verbatim_and_in_order(text: str) -> None:
    """Every sentence is a stripped slice of the input, found in order, for any text."""
    cursor = 0
    for sentence in split_sentences(text):
        assert sentence == sentence.strip() and sentence
        found = text.find(sentence, cursor)
        assert found >= cursor
        cursor = found + len(sentence)


# The splitter as it was before it was made linear (issue 16): every candidate regex match
# and a fresh search back to the last space for each mark. Kept to check the fast one against.
_OLD_CANDIDATE = re.compile(
    rf"(?:[.!?]+|…+)[{sentences._CLOSERS}]*(?:\s+|$)|[。！？]+[{sentences._CLOSERS}]*\s*"
    r"|(?<=[a-zß-öø-ÿ])\.(?=[A-Z][a-z])"  # a full stop glued to the next sentence, added since
)


class _Rescan:
    def __init__(self, text: str) -> None:
        self.text = text

    def before(self, mark_start: int) -> str:
        return sentences._previous_word(self.text, mark_start)


def _reference_split(text: str, language: str | None = None) -> list[str]:
    rules = sentences._rules_for(language)
    out: list[str] = []
    for paragraph in sentences._PARAGRAPH_BREAK.split(text):
        if not paragraph.strip():
            continue
        start = 0
        for match in _OLD_CANDIDATE.finditer(paragraph):
            if sentences._ends_sentence(paragraph, match, rules, _Rescan(paragraph)):  # type: ignore[arg-type]
                if paragraph[start : match.end()].strip():
                    out.append(paragraph[start : match.end()].strip())
                start = match.end()
        if paragraph[start:].strip():
            out.append(paragraph[start:].strip())
    return [s for s in out if sentences._HAS_WORD.search(s)]


_PIECES = [
    "Mr",
    "mr",
    "e.g",
    "U.S",
    "u.s",
    "Inc",
    "J",
    "No",
    "1",
    "the",
    "The",
    "It",
    "word",
    "a",
    ".",
    ".",
    "..",
    "!",
    "?",
    "…",
    "。",
    "！",
    '"',
    "”",
    "“",
    "(",
    ")",
    "«",
]
_PIECES += [" ", " ", " ", "\n", "\t", "\n\n", "\xa0", "\r"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.sampled_from([None, "en", "de"]))
def test_linear_splitter_matches_the_old_quadratic_one(pieces: list[str], lang: str | None) -> None:
    """The linear splitter cuts any mix of marks, abbreviations and white space like the old."""
    text = "".join(pieces)
    assert split_sentences(text, lang) == _reference_split(text, lang)


def test_marks_without_spaces_split_in_linear_time() -> None:
    """Marks separated only by newlines or tabs, and long runs of dots, still split correctly."""
    texts = ("Hi.\nHo.\nHa.", "Hi.\tHo.\tHa.", "." * 50 + "x. Then", "So….. " * 3)
    for text in (*texts, "Go\tMr. Smith.", "Go\nMr. Smith.", "Go\xa0e.g. The"):
        assert split_sentences(text) == _reference_split(text)


def test_tokenize_words_keeps_inner_punctuation_and_splits_cjk() -> None:
    """Words keep inner apostrophes, hyphens and dots; CJK text gives one token per character."""
    assert tokenize_words("Don't use state-of-the-art 3.5 U.S. tools, ok?") == [
        "Don't",
        "use",
        "state-of-the-art",
        "3.5",
        "U.S",
        "tools",
        "ok",
    ]
    assert tokenize_words("東京タワー Привет") == ["東", "京", "タ", "ワ", "ー", "Привет"]


def test_offline_tokenizer_speaks_sumy() -> None:
    """The sumy tokenizer exposes language, to_sentences and to_words as tuples."""
    tokenizer = OfflineTokenizer("english")
    assert tokenizer.language == "english"
    assert tokenizer.to_sentences("Mr. A came. B left.") == ("Mr. A came.", "B left.")
    assert tokenizer.to_words("B left, fast.") == ("B", "left", "fast")


DATELINES = [
    ("LONDON, England (CNN) -- The queen spoke.", "The queen spoke."),
    ("(CNN)The last time he spoke.", "The last time he spoke."),
    ("WASHINGTON (Reuters) - Stocks fell.", "Stocks fell."),
    ("NEW YORK, March 3 (AP) — Prices rose.", "Prices rose."),
    ("PARIS — The French said so.", "The French said so."),
    ("The U.S. (CNN) said so.", "The U.S. (CNN) said so."),
    ("Apple said today.", "Apple said today."),
]


@pytest.mark.parametrize(("sentence", "expected"), DATELINES)
def test_strip_dateline(sentence: str, expected: str) -> None:
    """A leading dateline is removed and nothing else is touched."""
    assert strip_dateline(sentence) == expected


BOILERPLATE = [
    "Scroll down for video .",
    "Click here to read more.",
    "ADVERTISEMENT",
    "Sign up for our newsletter.",
    "Related: Apple shares fall.",
    "Read more: the full story",
    "Follow us on Twitter.",
    "Follow John Smith on Twitter @js.",
    "By . Daily Mail Reporter . PUBLISHED: 10:22 EST, 1 May 2014",
    "By John Smith.",
    "By Jane Doe, Technology Reporter.",
    "By Jane Doe and John Roe",
    "What do you think? Let us know in the comments.",
    "Share this article",
    "Photo: Getty Images",
    "Pictured posed by model.",
    "Have you got a story? Email us.",
]
CONTENT = [
    "By the time he arrived, the party was over.",
    "By Monday, Apple had shipped a million phones.",
    "Posted on Facebook, the video went viral.",
    "Getty Images said it would appeal the ruling in the High Court next week.",
    "Apple released the iPhone on Tuesday.",
    "Readers will share the cost of the new service.",
]


@pytest.mark.parametrize("sentence", BOILERPLATE)
def test_boilerplate_is_recognised(sentence: str) -> None:
    """Page furniture is flagged as boilerplate."""
    assert is_boilerplate(sentence)


@pytest.mark.parametrize("sentence", CONTENT)
def test_content_is_not_boilerplate(sentence: str) -> None:
    """Ordinary sentences that merely start like furniture are kept."""
    assert not is_boilerplate(sentence)


def test_caption_cues() -> None:
    """Sentences pointing at a picture look like captions; plain prose does not."""
    assert looks_like_caption("Mr König (pictured) made the film.")
    assert looks_like_caption("The pair (left) met in 2010.")
    assert not looks_like_caption("Mr König made the film in 2015.")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Which is not to say it was routine.", True),
        ("That said, the phone sold well.", True),
        ("Instead, they bought tablets.", True),
        ("But Apple said sales were strong.", False),
        ("Thats the plan, Apple said.", False),
        ("Apple sold ten million phones.", False),
    ],
)
def test_leans_on_context(sentence: str, expected: bool) -> None:
    """Only openings that need the previous sentence are flagged; "But" ledes are not."""
    assert leans_on_context(sentence) is expected
