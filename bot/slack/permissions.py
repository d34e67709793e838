"""Who may change a channel's settings: its members (and workspace admins and owners), or,
once an admin made the channel "admins only", only workspace admins and owners.

Slack tells us some of it: a slash command is typed in the channel, so its sender is a member.
From the App Home nothing says so, and the bot asks ``conversations.members`` (scopes
``channels:read`` / ``groups:read``; a private channel the bot is not in answers
``channel_not_found``). Admins and owners come from ``users.info`` (``is_admin``,
``is_owner``, ``is_primary_owner``; scope ``users:read``), which also gives the person's time
zone (the digest's default).

Answers are kept in memory for ``ttl`` seconds (60 by default), per replica: opening the form
and saving it a few seconds later costs one lookup, and someone who left the channel or lost
their admin role is refused within a minute. Errors are not kept.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk.errors import SlackApiError

from bot.slack.channel_cache import ChannelSettingsCache
from bot.slack.failures import api_error

log = logging.getLogger(__name__)

TTL_SECONDS = 60.0
MAX_ENTRIES = 4096
MEMBER_PAGE = 1000  # conversations.members' largest page
MAX_MEMBER_PAGES = 20  # a channel of 20,000 people: beyond that, ask in the channel

_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class Person:
    """What ``users.info`` says about someone, as far as settings go."""

    admin: bool  # a workspace admin or owner
    tz: str | None  # IANA zone, e.g. ``Europe/Berlin``


def admins_only_refusal(where: str) -> str:
    return (
        f"Only workspace admins and owners can change the settings of {where}: "
        "an admin made them admins-only."
    )


def not_member_refusal(where: str) -> str:
    return f"Only members of {where} can change its settings. Join it first."


def unknown_membership_refusal(where: str, error: str) -> str:
    return (
        f"I can't tell whether you are a member of {where} (Slack said {error}; a private "
        "channel needs me in it). Change its settings with /keypoints in the channel."
    )


ADMINS_ONLY_SWITCH = "Only workspace admins and owners can turn admins-only on or off."


class _Expiring(Generic[_V]):
    """A small map whose entries expire after ``ttl`` seconds (oldest dropped past ``size``)."""

    def __init__(self, ttl: float, clock: Callable[[], float], size: int = MAX_ENTRIES) -> None:
        self.ttl, self.clock, self.size = ttl, clock, size
        self._items: OrderedDict[tuple[str, ...], tuple[float, _V]] = OrderedDict()

    def get(self, key: tuple[str, ...]) -> _V | None:
        found = self._items.get(key)
        if found is None or self.clock() - found[0] >= self.ttl:
            return None
        return found[1]

    def clear(self) -> None:
        self._items.clear()

    def put(self, key: tuple[str, ...], value: _V) -> None:
        self._items[key] = (self.clock(), value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class SettingsPermissions:
    """``await refusal(...)``: None when the person may change the channel's settings, else
    the sentence that tells them why not."""

    def __init__(
        self,
        channel_settings: ChannelSettingsCache,
        *,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,  # ages only; nothing stored uses it
    ) -> None:
        self.channel_settings = channel_settings
        self._people: _Expiring[Person] = _Expiring(ttl, clock)
        self._members: _Expiring[bool] = _Expiring(ttl, clock)

    def forget(self) -> None:
        """Drop every cached answer (the next check asks Slack)."""
        self._people.clear()
        self._members.clear()

    async def person(self, client: Any, team_id: str, user_id: str) -> Person:
        """Admin or not, and time zone (``users.info``); someone Slack cannot describe (an
        error, a missing scope) is treated as no admin."""
        key = (team_id, user_id)
        known = self._people.get(key)
        if known is not None:
            return known
        try:
            user = (await client.users_info(user=user_id)).get("user") or {}
        except SlackApiError as exc:
            log.warning("users.info failed: %s", api_error(exc))
            return Person(admin=False, tz=None)
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        person = Person(admin=admin, tz=str(user["tz"]) if user.get("tz") else None)
        self._people.put(key, person)
        return person

    async def is_admin(self, client: Any, team_id: str, user_id: str) -> bool:
        return (await self.person(client, team_id, user_id)).admin

    async def membership(
        self, client: Any, team_id: str, channel_id: str, user_id: str
    ) -> bool | str:
        """True or False, or Slack's error when it would not say (``channel_not_found``,
        ``missing_scope``...). Reads pages until the person is found."""
        key = (team_id, channel_id, user_id)
        known = self._members.get(key)
        if known is not None:
            return known
        cursor: str | None = None
        found = False
        try:
            for _ in range(MAX_MEMBER_PAGES):
                page = await client.conversations_members(
                    channel=channel_id, limit=MEMBER_PAGE, **({"cursor": cursor} if cursor else {})
                )
                if user_id in (page.get("members") or []):
                    found = True
                    break
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
            else:
                return "too_many_members"
        except SlackApiError as exc:
            error = api_error(exc) or "error"
            log.info("conversations.members failed for %s: %s", channel_id, error)
            return error
        self._members.put(key, found)
        return found

    async def refusal(
        self,
        client: Any,
        team_id: str,
        channel_id: str,
        user_id: str,
        *,
        member: bool | None = None,
        where: str | None = None,
    ) -> str | None:
        """Why ``user_id`` may not change ``channel_id``'s settings, or None. ``member`` is
        what Slack already told (True for a slash command typed in the channel); None: ask.
        ``where`` names the channel in the sentence (default ``<#id>``, mrkdwn)."""
        where = where or f"<#{channel_id}>"
        choices = await self.channel_settings.choices(team_id, channel_id)
        if choices.admins_only:
            if await self.is_admin(client, team_id, user_id):
                return None
            return admins_only_refusal(where)
        if member is None:
            answer = await self.membership(client, team_id, channel_id, user_id)
        else:
            answer = member
        if answer is True or await self.is_admin(client, team_id, user_id):
            return None  # admins and owners may change any channel's settings
        if isinstance(answer, str):
            return unknown_membership_refusal(where, answer)
        return not_member_refusal(where)
