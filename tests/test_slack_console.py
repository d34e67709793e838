"""The offline console: typed lines in, the bot's replies out as plain text."""

from __future__ import annotations

import io
from pathlib import Path

from fakes.slack_harness import FakeSummariser

from bot.settings import Settings
from bot.slack.console import run_console


async def _console(tmp_path: Path, *lines: str) -> str:
    out = io.StringIO()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'kp.db'}", post_interval=0)
    await run_console(
        settings,
        io.StringIO("".join(f"{line}\n" for line in lines)),
        out,
        summarise=FakeSummariser(),
    )
    return out.getvalue()


async def test_console_explains_itself_first(tmp_path: Path) -> None:
    """The first lines say what the console is and how to connect to a real workspace."""
    text = await _console(tmp_path)
    first_lines = "\n".join(text.splitlines()[:6])
    assert "offline" in first_lines and "SLACK_BOT_TOKEN" in first_lines
    assert "slack-manifest.yml" in first_lines


async def test_console_link_message_prints_title_bullets_and_context(tmp_path: Path) -> None:
    """A typed message with a bare link prints the title, bullet lines and the context line."""
    text = await _console(tmp_path, "look https://news.example.com/a?title=Big+news")
    assert "Big news (https://news.example.com/a?title=Big+news)" in text
    assert "• Point 1.\n• Point 2.\n• Point 3." in text
    assert "Example News · 1 min read" in text


async def test_console_slash_command_mention_and_plain_text(tmp_path: Path) -> None:
    """Help answers privately, a failing mention prints its error, plain text stays silent."""
    text = await _console(
        tmp_path, "/keypoints help", "@keypoints https://news.example.com/paywalled", "hello"
    )
    assert "(only you can see this) */keypoints*" in text
    assert "behind a login or paywall" in text
    assert "(no reply" in text
