"""``/keypoints bullets 3|4|5`` and ``/keypoints admins-only on|off``, and the guard every
settings-changing subcommand passes (``CommandRouter.guard``).

A slash command is typed in the channel, so Slack vouches that its sender is a member: the
guard only has to ask ``users.info`` where the channel is admins-only.
"""

from __future__ import annotations

from typing import Any

from bot.slack.commands import CommandContext, CommandRouter
from bot.slack.permissions import ADMINS_ONLY_SWITCH, SettingsPermissions
from bot.slack.service import KeypointsService
from bot.slack.tenancy import team_scope
from bot.store.channels import CHANNEL_BULLETS, channel_choices, set_admins_only, set_bullets

BULLETS_USAGE = "bullets 3|4|5"
ADMINS_ONLY_USAGE = "admins-only on|off"


def register_channel_commands(
    router: CommandRouter,
    service: KeypointsService,
    permissions: SettingsPermissions,
    client: Any,
) -> None:
    """Add the two subcommands and install the guard. ``client`` posts for the team in
    ``team_scope`` (the bot's ``TeamScopedClient``)."""
    commands = _ChannelCommands(service, permissions, client)
    router.register(
        "bullets",
        commands.bullets,
        usage=BULLETS_USAGE,
        summary="key points per reply here when a request names no count (More / Fewer "
        "still go from 3 to 5)",
        changes=bool,
    )
    router.register(
        "admins-only",
        commands.admins_only,
        usage=ADMINS_ONLY_USAGE,
        summary="only workspace admins and owners may change this channel's settings "
        "(admins turn it on or off); otherwise its members may",
        changes=bool,
    )
    router.guard = commands.guard


class _ChannelCommands:
    def __init__(
        self, service: KeypointsService, permissions: SettingsPermissions, client: Any
    ) -> None:
        self.service = service
        self.permissions = permissions
        self.client = client

    async def guard(self, ctx: CommandContext) -> str | None:
        """Who may change this channel's settings; typed in the channel: a member."""
        with team_scope(ctx.team_id):
            return await self.permissions.refusal(
                self.client, ctx.team_id, ctx.channel_id, ctx.user_id, member=True
            )

    async def bullets(self, ctx: CommandContext) -> None:
        """``bullets 3|4|5``; without an argument, the current count."""
        engine = self.service.engine
        arg = ctx.args[0] if ctx.args else ""
        if not arg:
            chosen = (await channel_choices(engine, ctx.team_id, ctx.channel_id)).bullets
            await ctx.reply(
                f"{bullets_text(chosen, self.service.options.bullets)} "
                f"Use `/keypoints {BULLETS_USAGE}`."
            )
            return
        if not arg.isdigit() or int(arg) not in CHANNEL_BULLETS or len(ctx.args) > 1:
            await ctx.reply(f"Usage: `/keypoints {BULLETS_USAGE}`.")
            return
        count = int(arg)
        await set_bullets(engine, ctx.team_id, ctx.channel_id, count, now=self.service.clock())
        self.service.channel_settings.changed()  # other replicas: within a poll (1 s)
        await ctx.reply(
            f"Replies here now have *{count}* key points unless the request names a count "
            "(`/keypoints <url> 5`)."
        )

    async def admins_only(self, ctx: CommandContext) -> None:
        """``admins-only on|off`` (admins and owners only); without an argument, the rule."""
        engine = self.service.engine
        choice = ctx.args[0].lower() if ctx.args else ""
        if choice not in ("on", "off"):
            current = (await channel_choices(engine, ctx.team_id, ctx.channel_id)).admins_only
            await ctx.reply(f"{who_may_text(current)} Use `/keypoints {ADMINS_ONLY_USAGE}`.")
            return
        with team_scope(ctx.team_id):
            admin = await self.permissions.is_admin(self.client, ctx.team_id, ctx.user_id)
        if not admin:
            await ctx.reply(f":no_entry: {ADMINS_ONLY_SWITCH}")
            return
        on = choice == "on"
        await set_admins_only(engine, ctx.team_id, ctx.channel_id, on, now=self.service.clock())
        self.service.channel_settings.changed()
        await ctx.reply(who_may_text(on))


def bullets_text(chosen: int | None, default: int) -> str:
    """The channel's count in a sentence (``None``: the deployment's default)."""
    if chosen is None:
        return f"Key points per reply here: *{default}* (the default)."
    return f"Key points per reply here: *{chosen}*."


def who_may_text(admins_only: bool) -> str:
    if admins_only:
        return "Only workspace admins and owners may change this channel's settings."
    return "The channel's members (and workspace admins) may change its settings."
