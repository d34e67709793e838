"""Trailing attributions (", police said.") cut from bullets: only plain ones, recorded, linked."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from bot.models import Article
from bot.summarize import summarize
from bot.summarize.links import bullet_links, page_sentences
from bot.summarize.standalone import bullet_endings
from bot.text.attributions import drop_trailing_attribution


@pytest.mark.parametrize(
    ("sentence", "kept", "tail"),
    [
        (
            "The man was arrested at his home in Leeds on Monday night, police said.",
            "The man was arrested at his home in Leeds on Monday night.",
            ", police said.",
        ),
        (
            "Sales of electric cars rose by a third in the first quarter, according to the report.",
            "Sales of electric cars rose by a third in the first quarter.",
            ", according to the report.",
        ),
        (
            "Two people were taken to hospital with minor injuries, police said Tuesday.",
            "Two people were taken to hospital with minor injuries.",
            ", police said Tuesday.",
        ),
        (
            "The probe will reach the outer edge of the solar system in 2030, NASA said in a "
            "news release.",
            "The probe will reach the outer edge of the solar system in 2030.",
            ", NASA said in a news release.",
        ),
        (
            "The factory will close in March and 400 jobs will go, he told reporters.",
            "The factory will close in March and 400 jobs will go.",
            ", he told reporters.",
        ),
        (
            "The drugs were found in White Plains, Ramapo and Long Island, investigators said.",
            "The drugs were found in White Plains, Ramapo and Long Island.",
            ", investigators said.",
        ),
    ],
)
def test_plain_trailing_attribution_is_cut(sentence: str, kept: str, tail: str) -> None:
    """A tail naming only who reported the statement is cut; the rest ends with a full stop."""
    assert drop_trailing_attribution(sentence) == (kept, tail)
    assert kept[:-1] + tail == sentence  # nothing reworded: putting the tail back restores it


@pytest.mark.parametrize(
    "sentence",
    [
        # A quotation: its speaker is the tail, and its comma sits inside the quote marks.
        '"We will keep fighting for every one of these jobs until the end," he said.',
        "“The ship is now spinning out of control and cannot be saved,” NASA said.",
        'He called the plan "a disaster for every worker in this town," the union said.',
        "'It was the best night of my whole life on the stage,' she told the Post.",
    ],
)
def test_a_quotation_keeps_its_speaker(sentence: str) -> None:
    """A quote ending with an attribution is left whole: without it nobody says the words."""
    assert drop_trailing_attribution(sentence) == (sentence, "")


@pytest.mark.parametrize(
    "sentence",
    [
        # The claim is only a claim because of who makes it: first person, or too short to
        # stand as a fact of its own.
        "We will appeal the ruling to the supreme court next month, the company said.",
        "I never took any money from the charity or its donors, he said.",
        "The election was rigged, Trump said.",
        # A loaded verb or a clause in the tail says something itself.
        "The team did not follow the safety rules on the day of the crash, the chief admitted.",
        "The bridge will stay closed for at least another two weeks, he said, adding that "
        "repairs had begun.",
        "The company sold its stake in the start-up earlier this year, said a person who "
        "knows the deal.",
        "The patient had been at the Anderson Cancer Center for a month, was told his cancer "
        "was terminal.",
        # The speaker's name is left in the rest: cutting would strand it.
        "The boy was not attacked by the animals, Dr. Christopher Kuhar, the zoo's director "
        "told Fox 8.",
    ],
)
def test_attribution_that_is_part_of_the_point_is_kept(sentence: str) -> None:
    """A tail is kept when the statement needs its speaker or the tail says more than who."""
    assert drop_trailing_attribution(sentence) == (sentence, "")


STORY = Article(
    paragraphs=(
        "Acme Robotics will build a new battery factory in Leeds that employs 900 workers, "
        "the company said on Tuesday.",
        "The factory will make batteries for the delivery vans that Acme sells in Europe.",
        "Construction of the Leeds battery plant starts in May and ends in two years.",
        "Local leaders welcomed the battery factory and the jobs it brings to Leeds.",
        "Acme shares rose four per cent on the news of the new factory in Leeds.",
        "Rivals are building battery factories of their own in Spain and in Germany.",
    ),
    title="Acme to build battery factory in Leeds",
    url="https://news.example/acme-leeds",
    canonical_url="https://news.example/acme-leeds",
    language="en",
)


def test_cut_tail_is_recorded_and_the_link_covers_the_page_sentence() -> None:
    """The default's bullet drops the tail, records it, and still links to the whole sentence."""
    summary = summarize(STORY, bullets=3)
    first = summary.bullets[0]
    assert first == (
        "Acme Robotics will build a new battery factory in Leeds that employs 900 workers."
    )
    endings = bullet_endings(summary.extras, len(summary.bullets))
    assert endings[0] == ", the company said on Tuesday."
    assert page_sentences(summary)[0] == STORY.paragraphs[0]
    link = bullet_links(summary)[0]
    assert link is not None
    start, end = (unquote(t) for t in link.split("#:~:text=")[1].split(","))
    assert STORY.paragraphs[0].startswith(start)
    assert STORY.paragraphs[0].endswith(end)
    assert end.endswith("said on Tuesday.")


def test_reference_methods_keep_attributions() -> None:
    """Lead-3 and sumy's methods give sentences whole: no tail cut, nothing recorded."""
    for method in ("lead", "lexrank"):
        summary = summarize(STORY, bullets=3, method=method)
        assert "bullet_endings" not in summary.extras
        assert all(bullet in STORY.paragraphs for bullet in summary.bullets)


def test_tail_is_kept_when_the_next_bullet_points_at_its_speaker() -> None:
    """'..., Mayor Jane Doe said.' keeps its tail when the next bullet is 'She ...'."""
    article = Article(
        paragraphs=(
            "The city council approved a new budget of 40 million dollars for the coming "
            "year, Mayor Jane Doe said. She called it a turning point for the town and its "
            "schools. Schools will get new roofs and heating systems under the plan, officials "
            "said on Tuesday. Parks get nothing this year, and the pool stays closed for "
            "another summer at least.",
        ),
        language="en",
    )
    summary = summarize(article, bullets=3)
    assert summary.bullets[1].startswith("She called")
    assert summary.bullets[0].endswith("Mayor Jane Doe said.")
    assert "bullet_endings" not in summary.extras


def test_other_languages_are_left_alone() -> None:
    """The attribution rules are English: a French sentence is never cut."""
    article = Article(paragraphs=STORY.paragraphs, title=STORY.title, language="fr")
    assert "bullet_endings" not in summarize(article, bullets=3).extras
