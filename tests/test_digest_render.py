"""Rendering: Block Kit within Slack's limits, escaping, thread replies, plain text."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digest.model import Digest, DigestStory
from bot.digest.render import (
    MAX_BLOCKS,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    escape,
    link,
    render_blocks,
    render_fallback,
    render_text,
    render_thread_reply,
    truncate,
)

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def story(title: str = "A story", **kw: object) -> DigestStory:
    fields: dict[str, object] = {
        "title": title,
        "url": "https://ex.test/a",
        "site": "Ex",
        "best_line": "The first key point.",
        "bullets": ("The first key point.", "The second.", "The third."),
    }
    fields.update(kw)
    return DigestStory(**fields)  # type: ignore[arg-type]


def digest(stories: list[DigestStory], heading: str = "Tech digest") -> Digest:
    return Digest("C1", NOW, tuple(stories), new_stories=len(stories), heading=heading)


def all_texts(blocks: list[dict[str, object]]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if "text" in block:
            texts.append(block["text"]["text"])  # type: ignore[index]
        for element in block.get("elements", []):  # type: ignore[attr-defined]
            texts.append(element["text"])
    return texts


def test_blocks_stay_within_limits_with_huge_titles_and_60_stories() -> None:
    """50+ stories and 10,000-character titles still give ≤50 blocks and ≤3,000-char texts."""
    long = "Word " * 2000
    stories = [story(long, best_line=long, also_in=("X" * 5000,)) for _ in range(60)]
    blocks = render_blocks(digest(stories, heading=long))
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= MAX_HEADER_TEXT
    assert all(len(t) <= MAX_SECTION_TEXT for t in all_texts(blocks))
    assert "not shown" in all_texts(blocks)[-1]
    assert len(render_fallback(digest(stories))) <= MAX_SECTION_TEXT


def test_escaping_of_ampersand_and_angle_brackets() -> None:
    """&, < and > in titles and lines are escaped; the link label cannot end the link."""
    blocks = render_blocks(digest([story("AT&T <b>wins</b> | big", best_line="1 < 2 & 3 > 2")]))
    text = blocks[1]["text"]["text"]
    assert "AT&amp;T &lt;b&gt;wins&lt;/b&gt; ¦ big" in text
    assert "1 &lt; 2 &amp; 3 &gt; 2" in text
    assert text.count("<") == 1 and text.count("|") == 1  # only the link's own delimiters


def test_link_url_cannot_break_out() -> None:
    """A URL containing | or > is percent-encoded inside <url|label>."""
    assert link("https://x.test/a|b>c", "t") == "<https://x.test/a%7Cb%3Ec|t>"


def test_truncate_never_exceeds_limit_and_never_splits_an_entity() -> None:
    """Cut happens on the raw text, so escaping afterwards can't leave half an &amp;."""
    cut = truncate("Tom & Jerry " * 50, 40)
    assert len(cut) <= 40 and cut.endswith("…")
    assert escape(cut).count("&amp;") == cut.count("&")


def test_story_line_has_title_site_also_in_and_best_line() -> None:
    """Each story line shows linked title, site, other sources and the single best bullet."""
    text = render_blocks(digest([story("Title", also_in=("Verge", "HN"))]))[1]["text"]["text"]
    assert "<https://ex.test/a|Title>" in text
    assert "Ex · also in: Verge, HN" in text
    assert text.endswith("The first key point.")
    assert "The second." not in text


def test_thread_reply_lists_all_bullets_or_flags_feed_fallback() -> None:
    """Replies carry the full key points; without them, the feed summary and a note."""
    full = render_thread_reply(story(), 2)
    assert full.startswith("*2. ") and full.count("• ") == 3
    fallback = render_thread_reply(story(bullets=(), best_line="Feed says hi."), 1)
    assert "• Feed says hi." in fallback and "could not be read" in fallback


def test_render_text_is_plain_and_complete() -> None:
    """The CLI/preview text has every story, its URL and bullets, and no Slack markup."""
    text = render_text(digest([story("One & two"), story("Three", bullets=())]))
    assert "1. One & two — Ex" in text and "2. Three — Ex" in text
    assert text.count("https://ex.test/a") == 2
    assert "• The third." in text and "&amp;" not in text


def test_empty_digest_text_says_so() -> None:
    """A digest with no stories says there is nothing new."""
    assert "No new stories." in render_text(digest([]))
