"""``/keypoints`` subcommands as a registry: name → async handler.

Built-in: ``<url> [bullets]``, ``help``, ``auto on|off``. Other features register their own
(the digest adds ``feed …`` and ``digest …``) with ``router.register(...)``.

A subcommand that changes the channel's settings says so with ``changes`` (a predicate on its
arguments: ``auto`` alone only shows the setting); before running it the router asks its
``guard`` (``bot.slack.permissions``: members, or only admins where an admin said so), and a
refusal is the caller's one ephemeral answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.errors import KeypointsError
from bot.slack.links import links_in_text
from bot.slack.render import GENERIC_FAILURE, escape

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CommandContext:
    """One ``/keypoints`` invocation, as a handler sees it."""

    team_id: str
    channel_id: str
    user_id: str
    text: str  # everything after "/keypoints"
    args: tuple[str, ...]  # the words after the subcommand name
    reply: Callable[[str], Awaitable[None]]  # ephemeral answer to the caller (mrkdwn)
    body: dict[str, Any] = field(default_factory=dict)  # Slack's raw payload
    response_url: str | None = None


CommandHandler = Callable[[CommandContext], Awaitable[None]]
Changes = Callable[[tuple[str, ...]], bool]  # args → whether they change the channel's settings
Guard = Callable[[CommandContext], Awaitable[str | None]]  # None: allowed; else why not
HOME_TAB_HINT = "Or open my *Home* tab: *Edit* next to a channel changes its settings in a form."


@dataclass(frozen=True, slots=True)
class Command:
    handler: CommandHandler
    usage: str  # e.g. "auto on|off"
    summary: str  # one line for help
    changes: Changes | None = None  # None: never changes settings


class CommandRouter:
    """Dispatches ``/keypoints <name> args…``; text starting with a link goes to ``on_link``."""

    def __init__(self, on_link: CommandHandler) -> None:
        self._commands: dict[str, Command] = {}
        self._on_link = on_link
        self.guard: Guard | None = None  # asked before a command that changes settings
        self.register("help", self._help, usage="help", summary="show this help")

    def register(
        self,
        name: str,
        handler: CommandHandler,
        *,
        usage: str,
        summary: str,
        changes: Changes | None = None,
    ) -> None:
        """Add (or replace) subcommand ``name``; ``changes(args)`` tells whether a call
        changes the channel's settings (then the ``guard`` decides first)."""
        self._commands[name.lower()] = Command(handler, usage, summary, changes)

    @property
    def names(self) -> list[str]:
        return sorted(self._commands)

    async def dispatch(self, ctx: CommandContext) -> None:
        """Run the matching handler; errors become one short ephemeral line."""
        words = ctx.text.split()
        try:
            if words and links_in_text(words[0], limit=1):
                await self._on_link(replace(ctx, args=tuple(words)))
                return
            command = self._commands.get(words[0].lower()) if words else None
            if command is None:
                await self._help(ctx, unknown=words[0] if words else None)
                return
            ctx = replace(ctx, args=tuple(words[1:]))
            if command.changes is not None and self.guard is not None and command.changes(ctx.args):
                refusal = await self.guard(ctx)
                if refusal is not None:
                    await ctx.reply(f":no_entry: {refusal}")
                    return
            await command.handler(ctx)
        except KeypointsError as exc:
            await ctx.reply(f":warning: {escape(exc.message)}")
        except Exception:
            log.exception("/keypoints %s failed", ctx.text)
            await ctx.reply(f":warning: {GENERIC_FAILURE}")

    def help_text(self) -> str:
        lines = [
            "*/keypoints* — key points of articles, taken verbatim from the page.",
            "• `/keypoints <url> [bullets]` — key points of one article",
        ]
        lines += [
            f"• `/keypoints {c.usage}` — {c.summary}" for _, c in sorted(self._commands.items())
        ]
        return "\n".join([*lines, HOME_TAB_HINT])

    async def _help(self, ctx: CommandContext, unknown: str | None = None) -> None:
        prefix = f"Unknown command `{escape(unknown)}`.\n" if unknown else ""
        await ctx.reply(prefix + self.help_text())
