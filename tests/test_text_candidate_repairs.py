"""Candidate repairs from scanning the CNN/DM sample (issue 12): "then-Sen." is no sentence end,
a capital after a photo aside starts a new piece, more plain attributions and comment adverbs
are cut from bullets, and what is not plain stays."""

from __future__ import annotations

import pytest

from bot.text import ends_with_abbreviation, split_glued, split_sentences
from bot.text.attributions import drop_trailing_attribution
from bot.text.connectives import drop_linking_opening


def test_title_after_a_hyphen_does_not_end_a_sentence() -> None:
    """A title after a hyphen ("then-Sen. Barack Obama") ends no sentence, as "Sen." does not."""
    text = (
        "In 2006, then-Sen. Barack Obama called the killings a genocide. "
        "Ex-Gov. Jane Doe agreed with him at the time."
    )
    assert split_sentences(text, "en") == [
        "In 2006, then-Sen. Barack Obama called the killings a genocide.",
        "Ex-Gov. Jane Doe agreed with him at the time.",
    ]


def test_piece_ending_on_a_hyphenated_title_is_a_cut_sentence() -> None:
    """A piece cut after "then-Sen." by a line break is known as half a sentence."""
    assert ends_with_abbreviation("In 2006, after the ambassador was recalled, then-Sen.")
    assert not ends_with_abbreviation("The talks were led by a well-known figure.")


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        (
            "Prince Charles arrives with his wife (pictured) Camilla opened the new "
            "hospital wing on Tuesday.",
            [
                "Prince Charles arrives with his wife (pictured)",
                "Camilla opened the new hospital wing on Tuesday.",
            ],
        ),
        (
            "Burton Albion's (L-R) Denny Johnstone and Tom Naylor celebrate promotion.",
            ["Burton Albion's (L-R)", "Denny Johnstone and Tom Naylor celebrate promotion."],
        ),
        (
            "Wright (centre) played for Arsenal Sandown tried to sign Henry (file photo) "
            "Family commitments will keep McCoy away on Sunday.",
            [
                "Wright (centre) played for Arsenal Sandown tried to sign Henry (file photo)",
                "Family commitments will keep McCoy away on Sunday.",
            ],
        ),
    ],
)
def test_capital_after_a_photo_aside_starts_a_new_piece(sentence: str, pieces: list[str]) -> None:
    """A caption ends on its "(pictured)"/"(L-R)" aside: what follows is cut off, verbatim."""
    assert split_glued(sentence) == pieces


@pytest.mark.parametrize(
    "sentence",
    [
        "Wright (centre) is now a television pundit but played for Arsenal.",
        "Obama (left) and Biden (right) met the families at the White House.",
        "The report (PDF) Was leaked to the press on Monday.",
    ],
)
def test_aside_inside_a_sentence_is_no_cut(sentence: str) -> None:
    """An aside followed by its verb or "and", or one that is no photo aside, cuts nothing."""
    assert split_glued(sentence) == [sentence]


@pytest.mark.parametrize(
    ("sentence", "kept", "tail"),
    [
        (
            "Mo Farah will race over 1500 metres at the Birmingham Grand Prix in June, "
            "organisers have announced.",
            "Mo Farah will race over 1500 metres at the Birmingham Grand Prix in June.",
            ", organisers have announced.",
        ),
        (
            "The teenager was charged as an adult with homicide and conspiracy, the district "
            "attorney announced Thursday.",
            "The teenager was charged as an adult with homicide and conspiracy.",
            ", the district attorney announced Thursday.",
        ),
        (
            "Scottish voters would rather have a vote on the EU than on independence, a new "
            "survey has revealed.",
            "Scottish voters would rather have a vote on the EU than on independence.",
            ", a new survey has revealed.",
        ),
        (
            "Lord Janner escaped trial after the top prosecutor over-ruled two senior lawyers, "
            "it emerged last night.",
            "Lord Janner escaped trial after the top prosecutor over-ruled two senior lawyers.",
            ", it emerged last night.",
        ),
        (
            "The ethnic minority population of Britain will double by the middle of the "
            "century, research shows.",
            "The ethnic minority population of Britain will double by the middle of the century.",
            ", research shows.",
        ),
        (
            "A majority of the public does not want Camilla to become queen, a poll for the "
            "Daily Mail reveals today.",
            "A majority of the public does not want Camilla to become queen.",
            ", a poll for the Daily Mail reveals today.",
        ),
    ],
)
def test_more_plain_attributions_are_cut(sentence: str, kept: str, tail: str) -> None:
    """Tails with "announced", "revealed", "it emerged", "a survey found" only name a source."""
    assert drop_trailing_attribution(sentence) == (kept, tail)
    assert kept[:-1] + tail == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Germans now think of themselves as victims of the Nazi regime, it has been claimed.",
        "The drug cuts the risk of a stroke by half in older men, which research found.",
        "We will appeal the ruling to the supreme court next month, a new survey has revealed.",
    ],
)
def test_claims_and_clauses_keep_their_source(sentence: str) -> None:
    """A claim ("it has been claimed"), a clause ("which ...") or a first person stays whole."""
    assert drop_trailing_attribution(sentence) == (sentence, "")


@pytest.mark.parametrize(
    ("sentence", "expected", "opening"),
    [
        (
            "Incredibly, customers can buy the doll for its original 1959 price of $3.",
            "Customers can buy the doll for its original 1959 price of $3.",
            "Incredibly, ",
        ),
        (
            "Finally, after three years, a jury ruled in favour of the neighbours.",
            "After three years, a jury ruled in favour of the neighbours.",
            "Finally, ",
        ),
        (
            "For his part, the mayor said the plan would go ahead.",
            "The mayor said the plan would go ahead.",
            "For his part, ",
        ),
    ],
)
def test_comment_adverbs_and_sequence_openings_are_cut(
    sentence: str, expected: str, opening: str
) -> None:
    """Openings like "Incredibly,", "Finally,", "For his part," are cut like "However,"."""
    assert drop_linking_opening(sentence) == (expected, opening)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sadly the shop closed for good in 2019 after forty years.",
        "Importantly for fans, the stadium will stay open all summer.",
        "Finally there is the question of money, which nobody has answered.",
    ],
)
def test_adverb_without_its_comma_is_left_alone(sentence: str) -> None:
    """Without a comma right after it, the adverb is part of the sentence and stays."""
    assert drop_linking_opening(sentence) == (sentence, "")
