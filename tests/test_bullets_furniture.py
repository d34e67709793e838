"""Page furniture: disclosures, notices, footnotes, captions, datelines and glued headers."""

from __future__ import annotations

import pytest

from bot.models import Article
from bot.summarize import summarize
from bot.text import is_boilerplate, looks_like_caption, strip_dateline

NOTICES = [
    "This post has been sponsored by a garden furniture brand.",  # disclosure
    "This shop has been compensated by an agency and its advertiser.",
    "All opinions are my own.",
    "This article contains affiliate links, and we may earn a commission.",
    "As an Amazon Associate I earn from qualifying purchases.",
    "This copy is for your personal, non-commercial use only.",  # reprint terms
    "To order presentation-ready copies for distribution to colleagues, visit our reprints page.",
    "Comments are moderated and will not appear until approved.",  # comment policy
    "ATENÇÃO: Comentários ofensivos não serão aprovados.",  # labelled notice, any language
    "Editor's note: This story was updated with a statement from the company.",
    "UPDATE: The company has since responded to our request.",
    "*Only the first twelve drivers compete for the title.",  # footnote
    "Bookmark this page and come back for the latest standings!",
]
PROSE = [
    "The study was sponsored by the National Institutes of Health and ran for two years.",
    "Researchers were paid for their time, the university said.",
    "Note-taking apps have grown quickly since 2015.",
    "The update fixes a bug that drained batteries overnight.",
    "Opinions are divided on whether the plan will work.",
]


@pytest.mark.parametrize("sentence", NOTICES)
def test_notices_are_boilerplate(sentence: str) -> None:
    """Disclosures, reprint terms, comment policies, labelled notes and footnotes are dropped."""
    assert is_boilerplate(sentence)


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_about_sponsors_and_updates_is_kept(sentence: str) -> None:
    """Sentences that merely mention sponsors, notes or updates are not furniture."""
    assert not is_boilerplate(sentence)


CAPTIONS = [
    "Evicted: Jane Doe has been told her dog must leave the flat this month.",  # label
    "Fighter ace: The pilot's story is to be told in a new film.",
    "Jo Bloggs celebrates after winning the final race at the course on Friday.",  # action
    "Sam Lee addresses his players at training ahead of the cup match.",
    "Ann Smith shakes hands with the mayor during the ceremony in the square.",
]
NOT_CAPTIONS = [
    "Mr Brown said: 'We will appeal against the ruling next week.'",  # a speaker, not a label
    "He added: 'It was the best day of my life.'",
    "Jo Bloggs celebrated a record win at the course on Friday.",  # past tense: narration
    "The Prime Minister says the plan will cut waiting lists.",
]


@pytest.mark.parametrize("sentence", CAPTIONS)
def test_captions_are_recognised(sentence: str) -> None:
    """Labelled captions and present-tense picture captions are flagged."""
    assert looks_like_caption(sentence)


@pytest.mark.parametrize("sentence", NOT_CAPTIONS)
def test_narration_and_speakers_are_not_captions(sentence: str) -> None:
    """Quotes introduced by a speaker and past-tense narration are not captions."""
    assert not looks_like_caption(sentence)


DATELINES = [  # (sentence, first sentence of the article?, expected)
    ("Hong Kong (CNN Business)Stocks fell again.", False, "Stocks fell again."),
    (
        "Charleston, South Carolina (CNN)Police led the procession.",
        False,
        "Police led the procession.",
    ),
    ("NEW DELHI: Nearly 150 people returned home.", True, "Nearly 150 people returned home."),
    ("CLAIMS: Protects against all rays.", False, "CLAIMS: Protects against all rays."),
    ("— Jo Smith threw for three touchdowns.", False, "Jo Smith threw for three touchdowns."),
    (
        "Indianapolis – Several thousand teachers marched.",
        True,
        "Several thousand teachers marched.",
    ),
    ("New York, NY – The range of ads grew.", True, "The range of ads grew."),
    ("Washington, DC, United States: Getting there is hard.", True, "Getting there is hard."),
    (
        "Indianapolis – Several thousand teachers marched.",
        False,
        "Indianapolis – Several thousand teachers marched.",
    ),
    (
        "A role for a rocket by Jo Smith Monday, November 18, 2019 Earlier this month, NASA spoke.",
        True,
        "Earlier this month, NASA spoke.",
    ),
    ("The U.S. (CNN) said so.", True, "The U.S. (CNN) said so."),
    ("Apple – the company – said so.", True, "Apple – the company – said so."),
]


@pytest.mark.parametrize(("sentence", "first", "expected"), DATELINES)
def test_strip_dateline_forms(sentence: str, first: bool, expected: str) -> None:
    """Datelines and glued headers go; loose forms only from the first sentence; prose stays."""
    assert strip_dateline(sentence, first=first) == expected


NEWS = (
    "Acme Corp. launched a solar-powered phone on Tuesday that it says never needs a charger.",
    "The phone, called the Sol, uses a thin-film solar panel built into its back cover.",
    "Acme said the Sol will cost $499 and ship in Europe and America in March.",
    "Analysts said the solar panel could change how people charge their phones.",
    "Acme shares rose 4.5% after the announcement on the stock exchange.",
)


def test_disclosure_leading_a_post_is_not_a_bullet() -> None:
    """A sponsorship disclosure at the top of a post never becomes a key point."""
    article = Article(paragraphs=(NOTICES[1], NOTICES[2], *NEWS))
    bullets = summarize(article).bullets
    assert len(bullets) == 3 and not set(bullets) & set(NOTICES)


def test_caption_is_ranked_below_prose() -> None:
    """A picture caption near the top loses to the article's own sentences."""
    caption = "Jane Doe poses with the new solar phone at the launch in London on Tuesday."
    article = Article(paragraphs=(NEWS[0], caption, *NEWS[1:]))
    assert caption not in summarize(article).bullets
