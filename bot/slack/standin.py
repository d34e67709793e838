"""A local stand-in for the Slack Web API (and Socket Mode), on 127.0.0.1.

It answers the methods the bot uses the way Slack does, records every call, keeps posted
messages, serves ``response_url``s, and can be told to fail the next calls of a method. Where
Slack's behaviour surprises, the stand-in copies it, because that is where bots break:

- ``conversations.replies(ts=<any message of a thread>)`` answers with the thread's *parent*
  first, then its replies (``oldest``/``latest``/``inclusive`` filter the replies, never the
  parent; ``limit=1`` gives the parent alone);
- ``conversations.history`` sees top-level messages only (and thread broadcasts), newest first;
- HTTP 429 always carries ``Retry-After``; API errors (``missing_scope``, ``not_in_channel``,
  ``channel_not_found``, ``invalid_auth``, ``account_inactive``...) are HTTP 200 with
  ``{"ok": false, "error": ...}``; a revoked token gets ``invalid_auth`` from every method;
- ``views.open`` takes a ``trigger_id`` once, within 3 seconds of the click that carried it
  (``exchanged_trigger_id`` / ``expired_trigger_id`` after that; the 3 seconds are counted on
  ``clock``, the real monotonic clock unless a test passes one it advances by hand); views
  are checked against Block Kit's limits (slack_sdk's own models) and refused with
  ``invalid_arguments`` and a message, as Slack does; ``views.update`` with a stale ``hash``
  gets ``hash_conflict``;
- ``conversations.members`` pages through a channel's members (``cursor``/``limit``) and says
  ``channel_not_found`` for a channel it does not know (a private one the bot is not in);
  ``users.info`` says who is an admin or owner (``user_not_found`` for ``unknown_users``).

The offline console runs the bot against it; the tests and the benchmark use it as their fake
Slack.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

BOT_USER_ID = "UKEYPOINTS"
BOT_ID = "BKEYPOINTS"
TEAM_ID = "TLOCAL"
TRIGGER_SECONDS = 3.0  # how long Slack honours a trigger id


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One recorded request: Web API method name (or ``response_url``) and its arguments."""

    method: str
    args: dict[str, Any]
    at: float
    token: str | None = None  # the bearer token the call carried (which workspace posted)


@dataclass(slots=True)
class _Failure:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    times: int


