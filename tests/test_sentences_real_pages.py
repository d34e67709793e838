"""Splitter cases seen on real pages: model names with a dot, and a full stop glued to the next
sentence by a lost space."""

from __future__ import annotations

import pytest

from bot.text import split_sentences


def test_model_name_with_a_dot_does_not_end_a_sentence() -> None:
    """ "ID. Buzz" and "ID.3" are Volkswagen models, not the end of a sentence."""
    text = "Whatever the definition, VW says that while the ID. Buzz is a van, the ID.3 is not."
    assert split_sentences(text, "en") == [text]


def test_id_before_a_sentence_opener_still_ends_a_sentence() -> None:
    """An "ID." followed by a typical opener ("The") is the end of the sentence."""
    assert split_sentences("He showed his ID. The guard let him in.", "en") == [
        "He showed his ID.",
        "The guard let him in.",
    ]


def test_full_stop_glued_to_the_next_sentence_splits() -> None:
    """ "...on Wednesday.The stabbing..." is two sentences despite the missing space."""
    text = "The man was arrested, Kan reported on Wednesday.The stabbing occurred at a station."
    assert split_sentences(text, "en") == [
        "The man was arrested, Kan reported on Wednesday.",
        "The stabbing occurred at a station.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "See example.com/docs.Html for the details.",
        "Mr.Smith arrived late for the meeting.",
        "The Node.js runtime and ASP.NET both run it.",
    ],
)
def test_glued_dot_inside_addresses_names_and_titles_does_not_split(text: str) -> None:
    """A dot between letters inside an address, after a title or in a product name is kept."""
    assert split_sentences(text, "en") == [text]
