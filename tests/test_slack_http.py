"""The bot over the HTTP Events API: signed requests in, Web API calls out (all on 127.0.0.1)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fakes.fake_slack import (
    BOT_ID,
    BOT_USER_ID,
    event_callback,
    link_message,
    message_shortcut,
    send_signed,
    slash_command,
)
from fakes.slack_harness import SECRET, Harness, http_bot

from bot.slack.app import Bot
from bot.slack.commands import CommandContext

URL = "https://news.example.com/story/1"


async def send(h: Harness, payload: dict[str, Any], **kwargs: Any) -> int:
    status, _ = await send_signed(h.session, h.events_url, SECRET, payload, **kwargs)
    return status


async def test_link_message_gets_one_threaded_reply_with_bullets(tmp_path: Path) -> None:
    """A message with a link gets exactly one reply, in its thread, with the bullets."""
    async with http_bot(tmp_path) as h:
        event = link_message(URL)
        assert await send(h, event_callback(event)) == 200
        await h.settle()
        replies = h.slack.replies
        assert len(replies) == 1
        args = replies[0].args
        assert args["channel"] == "C1" and args["thread_ts"] == event["ts"]
        assert args["unfurl_links"] is False and args["unfurl_media"] is False
        bullet_list = args["blocks"][1]["elements"][0]
        assert bullet_list["type"] == "rich_text_list" and bullet_list["style"] == "bullet"
        assert [e["elements"][0]["text"] for e in bullet_list["elements"]] == [
            "Point 1.",
            "Point 2.",
            "Point 3.",
        ]
        assert "• Point 1." in args["text"]


async def test_retried_delivery_and_unfurl_echo_get_no_second_reply(tmp_path: Path) -> None:
    """A retry (same event id, X-Slack-Retry-Num) and a message_changed echo are ignored."""
    async with http_bot(tmp_path) as h:
        event = link_message(URL)
        payload = event_callback(event)
        assert await send(h, payload) == 200
        assert await send(h, payload, retry_num=1) == 200
        echo = {
            "type": "message",
            "subtype": "message_changed",
            "channel": "C1",
            "hidden": True,
            "ts": "1700009999.000001",
            "message": {**event, "attachments": [{"title": "x"}]},
            "previous_message": event,
        }
        assert await send(h, event_callback(echo)) == 200
        await h.settle()
        assert len(h.slack.replies) == 1
        assert len(h.summariser.calls) == 1


async def test_message_and_app_mention_of_same_message_give_one_reply(tmp_path: Path) -> None:
    """The same message delivered as `message` and as `app_mention` is answered once."""
    async with http_bot(tmp_path) as h:
        event = link_message(URL, text=f"<@{BOT_USER_ID}> look <{URL}>")
        mention = {**event, "type": "app_mention"}
        mention.pop("channel_type")
        assert await send(h, event_callback(event)) == 200
        assert await send(h, event_callback(mention)) == 200
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 1


async def test_bad_and_stale_signatures_are_rejected(tmp_path: Path) -> None:
    """Requests signed with the wrong secret or a timestamp older than 5 minutes get 401."""
    async with http_bot(tmp_path) as h:
        payload = event_callback(link_message(URL))
        status, _ = await send_signed(h.session, h.events_url, "wrong-secret", payload)
        assert status == 401
        stale = int(time.time()) - 600
        assert await send(h, payload, timestamp=stale) == 401
        await h.settle()
        assert h.slack.replies == []


async def test_bot_ignores_itself_and_other_bots(tmp_path: Path) -> None:
    """Messages posted by this bot or by another bot never get a reply."""
    async with http_bot(tmp_path) as h:
        own = link_message(URL, bot_id=BOT_ID, user=BOT_USER_ID)
        other = link_message(URL, bot_id="BOTHER", subtype="bot_message")
        assert await send(h, event_callback(own)) == 200
        assert await send(h, event_callback(other)) == 200
        await h.settle()
        assert h.slack.replies == []
        assert h.summariser.calls == []


async def test_paywalled_page_gets_the_honest_reply(tmp_path: Path) -> None:
    """A paywalled article is answered in the thread with the Paywalled message."""
    async with http_bot(tmp_path) as h:
        event = link_message("https://news.example.com/paywalled")
        await send(h, event_callback(event))
        await h.settle()
        (reply,) = h.slack.replies
        assert "behind a login or paywall" in reply.args["text"]
        assert reply.args["thread_ts"] == event["ts"]


async def test_unexpected_error_gets_a_generic_line_not_a_traceback(tmp_path: Path) -> None:
    """A bug in the summariser produces a short generic reply, never silence or a traceback."""
    async with http_bot(tmp_path) as h:
        await send(h, event_callback(link_message("https://news.example.com/boom")))
        await h.settle()
        (reply,) = h.slack.replies
        assert "something went wrong" in reply.args["text"].lower()
        assert "Traceback" not in reply.args["text"] and "RuntimeError" not in reply.args["text"]


async def test_rate_limited_post_is_retried_after_retry_after(tmp_path: Path) -> None:
    """HTTP 429 from chat.postMessage is retried once Retry-After (1 s) has passed."""
    async with http_bot(tmp_path) as h:
        h.slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "1"})
        await send(h, event_callback(link_message(URL)))
        await h.settle()
        posts = h.slack.calls_to("chat.postMessage")
        assert len(posts) == 2  # the rate-limited attempt, then the retry
        assert posts[1].at - posts[0].at >= 0.9


async def test_channel_ping_in_title_is_escaped(tmp_path: Path) -> None:
    """`<!channel>` and `<@U…>` in an article title reach Slack escaped, so nobody is pinged."""
    async with http_bot(tmp_path) as h:
        url = "https://news.example.com/a?title=%3C%21channel%3E+hi+%3C%40U999%3E+%26+co"
        await send(h, event_callback(link_message(url, text=f"<{url}>")))
        await h.settle()
        (reply,) = h.slack.replies
        heading = reply.args["blocks"][0]["text"]["text"]
        for text in (heading, reply.args["text"]):
            assert "<!channel>" not in text and "<@U999>" not in text
            assert "&lt;!channel&gt;" in text and "&amp; co" in text


async def test_mention_in_thread_uses_the_parent_links(tmp_path: Path) -> None:
    """An @mention without links inside a thread summarises the thread parent's links."""
    async with http_bot(tmp_path) as h:
        parent = link_message(URL)
        h.slack.add_message("C1", parent)
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
        (reply,) = h.slack.replies
        assert reply.args["thread_ts"] == parent["ts"]
        assert h.summariser.calls == [URL]
        assert h.slack.calls_to("conversations.replies")


