"""Editing a channel's settings from the App Home, driven as Slack sends it (signed HTTP
requests, retried; Socket Mode envelopes) against the Slack stand-in, checking the Web API
calls that result: ``app_home_opened`` → ``views.publish``; Edit (``block_actions``) →
``views.open``; the form's ``view_submission`` → saved, ``views.publish`` again, or
``response_action: errors``; who may change what; the per-channel bullet count."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from fakes.clock import HandClock
from fakes.fake_slack import (
    SlackStandIn,
    event_callback,
    home_action,
    link_message,
    send_signed,
    slash_command,
    submission_state,
    view_submission,
)
from fakes.slack_harness import SECRET, Harness, http_bot, settings_for, simple_canonical
from test_slack_home import home_opened

from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore
from bot.errors import KeypointsError
from bot.slack.app import running_bot
from bot.slack.channel_cache import ChannelSettingsCache
from bot.slack.links import unwrap_link
from bot.slack.permissions import SettingsPermissions, admins_only_refusal
from bot.slack.serve import serve_socket_mode
from bot.slack.settings_editor import DigestHooks
from bot.slack.settings_view import (
    ADMINS_ONLY,
    AUTO,
    BULLETS,
    CALLBACK_ID,
    DIGEST_DAYS,
    DIGEST_TIME,
    DIGEST_TZ,
    EDIT_ACTION,
    FAILURES,
    FEEDS,
    MIN_WORDS,
    PICK_ACTION,
    DigestForm,
    SettingsForm,
    SettingsInput,
    parse_submission,
    settings_modal,
)
from bot.slack.standin import TRIGGER_SECONDS, view_problem
from bot.store import channels
from bot.store.channels import ChannelChoices, settings_version

TEAM = "TLOCAL"
DIGEST_NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class FeedChecker:
    """``feed add``'s check, faked: ``…/bad…`` is refused with a reason, others pass."""

    def __init__(self) -> None:
        self.checked: list[str] = []

    async def __call__(self, url: str) -> str:
        self.checked.append(url)
        if "/bad" in url:
            raise KeypointsError("That address does not serve a feed (HTTP 404).")
        return f"Feed at {url.rsplit('/', 1)[-1]}"


@asynccontextmanager
async def home_bot(tmp_path: Path, *, digest: bool = True) -> AsyncIterator[Harness]:
    """The bot over HTTP; C1 has members U1 and U2; UADMIN is a workspace admin."""
    async with http_bot(tmp_path) as h:
        h.slack.members["C1"] = ["U1", "U2"]
        h.slack.admins.add("UADMIN")
        if digest:
            assert h.bot.settings_editor is not None
            h.bot.settings_editor.digest = DigestHooks(
                DigestStore(h.bot.engine), FeedChecker(), lambda: DIGEST_NOW
            )
        yield h


async def send(h: Harness, form: dict[str, str], *, retries: Sequence[int | None] = (None,)) -> str:
    """Deliver ``form`` signed (and again with each retry number); the last response body."""
    body = ""
    for retry in retries:
        status, body = await send_signed(
            h.session, h.events_url, SECRET, form, form=True, retry_num=retry
        )
        assert status == 200
    await h.settle()
    return body


async def open_home(h: Harness, user: str) -> dict[str, Any]:
    """The Home view as published for ``user`` after ``app_home_opened``."""
    status, _ = await send_signed(h.session, h.events_url, SECRET, home_opened(user))
    assert status == 200
    await h.settle()
    return h.slack.home_views[user]


async def open_form(h: Harness, user: str, channel: str = "C1") -> dict[str, Any]:
    """Edit (or the picker, for a channel without a row) clicked; the modal Slack opened."""
    home = await open_home(h, user)
    trigger = h.slack.issue_trigger()
    has_row = any(
        b.get("accessory", {}).get("value") == channel for b in home["blocks"] if "accessory" in b
    )
    if has_row:
        click = home_action(home, EDIT_ACTION, value=channel, user=user, trigger_id=trigger)
    else:
        click = home_action(
            home, PICK_ACTION, selected_conversation=channel, user=user, trigger_id=trigger
        )
    opened = len(h.slack.calls_to("views.open"))
    await send(h, click)
    calls = h.slack.calls_to("views.open")
    assert len(calls) == opened + 1 and calls[-1].args["trigger_id"] == trigger
    return list(h.slack.views.values())[-1]


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def initial(view: dict[str, Any], block_id: str) -> Any:
    element = blocks_by_id(view)[block_id]["element"]
    for key in ("initial_option", "initial_options", "initial_time", "initial_value"):
        if key in element:
            value = element[key]
            if key == "initial_option":
                return value["value"]
            if key == "initial_options":
                return [o["value"] for o in value]
            return value
    return None


