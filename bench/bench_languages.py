"""Per-language figures (issue 14): for each language, the pages read, the language found,
bullets given, and the bullets that split mid-sentence or are boilerplate.

Run from the project root:  .venv/bin/python bench/bench_languages.py
Pages: the articles of ``tests/fakes/multilingual.py`` (one per language, written for this,
served without a lang= attribute) and every page of the shared extraction set whose text is
not English (by the detector; its lang= is often missing or wrong). A bullet is
**mid-sentence** when it is not a whole sentence of the text: it does not end with a
sentence mark, starts in lower case, or ends on an abbreviation that never ends a sentence.
**Boilerplate**: the furniture filter (``is_boilerplate``) would reject it, or it is the
sample's furniture line.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.evaluation_data import HAS_EXTRACTION, extraction_pages  # noqa: E402
from fakes.multilingual import SAMPLES  # noqa: E402

from bot.errors import KeypointsError  # noqa: E402
from bot.pipeline import summarize_html  # noqa: E402
from bot.text import ends_with_abbreviation, is_boilerplate  # noqa: E402
from bot.text.detect import detect_language  # noqa: E402

_ENDS = (".", "!", "。", "！", "\u201d", '"', "»", ")")


def _mid_sentence(bullet: str, language: str | None) -> bool:
    first = bullet.lstrip("\"'“‘«(¿¡")[:1]
    return (
        not bullet.rstrip().endswith(_ENDS)
        or first.islower()
        or ends_with_abbreviation(bullet, language)
    )


def main() -> None:
    pages: list[tuple[str, str, str]] = [
        ("written", sample.html, "https://news.example.com/a") for sample in SAMPLES.values()
    ]
    if HAS_EXTRACTION:
        for page in extraction_pages():
            pages.append(("shared", page.html, page.url))
    summarize_html(SAMPLES["en"].html, "https://news.example.com/a")  # imports, language model
    rows: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for source, html, url in pages:
        start = time.perf_counter()
        try:
            summary = summarize_html(html, url)
        except KeypointsError:
            continue
        elapsed = (time.perf_counter() - start) * 1000
        language = summary.article.language or "?"
        if source == "shared" and detect_language(summary.article.text) == "en":
            continue  # the table is about the other languages (English: bench_summaries)
        row = rows[f"{language} ({source})"]
        row["pages"] += 1
        row["bullets"] += len(summary.bullets)
        row["mid"] += sum(_mid_sentence(b, language) for b in summary.bullets)
        furniture = {s.furniture for s in SAMPLES.values()}
        row["boiler"] += sum(is_boilerplate(b) or b in furniture for b in summary.bullets)
        row["ms"] += elapsed
    print("| language (pages) | pages | bullets | mid-sentence | boilerplate | ms / page |")
    print("|---|---|---|---|---|---|")
    for name in sorted(rows):
        r = rows[name]
        print(
            f"| {name} | {r['pages']:.0f} | {r['bullets']:.0f} | {r['mid']:.0f} "
            f"| {r['boiler']:.0f} | {r['ms'] / r['pages']:.1f} |"
        )


if __name__ == "__main__":
    main()
