"""The buttons under a reply, clicked as Slack sends them (signed, retried) against the stand-in."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
from fakes.fake_slack import (
    SlackStandIn,
    block_actions,
    event_callback,
    link_message,
    send_signed,
    slash_command,
)
from fakes.slack_harness import SECRET, settings_for, simple_canonical
from sqlalchemy import func, select

from bot.models import Article, Summary
from bot.slack.actions import NOT_ALLOWED
from bot.slack.app import Bot, running_bot
from bot.slack.buttons import (
    ACTIONS_BLOCK_ID,
    DOWN,
    FEWER,
    MORE,
    REMOVE,
    UP,
    ButtonState,
    actions_block,
    parse_value,
    with_buttons,
)
from bot.slack.render import SlackMessage
from bot.slack.serve import EVENTS_PATH, serve_socket_mode, serving_http
from bot.store.replies import ReplyVote
from bot.summarize import summarize

URL = "https://news.example.com/story"
SENTENCES = [
    "The city council approved a plan to rebuild the harbour wall before next winter.",
    "Engineers warned that storms had cracked the old stone in several places last year.",
    "The project will cost about 40 million euros, paid partly by a regional grant.",
    "Fishing crews said the works must not close the port during the busy summer months.",
    "A new ferry terminal is planned on the eastern pier once the wall is finished.",
    "Local shops expect more visitors when the ferries start running to the islands.",
    "Opposition members voted against the plan, citing the rising price of concrete.",
    "Construction is due to begin in March and should take roughly two years.",
    "The mayor promised monthly public updates on the budget and the schedule.",
    "Residents can comment on the design at the town hall until the end of the month.",
]


@dataclass
class TextSummariser:
    """The real summariser on a fixed article (the bot would fetch it); records each call."""

    calls: list[tuple[str, int]] = field(default_factory=list)

    async def __call__(self, url: str, *, bullets: int, method: str) -> Summary:
        self.calls.append((url, bullets))
        article = Article(
            paragraphs=tuple(SENTENCES),
            title="Council approves plans",
            url=url,
            canonical_url=url,
            site_name="Example News",
            language="en",
        )
        return summarize(article, bullets, method)


@dataclass
class Clicker:
    bot: Bot
    slack: SlackStandIn
    summariser: TextSummariser
    session: aiohttp.ClientSession
    events_url: str

    async def click(self, reply: dict[str, Any], action: str, *, user: str, count: int = 0) -> None:
        """One click, delivered twice (Slack's retry), each acknowledged with 200."""
        value = next(b["value"] for b in buttons_of(reply) if b["action_id"] == action)
        if count:
            value = f"{parse_value(value)[0]}:{count}"
        payload = block_actions(reply, action, value, self.slack.response_url("b"), user=user)
        for retry in (None, 1):
            status, _ = await send_signed(
                self.session, self.events_url, SECRET, payload, form=True, retry_num=retry
            )
            assert status == 200
        await self.bot.service.drain(grace=10)


@asynccontextmanager
async def clicker(tmp_path: Path) -> AsyncIterator[Clicker]:
    summariser = TextSummariser()
    async with SlackStandIn() as slack:
        settings = settings_for(slack, tmp_path / "kp.db")
        async with (
            running_bot(settings, summarise=summariser, canonicalize=simple_canonical) as bot,
            serving_http(bot, "127.0.0.1", 0) as port,
            aiohttp.ClientSession() as session,
        ):
            yield Clicker(bot, slack, summariser, session, f"http://127.0.0.1:{port}{EVENTS_PATH}")


async def post_link(c: Clicker, *, user: str = "U1") -> dict[str, Any]:
    """A link posted by ``user``; the bot's reply (as the stand-in holds it)."""
    status, _ = await send_signed(
        c.session, c.events_url, SECRET, event_callback(link_message(URL, user=user))
    )
    assert status == 200
    await c.bot.service.drain(grace=10)
    return bot_reply(c.slack)


def bot_reply(slack: SlackStandIn) -> dict[str, Any]:
    (reply,) = [m for m in slack.messages.values() if m.get("bot_id")]
    return reply


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    (block,) = [b for b in message["blocks"] if b.get("block_id") == ACTIONS_BLOCK_ID]
    return list(block["elements"])


def bullets_of(message: dict[str, Any]) -> list[str]:
    (rich,) = [b for b in message["blocks"] if b["type"] == "rich_text"]
    return [item["elements"][0]["text"] for item in rich["elements"][0]["elements"]]


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons_of(message)]


