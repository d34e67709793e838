"""The Slack stand-in answers the way Slack does where bots get surprised (checked through the
real SDK client, as the bot calls it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakes.clock import HandClock
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.standin import TRIGGER_SECONDS, SlackStandIn

PARENT = {"type": "message", "ts": "100.000001", "user": "U1", "text": "parent"}
REPLY_1 = {**PARENT, "ts": "100.000002", "thread_ts": "100.000001", "text": "first reply"}
REPLY_2 = {**PARENT, "ts": "100.000003", "thread_ts": "100.000001", "text": "second reply"}
LATER = {"type": "message", "ts": "100.000004", "user": "U2", "text": "top-level"}


@pytest.fixture
async def slack() -> AsyncIterator[tuple[SlackStandIn, AsyncWebClient]]:
    async with SlackStandIn(clock=HandClock()) as standin:
        for message in (PARENT, REPLY_1, REPLY_2, LATER):
            standin.add_message("C1", message)
        yield standin, AsyncWebClient(token="xoxb-test", base_url=standin.api_url)


async def test_replies_of_any_thread_message_start_with_the_parent(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """conversations.replies(ts=<a reply>) answers parent first; limit=1 is the parent alone."""
    _, client = slack
    whole = await client.conversations_replies(channel="C1", ts=REPLY_2["ts"])
    assert [m["ts"] for m in whole["messages"]] == [PARENT["ts"], REPLY_1["ts"], REPLY_2["ts"]]
    first = await client.conversations_replies(channel="C1", ts=REPLY_2["ts"], limit=1)
    assert [m["ts"] for m in first["messages"]] == [PARENT["ts"]]
    narrowed = await client.conversations_replies(
        channel="C1", ts=REPLY_2["ts"], oldest=REPLY_2["ts"], latest=REPLY_2["ts"], inclusive=True
    )
    assert [m["ts"] for m in narrowed["messages"]] == [PARENT["ts"], REPLY_2["ts"]]


async def test_history_sees_top_level_messages_only(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """conversations.history never returns thread replies, newest first."""
    _, client = slack
    history = await client.conversations_history(channel="C1")
    assert [m["ts"] for m in history["messages"]] == [LATER["ts"], PARENT["ts"]]
    at_reply = await client.conversations_history(
        channel="C1", latest=REPLY_1["ts"], inclusive=True, limit=1
    )
    assert [m["ts"] for m in at_reply["messages"]] == [PARENT["ts"]]


async def test_rate_limits_carry_retry_after_and_errors_are_ok_false(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """A 429 has Retry-After; API errors are HTTP 200 with ok=false; a revoked token fails all."""
    standin, client = slack
    standin.fail_next("chat.postMessage", 429)
    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="C1", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    for error in ("missing_scope", "not_in_channel", "channel_not_found"):
        standin.error_next("conversations.replies", error)
        with pytest.raises(SlackApiError) as failed:
            await client.conversations_replies(channel="C1", ts=PARENT["ts"])
        assert failed.value.response.status_code == 200
        assert failed.value.response.data == {"ok": False, "error": error}
    standin.revoke_token("account_inactive")
    with pytest.raises(SlackApiError) as revoked:
        await client.auth_test()
    assert revoked.value.response["error"] == "account_inactive"
    standin.recover()
    assert (await client.auth_test())["ok"] is True


async def test_chat_update_edits_the_bots_own_message_in_place(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """chat.update replaces text and blocks of the bot's message, keeps its thread and ts."""
    standin, client = slack
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "v1"}}]
    posted = await client.chat_postMessage(
        channel="C1", text="v1", blocks=blocks, thread_ts=PARENT["ts"]
    )
    ts = posted["ts"]
    assert standin.messages[("C1", ts)]["blocks"] == blocks
    new_blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "v2"}}]
    updated = await client.chat_update(channel="C1", ts=ts, text="v2", blocks=new_blocks)
    assert updated["ts"] == ts and updated["message"]["blocks"] == new_blocks
    stored = standin.messages[("C1", ts)]
    assert (stored["text"], stored["blocks"], stored["thread_ts"]) == (
        "v2",
        new_blocks,
        PARENT["ts"],
    )
    assert [
        m["text"]
        for m in (await client.conversations_replies(channel="C1", ts=PARENT["ts"]))["messages"]
        if m["ts"] == ts
    ] == ["v2"]


