"""Digest → Slack Block Kit and plain text (pure), within Slack's limits.

Limits that matter (api.slack.com/reference/block-kit): 50 blocks per message, 3,000 characters
per section text, 150 per header text. Titles are cut *before* escaping so an ``&amp;`` is never
split, and link labels lose ``|`` and ``>`` which would end Slack's ``<url|label>`` syntax.
"""

from __future__ import annotations

from typing import Any

from bot.digest.model import Digest, DigestStory
from bot.text.text_fragments import text_directive, with_fragment

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_TITLE = 200
MAX_LINE = 600  # the one-line key point under each story
MAX_FALLBACK_TEXT = 3000  # the notification text; Slack allows more, phones show less

Block = dict[str, Any]


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when one is near."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def link(url: str, label: str) -> str:
    """A mrkdwn link whose label cannot break out of ``<url|label>``."""
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"<{escape(safe_url)}|{escape(label.replace('|', '¦'))}>"


def story_line(story: DigestStory, number: int) -> str:
    """``*1. <url|Title>* · site (also in: …)`` and the best key point on the next line."""
    title = truncate(story.title, MAX_TITLE)
    meta = escape(story.site)
    if story.also_in:
        meta += " · also in: " + escape(", ".join(story.also_in))
    text = f"*{number}. {link(story.url, title)}*  _{meta}_"
    if story.best_line:
        text += "\n" + escape(truncate(story.best_line, MAX_LINE))
    return truncate_mrkdwn(text, MAX_SECTION_TEXT)


def truncate_mrkdwn(text: str, limit: int) -> str:
    # Only reachable with absurd inputs (every part is already capped); cut whole lines so a
    # link or an entity is never split.
    while len(text) > limit and "\n" in text:
        text = text[: text.rfind("\n")]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_blocks(digest: Digest) -> list[Block]:
    """The digest message: header, one section per story, a note for stories left out."""
    header: Block = {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(digest.heading, MAX_HEADER_TEXT)},
    }
    blocks: list[Block] = [header]
    shown = shown_stories(digest)
    for number, story in enumerate(shown, 1):
        section_text = {"type": "mrkdwn", "text": story_line(story, number)}
        blocks.append({"type": "section", "text": section_text})
    left_out = len(digest.stories) - len(shown)
    note = "Key points of each story are in the thread."
    if left_out:
        note = f"{left_out} more {'story' if left_out == 1 else 'stories'} not shown. " + note
    for notice in digest.notices[:3]:  # feeds that keep failing, told once per streak
        note += "\n:warning: " + escape(truncate(notice, MAX_LINE))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return blocks


def shown_stories(digest: Digest) -> tuple[DigestStory, ...]:
    """The stories that fit in one message: 50 blocks less the header and the closing note."""
    return tuple(digest.stories[: MAX_BLOCKS - 2])


def render_message(digest: Digest) -> dict[str, Any]:
    """Exactly what is posted: the message (``text`` + ``blocks``) and its thread replies."""
    return {
        "text": render_fallback(digest),
        "blocks": render_blocks(digest),
        "thread": [
            {"text": render_thread_reply(story, number)}
            for number, story in enumerate(shown_stories(digest), 1)
        ],
    }


def render_fallback(digest: Digest) -> str:
    """The message's ``text``: what notifications and screen readers show."""
    titles = "; ".join(truncate(s.title, 80) for s in digest.stories[:5])
    return escape(truncate(f"{digest.heading}: {titles}", MAX_FALLBACK_TEXT))


def render_thread_reply(story: DigestStory, number: int) -> str:
    """The full key points of one story, posted in the digest's thread."""
    lines = [f"*{number}. {link(story.url, truncate(story.title, MAX_TITLE))}*"]
    points = story.bullets or ((story.best_line,) if story.best_line else ())
    # Each key point of a read article ends in a small link to its sentence on the page.
    lines += [
        f"• {escape(truncate(p, MAX_LINE))}"
        + (f" {link(with_fragment(story.url, text_directive(p)), '↗')}" if story.bullets else "")
        for p in points
    ]
    if not story.bullets:
        lines.append("_The article could not be read; this is the feed's own summary._")
    return truncate_mrkdwn("\n".join(lines), MAX_SECTION_TEXT)


def render_text(digest: Digest) -> str:
    """Plain text of the whole digest (CLI output, ``digest preview``): no Slack markup."""
    out = [digest.heading, ""]
    if not digest.stories:
        out.append("No new stories.")
    for number, story in enumerate(digest.stories, 1):
        also = f" (also in: {', '.join(story.also_in)})" if story.also_in else ""
        out.append(f"{number}. {story.title} — {story.site}{also}")
        out.append(f"   {story.url}")
        out += [f"   • {p}" for p in (story.bullets or (story.best_line,)) if p]
    if digest.problems:
        out += ["", "Skipped: " + "; ".join(digest.problems)]
    out += [f"Note: {notice}" for notice in digest.notices]
    return "\n".join(out)


def render_json(digest: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data (the CLI's ``--json``)."""
    return {
        "channel": digest.channel_id,
        "heading": digest.heading,
        "generated_at": digest.generated_at.isoformat(),
        "new_stories": digest.new_stories,
        "stories": [
            {
                "title": s.title,
                "url": s.url,
                "site": s.site,
                "also_in": list(s.also_in),
                "best_line": s.best_line,
                "bullets": list(s.bullets),
                "published": s.published.isoformat() if s.published else None,
                "score": round(s.score, 3),
            }
            for s in digest.stories
        ],
        "problems": list(digest.problems),
        "feed_problems": [{"feed": url, "reason": why} for url, why in digest.feeds_failed],
        "notices": list(digest.notices),
    }
