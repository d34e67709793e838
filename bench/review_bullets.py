"""Print the bullets a reader would see, for reading them by eye.

Run: ``.venv/bin/python bench/review_bullets.py [--cnndm N] [--pages-only] [--json OUT]``.

For every page of the extraction benchmark (``../shared/data/extraction``, gzipped HTML, URLs
from ``ground-truth.json``) it runs the whole pipeline (``summarize_html``) and prints the
title and the bullets; then it does the same for the first ``N`` CNN/DM articles (plain text,
``summarize``). ``--json`` also writes ``{key: [bullets]}`` so two runs can be diffed.
ROUGE and timing live in ``bench_summaries.py``; this script is for judging how bullets read.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.errors import KeypointsError
from bot.models import Article
from bot.pipeline import summarize_html
from bot.summarize import summarize

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PAGES = DATA / "extraction"
CNNDM = DATA / "summaries" / "cnndm_test_sample.jsonl"


def page_bullets() -> Iterator[tuple[str, str, list[str]]]:
    """(key, title, bullets) for every extraction page, in id order; errors become a note."""
    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        html = gzip.decompress((PAGES / "html" / f"{page_id}.html.gz").read_bytes())
        url = truth[page_id]["url"]
        try:
            summary = summarize_html(html.decode("utf-8", errors="replace"), url)
        except KeypointsError as error:
            yield f"page:{page_id[:12]}", f"{url} → {error.reason}", []
            continue
        yield f"page:{page_id[:12]}", f"{summary.article.title} <{url}>", list(summary.bullets)


def cnndm_bullets(limit: int) -> Iterator[tuple[str, str, list[str]]]:
    """(key, first words, bullets) for the first ``limit`` CNN/DM articles."""
    with CNNDM.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= limit:
                return
            text = json.loads(line)["article"]
            summary = summarize(Article(paragraphs=(text,), language="en"))
            yield f"cnndm:{number}", " ".join(text.split()[:12]) + " …", list(summary.bullets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cnndm", type=int, default=40, help="how many CNN/DM articles")
    parser.add_argument("--pages-only", action="store_true", help="skip the CNN/DM sample")
    parser.add_argument("--json", type=Path, default=None, help="also write bullets as JSON")
    args = parser.parse_args()
    if not PAGES.exists():
        raise SystemExit(f"data not found: {PAGES}")
    found: dict[str, list[str]] = {}
    sources = [page_bullets()]
    if not args.pages_only and CNNDM.exists():
        sources.append(cnndm_bullets(args.cnndm))
    for source in sources:
        for key, heading, bullets in source:
            found[key] = bullets
            print(f"## {key} {heading}")
            for bullet in bullets:
                print(f"  • {bullet}")
            print()
    if args.json:
        args.json.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