async def command(h: Harness, text: str, *, user: str = "U1", channel: str = "C1") -> str:
    """``/keypoints text`` in ``channel``; its ephemeral answer."""
    hook = f"h{len(h.slack.calls)}"
    await send(h, slash_command(text, h.slack.response_url(hook), channel=channel, user=user))
    (answer,) = [c.args for c in h.slack.calls_to("response_url") if c.args["hook"] == hook]
    return str(answer["text"])


# -- opening the form ---------------------------------------------------------------------------


async def test_edit_opens_the_form_with_the_channels_settings_once(tmp_path: Path) -> None:
    """Edit (delivered twice) → one views.open with the click's trigger and the stored values."""
    async with home_bot(tmp_path) as h:
        engine, now = h.bot.engine, h.bot.service.clock()
        await channels.set_auto(engine, TEAM, "C1", False, now=now)
        await channels.set_min_words(engine, TEAM, "C1", 250, now=now)
        await channels.set_bullets(engine, TEAM, "C1", 4, now=now)
        schedule = Schedule(time(7, 45), "Europe/Berlin", "weekly", 4)
        await DigestStore(engine).set_schedule("C1", TEAM, schedule, DIGEST_NOW)
        await DigestStore(engine).add_feed("C1", "https://a.example/feed", "U1", DIGEST_NOW)
        home = await open_home(h, "U1")
        trigger = h.slack.issue_trigger()
        click = home_action(home, EDIT_ACTION, value="C1", user="U1", trigger_id=trigger)
        await send(h, click, retries=(None, 1))
        (call,) = h.slack.calls_to("views.open")  # the retry opened nothing more
        assert call.args["trigger_id"] == trigger
        view = call.args["view"]
        assert view["type"] == "modal" and view["callback_id"] == CALLBACK_ID
        assert view_problem(view) is None
        assert json.loads(view["private_metadata"])["channel"] == "C1"
        assert initial(view, AUTO) == "off"
        assert initial(view, BULLETS) == "4"
        assert initial(view, FAILURES) == "private"
        assert initial(view, MIN_WORDS) == "250"
        assert initial(view, DIGEST_DAYS) == "weekly-fri"
        assert initial(view, DIGEST_TIME) == "07:45"
        assert initial(view, DIGEST_TZ) == "Europe/Berlin"
        assert initial(view, FEEDS) == "https://a.example/feed"
        assert ADMINS_ONLY not in blocks_by_id(view)  # U1 is no admin


async def test_an_admin_sees_the_admins_only_switch_and_the_picker_opens_any_channel(
    tmp_path: Path,
) -> None:
    """A channel still on the defaults is opened from the picker; admins get admins-only."""
    async with home_bot(tmp_path) as h:
        h.slack.user_tz["UADMIN"] = "America/New_York"
        view = await open_form(h, "UADMIN", channel="C7")  # no settings row, not a member
        assert initial(view, ADMINS_ONLY) is None  # unticked
        assert (initial(view, AUTO), initial(view, BULLETS)) == ("on", "3")
        assert initial(view, DIGEST_DAYS) == "off"
        assert initial(view, DIGEST_TZ) == "America/New_York"  # the admin's own zone
        assert initial(view, FEEDS) is None


