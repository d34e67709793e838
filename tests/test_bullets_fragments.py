"""Stat lines, table rows, Q&A turns, glued captions and cut sentences are not bullets."""

from __future__ import annotations

import pytest

from bot.models import Article
from bot.summarize import METHODS, summarize
from bot.text import ends_with_abbreviation, looks_like_fragment, split_glued

FRAGMENTS = [
    "2 sacks, 1 TFL, 3 QH, 1 FF.",  # box score
    "LB John Smith 61 88% 4 tackles (5 combined).",  # stat row
    "Lakeside (2-1): Jones 18 points.",  # results line
    "12 Mark Brown 2210 1 4 9 17",  # table row
    "Q: What did you learn in your first year as chief executive?",  # interview turn
    "A: Mostly that the team matters more than the plan does.",
    "The car was delivered to Army Spc.",  # cut at an abbreviation
]
SENTENCES = [
    "Ahmed Omar remains a fugitive.",
    "Truck and SUV sales are down 2.6 percent, while sedan sales are down 12.3 percent.",
    "Wales beat Hungary 2-0 to earn the 20th spot on Tuesday.",
    "The company sold 4 million phones in 2019, up 12% from 2018.",
    "不正に改造したiPhoneでも、もともとは、アップル社から購入したものです。",
    "Он сказал, что игра выйдет в следующем году.",
]


@pytest.mark.parametrize("text", FRAGMENTS)
def test_fragments_are_recognised(text: str) -> None:
    """Lines that only look like sentences are flagged as fragments."""
    assert looks_like_fragment(text)


@pytest.mark.parametrize("text", SENTENCES)
def test_sentences_are_not_fragments(text: str) -> None:
    """Real sentences, with numbers, short, or in uncased scripts, are not fragments."""
    assert not looks_like_fragment(text)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("She met Lt.", True),
        ("He thanked Dr.", True),
        ("Das gilt bzw.", True),
        ("They live on Main St.", False),
        ("Sales rose in the U.S.", False),
        ("It ended.", False),
    ],
)
def test_ends_with_abbreviation(sentence: str, expected: bool) -> None:
    """Only abbreviations that never close a sentence mark a cut one; "St." and "U.S." can."""
    assert ends_with_abbreviation(sentence) is expected


GLUED = [
    (
        "Jo Bloggs celebrates after scoring the late goal But the keeper was in top form.",
        [
            "Jo Bloggs celebrates after scoring the late goal",
            "But the keeper was in top form.",
        ],
    ),
    (
        "The app was updated The previous version took four minutes to export a file.",
        ["The app was updated", "The previous version took four minutes to export a file."],
    ),
    (
        "Sun Cream, SPF 30, from most chemists CLAIMS: Protects against all rays.",
        ["Sun Cream, SPF 30, from most chemists", "CLAIMS: Protects against all rays."],
    ),
    ("He read The Times every day.", ["He read The Times every day."]),
    ("It was cold. The match went ahead.", ["It was cold. The match went ahead."]),
]


@pytest.mark.parametrize(("sentence", "pieces"), GLUED)
def test_split_glued(sentence: str, pieces: list[str]) -> None:
    """A caption or heading run into a sentence by a lost line break is cut off, verbatim."""
    assert split_glued(sentence) == pieces


NEWS = (
    "Acme Corp. launched a solar-powered phone on Tuesday that it says never needs a charger.",
    "The phone, called the Sol, uses a thin-film solar panel built into its back cover.",
    "Acme said the Sol will cost $499 and ship in Europe and America in March.",
    "Analysts said the solar panel could change how people charge their phones.",
    "Acme shares rose 4.5% after the announcement on the stock exchange.",
)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_fragments_never_become_bullets(method: str, fragment: str) -> None:
    """Whatever the method, a fragment leading the article is not offered as a key point."""
    bullets = summarize(Article(paragraphs=(fragment, *NEWS)), method=method).bullets
    assert bullets and fragment not in bullets


def test_tail_of_a_cut_sentence_is_not_a_bullet() -> None:
    """The piece after a sentence cut at "Spc." is a fragment too, even if it looks whole."""
    article = Article(
        paragraphs=(
            "The soldier was named as Army Spc.",
            "Jordan Lee of the third battalion was honoured for bravery at a ceremony.",
            *NEWS,
        )
    )
    bullets = summarize(article, method="lead").bullets
    assert not any("Jordan Lee" in bullet or "Spc." in bullet for bullet in bullets)


def test_glued_caption_is_cut_from_the_bullet() -> None:
    """Only the sentence after a glued caption can be a bullet, never the caption with it."""
    glued = (
        "Acme boss Jane Doe poses with the phone at the launch The new phone uses a "
        "thin-film solar panel that Acme says never needs a charger."
    )
    bullets = summarize(Article(paragraphs=(glued, *NEWS[1:])), method="lead").bullets
    assert bullets[0].startswith("The new phone uses")
