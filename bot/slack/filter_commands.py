"""``/keypoints sites …``, ``min-words …``, ``optout``, ``optin`` and ``settings``.

Every change is written with ``bump_version`` (``bot.store.channels``), is seen by this
replica at once (``changed``) and by the others at their next poll of the settings version
(1 s). What the filters do is ``bot.slack.filters``.
"""

from __future__ import annotations

from bot.errors import KeypointsError
from bot.slack.channel_commands import bullets_text, who_may_text
from bot.slack.commands import CommandContext, CommandRouter
from bot.slack.service import KeypointsService
from bot.store.channels import (
    MAX_MIN_WORDS,
    channel_choices,
    is_opted_out,
    remove_site_rule,
    set_min_words,
    set_opted_out,
    set_site_rule,
)
from bot.store.filters import ALWAYS, NEVER, SiteRules, site_host

MAX_SITES_AT_ONCE = 10
SITES_USAGE = "sites never|always|remove <site> [<site> …]"


class UsageError(KeypointsError):
    reason = "bad_input"


def register_filter_commands(
    router: CommandRouter, service: KeypointsService, *, reaction: str = "memo"
) -> None:
    """Add the filter subcommands to ``/keypoints`` (and so to its help)."""
    commands = _FilterCommands(service, reaction)
    router.register(
        "sites",
        commands.sites,
        usage=f"{SITES_USAGE} | sites list",
        summary="sites (and their subdomains) whose links posted here are never, or always, "
        "summarised automatically; `always` works with auto mode off and ignores min-words",
        changes=lambda args: bool(args) and args[0].lower() != "list",
    )
    router.register(
        "min-words",
        commands.min_words,
        usage="min-words <n>|off",
        summary="auto mode posts no key points for articles under n words (the poster is "
        "told why, privately unless failures are public)",
        changes=bool,
    )
    router.register(
        "optout",
        commands.optout,
        usage="optout",
        summary="your links are never summarised automatically, in any channel of this "
        "workspace (asking still works)",
    )
    router.register("optin", commands.optin, usage="optin", summary="undo `optout`")
    router.register(
        "settings", commands.settings, usage="settings", summary="this channel's settings and yours"
    )


