"""Never silent, never noisy: private failures in auto mode, link order and the cap, edits and
deletions, progress, code and direct messages (against the Slack stand-in)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.fake_slack import (
    BOT_USER_ID,
    event_callback,
    link_message,
    next_ts,
    send_signed,
    slash_command,
)
from fakes.slack_harness import SECRET, Harness, http_bot

URL = "https://news.example.com/story/1"
PAYWALLED = "https://news.example.com/paywalled"


async def send(h: Harness, payload: dict[str, Any]) -> int:
    status, _ = await send_signed(h.session, h.events_url, SECRET, payload)
    return status


def links_message(urls: list[str], **extra: Any) -> dict[str, Any]:
    """A message whose rich text holds several links, in this order."""
    message = link_message(urls[0], text=" ".join(f"<{u}>" for u in urls), **extra)
    message["blocks"][0]["elements"][0]["elements"] = [{"type": "link", "url": u} for u in urls]
    return message


def code_message(url: str) -> dict[str, Any]:
    """A message whose only link is inside inline code (Slack sends it as code-styled text)."""
    message = link_message(url, text=f"try `{url}`")
    message["blocks"][0]["elements"][0]["elements"] = [
        {"type": "text", "text": "try "},
        {"type": "text", "text": url, "style": {"code": True}},
    ]
    return message


async def test_auto_mode_failure_is_told_to_the_poster_only(tmp_path: Path) -> None:
    """A paywalled link posted in a channel gets an ephemeral notice in the thread, no post."""
    async with http_bot(tmp_path) as h:
        message = link_message(PAYWALLED, user="U5")
        await send(h, event_callback(message))
        await h.settle()
        assert h.slack.calls_to("chat.postMessage") == []
        (notice,) = h.slack.calls_to("chat.postEphemeral")
        assert notice.args["user"] == "U5" and notice.args["thread_ts"] == message["ts"]
        assert "paywall" in notice.args["text"]


async def test_a_channel_can_choose_public_failures(tmp_path: Path) -> None:
    """After `/keypoints failures public`, auto mode's failures are posted in the thread."""
    async with http_bot(tmp_path) as h:
        command = slash_command("failures public", h.slack.response_url("f"))
        await send_signed(h.session, h.events_url, SECRET, command, form=True)
        await h.settle()
        (answer,) = h.slack.calls_to("response_url")
        assert "say why in the thread" in answer.args["text"]
        message = link_message(PAYWALLED)
        await send(h, event_callback(message))
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert "paywall" in post.args["text"] and post.args["thread_ts"] == message["ts"]
        assert h.slack.calls_to("chat.postEphemeral") == []


async def test_explicit_request_failure_stays_visible(tmp_path: Path) -> None:
    """A mention asking for a paywalled link gets its answer in the thread, for everyone."""
    async with http_bot(tmp_path) as h:
        mention = {
            **link_message(PAYWALLED, text=f"<@{BOT_USER_ID}> <{PAYWALLED}>"),
            "type": "app_mention",
        }
        await send(h, event_callback(mention))
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert "paywall" in post.args["text"] and h.slack.calls_to("chat.postEphemeral") == []


async def test_several_links_are_answered_in_link_order(tmp_path: Path) -> None:
    """The slowest first link still gets the first reply: replies follow the message's order."""
    urls = [
        f"https://news.example.com/{n}?delay={d}" for n, d in (("a", 0.4), ("b", 0), ("c", 0.1))
    ]
    async with http_bot(tmp_path) as h:
        await send(h, event_callback(links_message(urls)))
        await h.settle()
        posts = h.slack.calls_to("chat.postMessage")
        titles = [p.args["text"].splitlines()[0] for p in posts]
        assert titles == [f"Key points: Article at /{n}" for n in "abc"]


async def test_links_past_the_cap_are_mentioned(tmp_path: Path) -> None:
    """Seven links: five replies, and a private note that two were left out and how to ask."""
    urls = [f"https://news.example.com/story/{n}" for n in range(7)]
    async with http_bot(tmp_path) as h:
        message = links_message(urls)
        await send(h, event_callback(message))
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 5
        (note,) = h.slack.calls_to("chat.postEphemeral")
        assert "2 more links were left out" in note.args["text"]
        assert "/keypoints <url>" in note.args["text"] and note.args["user"] == message["user"]