async def test_chat_update_refuses_missing_and_other_peoples_messages(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """Updating a message that is gone or that a person wrote fails as Slack says."""
    _standin, client = slack
    for ts, error in (("999.000001", "message_not_found"), (PARENT["ts"], "cant_update_message")):
        with pytest.raises(SlackApiError) as failed:
            await client.chat_update(channel="C1", ts=ts, text="x")
        assert failed.value.response["error"] == error


MODAL = {
    "type": "modal",
    "callback_id": "x",
    "title": {"type": "plain_text", "text": "Settings"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "b",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


async def test_a_trigger_opens_one_view_within_its_three_seconds(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """views.open: once per trigger (exchanged_trigger_id), never after its 3 s on the
    stand-in's clock or after expire_trigger (expired_trigger_id)."""
    standin, client = slack
    clock = standin.clock
    assert isinstance(clock, HandClock)
    trigger = standin.issue_trigger()
    clock.advance(TRIGGER_SECONDS - 0.1)  # just in time
    opened = await client.views_open(trigger_id=trigger, view=MODAL)
    assert opened["view"]["id"].startswith("V") and opened["view"]["state"] == {"values": {}}
    with pytest.raises(SlackApiError) as again:
        await client.views_open(trigger_id=trigger, view=MODAL)
    assert again.value.response["error"] == "exchanged_trigger_id"
    late = standin.issue_trigger()
    clock.advance(TRIGGER_SECONDS + 0.1)
    cut_short = standin.issue_trigger()  # fresh, but a test says its time is up
    standin.expire_trigger(cut_short)
    for stale in (late, cut_short):
        with pytest.raises(SlackApiError) as expired:
            await client.views_open(trigger_id=stale, view=MODAL)
        assert expired.value.response["error"] == "expired_trigger_id"


async def test_views_break_block_kit_limits_the_way_slack_refuses_them(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """A long title, inputs without a submit button, a mistyped field: invalid_arguments;
    views.update with a stale hash: hash_conflict."""
    standin, client = slack
    bad_views = [
        {**MODAL, "title": {"type": "plain_text", "text": "A title far too long for Slack"}},
        {k: v for k, v in MODAL.items() if k != "submit"},
        {**MODAL, "blocks": [{**MODAL["blocks"][0], "lable": "typo"}]},  # type: ignore[dict-item]
    ]
    for view in bad_views:
        with pytest.raises(SlackApiError) as refused:
            await client.views_open(trigger_id=standin.issue_trigger(), view=view)
        assert refused.value.response["error"] == "invalid_arguments"
        assert refused.value.response["response_metadata"]["messages"]
    opened = (await client.views_open(trigger_id=standin.issue_trigger(), view=MODAL))["view"]
    updated = await client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert updated["view"]["hash"] != opened["hash"]
    with pytest.raises(SlackApiError) as stale:
        await client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert stale.value.response["error"] == "hash_conflict"


async def test_members_are_paged_and_unknown_channels_not_found(
    slack: tuple[SlackStandIn, AsyncWebClient],
) -> None:
    """conversations.members pages with next_cursor; a channel it doesn't know: not found;
    users.info marks owners as admins too."""
    standin, client = slack
    standin.members["C1"] = ["U1", "U2", "U3"]
    first = await client.conversations_members(channel="C1", limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_members(channel="C1", limit=2, cursor=cursor)
    assert first["members"] + rest["members"] == ["U1", "U2", "U3"]
    assert rest["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as missing:
        await client.conversations_members(channel="GSECRET")
    assert missing.value.response["error"] == "channel_not_found"
    standin.owners.add("UOWNER")
    owner = (await client.users_info(user="UOWNER"))["user"]
    assert owner["is_owner"] and owner["is_admin"]
