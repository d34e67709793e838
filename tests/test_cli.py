"""The `keypoints` command-line contract: output formats, exit codes, error lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "cli"


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, timeout=300
    )


def test_summarize_html_file_prints_title_then_bullets(capsys: pytest.CaptureFixture[str]) -> None:
    """Text output is the title line followed by `• bullet` lines taken from the article."""
    assert main(["summarize", str(FIXTURES / "article.html")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "Acme Robotics unveils" in lines[0]
    bullets = [line for line in lines[1:] if line.startswith("• ")]
    assert 1 <= len(bullets) <= 3 and len(bullets) == len(lines) - 1
    body = (FIXTURES / "article.html").read_text()
    assert all(b[2:] in body for b in bullets)


def test_summarize_json_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with title, url, language, bullets and words (plus the
    added bullets_requested, bullets_note, key_points_source, authors and bullet_links)."""
    assert main(["summarize", str(FIXTURES / "article.html"), "--json", "--bullets", "2"]) == 0
    payload = json.loads(capsys.readouterr().out)
    contract = {"title", "url", "language", "bullets", "words"}
    added = {"bullets_requested", "bullets_note", "key_points_source", "authors", "bullet_links"}
    assert set(payload) == contract | added
    assert [link.split("#:~:text=")[0] for link in payload["bullet_links"]] == [payload["url"]] * 2
    assert payload["key_points_source"] == "summary" and payload["authors"] == []
    assert payload["bullets_requested"] == 2 and payload["bullets_note"] is None
    assert payload["url"] == "https://news.example.com/2026/11/acme-robot-folds-boxes"
    assert payload["language"] == "en"
    assert 1 <= len(payload["bullets"]) <= 2
    assert payload["words"] > 150


def test_summarize_text_from_stdin_uses_first_line_as_title() -> None:
    """`-` reads stdin; a plain-text headline line becomes the title."""
    result = run_cli("summarize", "-", stdin=(FIXTURES / "article.txt").read_bytes())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "City council approves new bike lanes"
    assert lines[1].startswith("• ")


@pytest.mark.parametrize(
    "method",
    ["lead", "lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl", "reduction", "default"],
)
def test_every_method_is_selectable(method: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each summarisation method named in the contract runs from the CLI."""
    assert main(["summarize", str(FIXTURES / "article.txt"), "--method", method]) == 0
    assert "• " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "stdin", "reason"),
    [
        (["summarize", "-"], b"", "empty"),
        (["summarize", "-"], b"   \n\n  ", "empty"),
        (["summarize", str(FIXTURES / "binary.bin")], b"", "binary"),
        (["summarize", str(FIXTURES / "doc.pdf")], b"", "binary"),
        (["summarize", str(FIXTURES / "missing.html")], b"", "No such file"),
        (
            ["summarize", "-"],
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "article",
        ),
        (["summarize", "ftp://example.com/x"], b"", "URL"),
        (["summarize", "-", "--bullets", "0"], b"x", "from 1 to 10"),
        (["summarize", "-", "--method", "nope"], b"x", "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(args: list[str], stdin: bytes, reason: str) -> None:
    """Bad input exits with code 2 and a short reason on stderr, never a traceback."""
    result = run_cli(*args, stdin=stdin)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert reason in err
    assert "Traceback" not in err
    assert result.stdout == b""


def test_text_without_sentences_to_quote_exits_2() -> None:
    """A text of headings and stat lines yields no key points: a clear error, not a bare title."""
    result = run_cli("summarize", "-", stdin=b"Results\n\n1 sack, 1 TFL, 2 QH\n\nWeek 11")
    assert result.returncode == 2
    assert "key points" in result.stderr.decode()
