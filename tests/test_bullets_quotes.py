"""Bullets never carry a quotation or bracket they do not open and close themselves."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import Article
from bot.summarize import METHODS, summarize
from bot.text import is_balanced, join_quotations, split_sentences

BALANCE = [
    ("“I felt strange,” she said.", True),
    ("“The best way I can describe it is that it felt like music.", False),
    ("All of my thoughts became musical.”", False),
    ('He said "yes" and left.', True),
    ('"He does not run the company.', False),
    ("'We came here for a holiday,' the officer said.", True),
    ("'It is not so good for the club that he is leaving.", False),
    ("We are no heroes, just tourists,' the officer said.", False),
    ("The players' union said it would appeal.", True),
    ("It wasn't the band's fault, she said.", True),
    ("‘Get them back into school,’ the mayor said.", True),
    ("‘Get them back into school.", False),
    ("Sales rose (as expected in the quarter.", False),
    ("Sales rose (as expected) in the quarter.", True),
    ("Die Firma sagte: „Wir wachsen.“", True),
]


@pytest.mark.parametrize(("sentence", "balanced"), BALANCE)
def test_is_balanced(sentence: str, balanced: bool) -> None:
    """Quotes and brackets are paired; apostrophes and possessives are not quotes."""
    assert is_balanced(sentence) is balanced


JOINS = [
    (
        "“I felt odd,” she said. “It felt like music. All my thoughts were music.” Then it ended.",
        [
            "“I felt odd,” she said.",
            "“It felt like music. All my thoughts were music.”",
            "Then it ended.",
        ],
    ),
    (
        "'We came here on holiday. We are no heroes,' the officer said. He left.",
        ["'We came here on holiday. We are no heroes,' the officer said.", "He left."],
    ),
    (  # a quotation that never closes is left in pieces
        "“It felt like music. All my thoughts were music. Then it ended.",
        ["“It felt like music.", "All my thoughts were music.", "Then it ended."],
    ),
]


@pytest.mark.parametrize(("paragraph", "expected"), JOINS)
def test_join_quotations(paragraph: str, expected: list[str]) -> None:
    """The sentences of one quotation become one verbatim unit; closed ones stay apart."""
    assert join_quotations(paragraph, split_sentences(paragraph)) == expected


LONG_QUOTE = (
    "“The best way I can describe it is that it just felt like my brain was only music and that "
    "everything anybody said to me became a tune. All of my thoughts became musical. Every street "
    "sign became musical. I could not get my mind into any other mode at all for weeks,” she said."
)
STORY = Article(
    paragraphs=(
        "The singer Ann Lee wrote her first song after a minor arm operation last spring.",
        LONG_QUOTE,
        "Doctors later told Ann Lee that the change was probably caused by a small stroke.",
        "The song was nominated for an award on Monday and will be performed at the ceremony.",
        "Ann Lee said she plans to release a full album of new songs next year.",
    ),
)


@pytest.mark.parametrize("method", METHODS)
def test_no_piece_of_a_cut_quotation_becomes_a_bullet(method: str) -> None:
    """Inner sentences of a long quotation ("All of my thoughts ...") are never bullets."""
    bullets = summarize(STORY, method=method).bullets
    assert bullets
    assert all(is_balanced(bullet) for bullet in bullets)
    assert not any("musical" in bullet for bullet in bullets)


@given(st.text(alphabet=st.sampled_from(list("ab .,!?'\"“”‘’()\n")), max_size=200))
def test_join_quotations_stays_verbatim(paragraph: str) -> None:
    """Joined units are verbatim, in order, and together hold every sentence's words exactly
    once (a joined span may also keep a lone "?" the splitter left out between two pieces)."""
    sentences = split_sentences(paragraph)
    units = join_quotations(paragraph, sentences)
    assert re.findall(r"\w+", " ".join(units)) == re.findall(r"\w+", " ".join(sentences))
    cursor = 0
    for unit in units:
        found = paragraph.find(unit, cursor)
        assert found >= 0
        cursor = found + len(unit)