async def test_more_and_fewer_update_the_reply_in_place_without_refetching(
    tmp_path: Path,
) -> None:
    """More → 4 then 5 points, Fewer → 4, each a chat.update of the same message; no refetch."""
    async with clicker(tmp_path) as c:
        reply = await post_link(c)
        assert len(bullets_of(reply)) == 3
        assert labels(reply) == ["More points", "👍 0", "👎 0", "Remove"]
        await c.click(reply, MORE, user="U2")
        reply = bot_reply(c.slack)
        assert len(bullets_of(reply)) == 4  # the retried click did not make it 5
        assert labels(reply) == ["More points", "Fewer points", "👍 0", "👎 0", "Remove"]
        await c.click(reply, MORE, user="U2")
        reply = bot_reply(c.slack)
        assert len(bullets_of(reply)) == 5
        assert labels(reply)[0] == "Fewer points"  # 5 is the most
        await c.click(reply, FEWER, user="U3")
        reply = bot_reply(c.slack)
        assert len(bullets_of(reply)) == 4
        assert reply["text"].count("\n• ") == 4  # the text fallback follows the bullets
        updates = c.slack.calls_to("chat.update")
        assert {u.args["ts"] for u in updates} == {reply["ts"]}
        assert len(updates) == 3  # once per click, not once per delivery
        assert c.summariser.calls == [(URL, 3)]  # the page was summarised (fetched) once
        assert len(c.slack.calls_to("chat.postMessage")) == 1


async def test_votes_are_one_per_person_changeable_and_counted_on_the_message(
    tmp_path: Path,
) -> None:
    """Two 👍, then one changed to 👎: the message shows 👍 1 👎 1; retries count once."""
    async with clicker(tmp_path) as c:
        reply = await post_link(c)
        await c.click(reply, UP, user="U2")
        await c.click(bot_reply(c.slack), UP, user="U3")
        assert labels(bot_reply(c.slack))[1:3] == ["👍 2", "👎 0"]
        await c.click(bot_reply(c.slack), DOWN, user="U2")
        reply = bot_reply(c.slack)
        assert labels(reply)[1:3] == ["👍 1", "👎 1"]
        assert "👍 1 · 👎 1" in reply["text"]
        assert len(bullets_of(reply)) == 3  # voting leaves the points alone
        async with c.bot.engine.connect() as conn:
            votes = (await conn.execute(select(func.count()).select_from(ReplyVote))).scalar()
        assert votes == 2


async def test_remove_is_for_the_poster_the_asker_and_admins_only(tmp_path: Path) -> None:
    """A stranger gets an ephemeral "only … can remove this"; an admin's click deletes it once."""
    async with clicker(tmp_path) as c:
        reply = await post_link(c, user="U1")
        await c.click(reply, REMOVE, user="U9")
        (note,) = c.slack.calls_to("chat.postEphemeral")
        assert note.args["user"] == "U9" and note.args["text"] == NOT_ALLOWED
        assert note.args["thread_ts"] == reply["thread_ts"]
        assert not c.slack.calls_to("chat.delete")
        c.slack.admins.add("UADMIN")
        await c.click(reply, REMOVE, user="UADMIN")
        assert len(c.slack.calls_to("chat.delete")) == 1  # the retry deleted nothing more
        assert not [m for m in c.slack.messages.values() if m.get("bot_id")]
        await c.click(reply, UP, user="U2")  # a late click on the removed reply
        assert not c.slack.calls_to("chat.update")


async def test_the_links_poster_may_remove_a_reply_someone_else_asked_for(tmp_path: Path) -> None:
    """A :memo: reaction by U5 asks; U1, who posted the link, may still remove the reply."""
    async with clicker(tmp_path) as c:
        await c.bot.service.channel_settings.reload()
        message = link_message(URL, user="U1")
        c.slack.add_message("C1", message)
        reaction = {
            "type": "reaction_added",
            "user": "U5",
            "reaction": "memo",
            "item": {"type": "message", "channel": "C1", "ts": message["ts"]},
        }
        await send_signed(c.session, c.events_url, SECRET, event_callback(reaction))
        await c.bot.service.drain(grace=10)
        reply = next(m for m in c.slack.messages.values() if m.get("bot_id") and m.get("blocks"))
        await c.click(reply, REMOVE, user="U1")
        assert len(c.slack.calls_to("chat.delete")) == 1
        assert not c.slack.calls_to("chat.postEphemeral")


