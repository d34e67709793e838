"""Link extraction from Slack payloads and the pure predicates on them."""

from __future__ import annotations

from fakes.fake_slack import link_message

from bot.slack.links import is_article_candidate, links_in_message, links_in_text
from bot.slack.predicates import (
    is_fresh_human_message,
    is_in_thread,
    mentions_user,
    thread_root,
)


def test_links_come_from_rich_text_blocks_first() -> None:
    """Links in rich_text blocks are used (nested lists included), text is the fallback."""
    message = link_message("https://a.example/1", text="<https://ignored.example/>")
    message["blocks"][0]["elements"].append(
        {
            "type": "rich_text_list",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [{"type": "link", "url": "https://b.example/2"}],
                }
            ],
        }
    )
    assert links_in_message(message) == ["https://a.example/1", "https://b.example/2"]


def test_text_links_labels_entities_and_mentions() -> None:
    """`<url|label>` and `<url>` are found, &amp; is decoded, mentions are not links."""
    text = "<@U1> <!here> <#C1|general> read <https://a.example/x?a=1&amp;b=2|this> and <http://b.example>"
    assert links_in_text(text) == ["https://a.example/x?a=1&b=2", "http://b.example"]


def test_bare_links_lose_trailing_punctuation_but_keep_balanced_parentheses() -> None:
    """Bare URLs (slash commands, console) end before sentence punctuation."""
    text = "see https://a.example/x. and (https://en.wikipedia.org/wiki/Rust_(language))!"
    assert links_in_text(text) == [
        "https://a.example/x",
        "https://en.wikipedia.org/wiki/Rust_(language)",
    ]


def test_slack_links_images_and_other_schemes_are_skipped() -> None:
    """slack.com and its file hosts, image files and mailto: links are never articles."""
    for url in (
        "https://files.slack.com/files-pri/T1-F1/x.pdf",
        "https://app.slack.com/client",
        "https://cdn.example/pic.JPG",
        "mailto:a@b.example",
        "ftp://a.example/x",
    ):
        assert not is_article_candidate(url), url
    assert is_article_candidate("https://news.example/story.html")


def test_duplicates_removed_and_limit_applied() -> None:
    """Repeated links count once and at most `limit` links are returned, in order."""
    text = " ".join(f"<https://a.example/{i}>" for i in [1, 1, 2, 3, 4, 5, 6, 7])
    assert links_in_text(text, limit=5) == [f"https://a.example/{i}" for i in range(1, 6)]


def test_fresh_human_message_predicate() -> None:
    """Edits, unfurl echoes, joins and bot posts are not fresh human messages."""
    base = link_message("https://a.example/1")
    assert is_fresh_human_message(base)
    assert is_fresh_human_message({**base, "subtype": "thread_broadcast"})
    for changed in (
        {"subtype": "message_changed"},
        {"subtype": "channel_join"},
        {"bot_id": "B1"},
        {"subtype": "bot_message"},
        {"user": None},
    ):
        assert not is_fresh_human_message({**base, **changed}), changed


def test_thread_helpers_and_mentions() -> None:
    """Replies go to the thread root; mentions match `<@U>` and `<@U|name>` only."""
    assert thread_root({"ts": "2.0"}) == "2.0"
    assert thread_root({"ts": "2.0", "thread_ts": "1.0"}) == "1.0"
    assert is_in_thread({"ts": "2.0", "thread_ts": "1.0"})
    assert not is_in_thread({"ts": "1.0", "thread_ts": "1.0"})
    assert mentions_user("hi <@UBOT|keypoints>", "UBOT")
    assert not mentions_user("hi <@UBOT2>", "UBOT")


def test_bare_links_lose_markdown_delimiters_and_closing_punctuation() -> None:
    """`code`, *bold*, ~strike~ and _italic_ marks around a bare link are not part of it."""
    url = "https://example.com/a"
    for text in (f"see `{url}`", f"*{url}*", f"~{url}~", f"_{url}_", f"**{url}**!", f"({url})."):
        assert links_in_text(text) == [url], text
    assert links_in_text("https://example.com/a_b_c and _https://example.com/x_y_") == [
        "https://example.com/a_b_c",
        "https://example.com/x_y",
    ]


def test_links_in_code_are_skipped_only_when_asked_to() -> None:
    """Auto mode (code=False) ignores links in code spans, code blocks and code-styled text."""
    text = "```curl https://api.example.com/v1```\nsee `https://example.com/b` or https://example.com/c"
    assert links_in_text(text, code=False) == ["https://example.com/c"]
    assert links_in_text(text) == [
        "https://api.example.com/v1",
        "https://example.com/b",
        "https://example.com/c",
    ]
    message = link_message("https://example.com/link")
    message["blocks"].append(
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_preformatted",
                    "elements": [{"type": "link", "url": "https://example.com/in-block"}],
                },
                {
                    "type": "rich_text_section",
                    "elements": [
                        {
                            "type": "text",
                            "text": "https://example.com/inline",
                            "style": {"code": True},
                        }
                    ],
                },
            ],
        }
    )
    assert links_in_message(message, code=False) == ["https://example.com/link"]
    assert links_in_message(message) == [
        "https://example.com/link",
        "https://example.com/in-block",
        "https://example.com/inline",
    ]
