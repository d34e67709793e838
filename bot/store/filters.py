"""Which links auto mode leaves alone: per-channel site rules and per-person opt-outs.

``slack_channel_sites`` holds a channel's rules: a host (and its subdomains) whose links are
``never`` summarised automatically, or ``always`` (even with auto mode off, whatever their
length). ``slack_user_optouts`` lists the people whose links are never summarised
automatically anywhere in their workspace. Both are read into every replica's settings
snapshot (``bot.store.channels.all_channel_choices``); their writers live in
``bot.store.channels`` beside the other settings writers, which bump the settings version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column
from yarl import URL

from bot.errors import KeypointsError
from bot.store.db import Base

NEVER, ALWAYS = "never", "always"
MAX_SITES_PER_CHANNEL = 100  # the rules are scanned on every auto-mode message
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


class ChannelSite(Base):
    """One site rule of one channel."""

    __tablename__ = "slack_channel_sites"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(255), primary_key=True)  # see ``site_host``
    rule: Mapped[str] = mapped_column(String(8))  # never | always
    updated_at: Mapped[float] = mapped_column(Float)


class UserOptOut(Base):
    """A person whose links auto mode never summarises, in any channel of the workspace."""

    __tablename__ = "slack_user_optouts"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    updated_at: Mapped[float] = mapped_column(Float)


class BadSite(KeypointsError):
    default_message = "That is not a site name. Give a host such as `example.com`."
    reason = "bad_input"


def site_host(text: str) -> str:
    """The stored form of a site someone typed: ``Example.COM``, ``www.example.com``,
    ``*.example.com``, ``https://example.com/a`` and ``<https://example.com|example.com>``
    are all ``example.com`` (``www.`` is dropped: people mean the whole site); non-ASCII
    names in their IDNA form, as links carry them."""
    value = text.strip().strip("<>").split("|", 1)[0].strip()
    if "://" not in value:
        value = "http://" + value.removeprefix("*.")
    try:
        host = (URL(value).raw_host or "").rstrip(".").lower()
    except ValueError:
        host = ""
    host = host.removeprefix("www.")
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise BadSite(f"`{text[:80]}` is not a site name. Give a host such as `example.com`.")
    return host


def link_host(url: str) -> str:
    """A posted link's host in the form ``site_host`` stores ("" when it has none)."""
    try:
        host = URL(url).raw_host or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class SiteRules:
    """A channel's rules, host → ``never``/``always``."""

    rules: tuple[tuple[str, str], ...] = ()

    def rule_for(self, host: str) -> str | None:
        """The rule of the most specific listed site that ``host`` is or is under."""
        best: tuple[int, str] | None = None
        for site, rule in self.rules:
            if (host == site or host.endswith("." + site)) and (
                best is None or len(site) > best[0]
            ):
                best = (len(site), rule)
        return None if best is None else best[1]

    def listed(self, rule: str) -> list[str]:
        return sorted(site for site, r in self.rules if r == rule)