async def test_someone_outside_the_channel_gets_a_modal_saying_why(tmp_path: Path) -> None:
    """Not a member (conversations.members), or a private channel Slack won't list: no form."""
    async with home_bot(tmp_path) as h:
        view = await open_form(h, "U9")
        assert "submit" not in view and view["callback_id"] != CALLBACK_ID
        assert "Only members of <#C1>" in view["blocks"][0]["text"]["text"]
        assert h.slack.calls_to("conversations.members")[0].args["channel"] == "C1"
        view = await open_form(h, "U1", channel="CPRIVATE")  # not in slack.members
        assert "channel_not_found" in view["blocks"][0]["text"]["text"]


async def test_an_expired_trigger_gets_a_direct_message_instead_of_silence(tmp_path: Path) -> None:
    """views.open answers expired_trigger_id (Slack was slow): the person is told to retry."""
    async with home_bot(tmp_path) as h:
        home = await open_home(h, "U1")
        await send(h, _edit_click(h, home, expire=True))
        assert len(h.slack.calls_to("views.open")) == 1
        assert not h.slack.views  # nothing opened
        (dm,) = h.slack.calls_to("chat.postMessage")
        assert dm.args["channel"] == "U1" and "press *Edit* again" in dm.args["text"]


def _edit_click(h: Harness, home: dict[str, Any], *, expire: bool) -> dict[str, str]:
    trigger = h.slack.issue_trigger()
    if expire:  # Slack (or the bot) took longer than the trigger's 3 s
        clock = h.slack.clock
        assert isinstance(clock, HandClock)
        clock.advance(TRIGGER_SECONDS + 0.5)
    return home_action(home, PICK_ACTION, selected_conversation="C1", user="U1", trigger_id=trigger)


# -- saving ------------------------------------------------------------------------------------


async def test_a_valid_submission_saves_republishes_and_a_retry_is_harmless(
    tmp_path: Path,
) -> None:
    """Save (delivered twice) closes the form, writes what `/keypoints settings` shows, bumps
    the settings version, republishes the Home tab once, adds feeds that pass `feed add`'s
    check and tells the person once which were refused."""
    async with home_bot(tmp_path) as h:
        engine = h.bot.engine
        store = DigestStore(engine)
        await store.add_feed("C1", "https://old.example/feed", "U2", DIGEST_NOW)
        view = await open_form(h, "U1")
        version = await settings_version(engine)
        publishes = len(h.slack.calls_to("views.publish"))
        feeds = "https://new.example/rss\n\nhttps://new.example/bad-feed\n"
        changes = {
            AUTO: "off",
            BULLETS: "5",
            FAILURES: "public",
            MIN_WORDS: "300",
            DIGEST_DAYS: "daily",
            DIGEST_TIME: "06:30",
            DIGEST_TZ: "Asia/Tokyo",
            FEEDS: feeds,
        }
        body = await send(h, view_submission(view, changes, user="U1"), retries=(None, 1))
        assert body == ""  # a plain ack: Slack closes the form
        saved = await channels.channel_choices(engine, TEAM, "C1")
        assert (saved.auto, saved.public_failures, saved.min_words) == (False, True, 300)
        assert (saved.bullets, saved.admins_only) == (5, False)
        assert await settings_version(engine) > version
        assert (await h.bot.service.channel_settings.choices(TEAM, "C1")).bullets == 5
        assert await store.get_schedule("C1") == Schedule(time(6, 30), "Asia/Tokyo", "daily")
        assert await store.list_feeds("C1") == ["https://new.example/rss"]  # old one removed
        assert len(h.slack.calls_to("views.publish")) == publishes + 1
        home = h.slack.home_views["U1"]
        row = next(b["text"]["text"] for b in home["blocks"] if "<#C1>" in str(b.get("text")))
        assert "auto mode off · 5 key points · failures public · min words 300" in row
        assert "digest 06:30 Asia/Tokyo every day" in row
        (dm,) = h.slack.calls_to("chat.postMessage")  # told once, not once per delivery
        assert dm.args["channel"] == "U1"
        assert "Added:\n• Feed at rss (https://new.example/rss)" in dm.args["text"]
        assert "Not added:\n• https://new.example/bad-feed: That address" in dm.args["text"]
        shown = await command(h, "settings")
        assert "Auto mode: *off*" in shown and "Key points per reply here: *5*" in shown
        assert "*300 words*" in shown and "public (in the thread)" in shown


