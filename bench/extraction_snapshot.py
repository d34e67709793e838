"""Snapshot of our extractor's output on both benchmark sets, to prove a speed-up changes nothing.

    .venv/bin/python bench/extraction_snapshot.py record /tmp/before.json   # before the change
    .venv/bin/python bench/extraction_snapshot.py compare /tmp/before.json  # after it

For every page of the ScrapingHub set and of trafilatura's evaluation set (as loaded by
``bench/bench_extraction.py``) it records two hashes: of the body text (what the benchmarks
score) and of the whole ``Article`` (title, site, date, language, canonical URL, publisher key
points) or of the error raised instead. ``compare`` prints the pages whose hashes differ and
exits 1 when any does, so it can gate a refactoring. Nothing is timed here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_extraction import (  # noqa: E402
    DATA,
    SNIPPET_DATA,
    Page,
    load_pages,
    load_snippet_pages,
)
from bot.errors import KeypointsError  # noqa: E402
from bot.extract import extract  # noqa: E402


def _digest(value: object) -> str:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def page_hashes(html: str, url: str | None) -> dict[str, str]:
    """``text``: hash of the body text ("" on an error); ``article``: hash of everything."""
    try:
        article = extract(html, url)
    except KeypointsError as error:
        return {"text": _digest(""), "article": _digest([type(error).__name__, str(error)])}
    whole = [
        article.paragraphs,
        article.title,
        article.canonical_url,
        article.site_name,
        article.published,
        article.language,
        article.publisher_points,
    ]
    return {"text": _digest(article.text), "article": _digest(whole)}


def snapshot(limit: int | None = None) -> dict[str, dict[str, str]]:
    """``set:page id`` → hashes, over both sets (the snippet set only when present)."""
    sets: dict[str, list[Page]] = {"scrapinghub": list(load_pages(DATA, limit))}
    if (SNIPPET_DATA / "pages.jsonl.gz").exists():
        sets["trafilatura_eval"] = load_snippet_pages(SNIPPET_DATA, limit)
    return {
        f"{name}:{page_id}": page_hashes(html, url)
        for name, pages in sets.items()
        for page_id, url, html, _ in pages
    }


def differences(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """One line per page whose text or article hash changed (or that is in one side only)."""
    lines = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            lines.append(f"{key}: only {'after' if old is None else 'before'}")
        elif old != new:
            changed = [field for field in ("text", "article") if old.get(field) != new.get(field)]
            lines.append(f"{key}: {', '.join(changed)} changed")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("file", type=Path, help="snapshot JSON (written or read)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages per set")
    args = parser.parse_args(argv)
    if not (DATA / "ground-truth.json").exists():
        print(f"benchmark data not found at {DATA}", file=sys.stderr)
        return 2
    current = snapshot(args.limit)
    if args.action == "record":
        args.file.write_text(json.dumps(current, indent=1, sort_keys=True), encoding="utf-8")
        print(f"recorded {len(current)} pages to {args.file}")
        return 0
    before = json.loads(args.file.read_text(encoding="utf-8"))
    lines = differences(before, current)
    print("\n".join(lines) if lines else f"identical: {len(current)} pages")
    text_changes = sum(1 for line in lines if "text" in line.split(": ", 1)[1])
    print(f"{len(lines)} pages differ ({text_changes} in the body text)")
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
