"""What a new user meets first: help texts, start-up cost, and one-line errors for bad input,
bad settings, an unreachable database and a closed pipe (never a traceback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.methods import METHOD_HELP, METHOD_NAMES

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
ARTICLE_TXT = str(FIXTURES / "article.txt")
HEAVY_MODULES = ("bot.summarize", "bot.pipeline", "numpy", "sumy", "trafilatura", "sqlalchemy")


def run_cli(
    *args: str, stdin: bytes = b"", cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with no Slack or Keypoints settings except ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KEYPOINTS_"))}
    clean.pop("DATABASE_URL", None)
    clean["PYTHONPATH"] = str(Path(__file__).parent.parent)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**clean, **env},
    )


def assert_one_line_exit_2(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("keypoints: ")
    for needle in needles:
        assert needle in result.stderr


def test_method_names_match_the_summariser_registry() -> None:
    """The light list used by --help and the settings is exactly bot.summarize.METHODS."""
    from bot.summarize import METHODS

    assert METHOD_NAMES == METHODS
    assert all(METHOD_HELP[name].strip() for name in METHOD_NAMES)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["summarize", "--help"],
        ["batch", "--help"],
        ["serve", "--help"],
        ["stats", "-h"],
    ],
)
def test_help_does_not_import_the_pipeline_or_the_database(args: list[str]) -> None:
    """`--help` loads no summariser, numpy, trafilatura or SQLAlchemy (they cost ~1 s cold)."""
    code = (
        "import sys\nfrom bot.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY_MODULES!r} if m in sys.modules], file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr


@pytest.mark.parametrize(
    ("command", "needles"),
    [
        ("serve", ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"]),
        ("console", ["offline", "DATABASE_URL", "quit"]),
        ("migrate", ["schema", "DATABASE_URL"]),
        ("stats", ["--days", "--json", "failures", "DATABASE_URL", "fix next"]),
        ("batch", ['"html"', '"text"', '"url"', '"bullets"', '"error"', "same order"]),
    ],
)
def test_subcommand_help_says_what_it_does_and_what_it_reads(
    command: str, needles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """serve/console/migrate --help name their environment; batch --help shows the JSONL."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert all(needle in text for needle in needles), text