async def test_mention_without_any_link_explains_itself(tmp_path: Path) -> None:
    """A bare @mention gets a one-line explanation instead of silence."""
    async with http_bot(tmp_path) as h:
        mention = {
            "type": "app_mention",
            "channel": "C1",
            "user": "U2",
            "ts": "1700000200.000001",
            "text": f"<@{BOT_USER_ID}> hi",
        }
        await send(h, event_callback(mention))
        await h.settle()
        (reply,) = h.slack.replies
        assert "Mention me in a message with a link" in reply.args["text"]


async def test_reaction_on_link_message_when_auto_is_off(tmp_path: Path) -> None:
    """With auto mode off, a link is ignored until someone reacts with :memo:."""
    async with http_bot(tmp_path) as h:
        status, _ = await send_signed(
            h.session,
            h.events_url,
            SECRET,
            slash_command("auto off", h.slack.response_url("a")),
            form=True,
        )
        assert status == 200
        await h.settle()
        message = link_message(URL)
        h.slack.add_message("C1", message)
        await send(h, event_callback(message))
        await h.settle()
        assert h.slack.calls_to("chat.postMessage") == []
        reaction = {
            "type": "reaction_added",
            "user": "U3",
            "reaction": "memo",
            "item": {"type": "message", "channel": "C1", "ts": message["ts"]},
            "event_ts": "1700000300.000001",
        }
        await send(h, event_callback(reaction))
        await send(h, event_callback({**reaction, "reaction": "thumbsup"}))
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert post.args["thread_ts"] == message["ts"]


async def test_slash_command_answers_in_channel_and_errors_ephemerally(tmp_path: Path) -> None:
    """/keypoints <url> 2 posts two bullets in channel; a paywalled URL answers ephemerally."""
    async with http_bot(tmp_path) as h:
        ok = slash_command(f"{URL} 2", h.slack.response_url("ok"))
        bad = slash_command("https://news.example.com/paywalled", h.slack.response_url("bad"))
        for payload in (ok, bad):
            status, _ = await send_signed(h.session, h.events_url, SECRET, payload, form=True)
            assert status == 200
        await h.settle()
        answers = {c.args["hook"]: c.args for c in h.slack.calls_to("response_url")}
        assert answers["ok"]["response_type"] == "in_channel"
        assert len(answers["ok"]["blocks"][1]["elements"][0]["elements"]) == 2
        assert answers["bad"]["response_type"] == "ephemeral"
        assert "paywall" in answers["bad"]["text"]