async def test_a_mention_past_the_cap_gets_one_note_not_two(tmp_path: Path) -> None:
    """A mention with seven links arrives as message and app_mention: five replies, one note."""
    urls = [f"https://news.example.com/story/{n}" for n in range(7)]
    async with http_bot(tmp_path) as h:
        message = links_message(urls)
        message["text"] = f"<@{BOT_USER_ID}> " + message["text"]
        await send(h, event_callback(message))
        await send(h, event_callback({**message, "type": "app_mention"}))
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 5
        assert len(h.slack.calls_to("chat.postEphemeral")) == 1


async def test_an_edit_that_adds_a_link_is_answered_once(tmp_path: Path) -> None:
    """Editing in a second link answers that link once; the unfurl echo and repeats add none."""
    second = "https://news.example.com/story/2"
    async with http_bot(tmp_path) as h:
        original = link_message(URL)
        await send(h, event_callback(original))
        await h.settle()
        edited = {**links_message([URL, second], ts=original["ts"]), "edited": {"user": "U1"}}
        del edited["channel"]
        change = {
            "type": "message",
            "subtype": "message_changed",
            "channel": "C1",
            "hidden": True,
            "ts": next_ts(),
            "message": edited,
            "previous_message": {k: v for k, v in original.items() if k != "channel"},
        }
        echo = {**change, "ts": next_ts(), "previous_message": edited}  # unfurl: same links
        for payload in (change, change, echo):
            await send(h, event_callback(payload))
        await h.settle()
        posts = h.slack.calls_to("chat.postMessage")
        assert len(posts) == 2 and h.summariser.calls == [URL, second]
        assert posts[1].args["thread_ts"] == original["ts"]


async def test_deleting_the_message_removes_the_reply(tmp_path: Path) -> None:
    """message_deleted, and a parent turned into a tombstone, take the bot's reply with them."""
    async with http_bot(tmp_path) as h:
        gone, tombstoned = link_message(URL), link_message("https://news.example.com/story/9")
        for message in (gone, tombstoned):
            h.slack.add_message("C1", message)
            await send(h, event_callback(message))
        await h.settle()
        replies = {c.args["thread_ts"]: c for c in h.slack.calls_to("chat.postMessage")}
        assert set(replies) == {gone["ts"], tombstoned["ts"]}
        deleted = {
            "type": "message",
            "subtype": "message_deleted",
            "channel": "C1",
            "hidden": True,
            "ts": next_ts(),
            "deleted_ts": gone["ts"],
            "previous_message": gone,
        }
        tombstone = {
            "type": "message",
            "subtype": "message_changed",
            "channel": "C1",
            "hidden": True,
            "ts": next_ts(),
            "message": {"type": "message", "subtype": "tombstone", "ts": tombstoned["ts"],
                        "thread_ts": tombstoned["ts"], "text": "This message was deleted."},
            "previous_message": tombstoned,
        }  # fmt: skip
        for payload in (deleted, tombstone):
            await send(h, event_callback(payload))
        await h.settle()
        assert len(h.slack.calls_to("chat.delete")) == 2
        assert not any(m.get("bot_id") for m in h.slack.messages.values())


async def test_eyes_show_progress_until_the_reply_is_posted(tmp_path: Path) -> None:
    """:eyes: is added to the message before the work and removed after the reply."""
    async with http_bot(tmp_path) as h:
        message = link_message(URL + "?delay=0.2")
        await send(h, event_callback(message))
        await h.settle()
        calls = [
            c.method
            for c in h.slack.calls_to("reactions.add", "reactions.remove", "chat.postMessage")
        ]
        assert calls == ["reactions.add", "chat.postMessage", "reactions.remove"]
        added = h.slack.calls_to("reactions.add")[0].args
        assert (added["name"], added["timestamp"]) == ("eyes", message["ts"])
        assert h.slack.reactions == set()


async def test_links_in_code_are_skipped_in_auto_mode_but_answered_when_asked(
    tmp_path: Path,
) -> None:
    """A link inside inline code gets no auto reply; a mention of the same message answers it."""
    async with http_bot(tmp_path) as h:
        message = code_message(URL)
        await send(h, event_callback(message))
        await h.settle()
        assert h.slack.replies == []
        mention = {**code_message(URL), "type": "app_mention"}
        mention["text"] = f"<@{BOT_USER_ID}> {mention['text']}"
        await send(h, event_callback(mention))
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert h.summariser.calls == [URL] and post.args["thread_ts"] == mention["ts"]


async def test_a_link_sent_in_a_direct_message_is_answered(tmp_path: Path) -> None:
    """A DM to the bot with a link (message.im) gets the key points in the DM."""
    async with http_bot(tmp_path) as h:
        message = link_message(URL, channel="D1", channel_type="im")
        await send(h, event_callback(message))
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert post.args["channel"] == "D1" and h.summariser.calls == [URL]
