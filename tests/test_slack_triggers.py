"""Explicit requests against a Slack-faithful stand-in: reactions on thread replies, parents the
bot may not read, uninstalls in single-workspace mode, and the shortcut on an answered message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.fake_slack import (
    BOT_USER_ID,
    event_callback,
    link_message,
    message_shortcut,
    send_signed,
    slash_command,
)
from fakes.slack_harness import SECRET, Harness, http_bot

from bot.store.channels import auto_enabled

PARENT_URL = "https://news.example.com/story/parent"
REPLY_URL = "https://news.example.com/story/reply"


async def send(h: Harness, payload: dict[str, Any], *, form: bool = False) -> int:
    status, _ = await send_signed(h.session, h.events_url, SECRET, payload, form=form)
    return status


def reaction_on(message: dict[str, Any], user: str = "U3") -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": "memo",
        "item": {"type": "message", "channel": "C1", "ts": message["ts"]},
        "item_user": message["user"],
        "event_ts": "1700009999.000001",
    }


def thread(h: Harness) -> tuple[dict[str, Any], dict[str, Any]]:
    """A parent with a link and a reply in its thread with another link, both in Slack."""
    parent = link_message(PARENT_URL)
    reply = link_message(REPLY_URL, thread_ts=parent["ts"])
    h.slack.add_message("C1", parent)
    h.slack.add_message("C1", reply)
    return parent, reply


async def test_memo_on_a_thread_reply_answers_that_reply_in_its_thread(tmp_path: Path) -> None:
    """:memo: on a reply summarises the reply's link (not the parent's), in the thread."""
    async with http_bot(tmp_path) as h:
        parent, reply = thread(h)
        assert await send(h, event_callback(reaction_on(reply))) == 200
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert h.summariser.calls == [REPLY_URL]
        assert post.args["thread_ts"] == parent["ts"]


@pytest.mark.parametrize(
    ("error", "hint"), [("not_in_channel", "/invite @Keypoints"), ("missing_scope", "reinstall")]
)
async def test_unreadable_thread_parent_says_what_is_wrong(
    tmp_path: Path, error: str, hint: str
) -> None:
    """A mention whose thread parent cannot be read names the cause and the fix, privately."""
    async with http_bot(tmp_path) as h:
        parent = link_message(PARENT_URL)
        h.slack.add_message("C1", parent)
        h.slack.error_next("conversations.replies", error)
        mention = {
            "type": "app_mention",
            "channel": "C1",
            "user": "U2",
            "ts": "1700000100.000001",
            "thread_ts": parent["ts"],
            "text": f"<@{BOT_USER_ID}> key points please",
        }
        await send(h, event_callback(mention))
        await h.settle()
        (notice,) = h.slack.replies
        assert notice.method == "chat.postEphemeral" and notice.args["user"] == "U2"
        assert hint in notice.args["text"] and "Mention me in a message" not in notice.args["text"]


async def test_reaction_on_an_unreadable_message_tells_the_reactor(tmp_path: Path) -> None:
    """:memo: on a message the bot may not read gets a private notice, not silence."""
    async with http_bot(tmp_path) as h:
        parent = link_message(PARENT_URL)
        h.slack.add_message("C1", parent)
        h.slack.fail_next(
            "conversations.replies",
            200,
            body={"ok": False, "error": "missing_scope", "needed": "groups:history"},
        )
        await send(h, event_callback(reaction_on(parent, user="U7")))
        await h.settle()
        (notice,) = h.slack.replies
        assert notice.method == "chat.postEphemeral" and notice.args["user"] == "U7"
        assert "groups:history" in notice.args["text"]
        assert h.summariser.calls == []


@pytest.mark.parametrize("event", ["app_uninstalled", "tokens_revoked"])
async def test_uninstall_events_are_handled_with_one_token(tmp_path: Path, event: str) -> None:
    """Single-workspace mode acknowledges app_uninstalled/tokens_revoked (no 404 to retry)."""
    async with http_bot(tmp_path) as h:
        await send(h, slash_command("auto off", h.slack.response_url("a")), form=True)
        await h.settle()
        assert not await auto_enabled(h.bot.engine, "TLOCAL", "C1")
        payload: dict[str, Any] = {"type": event, "event_ts": "1700000000.000100"}
        if event == "tokens_revoked":
            payload["tokens"] = {"oauth": [], "bot": [BOT_USER_ID]}
        h.slack.revoke_token()  # as Slack does once the app is gone
        assert await send(h, event_callback(payload)) == 200
        await h.settle()
        assert h.bot.service.token_problems == {"TLOCAL": event}
        uninstalled = event == "app_uninstalled"
        assert await auto_enabled(h.bot.engine, "TLOCAL", "C1") is uninstalled  # settings gone


async def test_shortcut_on_an_answered_message_points_to_the_reply(tmp_path: Path) -> None:
    """The shortcut on a message auto mode answered links the reply, privately; no repost."""
    async with http_bot(tmp_path) as h:
        message = link_message(PARENT_URL)
        h.slack.add_message("C1", message)
        await send(h, event_callback(message))
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 1
        await send(h, message_shortcut(message, h.slack.response_url("s")), form=True)
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 1
        (answer,) = h.slack.calls_to("response_url")
        assert answer.args["response_type"] == "ephemeral"
        assert "already replied" in answer.args["text"]
        assert f"/archives/C1/p{message['ts'].replace('.', '')}" not in answer.args["text"]
        (link,) = h.slack.calls_to("chat.getPermalink")
        assert link.args["message_ts"] != message["ts"]  # the reply's permalink
        assert h.summariser.calls == [PARENT_URL]


async def test_shortcut_answers_links_the_bot_has_not_answered(tmp_path: Path) -> None:
    """The shortcut on a message with no earlier reply answers it in the thread."""
    async with http_bot(tmp_path) as h:
        message = link_message(PARENT_URL)
        h.slack.add_message("C1", message)
        await send(h, message_shortcut(message, h.slack.response_url("s")), form=True)
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert post.args["thread_ts"] == message["ts"]
        assert h.slack.calls_to("response_url") == []
