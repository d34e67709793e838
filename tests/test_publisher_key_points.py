"""The publisher's own "Key Points" list: found by structure, quoted verbatim, flagged in the
reply and in ``--json``, and kept out of the text we summarise."""

from __future__ import annotations

import json

import pytest

from bot.cli import render_json
from bot.extract import extract
from bot.pipeline import summarize_html
from bot.slack.render import context_line
from bot.store.cache import summary_from_json, summary_to_json

BODY = "".join(
    f"<p>{sentence}</p>"
    for sentence in (
        "Acme Corp. agreed on Tuesday to sell its robot unit to Globex for $2 billion in cash, "
        "ending a two-year search for a buyer for the loss-making business.",
        "Regulators in Brussels must still approve the sale, which Acme expects to close in "
        "the spring after a review of the unit's European factories.",
        "Acme's shares rose 6% in New York after the sale was announced, their best day since "
        "the company reported a surprise profit in the autumn.",
        "Globex plans to move the unit's 900 staff to its plant in Ohio next year and to keep "
        "the Acme brand for at least three years.",
        "Analysts said the price was fair for a business that has never made a profit.",
    )
)
POINTS = (
    "Acme is selling its robot unit to Globex for $2 billion.",
    "The deal still needs the approval of regulators in Brussels.",
    "Globex will move the unit's 900 staff to Ohio.",
)


def _page(box: str) -> str:
    return (
        "<html><head><title>Acme sells robot unit to Globex</title></head><body>"
        "<article><h1>Acme sells robot unit to Globex</h1>"
        f"{box}{BODY}</article></body></html>"
    )


HEADED = _page(
    "<div><h2>Key Points</h2><ul>" + "".join(f"<li>{p}</li>" for p in POINTS) + "</ul></div>"
)
MARKED = _page('<ul class="summary-list">' + "".join(f"<li>{p}</li>" for p in POINTS) + "</ul>")


@pytest.mark.parametrize("html", [HEADED, MARKED], ids=["heading", "class"])
def test_publisher_points_are_used_verbatim_and_flagged(html: str) -> None:
    """A key-points list above the body becomes the bullets, flagged in context and JSON."""
    summary = summarize_html(html, "https://news.example/acme")
    assert summary.bullets == POINTS
    assert summary.from_publisher
    assert "the publisher's key points" in context_line(summary)
    payload = json.loads(render_json(summary))
    assert payload["key_points_source"] == "publisher"
    assert payload["bullets"] == list(POINTS)


def test_publisher_points_are_kept_out_of_the_article_text() -> None:
    """Neither the points nor their heading are part of the text that is summarised."""
    article = extract(HEADED, "https://news.example/acme")
    assert article.publisher_points == POINTS
    assert not any(point in article.text for point in POINTS)
    assert "Key Points" not in article.text


def test_list_inside_the_story_is_not_the_publishers_key_points() -> None:
    """A bullet list after the body has begun is part of the story, not a key-points box."""
    html = (
        "<html><head><title>Acme</title></head><body><article>"
        f"{BODY}<h2>Key Points</h2><ul>"
        + "".join(f"<li>{p}</li>" for p in POINTS)
        + "</ul></article></body></html>"
    )
    summary = summarize_html(html, "https://news.example/acme")
    assert not summary.from_publisher
    assert json.loads(render_json(summary))["key_points_source"] == "summary"


def test_list_of_links_is_not_key_points() -> None:
    """A "Summary"-headed list of links above the body is navigation, not key points."""
    links = "".join(f'<li><a href="/s{i}">{p}</a></li>' for i, p in enumerate(POINTS))
    summary = summarize_html(_page(f"<h2>Summary</h2><ul>{links}</ul>"), "https://x.example/a")
    assert not summary.from_publisher


def test_cached_publisher_summary_keeps_its_points_and_flag() -> None:
    """A cached summary comes back with the points as a tuple and still flagged."""
    summary = summarize_html(HEADED, "https://news.example/acme")
    again = summary_from_json(summary_to_json(summary))
    assert again.article.publisher_points == POINTS
    assert again.from_publisher and again.bullets == POINTS
