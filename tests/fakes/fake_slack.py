"""Fake Slack for tests: the Web API stand-in plus signed Events API deliveries.

``SlackStandIn`` (in ``bot.slack.standin``, shared with the offline console) records every Web
API call; the helpers here build event payloads the way Slack sends them and sign requests
with the app's signing secret so bolt's verification runs for real.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.slack.standin import BOT_ID, BOT_USER_ID, TEAM_ID, ApiCall, SlackStandIn

__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "ApiCall",
    "SlackStandIn",
    "block_actions",
    "event_callback",
    "home_action",
    "link_message",
    "send_signed",
    "signed_headers",
    "submission_state",
    "view_submission",
]

_ids = itertools.count(1)


def next_ts() -> str:
    return f"1700000000.{next(_ids):06d}"


def link_message(
    url: str,
    *,
    channel: str = "C1",
    user: str = "U1",
    ts: str | None = None,
    text: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A ``message`` event as a Slack client sends it: ``<url>`` text plus a rich_text block."""
    ts = ts or next_ts()
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "ts": ts,
        "text": text if text is not None else f"look <{url}>",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "look "},
                            {"type": "link", "url": url},
                        ],
                    }
                ],
            }
        ],
        "channel_type": "channel",
        **extra,
    }


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around ``event``."""
    return {
        "type": "event_callback",
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": "AKEYPOINTS",
        "event": event,
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def signed_headers(secret: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    """``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` for ``body``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


async def send_signed(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    payload: dict[str, Any],
    *,
    form: bool = False,
    retry_num: int | None = None,
    timestamp: int | None = None,
) -> tuple[int, str]:
    """POST ``payload`` like Slack does (JSON for events, form for commands/shortcuts)."""
    if form:
        body = urlencode(payload)
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(payload)
        content_type = "application/json"
    headers = {"Content-Type": content_type, **signed_headers(secret, body, timestamp=timestamp)}
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    async with session.post(url, data=body.encode(), headers=headers) as response:
        return response.status, await response.text()


def slash_command(
    text: str, response_url: str, *, channel: str = "C1", user: str = "U1"
) -> dict[str, str]:
    """The form fields of a ``/keypoints`` invocation."""
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "channel_id": channel,
        "user_id": user,
        "command": "/keypoints",
        "text": text,
        "response_url": response_url,
        "trigger_id": f"trig{next(_ids)}",
        "api_app_id": "AKEYPOINTS",
    }


def message_shortcut(
    message: dict[str, Any], response_url: str, *, user: str = "U2"
) -> dict[str, str]:
    """The form body of a "Key points" message shortcut (``payload=<json>``)."""
    payload = {
        "type": "message_action",
        "callback_id": "keypoints_shortcut",
        "trigger_id": f"trig{next(_ids)}",
        "team": {"id": TEAM_ID},
        "user": {"id": user},
        "channel": {"id": message["channel"]},
        "message": message,
        "message_ts": message["ts"],
        "response_url": response_url,
        "api_app_id": "AKEYPOINTS",
        "token": "legacy",
    }
    return {"payload": json.dumps(payload)}


def block_actions(
    message: dict[str, Any],
    action_id: str,
    value: str,
    response_url: str,
    *,
    channel: str = "C1",
    user: str = "U2",
    block_id: str = "keypoints_actions",
) -> dict[str, str]:
    """The form body of a button click on ``message`` (``payload=<json>``), as Slack sends
    ``block_actions`` for a message in a channel."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "AKEYPOINTS",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
            **({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {}),
        },
        "trigger_id": f"trig{next(_ids)}",
        "team": {"id": TEAM_ID, "domain": "local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return {"payload": json.dumps(payload)}


def home_action(
    home: dict[str, Any],
    action_id: str,
    *,
    user: str,
    trigger_id: str,
    value: str | None = None,
    selected_conversation: str | None = None,
) -> dict[str, str]:
    """The form body of a click in the Home tab ``home`` (the view as published): a button's
    ``value`` or a conversations_select's ``selected_conversation``. No channel, no
    response_url: Slack sends neither for a view."""
    block, element = _find(home, action_id, value)
    action: dict[str, Any] = {
        "type": element["type"],
        "action_id": action_id,
        "block_id": block.get("block_id", "b"),
        "action_ts": f"{time.time():.6f}",
    }
    if element["type"] == "button":
        action["value"] = element.get("value")
        action["text"] = element["text"]
    else:
        action["selected_conversation"] = selected_conversation
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "AKEYPOINTS",
        "token": "legacy",
        "container": {"type": "view", "view_id": home.get("id", "VHOME")},
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": "local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": home,
        "actions": [action],
    }
    return {"payload": json.dumps(payload)}


def submission_state(view: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` as Slack fills it on submit: every input block with its element's
    initial value, unless ``changes`` gives the block a new one (an option's value for radio
    buttons and selects, a list of values for checkboxes, text for the others; None clears)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        kind = element["type"]
        new = changes.get(block_id, ...)
        if kind in ("radio_buttons", "static_select"):
            if new is ...:
                chosen = element.get("initial_option")
            else:
                chosen = next((o for o in element["options"] if o["value"] == new), None)
                assert new is None or chosen is not None, f"{block_id} has no option {new!r}"
            state: dict[str, Any] = {"type": kind, "selected_option": chosen}
        elif kind == "checkboxes":
            if new is ...:
                picked = element.get("initial_options") or []
            else:
                picked = [o for o in element["options"] if o["value"] in new]
            state = {"type": kind, "selected_options": picked}
        elif kind == "timepicker":
            state = {
                "type": kind,
                "selected_time": element.get("initial_time") if new is ... else new,
            }
        else:  # plain_text_input, number_input
            state = {"type": kind, "value": element.get("initial_value") if new is ... else new}
        values[block_id] = {element["action_id"]: state}
    unknown = set(changes) - set(values)
    assert not unknown, f"no input blocks {unknown}"
    return values


def view_submission(
    view: dict[str, Any],
    changes: dict[str, Any] | None = None,
    *,
    user: str = "U1",
    state: dict[str, Any] | None = None,
) -> dict[str, str]:
    """The form body Slack sends when ``user`` presses the submit button of ``view`` (the view
    as ``views.open`` answered it), the fields changed as ``changes`` says (or ``state`` as
    given)."""
    values = state if state is not None else submission_state(view, changes or {})
    submitted = {**view, "state": {"values": values}}
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "local"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "AKEYPOINTS",
        "token": "legacy",
        "trigger_id": f"{next(_ids)}.{int(time.time())}.sub",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return {"payload": json.dumps(payload)}


def _elements(view: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every interactive element of ``view``."""
    found = []
    for block in view["blocks"]:
        for e in [block.get("accessory"), block.get("element"), *block.get("elements", [])]:
            if isinstance(e, dict) and e.get("action_id"):
                found.append((block, e))
    return found


def _find(view: dict[str, Any], action_id: str, value: str | None) -> tuple[dict[str, Any], ...]:
    """The (block, element) with ``action_id`` (and, for buttons, ``value`` when given)."""
    for block, element in _elements(view):
        if element["action_id"] == action_id and (
            value is None or element["type"] != "button" or element.get("value") == value
        ):
            return block, element
    raise AssertionError(f"no element {action_id} ({value}) in the view")
