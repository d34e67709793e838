"""Fewer bullets than asked for is never silent: the rule is reported in --json and batch."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.batch import BatchRunner
from bot.cli import main
from bot.fetch import Fetcher
from bot.pipeline import summarize_text
from bot.summarize import shortfall_note

# Nine content sentences; four can stand alone as a key point (two questions, two too short).
NINE_SENTENCES = """Town votes on new library

The town council voted on Tuesday to build a new public library next to the railway station. \
Will it be finished on time? Nobody knows. The building will cost about twelve million dollars \
and open in two years.

What will happen to the old library? Officials have not decided. Some residents want it turned \
into a community centre for young people. Others asked why the money was not spent on roads?

The vote was seven to two.
"""


def _no_fetcher() -> Fetcher:
    raise AssertionError("a text line must not fetch anything")


def test_shortfall_note_names_each_rule_that_bites() -> None:
    """The half-the-sentences cap, too few standalone sentences and repeats each get a reason."""
    assert shortfall_note(3, 3, 20, 12) is None
    capped = shortfall_note(10, 5, 9, 9)
    assert capped is not None and "9 sentences" in capped and "(rounded up: 5)" in capped
    both = shortfall_note(10, 4, 9, 4)
    assert both is not None and both.startswith("4 of 10") and "only 4 can stand alone" in both
    skipped = shortfall_note(3, 2, 20, 12)
    assert skipped is not None and "1 more was skipped for repeating" in skipped
    assert "half" not in skipped and "stand alone" not in skipped


def test_summary_records_what_was_requested_and_why_fewer() -> None:
    """`bullets=10` on a nine-sentence text gives at most four bullets and says why."""
    for method in ("default", "lead", "lexrank"):
        summary = summarize_text(NINE_SENTENCES, bullets=10, method=method)
        assert 1 <= len(summary.bullets) <= 4
        assert summary.bullets_requested == 10
        note = summary.bullets_note
        assert note is not None and note.startswith(f"{len(summary.bullets)} of 10 key points")
        assert "9 sentences" in note and "(rounded up: 5)" in note and "only 4" in note


def test_json_reports_bullets_requested_and_the_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--json` adds bullets_requested and bullets_note next to the unchanged contract keys."""
    source = tmp_path / "library.txt"
    source.write_text(NINE_SENTENCES)
    assert main(["summarize", str(source), "--bullets", "10", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"title", "url", "language", "bullets", "words"} <= set(payload)
    assert 1 <= len(payload["bullets"]) <= 4
    assert payload["bullets_requested"] == 10
    assert "only 4 can stand alone" in payload["bullets_note"]


def test_text_output_notes_the_shortfall_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plain output keeps stdout as title + bullets and says why there are fewer on stderr."""
    source = tmp_path / "library.txt"
    source.write_text(NINE_SENTENCES)
    assert main(["summarize", str(source), "--bullets", "10"]) == 0
    captured = capsys.readouterr()
    bullets = len(captured.out.strip().splitlines()) - 1
    assert 1 <= bullets <= 4
    assert captured.err.startswith(f"keypoints: note: {bullets} of 10 key points")
    assert len(captured.err.strip().splitlines()) == 1


async def test_batch_reports_the_shortfall_per_line() -> None:
    """Batch records carry bullets_requested and bullets_note like --json."""
    runner = BatchRunner(bullets=10, method="lead", fetcher_factory=_no_fetcher)
    out = io.StringIO()
    await runner.run([json.dumps({"id": 1, "text": NINE_SENTENCES})], out)
    record = json.loads(out.getvalue())
    assert record["error"] is None and 1 <= len(record["bullets"]) <= 4
    assert record["bullets_requested"] == 10
    assert "9 sentences" in record["bullets_note"]