async def test_bad_fields_keep_the_form_open_with_a_message_under_each(tmp_path: Path) -> None:
    """Unknown zone, a line that is no URL and an impossible time → response_action errors,
    naming those fields; nothing is saved."""
    async with home_bot(tmp_path) as h:
        view = await open_form(h, "U1")
        state = submission_state(
            view,
            {
                AUTO: "off",
                DIGEST_DAYS: "weekdays",
                DIGEST_TZ: "Mars/Olympus",
                FEEDS: "https://ok.example/feed\nftp://files.example/feed",
            },
        )
        state[DIGEST_TIME]["value"]["selected_time"] = "25:99"  # a forged payload
        body = await send(h, view_submission(view, user="U1", state=state), retries=(None, 1))
        answer = json.loads(body)
        assert answer["response_action"] == "errors"
        errors = answer["errors"]
        assert set(errors) == {DIGEST_TZ, FEEDS, DIGEST_TIME}
        assert "Mars/Olympus" in errors[DIGEST_TZ]
        assert "Line 2" in errors[FEEDS] and "https://" in errors[FEEDS]
        assert "like 08:30" in errors[DIGEST_TIME]
        assert (await channels.channel_choices(h.bot.engine, TEAM, "C1")).auto is True
        assert await DigestStore(h.bot.engine).get_schedule("C1") is None
        assert not h.slack.calls_to("chat.postMessage")


async def test_feeds_changed_by_someone_else_meanwhile_are_left_as_they_left_them(
    tmp_path: Path,
) -> None:
    """Save applies only what the person changed in the box: a feed another member added
    (or removed) after the form opened stays added (or removed)."""
    async with home_bot(tmp_path) as h:
        store = DigestStore(h.bot.engine)
        await store.add_feed("C1", "https://kept.example/feed", "U2", DIGEST_NOW)
        await store.add_feed("C1", "https://gone.example/feed", "U2", DIGEST_NOW)
        view = await open_form(h, "U1")
        await store.add_feed("C1", "https://other.example/feed", "U2", DIGEST_NOW)
        await store.remove_feed("C1", "https://gone.example/feed")
        box = "https://kept.example/feed\nhttps://gone.example/feed\nhttps://mine.example/feed"
        assert await send(h, view_submission(view, {FEEDS: box})) == ""
        assert sorted(await store.list_feeds("C1")) == [
            "https://kept.example/feed",
            "https://mine.example/feed",
            "https://other.example/feed",
        ]


async def test_without_the_digest_the_form_has_no_digest_fields(tmp_path: Path) -> None:
    """A bot without the digest extension edits the channel switches only."""
    async with home_bot(tmp_path, digest=False) as h:
        view = await open_form(h, "U1")
        assert not {DIGEST_DAYS, DIGEST_TIME, DIGEST_TZ, FEEDS} & set(blocks_by_id(view))
        await send(h, view_submission(view, {BULLETS: "4"}))
        assert (await channels.channel_choices(h.bot.engine, TEAM, "C1")).bullets == 4


# -- who may change what -----------------------------------------------------------------------


async def test_admins_only_refuses_members_in_the_form_and_the_slash_commands(
    tmp_path: Path,
) -> None:
    """An admin turns admins-only on (form); then a member's Edit, a forged Save and settings
    commands are refused, read-only commands still answer, and the admin may change things."""
    async with home_bot(tmp_path) as h:
        engine = h.bot.engine
        admin_view = await open_form(h, "UADMIN")
        await send(h, view_submission(admin_view, {ADMINS_ONLY: ["admins"]}, user="UADMIN"))
        assert (await channels.channel_choices(engine, TEAM, "C1")).admins_only is True
        member_view = await open_form(h, "U1")
        assert "admins-only" in member_view["blocks"][0]["text"]["text"]
        forged = submission_state(admin_view, {AUTO: "off", ADMINS_ONLY: []})
        body = await send(h, view_submission(admin_view, user="U1", state=forged))
        assert json.loads(body)["errors"] == {AUTO: admins_only_refusal("this channel")}
        for text in ("auto off", "bullets 5", "min-words 100", "failures public"):
            assert (await command(h, text)).startswith(":no_entry: Only workspace admins")
        assert "Auto mode is *on*" in await command(h, "auto")  # reading is for everyone
        assert "Only workspace admins" in await command(h, "settings")
        choices = await channels.channel_choices(engine, TEAM, "C1")
        assert (choices.auto, choices.bullets, choices.min_words) == (True, None, 0)
        assert "*4*" in await command(h, "bullets 4", user="UADMIN")
        assert (await channels.channel_choices(engine, TEAM, "C1")).bullets == 4


