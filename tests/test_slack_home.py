"""The App Home tab, opened as Slack sends it (signed, retried) against the stand-in.
(Editing a channel's settings from it: ``test_slack_settings_form``.)"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from fakes.fake_slack import TEAM_ID, event_callback, send_signed
from fakes.slack_harness import SECRET, Harness, http_bot

from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore
from bot.slack.home import SETTINGS_NOTE
from bot.slack.settings_view import EDIT_ACTION, PICK_ACTION
from bot.store import channels, replies
from bot.store.stats import gather_stats


def home_opened(user: str, tab: str = "home") -> dict[str, Any]:
    """The ``app_home_opened`` envelope Slack sends when ``user`` opens a tab."""
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "DHOME",
        "tab": tab,
        "event_ts": "1700000000.000100",
    }
    return event_callback(event)


async def seed(h: Harness) -> None:
    """Replies (U1's, U2's, a removed one, a failure, another workspace's) and settings."""
    engine, now = h.bot.engine, h.bot.service.clock()

    async def answer(
        reply_id: str, user: str, url: str, *, team: str = TEAM_ID, kind: str = replies.SUMMARY
    ) -> None:
        outcome = replies.Outcome(
            reply_id, team, "C1", f"{now:.6f}", url, "news.example.com", user, 3, kind,
            "paywalled" if kind == replies.FAILURE else None, False, now - 2,
        )  # fmt: skip
        await replies.record_outcome(engine, outcome, now=now)
        await replies.mark_posted(engine, reply_id, "1.1", now=now)

    await answer("r1", "U1", "https://news.example.com/first")
    await answer("r2", "U2", "https://news.example.com/private-to-u2")
    await answer("r3", "U1", "https://news.example.com/removed")
    await replies.mark_removed(engine, "r3", now=now)
    await answer("r4", "U1", "https://news.example.com/paywall", kind=replies.FAILURE)
    await answer("r5", "U1", "https://other.example.com/elsewhere", team="TOTHER")
    await channels.set_auto(engine, TEAM_ID, "C1", False, now=now)
    await channels.set_min_words(engine, TEAM_ID, "C2", 300, now=now)
    await channels.set_public_failures(engine, TEAM_ID, "C2", True, now=now)
    await channels.set_bullets(engine, TEAM_ID, "C2", 5, now=now)
    await channels.set_admins_only(engine, TEAM_ID, "C2", True, now=now)
    await channels.set_auto(engine, "TOTHER", "C9", False, now=now)
    schedule = Schedule(at=time(8, 30), tz="Europe/Berlin", days="weekdays")
    await DigestStore(engine).set_schedule("C3", TEAM_ID, schedule, datetime.now(UTC))


def texts(view: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for block in view["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return out


async def test_opening_the_home_tab_publishes_the_overview_once_per_delivery(
    tmp_path: Path,
) -> None:
    """A signed ``app_home_opened`` (and its retry) publishes the same Home view for that user."""
    async with http_bot(tmp_path) as h:
        await seed(h)
        payload = home_opened("U1")
        for retry in (None, 1):
            status, _ = await send_signed(h.session, h.events_url, SECRET, payload, retry_num=retry)
            assert status == 200
            await h.settle()
        calls = h.slack.calls_to("views.publish")
        assert len(calls) == 2  # the retry publishes once more (views.publish replaces)
        assert all(c.args == calls[0].args for c in calls)  # a retry publishes the same
        assert calls[0].args["user_id"] == "U1"
        view = calls[0].args["view"]
        assert view["type"] == "home"
        published = h.slack.home_views["U1"]
        assert published["id"].startswith("V") and published["blocks"] == view["blocks"]
        shown = "\n".join(texts(view))
        headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
        assert headers == [
            "Your recent summaries",
            "This workspace, last 7 days",
            "Channel settings",
        ]
        # Only U1's summaries that are still up; nobody else's, no failures, no other team's.
        assert "<https://news.example.com/first> in <#C1>" in shown
        for hidden in ("private-to-u2", "/removed", "/paywall", "elsewhere", "C9"):
            assert hidden not in shown
        # This workspace's stats: r1-r4 (r5 is another workspace's).
        assert "links answered: 4 · replies posted: 3" in shown
        assert "failures: 1" in shown
        assert (
            "<#C1>: auto mode off · 3 key points · failures private · min words off · no digest"
        ) in shown
        assert (
            "<#C2>: auto mode on · 5 key points · failures public · min words 300 · no digest "
            "· admins only"
        ) in shown
        assert (
            "<#C3>: auto mode on · 3 key points · failures private · min words off · digest 08:30 "
        ) in shown
        assert SETTINGS_NOTE in shown and "read-only" not in shown.lower()
        # Every channel row can be edited, and any other channel picked.
        edits = [b["accessory"] for b in view["blocks"] if "accessory" in b]
        assert [(e["action_id"], e["value"]) for e in edits] == [
            (EDIT_ACTION, "C1"),
            (EDIT_ACTION, "C2"),
            (EDIT_ACTION, "C3"),
        ]
        pickers = [e for b in view["blocks"] for e in b.get("elements", []) if "action_id" in e]
        assert [p["action_id"] for p in pickers] == [PICK_ACTION]


async def test_the_messages_tab_publishes_nothing(tmp_path: Path) -> None:
    """Opening the Messages tab (the DM) is acknowledged and publishes no Home view."""
    async with http_bot(tmp_path) as h:
        payload = home_opened("U1", tab="messages")
        status, _ = await send_signed(h.session, h.events_url, SECRET, payload)
        assert status == 200
        await h.settle()
        assert h.slack.calls_to("views.publish") == []


async def test_an_empty_workspace_gets_a_home_view_with_the_defaults(tmp_path: Path) -> None:
    """With nothing recorded yet, the view says so instead of showing empty sections."""
    async with http_bot(tmp_path) as h:
        status, _ = await send_signed(h.session, h.events_url, SECRET, home_opened("U7"))
        assert status == 200
        await h.settle()
        (call,) = h.slack.calls_to("views.publish")
        shown = "\n".join(texts(call.args["view"]))
        assert "None yet" in shown and "No links answered in this period." in shown
        assert "Every channel has the defaults" in shown


async def test_stats_can_be_limited_to_one_workspace(tmp_path: Path) -> None:
    """``gather_stats(team_id=…)`` counts only that workspace's answers; without it, all."""
    async with http_bot(tmp_path) as h:
        await seed(h)
        since = h.bot.service.clock() - 3600
        assert (await gather_stats(h.bot.engine, since=since)).answers == 5
        assert (await gather_stats(h.bot.engine, since=since, team_id="TOTHER")).answers == 1
