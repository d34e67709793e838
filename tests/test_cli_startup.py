"""What `keypoints summarize FILE` loads: no language model for plain English, no network or
worker stack for a local file, the same language (so the same summary) as before."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from fakes.evaluation_data import (
    CNNDM,
    HAS_CNNDM,
    HAS_EXTRACTION,
    NO_CNNDM,
    NO_EXTRACTION,
    extraction_pages,
)
from fakes.multilingual import SAMPLES

import bot.pipeline
from bot.extraction.plain_text import text_article
from bot.pipeline import in_its_language, plainly_english
from bot.text.detect import detect_language

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_TXT = ROOT / "tests" / "fixtures" / "cli" / "article.txt"
ENGLISH = SAMPLES["en"].text

# Run in a fresh interpreter: which modules a CLI run imports, and whether the model loaded.
_PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
from bot.text.detect import _identifier
heavy = ("aiohttp", "pypdf", "pebble", "prometheus_client", "slack_sdk", "sqlalchemy", "asyncio")
print(json.dumps({
    "code": code,
    "loaded": [m for m in heavy if m in sys.modules],
    "model": _identifier.cache_info().currsize,
}))
"""


def _probe(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr.decode()
    probe: dict[str, object] = json.loads(result.stdout)
    return probe


def test_summarize_english_file_loads_neither_model_nor_network_stack() -> None:
    """An English text file is summarised without the language model, an event loop, aiohttp,
    pypdf, pebble, prometheus_client, Slack or SQLAlchemy being imported."""
    assert _probe("summarize", str(ARTICLE_TXT)) == {"code": 0, "loaded": [], "model": 0}


def test_summarize_german_file_still_asks_the_model(tmp_path: Path) -> None:
    """Text that is not plainly English goes to the language model as before."""
    german = tmp_path / "de.txt"
    german.write_text(f"{SAMPLES['de'].title}\n\n{SAMPLES['de'].text}", encoding="utf-8")
    assert _probe("summarize", str(german)) == {"code": 0, "loaded": [], "model": 1}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_only_the_english_sample_is_plainly_english(code: str) -> None:
    """Of the ten languages' articles, only the English one passes the cheap check."""
    assert plainly_english(SAMPLES[code].text) == (code == "en")


def test_short_or_accented_english_is_left_to_the_model() -> None:
    """Under 60 words, or with many letters outside ASCII, the check does not decide."""
    words = ENGLISH.split()
    assert plainly_english(" ".join(words[:80]))
    assert not plainly_english(" ".join(words[:50]))
    assert not plainly_english(" ".join(f"{w}é" if i % 3 == 0 else w for i, w in enumerate(words)))


def test_english_markers_in_german_prose_do_not_pass() -> None:
    """A German article with a few English words mixed in is not taken for English."""
    mixed = SAMPLES["de"].text + " the and of to that with which from this"
    assert not plainly_english(mixed)


def test_declared_language_other_than_english_is_checked_by_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """English text on a page declaring German goes to detect_language; declaring nothing or
    English, it does not."""
    calls: list[str | None] = []

    def detect(text: str, declared: str | None = None) -> str | None:
        calls.append(declared)
        return detect_language(text, declared)

    monkeypatch.setattr(bot.pipeline, "detect_language", detect)
    article = text_article(ENGLISH, "City approves airport rail line")
    for declared in (None, "en", "EN-gb"):
        assert in_its_language(replace(article, language=declared)).language == "en"
    assert calls == []
    checked = in_its_language(replace(article, language="de"))
    assert calls == ["de"] and checked.language == detect_language(ENGLISH, "de") == "en"


def _agrees(texts: list[str]) -> tuple[int, list[str]]:
    """How many texts the check decides, and those where the model says otherwise."""
    decided = [t for t in texts if plainly_english(t)]
    return len(decided), [t[:80] for t in decided if detect_language(t, None) != "en"]


@pytest.mark.skipif(not HAS_CNNDM, reason=NO_CNNDM)
def test_check_agrees_with_the_model_on_news_articles() -> None:
    """On the CNN/DM sample, every text the check calls English the model calls English too,
    and the check decides most of them (the time it saves is real)."""
    texts = [json.loads(line)["article"] for line in CNNDM.read_text().splitlines()]
    decided, disagreements = _agrees(texts)
    assert disagreements == []
    assert decided > 0.8 * len(texts)


@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_check_agrees_with_the_model_on_extracted_pages() -> None:
    """On the extraction benchmark's article texts (a few in Russian, Japanese, Italian,
    Indonesian), the check never calls English what the model does not."""
    texts = [page.truth for page in extraction_pages()]
    decided, disagreements = _agrees(texts)
    assert disagreements == []
    assert decided > 0.7 * len(texts)
    others = [t for t in texts if detect_language(t, None) != "en"]
    assert others and not any(plainly_english(t) for t in others)


def test_a_worker_still_loads_everything_a_job_needs_at_start() -> None:
    """What bot.pipeline now imports per job (pypdf, URL canonicalisation, the language
    model) is loaded by the worker's start-up, so no job's time budget pays for it."""
    probe = (
        "import sys; from bot.workers import _load_pipeline; _load_pipeline(); "
        "from bot.text.detect import _identifier; "
        "print(all(m in sys.modules for m in ('pypdf', 'bot.pdf', 'bot.fetch.urls')), "
        "_identifier.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=ROOT, timeout=300
    )
    assert result.stdout.decode().split() == ["True", "1"], result.stderr.decode()