async def test_admins_only_itself_is_switched_by_admins_only(tmp_path: Path) -> None:
    """`/keypoints admins-only on` by a member is refused; by an owner it applies, and a
    member's later `auto off` is refused with the reason."""
    async with home_bot(tmp_path) as h:
        refused = await command(h, "admins-only on", user="U1")
        assert refused.startswith(":no_entry:") and "admins-only on or off" in refused
        h.slack.owners.add("UOWNER")
        assert "Only workspace admins" in await command(h, "admins-only on", user="UOWNER")
        assert (await channels.channel_choices(h.bot.engine, TEAM, "C1")).admins_only is True
        assert "admins-only" in await command(h, "auto off", user="U2")
        await command(h, "admins-only off", user="UOWNER")
        assert "Auto mode is off" in await command(h, "auto off", user="U2")


async def test_a_member_who_left_cannot_save_a_form_they_opened(tmp_path: Path) -> None:
    """Save checks membership again (after the cached answer expires): the form stays open."""
    async with home_bot(tmp_path) as h:
        view = await open_form(h, "U2")
        h.slack.members["C1"] = ["U1"]
        assert h.bot.settings_editor is not None
        h.bot.settings_editor.permissions.forget()  # as when the minute has passed
        body = await send(h, view_submission(view, {AUTO: "off"}, user="U2"))
        assert "Only members of this channel" in json.loads(body)["errors"][AUTO]
        assert (await channels.channel_choices(h.bot.engine, TEAM, "C1")).auto is True


# -- the channel's bullet count ---------------------------------------------------------------


async def test_the_channels_bullet_count_is_used_when_no_count_is_asked_for(
    tmp_path: Path,
) -> None:
    """`/keypoints bullets 5`: auto replies and `/keypoints <url>` have 5 points (a count
    given still wins), the buttons go from 3 to 5, and settings and help show it."""
    async with home_bot(tmp_path) as h:
        assert "*5*" in await command(h, "bullets 5")
        assert "Usage" in await command(h, "bullets 7")
        assert "Key points per reply here: *5*" in await command(h, "settings")
        help_text = await command(h, "help")
        assert "`/keypoints bullets 3|4|5`" in help_text and "admins-only on|off" in help_text
        message = link_message("https://news.example.com/auto")
        await send_signed(h.session, h.events_url, SECRET, event_callback(message))
        await h.settle()
        (reply,) = h.slack.calls_to("chat.postMessage")
        assert reply.args["text"].count("\n• ") == 5
        actions = next(b for b in reply.args["blocks"] if b["type"] == "actions")
        assert actions["elements"][0]["action_id"] == "keypoints_fewer"  # 5 of 3–5
        await command(h, "https://news.example.com/asked")
        await command(h, "https://news.example.com/three 3")
        answers = [c.args for c in h.slack.calls_to("response_url") if c.args.get("blocks")]
        assert [a["text"].count("\n• ") for a in answers] == [5, 3]
        assert "*3* (the default)" in await command(h, "bullets", channel="C2")


# -- Socket Mode -------------------------------------------------------------------------------


