"""The default ranker's scoring on small fixtures: centrality, position, speaking to the reader."""

from __future__ import annotations

import pytest

from bot.models import Article
from bot.summarize import default, summarize
from bot.summarize.candidates import Candidate
from bot.summarize.language import term_normaliser
from bot.text import addresses_reader, tokenize_words

NORMALISE = term_normaliser("en")


def _candidates(texts: list[str]) -> list[Candidate]:
    return [Candidate(i, text, tuple(tokenize_words(text)), True) for i, text in enumerate(texts)]


def test_central_sentence_beats_an_isolated_earlier_one() -> None:
    """The sentence that later sentences elaborate on is chosen over an unrelated first one."""
    texts = [
        "Weather forecasters expect heavy rain across northern valleys during the coming weekend.",
        "Acme recalled its Sol solar phone after batteries overheated in hundreds of homes.",
        "The Sol phone batteries overheated while charging from the solar panel, Acme found.",
        "Owners of the recalled Sol phone can return it to any Acme shop for a refund.",
        "Regulators asked Acme how long it had known that the Sol batteries could overheat.",
    ]
    assert default.rank(_candidates(texts), 1, NORMALISE) == [1]


def test_earlier_sentence_wins_when_nothing_else_differs() -> None:
    """With no shared words and equal lengths, the position prior keeps the first sentence."""
    texts = [
        "Acme launched solar phones Tuesday across twelve busy markets including Lagos and Lima.",
        "Analysts expect strong demand from commuters who travel long distances by train.",
    ]
    assert default.rank(_candidates(texts), 1, NORMALISE) == [0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("You might have seen images of the sun before, but never like this.", True),
        ("If you're like me, game day is about the snacks.", True),
        ("Your phone will update itself tonight.", True),
        ("The club, whose fans you could call loyal, sold out again.", True),
        ("'I can't believe you did it,' she told him.", False),  # quoted: not the reader
        ('"You will see a number of things," the director said.', False),
        ("The youth team won the cup.", False),
        ("Youssouf Mulumbu picked Harry Kane.", False),
        ("Guests wrote thank-you notes.", False),
        ("Acme sold ten million phones.", False),
    ],
)
def test_addresses_reader(sentence: str, expected: bool) -> None:
    """Only "you" outside quotation marks speaks to the reader."""
    assert addresses_reader(sentence) is expected


HOOK = "You might have seen fantastic pictures of distant galaxies in magazines before."
FACT = "Astronomers in Chile recorded a supernova with the largest telescope ever built."


def test_sentence_speaking_to_the_reader_is_ranked_down() -> None:
    """A first sentence addressed to the reader loses to the factual one after it."""
    candidates = _candidates([HOOK, FACT])
    assert default.rank(candidates, 1, NORMALISE) == [0]  # without the rule: the first one
    assert default.rank(candidates, 1, NORMALISE, addresses_reader=addresses_reader) == [1]


def test_summarize_ranks_the_hook_down_in_english_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """summarize() applies the reader rule to English text and not to other languages."""
    english = Article(paragraphs=(f"{HOOK} {FACT}",), language="en")
    assert summarize(english).bullets == (FACT,)
    monkeypatch.setattr(default, "READER_PENALTY", 1.0)
    assert summarize(english).bullets == (HOOK,)
    monkeypatch.undo()
    german = Article(paragraphs=(f"{HOOK} {FACT}",), language="de")
    assert summarize(german).bullets == (HOOK,)  # "you" is not a German word
