"""Sentences that lean on the one before them are bullets only next to it."""

from __future__ import annotations

import pytest

from bot.summarize import default
from bot.summarize.candidates import Candidate
from bot.text import is_bare_quotation, leans_on_context, refers_back, tokenize_words

REFERS_BACK = [
    ("He was arrested in April for the call.", True),
    ("It will house the local police offices.", True),
    ("These high-end tools give doctors critical data.", True),
    ("And that means a slaughter of some degree.", True),
    ("Or even for a single night.", True),
    ("Also, we hope you enjoyed getting to know him.", True),
    ("Also on Tuesday, the Senate voted to adjourn.", False),
    ("Because space travel is anything but easy.", True),
    ("Staying on the Moon, however, has not been done.", True),
    ("'If I play well, I will win it.'", True),  # a quotation with no speaker
    ("All of my thoughts became musical.", True),  # short, nothing named
    ("This year Acme sold ten million phones.", False),
    ("That night the storm reached the coast.", False),
    ("Euro 2020 qualifying is over.", False),
    ("Acme sold ten million phones this year.", False),
    ("'We will appeal,' Acme said on Monday.", False),
    ("不正に改造したiPhoneを販売しました。", False),
]


@pytest.mark.parametrize(("sentence", "expected"), REFERS_BACK)
def test_refers_back(sentence: str, expected: bool) -> None:
    """Pronoun, "And that", bare-quote and thin openings point back; named subjects do not."""
    assert refers_back(sentence) is expected


@pytest.mark.parametrize(
    "sentence",
    ["This comes after police said so.", "It came as shares fell.", "That said, it sold."],
)
def test_dangling_openings(sentence: str) -> None:
    """ "This comes after ..." needs the previous sentence wherever it stands."""
    assert leans_on_context(sentence)


def _candidate(position: int, text: str, eligible: bool = True) -> Candidate:
    return Candidate(position, text, tuple(tokenize_words(text)), eligible)


# Twelve-word sentences with no word in common: no centrality, no redundancy, same length,
# so the position prior alone orders them and only the opening can change the choice.
SENTENCES = [
    "Acme launched solar phones Tuesday across twelve busy markets including Lagos and Lima.",
    "It costs four hundred dollars and ships in March to European customers.",
    "Analysts expect strong demand from commuters who travel long distances by train.",
    "Rival makers previously tried similar designs but their panels proved too small.",
]


def _choose(candidates: list[Candidate], budget: int) -> list[int]:
    return default.rank(
        candidates, budget, str.lower, refers_back=lambda text: text.startswith("It ")
    )


def test_pronoun_sentence_follows_its_antecedent() -> None:
    """Right after the sentence it refers to, a pronoun sentence is taken as usual."""
    candidates = [_candidate(i, text) for i, text in enumerate(SENTENCES)]
    assert _choose(candidates, budget=2) == [0, 1]


def test_pronoun_sentence_without_its_antecedent_is_ranked_down() -> None:
    """When its antecedent cannot be a bullet, a later self-contained sentence is preferred."""
    candidates = [_candidate(0, SENTENCES[0], eligible=False)]
    candidates += [_candidate(i, text) for i, text in enumerate(SENTENCES) if i]
    assert default.rank(candidates, 1, str.lower) == [1]  # without the rule: the pronoun one
    assert _choose(candidates, budget=1) == [2]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('"America is not for sale. We are taking in billions."', True),
        ("“The show was great. Booking was easy.”", True),
        ("'If I play well, I will win it.'", True),
        ('"We will appeal," the company said.', False),
        ('The company said: "We will appeal."', False),
    ],
)
def test_is_bare_quotation(sentence: str, expected: bool) -> None:
    """Only a quotation with no speaker in the sentence counts as bare."""
    assert is_bare_quotation(sentence) is expected


def test_bare_quotation_without_its_speaker_is_ranked_down() -> None:
    """A speakerless quotation loses to a later sentence unless its lead-in is taken."""
    quote = '"Fares will climb sharply, hitting everybody riding buses in northern provinces."'
    candidates = [_candidate(0, SENTENCES[0], eligible=False), _candidate(1, quote)]
    candidates += [_candidate(i, text) for i, text in enumerate(SENTENCES) if i > 1]
    bare = default.rank(candidates, 1, str.lower, is_bare_quotation=is_bare_quotation)
    assert default.rank(candidates, 1, str.lower) == [1]  # without the rule: the quotation
    assert bare == [2]


def test_bare_quotation_after_its_lead_in_is_taken() -> None:
    """Right after the sentence that introduces it, a quotation is taken as usual."""
    quote = '"Fares will climb sharply, hitting everybody riding buses in northern provinces."'
    candidates = [_candidate(0, SENTENCES[0]), _candidate(1, quote)]
    candidates += [_candidate(i, text) for i, text in enumerate(SENTENCES) if i > 1]
    assert default.rank(candidates, 2, str.lower, is_bare_quotation=is_bare_quotation) == [0, 1]