def test_method_help_lists_each_method_with_a_description(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """summarize --help lists every method with its one-line description, not a bare default."""
    with pytest.raises(SystemExit):
        main(["summarize", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: default)" not in text
    for name, description in METHOD_HELP.items():
        assert f"{name} {' '.join(description.split())}" in text


@pytest.mark.parametrize("value", ["abc", "0", "11", "2.5"])
def test_bad_bullet_count_says_what_is_expected(value: str) -> None:
    """--bullets that is not 1..10 says so in words, not "invalid _bullet_count value"."""
    result = run_cli("summarize", ARTICLE_TXT, "--bullets", value)
    assert result.returncode == 2
    assert "must be a whole number from 1 to 10" in result.stderr
    assert "_bullet_count" not in result.stderr


def test_directory_argument_is_called_a_directory(tmp_path: Path) -> None:
    """A directory given as SOURCE is reported as a directory, not as a missing file."""
    assert_one_line_exit_2(run_cli("summarize", str(tmp_path)), "is a directory")


def test_address_without_scheme_gets_an_https_hint(tmp_path: Path) -> None:
    """`www.example.com/a` (no such file) suggests adding https://, without fetching anything."""
    result = run_cli("summarize", "www.example.com/a", cwd=tmp_path)
    assert_one_line_exit_2(result, "No such file", "https://www.example.com/a")


def test_missing_file_name_gets_no_url_hint(tmp_path: Path) -> None:
    """A missing `notes.html` is just a missing file: no misleading https:// hint."""
    result = run_cli("summarize", "notes.html", cwd=tmp_path)
    assert_one_line_exit_2(result, "No such file")
    assert "https://" not in result.stderr


def test_utf16_html_with_bom_beats_its_utf8_meta(tmp_path: Path) -> None:
    """A BOM decides the encoding before <meta charset> (the HTML spec's order)."""
    page = (FIXTURES / "article.html").read_text(encoding="utf-8")
    assert 'charset="utf-8"' in page.lower() or "charset=utf-8" in page.lower()
    path = tmp_path / "utf16.html"
    path.write_bytes(page.encode("utf-16"))  # with a BOM
    result = run_cli("summarize", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Acme Robotics unveils")
    assert result.stdout.count("\n• ") >= 1


@pytest.mark.parametrize(
    ("command", "stdin", "variable", "value", "needle"),
    [
        (["summarize", "https://a.example/x"], b"", "KEYPOINTS_FETCH_TIMEOUT", "abc", "seconds"),
        (["batch"], b'{"id": 1, "text": "x"}\n', "KEYPOINTS_ALLOW_HOSTS", "wiki corp", "CIDR"),
        (
            ["digest", "--channel", "C1", "--dry-run", "--feed", "https://a.example/f"],
            b"",
            "KEYPOINTS_ALLOW_HOSTS",
            "127.0.0.1:http",
            "port",
        ),
        (["console"], b"", "KEYPOINTS_FETCH_MAX_BYTES", "5MB", "whole number"),
        (["serve"], b"", "KEYPOINTS_ALLOW_HOSTS", "wiki corp", "host name"),
        (["migrate"], b"", "KEYPOINTS_FETCH_TIMEOUT", "abc", "seconds"),
    ],
)
def test_bad_setting_is_one_line_and_exit_2_in_every_command(
    command: list[str], stdin: bytes, variable: str, value: str, needle: str, tmp_path: Path
) -> None:
    """A bad fetch setting stops every command with one line naming the variable, exit 2."""
    env = {variable: value, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    result = run_cli(*command, stdin=stdin, cwd=tmp_path, **env)
    assert_one_line_exit_2(result, variable, needle)
    assert list(tmp_path.iterdir()) == []  # nothing was created before the check


def test_port_qualified_allow_list_entry_is_accepted() -> None:
    """`KEYPOINTS_ALLOW_HOSTS=127.0.0.1:8765` is read as the host 127.0.0.1 (on every port)."""
    from bot.fetch import FetchSettings
    from bot.fetch.policy import AllowList

    settings = FetchSettings.from_env({"KEYPOINTS_ALLOW_HOSTS": "127.0.0.1:8765, [::1]:80"})
    assert settings.allow_list == AllowList.parse(["127.0.0.1", "::1"])
    assert AllowList.parse(["wiki.corp:8080"]).covers_name("wiki.corp")


def test_bad_log_level_is_one_line(tmp_path: Path) -> None:
    """LOG_LEVEL=loud stops with one line listing the levels, not a ValueError traceback."""
    result = run_cli("migrate", cwd=tmp_path, LOG_LEVEL="loud")
    assert_one_line_exit_2(result, "LOG_LEVEL", "WARNING")


def test_serve_without_credentials_touches_nothing(tmp_path: Path) -> None:
    """serve checks the credentials first: one line, exit 2, no log lines, no keypoints.db."""
    result = run_cli("serve", cwd=tmp_path)
    assert_one_line_exit_2(result, "Slack is not configured", "keypoints console")
    assert list(tmp_path.iterdir()) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("command", "database"),
    [
        ("migrate", "sqlite"),
        ("migrate", "postgres"),
        ("serve", "postgres"),
        ("console", "sqlite"),
        ("digest --channel C1 --now", "sqlite"),
    ],
)
def test_unreachable_database_is_one_line(command: str, database: str, tmp_path: Path) -> None:
    """A database that cannot be opened is one line naming it (password hidden), exit 2."""
    url = (
        f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/kp.db"
        if database == "sqlite"
        else f"postgresql+asyncpg://kp:hunter22@127.0.0.1:{_closed_port()}/kp"
    )
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32}
    result = run_cli(*command.split(), cwd=tmp_path, **env)
    assert_one_line_exit_2(result, "cannot open the database")
    assert "hunter22" not in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["summarize", ARTICLE_TXT], b""),
        (["batch"], b'{"id": 1, "text": "A headline\\n\\nThe council approved it."}\n' * 200),
    ],
)
def test_closed_stdout_exits_141_quietly(args: list[str], stdin: bytes) -> None:
    """Output into a pipe whose reader left (`| head`) ends with 141 and no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=300,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == b""