async def test_the_form_over_socket_mode_opens_and_answers_errors_in_the_ack(
    tmp_path: Path,
) -> None:
    """Edit arrives as an interactive envelope → views.open; a bad Save is answered in the
    envelope's ack payload (response_action errors)."""
    async with SlackStandIn(clock=HandClock()) as slack:
        slack.members["C1"] = ["U1"]
        settings = settings_for(
            slack, tmp_path / "kp.db", signing_secret=None, app_token="xapp-test"
        )
        async with running_bot(settings, canonicalize=simple_canonical, summarise=_never) as bot:
            assert bot.settings_editor is not None
            bot.settings_editor.digest = DigestHooks(
                DigestStore(bot.engine), FeedChecker(), lambda: DIGEST_NOW
            )
            await channels.set_auto(bot.engine, TEAM, "C1", True, now=bot.service.clock())
            stop = asyncio.Event()
            server = asyncio.create_task(serve_socket_mode(bot, "xapp-test", stop))
            try:
                envelope = {"type": "events_api", "accepts_response_payload": False}
                await slack.deliver({**envelope, "envelope_id": "e1", "payload": home_opened("U1")})
                await slack.wait_for(1, "views.publish")
                await bot.service.drain(grace=10)
                home = slack.home_views["U1"]
                trigger = slack.issue_trigger()
                click = home_action(home, EDIT_ACTION, value="C1", user="U1", trigger_id=trigger)
                await slack.deliver(
                    {
                        "envelope_id": "e2",
                        "type": "interactive",
                        "payload": json.loads(click["payload"]),
                        "accepts_response_payload": False,
                    }
                )
                await slack.wait_for(1, "views.open")
                await bot.service.drain(grace=10)
                (view,) = slack.views.values()
                bad = view_submission(view, {DIGEST_DAYS: "daily", DIGEST_TZ: "Nowhere/Land"})
                await slack.deliver(
                    {
                        "envelope_id": "e3",
                        "type": "interactive",
                        "payload": json.loads(bad["payload"]),
                        "accepts_response_payload": True,
                    }
                )
                ack = await slack.wait_for_ack("e3")
                assert ack["payload"]["response_action"] == "errors"
                assert set(ack["payload"]["errors"]) == {DIGEST_TZ}
            finally:
                stop.set()
                await server


async def _never(url: str, *, bullets: int, method: str) -> Any:
    raise AssertionError("no summaries in this test")


# -- pure parts --------------------------------------------------------------------------------


def test_parse_submission_reads_every_field_and_defaults_the_zone() -> None:
    """A full form parses into typed values; an empty zone takes the viewer's."""
    form = SettingsForm(
        "C1",
        ChannelChoices(),
        3,
        admin=True,
        digest=DigestForm(None, ("https://a.example/feed",), "UTC"),
    )
    view = settings_modal(form)
    values = submission_state(
        view,
        {
            BULLETS: "4",
            MIN_WORDS: None,
            ADMINS_ONLY: ["admins"],
            DIGEST_DAYS: "weekly-sun",
            DIGEST_TIME: "18:05",
            DIGEST_TZ: "",
            FEEDS: " <https://b.example/x>\nhttps://a.example/feed\nhttps://a.example/feed\n",
        },
    )
    parsed = parse_submission(values, default_tz="Europe/Paris", feeds_in_form=True)
    assert isinstance(parsed, SettingsInput)
    assert (parsed.auto, parsed.bullets, parsed.min_words, parsed.admins_only) == (
        True,
        4,
        0,
        True,
    )
    assert parsed.digest is not None
    assert parsed.digest.schedule == Schedule(time(18, 5), "Europe/Paris", "weekly", 6)
    assert parsed.digest.feeds == ("https://b.example/x", "https://a.example/feed")


LABELLED_FEED = "<https://x.example/feed?a=1&amp;b=2|label>"  # as Slack escapes a pasted link


def test_the_feed_box_reads_a_slack_link_as_feed_add_does() -> None:
    """`<url|label>` with Slack's `&amp;` in the feed box gives the address `/keypoints feed
    add` reads from the same text: label dropped, entities decoded."""
    form = SettingsForm("C1", ChannelChoices(), 3, admin=False, digest=DigestForm(None, (), "UTC"))
    values = submission_state(settings_modal(form), {FEEDS: f"  {LABELLED_FEED}\n"})
    parsed = parse_submission(values, default_tz="UTC", feeds_in_form=True)
    assert isinstance(parsed, SettingsInput) and parsed.digest is not None
    assert parsed.digest.feeds == ("https://x.example/feed?a=1&b=2",)
    assert parsed.digest.feeds == (unwrap_link(LABELLED_FEED),)