@dataclass
class SlackStandIn:
    """Start with ``await standin.start()``; point ``SLACK_API_URL`` at ``standin.api_url``."""

    host: str = "127.0.0.1"
    port: int = 0
    calls: list[ApiCall] = field(default_factory=list)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _changed: asyncio.Condition | None = None
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    oauth_team: str = TEAM_ID  # the workspace ``oauth.v2.access`` says installed the app
    # Set by ``revoke_token``: every call then answers ``{"ok": false, "error": <this>}``.
    token_error: str | None = None
    reactions: set[tuple[str, str, str]] = field(default_factory=set)  # (channel, ts, name)
    admins: set[str] = field(default_factory=set)  # users.info says is_admin for these
    owners: set[str] = field(default_factory=set)  # ... and is_owner for these
    unknown_users: set[str] = field(default_factory=set)  # users.info: user_not_found
    user_tz: dict[str, str] = field(default_factory=dict)  # users.info's tz (Europe/London)
    members: dict[str, list[str]] = field(default_factory=dict)  # channel → its members
    home_views: dict[str, dict[str, Any]] = field(default_factory=dict)  # user → published view
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # view id → open modal
    triggers: dict[str, float] = field(default_factory=dict)  # issued trigger id → when
    used_triggers: set[str] = field(default_factory=set)
    expired_triggers: set[str] = field(default_factory=set)
    # What trigger ids age by. Tests pass a clock they advance by hand, so a loaded machine
    # cannot expire a trigger between the click and views.open; calls' ``at`` stays real time
    # (pacing is measured in real seconds).
    clock: Callable[[], float] = time.monotonic

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> SlackStandIn:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{hook}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._changed = asyncio.Condition()
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackStandIn:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, hook: str = "1") -> str:
        """A ``response_url`` served here; calls to it are recorded as method ``response_url``."""
        return f"{self.base_url}/response/{hook}"

    # -- test controls -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        headers: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` (e.g. 429, 500, or
        200 with ``{"ok": false, "error": "not_in_channel"}``). A 429 carries
        ``Retry-After`` (1 s unless ``headers`` say otherwise), as Slack's always do."""
        default = {"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}
        sent = dict(headers or {})
        if status == 429:
            sent.setdefault("Retry-After", "1")
        self._failures.setdefault(method, []).append(
            _Failure(status, sent, dict(body or default), times)
        )

    def error_next(self, method: str, error: str, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}``
        with HTTP 200, the way Slack reports API errors (``not_in_channel``,
        ``missing_scope``, ``channel_not_found``...)."""
        self.fail_next(method, 200, body={"ok": False, "error": error}, times=times)

    def recover(self) -> None:
        """The outage is over: pending failures are dropped and the token works again."""
        self._failures.clear()
        self.token_error = None

    def revoke_token(self, error: str = "invalid_auth") -> None:
        """From now on every call fails with ``error`` (``invalid_auth``,
        ``account_inactive``, ``token_revoked``), as after an uninstall; ``None`` restores."""
        self.token_error = error

    def issue_trigger(self) -> str:
        """A trigger id as Slack puts in a click's payload, valid for ``TRIGGER_SECONDS``."""
        trigger = f"{next(self._ts)}.{int(time.time())}.{len(self.triggers):08x}"
        self.triggers[trigger] = self.clock()
        return trigger

    def expire_trigger(self, trigger: str) -> None:
        """The trigger's 3 seconds are over (without waiting for them)."""
        self.expired_triggers.add(trigger)

    def add_message(self, channel: str, message: Mapping[str, Any]) -> None:
        """Seed a message (as users' messages exist in Slack) for ``conversations.replies``."""
        self.messages[(channel, str(message["ts"]))] = dict(message)

    def calls_to(self, *methods: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method in methods]

    @property
    def replies(self) -> list[ApiCall]:
        """Every message the bot sent a person: posts, ephemerals, ``response_url`` answers."""
        return self.calls_to("chat.postMessage", "chat.postEphemeral", "response_url")

    async def wait_for(self, count: int, *methods: str, within: float = 10.0) -> list[ApiCall]:
        """Wait until at least ``count`` calls to ``methods`` were recorded; return them."""
        assert self._changed is not None, "start() first"
        methods = methods or ("chat.postMessage", "chat.postEphemeral", "response_url")
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.calls_to(*methods)) >= count)
        return self.calls_to(*methods)

    async def deliver(self, envelope: Mapping[str, Any], within: float = 10.0) -> None:
        """Send a Socket Mode envelope to the connected client (waiting for one to connect)."""
        assert self._changed is not None, "start() first"
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: bool(self._sockets))
        await self._sockets[-1].send_str(json.dumps(envelope))

    async def wait_for_ack(self, envelope_id: str, within: float = 5.0) -> dict[str, Any]:
        assert self._changed is not None, "start() first"

        def found() -> dict[str, Any] | None:
            return next((a for a in self.socket_acks if a.get("envelope_id") == envelope_id), None)

        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: found() is not None)
        ack = found()
        assert ack is not None
        return ack

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        auth = request.headers.get("Authorization", "")
        await self._record(method, args, auth.removeprefix("Bearer ") or None)
        failure = self._take_failure(method)
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if self.token_error is not None and method != "oauth.v2.access":
            return web.json_response({"ok": False, "error": self.token_error})
        return web.json_response(self._answer(method, args, auth.removeprefix("Bearer ")))

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await _arguments(request)
        args["hook"] = request.match_info["hook"]
        await self._record("response_url", args)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._sockets.append(ws)
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(msg.data))
                    await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws

    async def _record(self, method: str, args: dict[str, Any], token: str | None = None) -> None:
        self.calls.append(ApiCall(method, args, time.monotonic(), token))
        await self._notify()

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _answer(self, method: str, args: dict[str, Any], token: str = "") -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": token.removeprefix("xoxb-installed-")
                if "-installed-" in token
                else TEAM_ID,
                "user": "keypoints",
                "team": "Local",
                "url": f"{self.base_url}/",
            }
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {
                "type": "message",
                "ts": ts,
                "bot_id": BOT_ID,
                "user": BOT_USER_ID,
                "text": args.get("text", ""),
                "thread_ts": args.get("thread_ts"),
                "metadata": args.get("metadata"),
            }
            if args.get("blocks") is not None:
                message["blocks"] = _blocks(args["blocks"])
            self.add_message(str(args.get("channel")), message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return self._update(args)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        if method == "conversations.replies":
            return self._replies(args)
        if method == "conversations.history":
            return self._history(args)
        if method == "chat.delete":
            channel, ts = str(args.get("channel")), str(args.get("ts"))
            if self.messages.pop((channel, ts), None) is None:
                return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "channel": channel, "ts": ts}
        if method == "chat.getPermalink":
            channel, ts = str(args.get("channel")), str(args.get("message_ts"))
            if (channel, ts) not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            link = f"{self.base_url}/archives/{channel}/p{ts.replace('.', '')}"
            return {"ok": True, "channel": channel, "permalink": link}
        if method in ("reactions.add", "reactions.remove"):
            key = (str(args.get("channel")), str(args.get("timestamp")), str(args.get("name")))
            if method == "reactions.add":
                if key in self.reactions:
                    return {"ok": False, "error": "already_reacted"}
                self.reactions.add(key)
            elif key in self.reactions:
                self.reactions.discard(key)
            else:
                return {"ok": False, "error": "no_reaction"}
            return {"ok": True}
        if method == "users.info":
            user = str(args.get("user") or "")
            if not user or user in self.unknown_users:
                return {"ok": False, "error": "user_not_found"}
            owner = user in self.owners
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "team_id": TEAM_ID,
                    "deleted": False,
                    "tz": self.user_tz.get(user, "Europe/London"),
                    "tz_offset": 0,
                    "is_admin": user in self.admins or owner,  # Slack: owners are admins too
                    "is_owner": owner,
                    "is_primary_owner": False,
                    "is_restricted": False,
                    "is_ultra_restricted": False,
                    "is_bot": False,
                },
            }
        if method == "conversations.members":
            return self._members(args)
        if method == "views.open":
            return self._open_view(args)
        if method == "views.update":
            return self._update_view(args)
        if method == "oauth.v2.access":  # the install: a bot token for ``oauth_team``
            return {
                "ok": True,
                "app_id": "AKEYPOINTS",
                "authed_user": {"id": "UINSTALLER"},
                "scope": "chat:write,commands",
                "token_type": "bot",
                "access_token": f"xoxb-installed-{self.oauth_team}",
                "bot_user_id": BOT_USER_ID,
                "team": {"id": self.oauth_team, "name": f"Team {self.oauth_team}"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        if method == "views.publish":
            return self._publish(args)
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://{self.host}:{self.port}/socket"}
        return {"ok": True}

    def _members(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """``conversations.members``: one page of ``limit`` (100 by default, at most 1000)
        from ``cursor``; ``next_cursor`` empty on the last page."""
        channel = str(args.get("channel") or "")
        if channel not in self.members:
            return {"ok": False, "error": "channel_not_found"}
        limit = max(1, min(int(args.get("limit") or 100), 1000))
        cursor = str(args.get("cursor") or "")
        start = int(cursor.removeprefix("m:")) if cursor.startswith("m:") else 0
        everyone = self.members[channel]
        page = everyone[start : start + limit]
        more = start + limit < len(everyone)
        return {
            "ok": True,
            "members": page,
            "response_metadata": {"next_cursor": f"m:{start + limit}" if more else ""},
        }

    def _open_view(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """``views.open``: a modal, with a trigger id used at most once and within 3 s."""
        trigger = str(args.get("trigger_id") or "")
        view = _json_arg(args.get("view"))
        if not trigger or not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        if trigger in self.used_triggers:
            return {"ok": False, "error": "exchanged_trigger_id"}
        issued = self.triggers.get(trigger)
        if trigger in self.expired_triggers or (
            issued is not None and self.clock() - issued > TRIGGER_SECONDS
        ):
            return {"ok": False, "error": "expired_trigger_id"}
        if view.get("type") != "modal":
            return _invalid("view.type must be modal")
        problem = view_problem(view)
        if problem is not None:
            return _invalid(problem)
        self.used_triggers.add(trigger)
        view_id = f"V{next(self._ts):09d}"
        opened = self._view_record(view, view_id)
        self.views[view_id] = opened
        return {"ok": True, "view": opened}

    def _update_view(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """``views.update`` of an open modal by ``view_id``; a stale ``hash`` is refused."""
        view = _json_arg(args.get("view"))
        view_id = str(args.get("view_id") or "")
        if not isinstance(view, dict) or not view_id:
            return {"ok": False, "error": "invalid_arguments"}
        current = self.views.get(view_id)
        if current is None:
            return {"ok": False, "error": "not_found"}
        if args.get("hash") and args["hash"] != current["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        problem = view_problem(view)
        if problem is not None:
            return _invalid(problem)
        self.views[view_id] = self._view_record(view, view_id)
        return {"ok": True, "view": self.views[view_id]}

    def _view_record(self, view: Mapping[str, Any], view_id: str) -> dict[str, Any]:
        """A view as Slack answers (and later sends it back in ``view_submission``)."""
        return {
            **{k: v for k, v in view.items() if k != "blocks"},
            "id": view_id,
            "team_id": TEAM_ID,
            "blocks": _blocks(view.get("blocks") or []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._ts):08d}",
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": "AKEYPOINTS",
            "bot_id": BOT_ID,
        }

    def _publish(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """``views.publish`` as Slack does it: a ``home`` view for one user replaces the last
        one; the view keeps its id per user, with a new ``hash`` each time."""
        view, user = _json_arg(args.get("view")), str(args.get("user_id") or "")
        if not user:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        problem = view_problem(view)
        if problem is not None:
            return _invalid(problem)
        old = self.home_views.get(user)
        published = {
            "id": old["id"] if old else f"V{len(self.home_views) + 1:08d}",
            "team_id": TEAM_ID,
            "type": "home",
            "blocks": _blocks(view.get("blocks") or []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "hash": f"{int(time.time())}.{next(self._ts):08d}",
            "app_id": "AKEYPOINTS",
            "bot_id": BOT_ID,
        }
        self.home_views[user] = published
        return {"ok": True, "view": published}

    def _update(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """``chat.update`` as Slack does it: only the bot's own message, in place; ``text`` and
        ``blocks`` replaced when given (``blocks=[]`` clears them), the rest kept."""
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        message = self.messages.get((channel, ts))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.get("bot_id") != BOT_ID:
            return {"ok": False, "error": "cant_update_message"}
        if args.get("text") is None and args.get("blocks") is None:
            return {"ok": False, "error": "no_text"}
        updated = dict(message)
        if args.get("text") is not None:
            updated["text"] = args["text"]
        if args.get("blocks") is not None:
            updated["blocks"] = _blocks(args["blocks"])
        updated["edited"] = {"user": BOT_USER_ID, "ts": f"{int(time.time())}.000000"}
        self.messages[(channel, ts)] = updated
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": updated.get("text", ""),
            "message": {k: v for k, v in updated.items() if k != "edited"},
        }

    def _replies(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Slack's ``conversations.replies``: for any message of a thread, the thread's parent
        first, then the replies between ``oldest`` and ``latest``, up to ``limit`` in all."""
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        message = self.messages.get((channel, ts))
        if message is None:
            return {"ok": False, "error": "thread_not_found"}
        root = str(message.get("thread_ts") or ts)
        parent = self.messages.get((channel, root), message)
        replies = sorted(
            (
                m
                for (ch, m_ts), m in self.messages.items()
                if ch == channel and m_ts != root and m.get("thread_ts") == root
            ),
            key=lambda m: float(m["ts"]),
        )
        replies = [m for m in replies if _in_range(str(m["ts"]), args)]
        limit = int(args.get("limit") or 1000)
        thread = [parent, *replies][: max(1, limit)]
        return {"ok": True, "messages": thread, "has_more": len(replies) + 1 > len(thread)}

    def _history(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Slack's ``conversations.history``: top-level messages (and thread broadcasts)
        only, newest first, between ``oldest`` and ``latest``."""
        channel = str(args.get("channel"))
        top = sorted(
            (
                m
                for (ch, m_ts), m in self.messages.items()
                if ch == channel
                and (m.get("thread_ts") in (None, m_ts) or m.get("subtype") == "thread_broadcast")
                and _in_range(m_ts, args)
            ),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        limit = int(args.get("limit") or 100)
        return {"ok": True, "messages": top[:limit], "has_more": len(top) > limit}


def view_problem(view: Mapping[str, Any]) -> str | None:
    """What Slack would refuse in ``view`` (None: nothing), by slack_sdk's Block Kit models:
    title and button lengths, at most 100 blocks, an input needs a submit button, and so on.
    A field the models do not know is refused too (it would be a typo)."""
    payload = {**view, "blocks": _blocks(view.get("blocks") or [])}
    try:
        model = View(**payload)
        model.validate_json()
        rebuilt = model.to_dict()["blocks"]  # validates each block and element too
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        return str(exc) or type(exc).__name__
    inputs = any(b.get("type") == "input" for b in payload["blocks"])
    if view.get("type") == "modal" and inputs and not view.get("submit"):
        return "a modal with input blocks needs a submit button"
    ids = [b["block_id"] for b in payload["blocks"] if b.get("block_id")]
    if len(ids) != len(set(ids)):
        return "block_id values must be unique"
    if rebuilt != payload["blocks"]:
        return "a block has a field Block Kit does not know"
    return None


def _invalid(message: str) -> dict[str, Any]:
    """Slack's answer to a view it refuses."""
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] {message}"]},
    }


def _json_arg(value: Any) -> Any:
    """An argument a form body carries as JSON text, a JSON body as is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _blocks(value: Any) -> list[Any]:
    """Blocks as a JSON body carries them (a list) or a form body does (a JSON string)."""
    return list(json.loads(value)) if isinstance(value, str) else list(value)


def _in_range(ts: str, args: Mapping[str, Any]) -> bool:
    """Whether ``ts`` is within Slack's ``oldest``/``latest`` bounds (exclusive unless
    ``inclusive``)."""
    inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")
    value = float(ts)
    oldest, latest = args.get("oldest"), args.get("latest")
    if oldest is not None and (value < float(oldest) or (value == float(oldest) and not inclusive)):
        return False
    return latest is None or value < float(latest) or (value == float(latest) and inclusive)


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Arguments however the SDK sent them: JSON body, form body, or query string."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            args.update(body)
    else:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in ("blocks", "attachments", "metadata"):
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args
