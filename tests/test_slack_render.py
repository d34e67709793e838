"""Block Kit rendering: structure, text fallback, escaping, limits and the console view."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.models import Article, Summary
from bot.slack.render import (
    as_plain_text,
    escape,
    failure_message,
    safe_link_target,
    summary_message,
)


def _summary(
    title: str = "Title", preview: bool = False, bullets: tuple[str, ...] = ("A.", "B.")
) -> Summary:
    article = Article(
        paragraphs=("word " * 460,),
        title=title,
        url="https://a.example/x",
        canonical_url="https://a.example/x",
        site_name="Site",
        is_preview=preview,
    )
    return Summary(article=article, bullets=bullets)


@given(st.text())
def test_escape_leaves_no_markup(text: str) -> None:
    """After escaping, no `<` or `>` remains and unescaping gives the input back."""
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_summary_blocks_have_title_bullets_and_context() -> None:
    """Section with the linked title, a bullet rich_text_list, a context with site and time."""
    message = summary_message(_summary(preview=True), "https://a.example/x")
    section, rich, context = message.blocks
    assert section["text"]["text"] == "*<https://a.example/x|Title>*"
    assert rich["elements"][0]["style"] == "bullet"
    assert context["elements"][0]["text"].startswith("Site · 2 min read · ⚠ preview only")
    assert message.text.splitlines() == ["Key points: Title", "• A.", "• B."]


def test_pings_in_article_text_are_escaped_where_slack_parses_markup() -> None:
    """`<!channel>`/`<@U1>` in title or bullets never reach mrkdwn or text unescaped."""
    message = summary_message(_summary("<!channel> & <@U1>", bullets=("<!here> now",)), "u")
    mrkdwn_and_text = [message.text, message.blocks[0]["text"]["text"]]
    for text in mrkdwn_and_text:
        assert "<!channel>" not in text and "<@U1>" not in text and "<!here>" not in text
    # rich_text "text" elements are literal in Slack; no mention/broadcast elements are emitted
    # (the only other element is the small link to the bullet's sentence)
    element_types = {e["type"] for e in message.blocks[1]["elements"][0]["elements"][0]["elements"]}
    assert element_types == {"text", "link"}


def test_link_target_cannot_break_out_of_angle_brackets() -> None:
    """`|`, `>` and spaces in URLs are percent-encoded inside `<url|label>`."""
    assert safe_link_target("https://a.example/x|y>z w") == "https://a.example/x%7Cy%3Ez%20w"


def test_long_titles_and_bullets_are_clipped_within_slack_limits() -> None:
    """A 5,000-character title and bullet are clipped so blocks stay under Slack's limits."""
    message = summary_message(_summary("T" * 5000, bullets=("B" * 5000,)), "u")
    assert len(message.blocks[0]["text"]["text"]) < 3000
    assert len(json.dumps(message.blocks)) < 6000


def test_failure_message_names_the_link_and_escapes_the_reason() -> None:
    """Failures are one line: warning, the link, the escaped message."""
    assert failure_message("a <b>", "https://a.example/").text == (
        ":warning: <https://a.example/>: a &lt;b&gt;"
    )


def test_plain_text_view_for_the_console() -> None:
    """The console view shows `title (url)`, `• bullet` lines and the context line."""
    message = summary_message(_summary("A & B"), "https://a.example/x")
    assert as_plain_text(message.text, message.blocks).splitlines() == [
        "A & B (https://a.example/x)",
        "• A.",
        "• B.",
        "Site · 2 min read",
    ]