async def test_a_labelled_feed_link_saved_from_the_form_is_checked_and_stored_decoded(
    tmp_path: Path,
) -> None:
    """Save with `<url|label>` in the box: the feed check and the store get the plain URL."""
    async with home_bot(tmp_path) as h:
        assert h.bot.settings_editor is not None and h.bot.settings_editor.digest is not None
        checker = h.bot.settings_editor.digest.check_feed
        assert isinstance(checker, FeedChecker)
        view = await open_form(h, "U1")
        assert await send(h, view_submission(view, {FEEDS: LABELLED_FEED})) == ""
        assert checker.checked == ["https://x.example/feed?a=1&b=2"]
        assert await DigestStore(h.bot.engine).list_feeds("C1") == [
            "https://x.example/feed?a=1&b=2"
        ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({DIGEST_DAYS: "daily", DIGEST_TIME: None}, DIGEST_TIME),
        ({FEEDS: "not a url"}, FEEDS),
        ({FEEDS: "\n".join(f"https://f{i}.example/rss" for i in range(31))}, FEEDS),
        ({MIN_WORDS: "20000"}, MIN_WORDS),
        ({DIGEST_TZ: "Europe/Atlantis"}, DIGEST_TZ),
    ],
)
def test_parse_submission_names_the_wrong_field(changes: dict[str, Any], field: str) -> None:
    """Each kind of bad input is reported under its own block id, and only there."""
    form = SettingsForm("C1", ChannelChoices(), 3, admin=False, digest=DigestForm(None, (), "UTC"))
    values = submission_state(settings_modal(form), changes)
    errors = parse_submission(values, default_tz="UTC", feeds_in_form=True)
    assert isinstance(errors, dict) and set(errors) == {field}


async def test_membership_answers_are_cached_and_read_page_by_page(tmp_path: Path) -> None:
    """conversations.members is paged until the person is found, then not asked again
    within the TTL; after it, asked again."""
    now = [0.0]
    async with http_bot(tmp_path) as h:
        h.slack.members["CBIG"] = [f"U{i:05d}" for i in range(2500)]
        client = h.bot.client
        permissions = SettingsPermissions(
            ChannelSettingsCache(h.bot.engine), ttl=60.0, clock=lambda: now[0]
        )
        pages = lambda: len(h.slack.calls_to("conversations.members"))  # noqa: E731
        assert await permissions.refusal(client, TEAM, "CBIG", "U02400") is None
        assert pages() == 3  # 1000 a page
        assert await permissions.refusal(client, TEAM, "CBIG", "U02400") is None
        assert pages() == 3
        now[0] = 61.0
        assert await permissions.refusal(client, TEAM, "CBIG", "U02400") is None
        assert pages() == 6
        refusal = await permissions.refusal(client, TEAM, "CBIG", "UNOBODY")
        assert refusal is not None and "Only members of <#CBIG>" in refusal
        (lookup,) = h.slack.calls_to("users.info")  # an admin would have been let in
        assert lookup.args["user"] == "UNOBODY"


async def test_with_the_real_digest_a_feed_the_safe_fetcher_refuses_is_refused_from_the_form(
    tmp_path: Path,
) -> None:
    """With the digest extension, a form's new feed goes through `feed add`'s own check: a
    loopback address is refused by the safe fetcher, with the reason `feed add` gives."""
    from bot.digest.extension import digest_extension

    async with http_bot(tmp_path, extensions=[digest_extension(run_scheduler=False)]) as h:
        h.slack.members["C1"] = ["U1"]
        assert h.bot.settings_editor is not None and h.bot.settings_editor.digest is not None
        url = "http://127.0.0.1/feed.xml"
        by_command = await command(h, f"feed add {url}")
        view = await open_form(h, "U1")
        await send(h, view_submission(view, {FEEDS: url}))
        (dm,) = h.slack.calls_to("chat.postMessage")
        assert f"Not added:\n• {url}: " in dm.args["text"]
        reason = dm.args["text"].split(f"{url}: ", 1)[1]
        assert "private or internal network" in reason and reason in by_command  # `feed add`'s
        assert await DigestStore(h.bot.engine).list_feeds("C1") == []
