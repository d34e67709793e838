"""Plain text is cleaned like an extracted page before any summary method sees it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.extraction.blocks import Block
from bot.extraction.cleanup import trim_boilerplate
from bot.extraction.page import LinkIndex
from bot.extraction.plain_text import clean_paragraphs, text_article
from bot.pipeline import summarize_text
from bot.summarize import METHODS

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
TAILS = (FIXTURES / "article_tails.txt").read_text()
# Words of the page furniture in the fixture: none may reach `text`, `words` or a bullet.
FURNITURE = (
    "ADVERTISEMENT",
    "newsletter",
    "inbox",
    "Read more",
    "ferry terminal",
    "Latest Stories",
    "jewellery",
    "Storm knocks out power",
    "football",
    "inspectors",
)
ARTICLE_WORDS = 176  # the fixture's seven article paragraphs without the furniture


@pytest.mark.parametrize("method", METHODS)
def test_every_method_quotes_only_the_article_of_a_text_with_page_furniture(method: str) -> None:
    """Ads, sign-up prompts, 'Read more:' links and a 'Latest Stories' list are gone for every
    method: no bullet quotes them, and `text` and `words` hold only the article."""
    summary = summarize_text(TAILS, bullets=5, method=method)
    assert summary.bullets
    for bullet in summary.bullets:
        assert not any(f.lower() in bullet.lower() for f in FURNITURE), bullet
    assert not any(f in summary.article.text for f in FURNITURE)
    assert summary.article.words == ARTICLE_WORDS
    assert summary.article.title == "Harbour town opens a tidal power station"


def test_json_words_count_the_cleaned_text(capsys: pytest.CaptureFixture[str]) -> None:
    """`summarize FILE.txt --json` reports the words of the cleaned text."""
    assert main(["summarize", str(FIXTURES / "article_tails.txt"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["words"] == ARTICLE_WORDS


@pytest.mark.parametrize(
    "layout",
    [
        # the list's label and items in one paragraph
        ("Latest Stories\nPolice arrest two men after a robbery.\nStorm cuts power to homes."),
        # one paragraph per item
        ("Latest Stories\n\nPolice arrest two men after a robbery.\n\nStorm cuts power to homes."),
        # headlines without full stops
        ("Related stories\n\nPolice arrest two men after a robbery\n\nStorm cuts power to homes"),
    ],
)
def test_a_trailing_story_list_goes_whatever_its_layout(layout: str) -> None:
    """A label followed only by short items up to the end is a link list that lost its links."""
    body = "The council approved the budget on Monday after a long debate about roads."
    article = text_article(f"{body}\n\n{layout}")
    assert article.paragraphs == (body,)


def test_text_without_furniture_comes_out_as_it_went_in() -> None:
    """Hard-wrapped prose, short lines and one-sentence-per-line paragraphs are kept verbatim."""
    paragraphs = [
        "The council approved the budget on Monday\nafter a long debate about the state of the\n"
        "roads in the north of the town.",
        "Line one of a quoted letter.\nLine two of the quoted letter.",
        "1 sack, 1 TFL, 2 QH",
        "Week 11",
        "Related research suggests the roads will need repairs every five years, which the "
        "council's own engineers have said for a decade in reports to every new committee.",
    ]
    assert clean_paragraphs(paragraphs) == paragraphs


def test_a_list_mid_text_keeps_its_items_and_loses_only_the_label() -> None:
    """Without links, items after a label mid-text may be prose: only the label goes."""
    paragraphs = [
        "The council approved the budget on Monday after a long debate about roads.",
        "Related",
        "The mayor said the vote was a good result.",
        "Work on the first road starts in March and will take two years to finish, the "
        "council's engineers said in a report published on the same day as the vote.",
    ]
    assert clean_paragraphs(paragraphs) == [paragraphs[0], *paragraphs[2:]]


def test_html_blocks_lose_ad_labels_and_sign_up_prompts_mid_article() -> None:
    """The same furniture rule runs on extracted pages: mid-article ad and sign-up blocks go."""
    blocks = [
        Block("The council approved the budget on Monday after a long debate about roads."),
        Block("ADVERTISEMENT"),
        Block("Story continues below advertisement"),
        Block("Sign up for our newsletter"),
        Block("Get the best of our local news delivered to your inbox every morning."),
        Block("Work on the first road starts in March, the council's engineers said."),
        Block("Readers who sign up for the council's newsletter will hear about road works."),
    ]
    kept = [b.text for b in trim_boilerplate(blocks, LinkIndex([]))]
    assert kept == [blocks[0].text, blocks[5].text, blocks[6].text]


def test_text_of_only_furniture_is_a_clear_error() -> None:
    """A text that is nothing but ads and prompts is refused with a short reason."""
    from bot.errors import NoArticle

    with pytest.raises(NoArticle, match="furniture"):
        text_article("ADVERTISEMENT\n\nSign up for our newsletter")


@pytest.mark.parametrize(
    ("label", "paragraphs"),
    [
        (
            "関連記事",
            [
                "工場では約五百人が働く予定である。会社は投資額を明らかにしていない。",
                "政府はこの計画を支援すると述べた。専門家は需要が増えると見ている。",
            ],
        ),
        (
            "Читайте также",
            [
                "На заводе будут работать пятьсот человек. Инвестиции не раскрываются.",
                "Правительство поддержало проект. Эксперты ждут роста спроса.",
            ],
        ),
    ],
    ids=["ja", "ru"],
)
def test_prose_after_a_read_also_line_is_kept(label: str, paragraphs: list[str]) -> None:
    """Short paragraphs that end like sentences after a "read also" label are the article's,
    not a list of headlines (a Japanese paragraph counts as few word tokens)."""
    text = "\n\n".join(["Headline of the story", "Opening sentence of the story here.", label])
    text += "\n\n" + "\n\n".join(paragraphs)
    kept = summarize_text(text, bullets=3).article.paragraphs
    assert all(paragraph in kept for paragraph in paragraphs)
