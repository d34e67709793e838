"""The /keypoints subcommand registry."""

from __future__ import annotations

from bot.errors import InputError
from bot.slack.commands import CommandContext, CommandRouter


def _ctx(text: str, replies: list[str]) -> CommandContext:
    async def reply(line: str) -> None:
        replies.append(line)

    return CommandContext(team_id="T", channel_id="C", user_id="U", text=text, args=(), reply=reply)


async def test_links_go_to_the_link_handler_with_all_words_as_args() -> None:
    """Text starting with a link is routed to on_link with every word as an argument."""
    seen: list[tuple[str, ...]] = []

    async def on_link(ctx: CommandContext) -> None:
        seen.append(ctx.args)

    await CommandRouter(on_link).dispatch(_ctx("https://a.example/x 2", []))
    assert seen == [("https://a.example/x", "2")]


async def test_registered_subcommand_gets_its_arguments() -> None:
    """A subcommand registered later (e.g. the digest's `feed`) receives the words after it."""
    seen: list[tuple[str, ...]] = []

    async def on_link(ctx: CommandContext) -> None:
        raise AssertionError("not a link")

    async def feed(ctx: CommandContext) -> None:
        seen.append(ctx.args)

    router = CommandRouter(on_link)
    router.register("feed", feed, usage="feed add <url>", summary="follow a feed")
    await router.dispatch(_ctx("FEED add https://a.example/rss", []))
    assert seen == [("add", "https://a.example/rss")]
    assert "feed" in router.names and "help" in router.names


async def test_unknown_or_empty_command_shows_help() -> None:
    """An unknown subcommand is named and followed by the help text; empty text shows help."""
    replies: list[str] = []

    async def on_link(ctx: CommandContext) -> None:
        return None

    router = CommandRouter(on_link)
    await router.dispatch(_ctx("frobnicate <x>", replies))
    await router.dispatch(_ctx("", replies))
    assert replies[0].startswith("Unknown command `frobnicate`")
    assert all("/keypoints <url> [bullets]" in r for r in replies)


async def test_handler_errors_become_one_short_line() -> None:
    """KeypointsError shows its message; any other exception a generic line."""
    replies: list[str] = []

    async def on_link(ctx: CommandContext) -> None:
        return None

    async def bad_input(ctx: CommandContext) -> None:
        raise InputError("That feed URL is not valid.")

    async def bug(ctx: CommandContext) -> None:
        raise ZeroDivisionError

    router = CommandRouter(on_link)
    router.register("a", bad_input, usage="a", summary="a")
    router.register("b", bug, usage="b", summary="b")
    await router.dispatch(_ctx("a", replies))
    await router.dispatch(_ctx("b", replies))
    assert replies[0] == ":warning: That feed URL is not valid."
    assert replies[1].startswith(":warning: Sorry, something went wrong")
