"""The offline console: typed lines in, the bot's replies out as plain text."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import time
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


async def test_console_link_with_auto_mode_off_says_so_and_how_to_ask(tmp_path: Path) -> None:
    """With auto mode off, a link gets no reply, and the console says why and how to ask."""
    text = await _console(
        tmp_path, "/keypoints auto off", "look https://news.example.com/a?title=Quiet", "hello"
    )
    silence = [line for line in text.splitlines() if line.startswith("(no reply")]
    assert len(silence) == 2
    assert "Auto mode is off in this channel" in silence[0]
    for way in ("@Keypoints", ":memo:", "`/keypoints <url>`", "`/keypoints auto on`"):
        assert way in silence[0]
    assert "contain article links" not in silence[0]
    assert "contain article links" in silence[1]  # plain text: the old explanation stays
    assert "• Point" not in text


async def test_console_quit_and_exit_end_the_session(tmp_path: Path) -> None:
    """`quit` (or `exit`) ends the console: lines after it are not sent to the bot."""
    for word in ("quit", "exit", "QUIT"):
        text = await _console(tmp_path, word, "look https://news.example.com/a?title=After")
        assert "After" not in text and "• Point" not in text


def _console_process(tmp_path: Path, log_level: str = "WARNING") -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KEYPOINTS_"))}
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'kp.db'}",
        "KEYPOINTS_WORKERS": "1",  # a worker process, which also receives the Ctrl-C
        "TMPDIR": str(tmp_path),  # the console's log file goes here
        "LOG_LEVEL": log_level,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def _read_until(proc: subprocess.Popen[bytes], needle: bytes, seconds: float = 60) -> bytes:
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
    return seen


def test_ctrl_c_after_a_link_exits_130_at_once_without_traceback(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, workers included) while the console waits
    for the next line: exit 130 within seconds, no traceback from the parent or a worker."""
    proc = _console_process(tmp_path)
    try:
        assert proc.stdin is not None
        proc.stdin.write(b"look http://127.0.0.1/a\n")
        proc.stdin.flush()  # stdin stays open: the console is waiting for Enter
        assert b"private or internal network" in _read_until(proc, b"private")
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.stderr is not None and proc.stdout is not None
    err = proc.stderr.read().decode() + proc.stdout.read().decode()
    assert code == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_console_logs_go_to_a_file_not_the_dialogue(tmp_path: Path) -> None:
    """Log records (even DEBUG) go to the log file named in the intro, never to the terminal."""
    proc = _console_process(tmp_path, log_level="DEBUG")
    out, err = proc.communicate(b"look http://127.0.0.1/a\nquit\n", timeout=300)
    log_file = tmp_path / "keypoints-console.log"
    assert proc.returncode == 0, err
    assert err == b""
    assert f"Logs go to {log_file}".encode() in out
    assert b"DEBUG" not in out and b"DEBUG" in log_file.read_bytes()
