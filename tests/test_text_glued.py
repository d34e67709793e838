"""A lede glued to the caption before it ("... sexual assault A senior doctor ...") is cut off
it; letters used as labels ("vitamin A supplements", "Serie A") are left alone."""

from __future__ import annotations

import pytest

from bot.models import Article
from bot.summarize import summarize
from bot.text import split_glued

GLUED_LEDES = [
    (
        "Dr Jo Bloggs, 38, has denied four counts of assault A senior doctor is accused of "
        "groping two nurses at a hospital.",
        [
            "Dr Jo Bloggs, 38, has denied four counts of assault",
            "A senior doctor is accused of groping two nurses at a hospital.",
        ],
    ),
    (
        "The car was found near the station (pictured) An eight-year-old boy slept through "
        "the theft in the back seat.",
        [
            "The car was found near the station (pictured)",
            "An eight-year-old boy slept through the theft in the back seat.",
        ],
    ),
    (
        "Scroll down for video A judge has ruled the number plate was a deliberate reference.",
        ["Scroll down for video", "A judge has ruled the number plate was a deliberate reference."],
    ),
]

LABELS = [
    "The drink contains vitamin A supplements and no added sugar.",
    "Juventus are 15 points clear at the top of the Serie A standings this season.",
    "The cream protects against infra-red A rays as well as UVA and UVB.",
    "The startup raised a series A round of $20 million from three investors.",
    "Prosecutors said Nurse A reported the incident to her manager on the same day.",
    "Passengers were moved to terminal A gate 12 after the alarm.",
    "Engineers chose plan A because it was cheaper than the others.",
    "She had blood type A and needed a transfusion within the hour.",
    "Users can pick option A or B in the settings menu of the app.",
    "In 2014 A new law was passed.",
]


@pytest.mark.parametrize(("sentence", "pieces"), GLUED_LEDES)
def test_glued_lede_opening_with_a_is_cut_off(sentence: str, pieces: list[str]) -> None:
    """A caption run into a lede that opens "A"/"An" is cut before the article, verbatim."""
    assert split_glued(sentence) == pieces


@pytest.mark.parametrize("sentence", LABELS)
def test_letter_used_as_a_label_is_not_a_cut(sentence: str) -> None:
    """The letter A naming a vitamin, league, ray, round, person or gate starts no sentence."""
    assert split_glued(sentence) == [sentence]


def test_glued_lede_becomes_the_first_bullet() -> None:
    """The lede recovered from behind a glued caption is offered as the first key point."""
    article = Article(
        paragraphs=(
            "Acme boss Jane Doe poses with the phone at the launch A solar-powered phone "
            "that never needs a charger went on sale in Europe on Tuesday.",
            "The phone, called the Sol, uses a thin-film solar panel built into its back cover.",
            "Acme said the Sol will cost $499 and ship in America in March.",
            "Analysts said the solar panel could change how people charge their phones.",
            "Acme shares rose 4.5% after the announcement on the stock exchange.",
        ),
        language="en",
    )
    bullets = summarize(article, method="lead").bullets
    assert bullets[0] == (
        "A solar-powered phone that never needs a charger went on sale in Europe on Tuesday."
    )
