"""More candidate repairs from the CNN/DM scan (issue 12): a caption glued to the quotation
after it is cut before the quote, an attribution after a no-break space is cut like any other,
and a source's name in brackets glued to the first word is page furniture."""

from __future__ import annotations

import pytest

from bot.text import split_glued, strip_dateline
from bot.text.attributions import drop_trailing_attribution


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        (
            "Kilmarnock will confirm Gary Locke as the club's new manager on Friday ‘I’d be "
            "over the moon to get it,’ said Locke while talks were being finalised.",
            [
                "Kilmarnock will confirm Gary Locke as the club's new manager on Friday",
                "‘I’d be over the moon to get it,’ said Locke while talks were being finalised.",
            ],
        ),
        (
            "The family recently started a Kickstarter campaign 'When Wil was little, he "
            "would lie on his stomach. It was fun,' Lawrence Bell said.",
            [
                "The family recently started a Kickstarter campaign",
                "'When Wil was little, he would lie on his stomach. It was fun,' Lawrence Bell "
                "said.",
            ],
        ),
        (
            "Reds have captain Steven Gerrard (centre) back after a ban “When you get so "
            "close, it hurts,” the Liverpool manager added.",
            [
                "Reds have captain Steven Gerrard (centre) back after a ban",
                "“When you get so close, it hurts,” the Liverpool manager added.",
            ],
        ),
    ],
)
def test_caption_glued_to_a_named_quotation_is_cut(sentence: str, pieces: list[str]) -> None:
    """A quotation opened right after a caption's last word, closed with its speaker, is cut off."""
    assert split_glued(sentence) == pieces


@pytest.mark.parametrize(
    "sentence",
    [
        "He told her 'You can have any other pet you like,' Kristina Smith said later.",
        "The coach said 'We will win the league this year,' Smith said after the game.",
        "The film, dubbed 'The First Great Escape,' said Smith, opens in May next year.",
        "Pat enjoys dancing with friend Julia, 67, right 'I really enjoy myself, I party hard,' "
        "she admitted on the show.",
        "Fans unite outside the stadium with a banner reading 'Football without fans is "
        "nothing' before the game.",
    ],
)
def test_introduced_or_unnamed_quotation_is_no_cut(sentence: str) -> None:
    """A quote its own sentence introduces, or whose speaker is only "she", stays whole."""
    assert split_glued(sentence) == [sentence]


def test_attribution_after_a_no_break_space_is_cut() -> None:
    """A tail after a comma and a no-break space (",\xa0the ... reports.") is cut as usual."""
    sentence = (
        "The boy ran to the window but fell between the metal slats of the residential "
        "property,\xa0the People's Daily Online reports."
    )
    kept, tail = drop_trailing_attribution(sentence)
    assert kept == (
        "The boy ran to the window but fell between the metal slats of the residential property."
    )
    assert tail == ",\xa0the People's Daily Online reports."


def test_source_in_brackets_glued_to_the_first_word_is_stripped() -> None:
    """A credit glued to an article's first word, "(The Hollywood Reporter)Stan", is cut."""
    sentence = "(The Hollywood Reporter)Stan Freberg, the comic and adman, has died at 88."
    assert strip_dateline(sentence, first=True) == (
        "Stan Freberg, the comic and adman, has died at 88."
    )
    assert strip_dateline(sentence) == sentence  # later in the article: left alone
    spaced = "(Updated) Stan Freberg, the comic and adman, has died at 88."
    assert strip_dateline(spaced, first=True) == spaced  # a space after it: not glued