class _FilterCommands:
    def __init__(self, service: KeypointsService, reaction: str) -> None:
        self.service = service
        self.reaction = reaction

    async def sites(self, ctx: CommandContext) -> None:
        """``sites never|always|remove <site>…`` or ``sites [list]``."""
        action = ctx.args[0].lower() if ctx.args else "list"
        if action == "list" and len(ctx.args) <= 1:
            choices = await channel_choices(self.service.engine, ctx.team_id, ctx.channel_id)
            await ctx.reply(_sites_text(choices.sites))
            return
        names = ctx.args[1:]
        if action not in (NEVER, ALWAYS, "remove") or not names:
            raise UsageError(f"Usage: `/keypoints {SITES_USAGE}` or `/keypoints sites list`.")
        if len(names) > MAX_SITES_AT_ONCE:
            raise UsageError(f"At most {MAX_SITES_AT_ONCE} sites at once.")
        hosts = list(dict.fromkeys(site_host(name) for name in names))  # all valid, or none
        engine, now = self.service.engine, self.service.clock()
        if action == "remove":
            removed = [
                h for h in hosts if await remove_site_rule(engine, ctx.team_id, ctx.channel_id, h)
            ]
            self.service.channel_settings.changed()  # other replicas: at their next poll
            missing = [h for h in hosts if h not in removed]
            lines = [f"Removed: {_names(removed)}."] if removed else []
            lines += [f"Not listed here: {_names(missing)}."] if missing else []
            await ctx.reply(" ".join(lines))
            return
        for host in hosts:
            await set_site_rule(engine, ctx.team_id, ctx.channel_id, host, action, now=now)
        self.service.channel_settings.changed()
        if action == NEVER:
            what = "are never summarised automatically here (asking still works)"
        else:
            what = "always get key points here, even with auto mode off and whatever their length"
        await ctx.reply(f"Links to {_names(hosts)} (and subdomains) {what}.")

    async def min_words(self, ctx: CommandContext) -> None:
        """``min-words <n>|off``; without an argument, the current minimum."""
        arg = ctx.args[0].lower() if ctx.args else ""
        if not arg:
            current = await channel_choices(self.service.engine, ctx.team_id, ctx.channel_id)
            usage = "Use `/keypoints min-words <n>|off`."
            await ctx.reply(f"{_min_words_text(current.min_words)} {usage}")
            return
        words = 0 if arg in ("off", "0") else int(arg) if arg.isdigit() else -1
        if not 0 <= words <= MAX_MIN_WORDS or len(ctx.args) > 1:
            raise UsageError(
                f"Usage: `/keypoints min-words <n>|off`, n between 1 and {MAX_MIN_WORDS}."
            )
        await set_min_words(
            self.service.engine, ctx.team_id, ctx.channel_id, words, now=self.service.clock()
        )
        self.service.channel_settings.changed()
        await ctx.reply(_min_words_text(words))

    async def optout(self, ctx: CommandContext) -> None:
        await set_opted_out(
            self.service.engine, ctx.team_id, ctx.user_id, True, now=self.service.clock()
        )
        self.service.channel_settings.changed()
        await ctx.reply(
            "Done: links you post are no longer summarised automatically, in any channel of "
            "this workspace (links you send me directly still are). Asking still works: "
            f"mention me, react with :{self.reaction}:, use the *Key points* shortcut or "
            "`/keypoints <url>`. `/keypoints optin` undoes it."
        )

    async def optin(self, ctx: CommandContext) -> None:
        await set_opted_out(
            self.service.engine, ctx.team_id, ctx.user_id, False, now=self.service.clock()
        )
        self.service.channel_settings.changed()
        await ctx.reply(
            "Done: links you post get key points automatically again where auto mode is on."
        )

    async def settings(self, ctx: CommandContext) -> None:
        """The channel's settings and the caller's opt-out, read from the database."""
        engine = self.service.engine
        choices = await channel_choices(engine, ctx.team_id, ctx.channel_id)
        mine = await is_opted_out(engine, ctx.team_id, ctx.user_id)
        failures = "public (in the thread)" if choices.public_failures else "private (the poster)"
        bullets = bullets_text(choices.bullets, self.service.options.bullets)
        lines = [
            "*Settings in this channel* (also in my Home tab)",
            f"• Auto mode: *{'on' if choices.auto else 'off'}* (`/keypoints auto on|off`)",
            f"• {bullets} (`/keypoints bullets 3|4|5`)",
            f"• Failures of posted links: *{failures}* (`/keypoints failures public|private`)",
            f"• {_min_words_text(choices.min_words)} (`/keypoints min-words <n>|off`)",
            f"• {_sites_text(choices.sites)}",
            f"• {who_may_text(choices.admins_only)} (`/keypoints admins-only on|off`, admins)",
            "*Yours*",
            "• You opted out: your links are never summarised automatically (`/keypoints optin`)"
            if mine
            else "• Your links are summarised automatically where auto mode is on "
            "(`/keypoints optout`)",
        ]
        await ctx.reply("\n".join(lines))


def _sites_text(sites: SiteRules) -> str:
    never, always = sites.listed(NEVER), sites.listed(ALWAYS)
    if not never and not always:
        return "No sites are listed here (`/keypoints sites never|always <site>`)."
    return (
        f"Never summarised automatically: {_names(never) if never else 'none'}. "
        f"Always: {_names(always) if always else 'none'}. "
        "A site covers its subdomains; the most specific listed site decides."
    )


def _names(hosts: list[str]) -> str:
    return ", ".join(f"`{h}`" for h in hosts)


def _min_words_text(words: int) -> str:
    if not words:
        return "Minimum article length for auto mode: *none*."
    return f"Minimum article length for auto mode: *{words} words*."