async def test_slash_help_lists_registered_subcommands(tmp_path: Path) -> None:
    """`/keypoints help` lists built-in and later-registered subcommands."""
    async with http_bot(tmp_path) as h:

        async def feed(ctx: object) -> None:
            return None

        h.bot.router.register("feed", feed, usage="feed add <url>", summary="follow a feed")
        payload = slash_command("help", h.slack.response_url("h"))
        await send_signed(h.session, h.events_url, SECRET, payload, form=True)
        await h.settle()
        (answer,) = h.slack.calls_to("response_url")
        assert "auto on|off" in answer.args["text"] and "feed add <url>" in answer.args["text"]
        assert answer.args["response_type"] == "ephemeral"


async def test_message_shortcut_replies_in_the_thread(tmp_path: Path) -> None:
    """The "Key points" shortcut on a thread reply answers in that thread."""
    async with http_bot(tmp_path) as h:
        message = link_message(URL, thread_ts="1700000000.000000")
        payload = message_shortcut(message, h.slack.response_url("s"))
        status, _ = await send_signed(h.session, h.events_url, SECRET, payload, form=True)
        assert status == 200
        await h.settle()
        (post,) = h.slack.calls_to("chat.postMessage")
        assert post.args["thread_ts"] == "1700000000.000000"


async def test_healthz(tmp_path: Path) -> None:
    """GET /healthz answers 200 with ok=true."""
    async with http_bot(tmp_path) as h:
        url = h.events_url.replace("/slack/events", "/healthz")
        async with h.session.get(url) as response:
            assert response.status == 200
            assert (await response.json())["ok"] is True


async def test_extensions_add_share_hooks_and_subcommands(tmp_path: Path) -> None:
    """An extension sees shared links and serves its subcommand, even with auto mode off."""
    shared: list[tuple[object, ...]] = []

    async def digest_extension(bot: Bot) -> None:
        async def record(*args: object) -> None:
            shared.append(args)

        async def digest(ctx: CommandContext) -> None:
            await ctx.reply(f"digest {' '.join(ctx.args)}")

        bot.service.share_hooks.append(record)
        bot.router.register("digest", digest, usage="digest now", summary="post the digest")

    async with http_bot(tmp_path, extensions=[digest_extension]) as h:
        await send(h, slash_command("auto off", h.slack.response_url("a"), channel="C9"), form=True)
        await send(
            h, slash_command("digest now", h.slack.response_url("d"), channel="C9"), form=True
        )
        await h.settle()  # commands run after their ack: auto mode is off once they are done
        event = link_message(URL, channel="C9")
        assert await send(h, event_callback(event)) == 200
        await h.settle()
        assert shared == [("TLOCAL", "C9", "U1", event["ts"], [URL])]
        answers = {c.args["hook"]: c.args["text"] for c in h.slack.calls_to("response_url")}
        assert answers["d"] == "digest now"
        assert h.slack.calls_to("chat.postMessage") == []


async def test_store_failure_still_gets_a_generic_reply(tmp_path: Path) -> None:
    """If the database fails before answering, the thread gets a short generic line."""
    async with http_bot(tmp_path) as h:

        async def broken(request: object) -> list[object]:
            raise OSError("database is gone")

        h.bot.service.accept = broken  # type: ignore[assignment,method-assign]
        event = link_message(URL)
        await send(h, event_callback(event))
        await h.settle()
        (reply,) = h.slack.replies
        assert reply.args["thread_ts"] == event["ts"]
        assert "something went wrong" in reply.args["text"].lower()


async def test_retry_of_a_delivery_that_died_before_its_jobs_is_answered(
    tmp_path: Path,
) -> None:
    """A delivery recorded as seen whose jobs were never written is answered on retry, once."""
    from bot.store.events import claim_event

    async with http_bot(tmp_path) as h:
        body = event_callback(link_message(URL))
        assert await claim_event(
            h.bot.engine, body["event_id"], now=h.bot.service.clock()
        )  # the first try died here
        await send(h, body, retry_num=1)
        await send(h, body, retry_num=2)
        await h.settle()
        assert len(h.slack.replies) == 1


async def test_server_error_from_slack_is_retried(tmp_path: Path) -> None:
    """A 503 from chat.postMessage is retried and the reply still goes out."""
    async with http_bot(tmp_path) as h:
        h.slack.fail_next("chat.postMessage", 503)
        await send(h, event_callback(link_message(URL)))
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 2