async def test_a_slash_command_answer_is_changed_through_the_response_url(tmp_path: Path) -> None:
    """/keypoints answers have no ts of ours: More replaces the original via response_url."""
    async with clicker(tmp_path) as c:
        command = slash_command(URL, c.slack.response_url("c"))
        await send_signed(c.session, c.events_url, SECRET, command, form=True)
        await c.bot.service.drain(grace=10)
        (answer,) = c.slack.calls_to("response_url")
        shown = {"ts": "1700000099.000001", "text": answer.args["text"]}
        shown["blocks"] = answer.args["blocks"]
        await c.click(shown, MORE, user="U1")
        (_, replaced) = c.slack.calls_to("response_url")
        assert replaced.args["hook"] == "b" and replaced.args["replace_original"] is True
        assert len(bullets_of(replaced.args)) == 4
        assert not c.slack.calls_to("chat.update")


async def test_a_click_over_socket_mode_is_acked_and_handled(tmp_path: Path) -> None:
    """An interactive envelope is acked by envelope id and the vote updates the message."""
    async with SlackStandIn() as slack:
        settings = settings_for(
            slack, tmp_path / "kp.db", signing_secret=None, app_token="xapp-test"
        )
        async with running_bot(
            settings, summarise=TextSummariser(), canonicalize=simple_canonical
        ) as bot:
            stop = asyncio.Event()
            server = asyncio.create_task(serve_socket_mode(bot, "xapp-test", stop))
            try:
                envelope = {"type": "events_api", "accepts_response_payload": False}
                event = event_callback(link_message(URL))
                await slack.deliver({**envelope, "envelope_id": "e1", "payload": event})
                await slack.wait_for(1, "chat.postMessage")
                await bot.service.drain(grace=10)
                reply = bot_reply(slack)
                value = next(b["value"] for b in buttons_of(reply) if b["action_id"] == UP)
                form = block_actions(reply, UP, value, slack.response_url("s"), user="U2")
                payload = json.loads(form["payload"])
                for attempt in (0, 1):  # Socket Mode redelivers an envelope it thinks was lost
                    await slack.deliver(
                        {
                            "envelope_id": f"click-{attempt}",
                            "type": "interactive",
                            "payload": payload,
                            "accepts_response_payload": False,
                            "retry_attempt": attempt,
                        }
                    )
                    await slack.wait_for_ack(f"click-{attempt}")
                await slack.wait_for(1, "chat.update")
                await bot.service.drain(grace=10)
                assert labels(bot_reply(slack))[1] == "👍 1"
            finally:
                stop.set()
                await server


def test_buttons_render_only_what_would_change_something() -> None:
    """At 3 of 3 no Fewer; at 5 no More; More hidden when the article had no more points."""
    ids = lambda s: [b["action_id"] for b in actions_block(s)["elements"]]  # noqa: E731
    assert ids(ButtonState("r", 3, 3, True)) == [MORE, UP, DOWN, REMOVE]
    assert ids(ButtonState("r", 5, 3, True)) == [FEWER, UP, DOWN, REMOVE]
    assert ids(ButtonState("r", 2, 3, False)) == [UP, DOWN, REMOVE]  # a short article
    assert ids(ButtonState("r", 7, 7, True)) == [FEWER, UP, DOWN, REMOVE]  # asked for 7
    more = actions_block(ButtonState("abc", 4, 3, True))["elements"][0]
    assert parse_value(more["value"]) == ("abc", 5)


def test_with_buttons_replaces_old_buttons_and_keeps_the_fallback_meaningful() -> None:
    """Re-rendering keeps one actions block; the text keeps the bullets and gains the votes."""
    base = SlackMessage(text="Key points: T\n• A.\n• B.", blocks=[{"type": "section"}])
    once = with_buttons(base, ButtonState("r", 2, 3, True, up=1))
    twice = with_buttons(once, replace(ButtonState("r", 2, 3, True), up=2, down=1))
    assert [b["type"] for b in twice.blocks] == ["section", "actions"]
    assert twice.text == "Key points: T\n• A.\n• B.\n(👍 2 · 👎 1)"
