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


# The rest of a short story about a phone launch: the glued opening is the one to repair.
_STORY = (
    "The phone, called the Sol, uses a thin-film solar panel built into its back cover.",
    "Acme said the Sol will cost $499 and ship in America in March.",
    "Analysts said the solar panel could change how people charge their phones.",
    "Acme shares rose 4.5% after the announcement on the stock exchange.",
)


@pytest.mark.parametrize(
    ("glued", "first_bullet"),
    [
        (  # a caption run into a lede that opens "A"
            "Acme boss Jane Doe poses with the phone at the launch A solar-powered phone "
            "that never needs a charger went on sale in Europe on Tuesday.",
            "A solar-powered phone that never needs a charger went on sale in Europe on Tuesday.",
        ),
        (  # a caption ending on its photo aside
            "Acme boss Jane Doe shows off the phone at the launch in Berlin (pictured) Acme "
            "will sell a solar-powered phone that never needs a charger from Tuesday.",
            "Acme will sell a solar-powered phone that never needs a charger from Tuesday.",
        ),
        (  # a caption run into a quotation with a named speaker
            "Acme chief Jane Doe at the launch in Berlin on Friday ‘We have built a phone "
            "that never needs a charger,’ said Doe while the crowd cheered the new device.",
            "‘We have built a phone that never needs a charger,’ said Doe while the crowd "
            "cheered the new device.",
        ),
    ],
)
def test_text_glued_behind_a_caption_becomes_the_first_bullet(
    glued: str, first_bullet: str
) -> None:
    """The lede or quote recovered from behind a glued caption is offered as the first key
    point, without the caption."""
    article = Article(paragraphs=(glued, *_STORY), language="en")
    assert summarize(article, method="lead").bullets[0] == first_bullet
