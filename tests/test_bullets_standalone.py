"""Bullets that stand alone: linking openings cut, pronoun subjects only after their antecedent,
the same fact in other words skipped, sidebars ranked down, feed furniture never quoted."""

from __future__ import annotations

import pytest

from bench.bullet_quality import Quality, points_outside
from bot.digest.furniture import is_feed_furniture
from bot.digest.runner import first_sentence
from bot.models import Article
from bot.summarize import summarize
from bot.summarize.standalone import bullet_openings
from bot.text.connectives import drop_linking_opening


@pytest.mark.parametrize(
    ("sentence", "expected", "opening"),
    [
        (
            "And Sherwood underlined the magnitude of the game ahead of the showdown.",
            "Sherwood underlined the magnitude of the game ahead of the showdown.",
            "And ",
        ),
        (
            "That said, Ferrari are stronger over a long run and may yet provide a threat.",
            "Ferrari are stronger over a long run and may yet provide a threat.",
            "That said, ",
        ),
        (
            "However, the company said it would appeal.",
            "The company said it would appeal.",
            "However, ",
        ),
        (
            "Meanwhile, iPhone sales fell by a tenth.",
            "iPhone sales fell by a tenth.",
            "Meanwhile, ",
        ),
        ("But the vote was close.", "The vote was close.", "But "),
    ],
)
def test_linking_opening_is_cut_and_the_rest_capitalised(
    sentence: str, expected: str, opening: str
) -> None:
    """A connective that only links to the previous sentence is cut; the rest stays verbatim."""
    assert drop_linking_opening(sentence) == (expected, opening)


@pytest.mark.parametrize(
    "sentence",
    [
        "Still images from the camera show the blast.",
        "Yet another delay hit the launch on Friday.",
        "Instead of a phone, Acme showed a watch.",
        "Andrew Smith said the vote was close.",
        "So far the company has sold ten million units.",
        "However much it costs, the council will pay.",
    ],
)
def test_ordinary_openings_are_left_alone(sentence: str) -> None:
    """Words that only sometimes link ("Still", "Yet", "Instead of", "So far") stay put."""
    assert drop_linking_opening(sentence) == (sentence, "")


STORY = Article(
    title="Acme sells its robot unit to Globex",
    paragraphs=(
        "Acme Corp. agreed on Tuesday to sell its robot unit to Globex for $2 billion in cash.",
        "The deal ends a two-year search for a buyer for the loss-making business.",
        "But regulators in Brussels must still approve the sale of the robot unit.",
        "He said the unit had lost money in each of the past five years.",
        "Acme's shares rose 6% in New York after the robot unit sale was announced.",
        "Globex plans to move the unit's 900 staff to its plant in Ohio next year.",
        "Analysts said the price was fair for a business that has never made a profit.",
        "The robot unit makes arms for car factories and warehouses across Europe.",
    ),
)


def test_default_cuts_linking_openings_and_records_them() -> None:
    """A chosen "But ..." sentence is given without "But", and the cut is kept in extras."""
    summary = summarize(STORY, bullets=4)
    openings = bullet_openings(summary.extras, len(summary.bullets))
    assert "Regulators in Brussels must still approve the sale of the robot unit." in (
        summary.bullets
    )
    for bullet, opening in zip(summary.bullets, openings, strict=True):
        assert not bullet.startswith(("But ", "And ", "However"))
        if opening:
            assert opening + bullet[0].lower() + bullet[1:] in STORY.text


def test_reference_methods_keep_sentences_whole() -> None:
    """Lead-3 stays the plain baseline: its bullets are the article's sentences unchanged."""
    summary = summarize(STORY, bullets=3, method="lead")
    assert summary.bullets == STORY.paragraphs[:3]
    assert "bullet_openings" not in summary.extras


def test_pronoun_subject_is_taken_only_after_its_antecedent() -> None:
    """ "He said ..." is never a bullet unless the sentence naming "he" is the bullet before."""
    for bullets in (1, 2, 3, 4):
        summary = summarize(STORY, bullets=bullets)
        chosen = list(summary.bullets)
        for index, bullet in enumerate(chosen):
            if bullet.startswith("He "):
                assert index > 0
                assert STORY.text.find(chosen[index - 1]) < STORY.text.find(bullet)


def test_same_fact_in_other_words_is_not_repeated() -> None:
    """Two sentences sharing the names and most content words of one fact give one bullet."""
    article = Article(
        title="DeepSeek shakes Silicon Valley",
        paragraphs=(
            "DeepSeek, an open-source Chinese AI company, has riled Silicon Valley with its "
            "rapid rise.",
            "Meta has kept its Llama models open while OpenAI went closed years ago.",
            "Silicon Valley was on edge this week after DeepSeek, a Chinese AI company, "
            "released its R1 model.",
            "The company says it trained the model for a fraction of what rivals spend.",
            "Investors sold chip stocks on Monday as the news spread.",
            "Analysts expect more open models from China this year.",
        ),
    )
    bullets = summarize(article, bullets=3).bullets
    both = [b for b in bullets if "DeepSeek" in b and "Silicon Valley" in b]
    assert len(both) == 1, bullets


def test_sidebar_story_is_ranked_below_the_headline_story() -> None:
    """Sentences sharing nothing with the title and lede (a sidebar) lose to on-story ones."""
    article = Article(
        title="Apple updates the 13-inch MacBook Pro with a faster chip",
        paragraphs=(
            "Apple today updated the 13-inch MacBook Pro with a faster chip and more memory.",
            "The new MacBook Pro starts at $1,299 and ships next week.",
            "Night mode on iPhone cameras now works with portraits and selfies too.",
            "Night mode photos take up to three seconds to capture in dim light.",
            "Night mode is enabled automatically when the camera detects a dark scene.",
            "The MacBook Pro keeps its Touch Bar and gains a second fan.",
            "Battery life on the MacBook Pro is rated at 20 hours of video playback.",
        ),
    )
    bullets = summarize(article, bullets=3).bullets
    assert not any("Night mode" in b for b in bullets), bullets


@pytest.mark.parametrize(
    "description",
    [
        "Article URL: https://example.com/a Comments URL: https://news.ycombinator.com/item?id=1 "
        "Points: 35 # Comments: 12",
        "submitted by /u/someone [link] [comments]",
    ],
)
def test_feed_furniture_is_never_a_digest_line(description: str) -> None:
    """Aggregator bookkeeping in a feed description never becomes a story's line."""
    assert is_feed_furniture(description)
    assert first_sentence(description) == ""


def test_feed_prose_is_still_a_digest_line() -> None:
    """An ordinary feed description still gives its first sentence."""
    assert first_sentence("Acme ships a robot. It folds boxes.") == "Acme ships a robot."
    assert not is_feed_furniture("Acme ships a robot that folds boxes.")


def test_quality_counts_dangling_only_when_the_antecedent_is_missing() -> None:
    """The benchmark's dangling count exempts a bullet right after the sentence it leans on."""
    text = "Acme sold its robot unit. He said it lost money. Globex will move the staff."
    quality = Quality()
    quality.add(["Acme sold its robot unit.", "He said it lost money."], text)
    quality.add(["Globex will move the staff.", "He said it lost money."], text)
    assert points_outside("He said it lost money.")
    assert quality.dangling == 1 and quality.opens_outside == 2
