"""Extraction benchmark: accuracy (shingle F1) and speed of ours vs the libraries it builds on.

    .venv/bin/python bench/bench_extraction.py            # all pages
    .venv/bin/python bench/bench_extraction.py --limit 20 # a quick run
    .venv/bin/python bench/bench_extraction.py --losers 15  # and the pages we lose most on
    .venv/bin/python bench/bench_extraction.py --pages readability:PATH --pages dragnet:PATH
    .venv/bin/python bench/bench_extraction.py --only-pages --pages readability:PATH

Data: ``../shared/data/extraction`` (scrapinghub article-extraction-benchmark subset; see its
README), scored with the upstream metric (``bench/metrics.py``); and, when present,
``../shared/data/extraction-trafilatura`` (trafilatura's own 990-page evaluation set), scored
with its must-contain / must-not-contain snippets (``bench/snippets.py``). Per set we report
F1, precision, recall, must-not-contain violations (snippet set) and catastrophic pages: ours
below F1 0.3 where trafilatura's default is above 0.8; for the snippet set also F1 by the pages'
declared language, ours beside trafilatura's.

Public sets we do not ship (a copy the user has; nothing is downloaded): ``--pages KIND:DIR``,
repeatable, adds a set beside the two above, run in the same process by the same per-page loop
(``run_set``), scored with the ScrapingHub metric against the set's expected text and reported
with the same columns; ``--only-pages`` skips the two shipped sets (its results then go to
``bench/results/extraction-pages.json`` unless ``--output`` says otherwise). Layouts:

* ``readability`` – Mozilla Readability's ``test/test-pages`` (DIR is that folder or the
  repository's root): ``<name>/source.html`` and ``<name>/expected.html``; the expected text
  is the expected HTML's text, one paragraph per block element; folders without an
  ``expected.html`` are skipped;
* ``dragnet`` – dragnet_data's ``HTML/<id>.html`` and ``Corrected/<id>.html.corrected.txt``;
  as its README says, the text before the ``!@#$%^&*()  COMMENTS`` line is the article (the
  comments after it are not expected); pages without a corrected file are skipped. CleanEval
  and L3S-GN1 copies converted to this layout (as dragnet's own scripts do) run as ``dragnet``.

Those files are read as UTF-8 when they are; otherwise decoded as the bot decodes an unlabelled
response (BOM, the file's own charset declaration, then charset-normalizer's guess). Pages are
passed without a URL, like the label-only URLs of the snippet set. Extractors:

* ``keypoints`` – ``bot.extract.extract`` (paragraphs joined by blank lines);
* ``trafilatura`` – ``trafilatura.extract(html)``, default settings (the speed reference);
* ``trafilatura_precision`` – the same with ``favor_precision=True``;
* ``readability`` – readability-lxml ``Document(html).summary()`` converted to text.

Timing: per page, ours and plain ``trafilatura.extract`` run back to back so machine load
hits both alike, in turns: ours first on one page, trafilatura first on the next. Whichever
runs first on a page runs with cold caches (after the other extractors and the summariser of
the page before): on the first 400 pages of the 990-page set, ours took 0.97× trafilatura's
CPU time on the pages where it went first and 0.90× on those where trafilatura did. We
report wall-clock median and p99 milliseconds, and the ratio of total times to plain
trafilatura both in wall-clock and in CPU time (``time.process_time``: on a shared machine
other processes' load inflates wall-clock times, CPU time much less). When the summariser is
importable, the full pipeline (extract → quality gate → summarise) is timed too.
Prints a Markdown table per set and writes ``bench/results/extraction.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# OpenBLAS (numpy, used by the summariser) keeps worker threads spinning after each call; their
# CPU time would be billed to whatever runs next. One thread is also faster on small matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import trafilatura  # noqa: E402
from lxml.html import fromstring  # noqa: E402
from readability import Document  # noqa: E402

from bench.metrics import PageScore, aggregate, score_page, tokens  # noqa: E402
from bench.snippets import SnippetCounts, score_snippets, total  # noqa: E402
from bot.errors import KeypointsError  # noqa: E402
from bot.extract import extract  # noqa: E402
from bot.extraction.blocks import from_html  # noqa: E402
from bot.fetch.decode import decode_body  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "extraction"
SNIPPET_DATA = ROOT.parent / "shared" / "data" / "extraction-trafilatura"
RESULTS = ROOT / "bench" / "results" / "extraction.json"
# --only-pages writes here by default, so a quick look at a public set never overwrites the
# full run's results.
PAGES_RESULTS = ROOT / "bench" / "results" / "extraction-pages.json"

Extractor = Callable[[str, str | None], str]


def keypoints(html: str, url: str | None) -> str:
    """Our extractor's body text ("" when it finds no article)."""
    try:
        return extract(html, url).text
    except KeypointsError:
        return ""


def trafilatura_default(html: str, url: str | None) -> str:
    """``trafilatura.extract`` with default settings, the way most users call it."""
    return trafilatura.extract(html) or ""


def trafilatura_precision(html: str, url: str | None) -> str:
    """``trafilatura.extract`` tuned for precision."""
    return trafilatura.extract(html, favor_precision=True) or ""


def readability_text(html: str, url: str | None) -> str:
    """readability-lxml's summary, as text (one line per block)."""
    summary = Document(html).summary(html_partial=True)
    return "\n".join(block.text for block in from_html(fromstring(summary)))


EXTRACTORS: dict[str, Extractor] = {
    "keypoints": keypoints,
    "trafilatura": trafilatura_default,
    "trafilatura_precision": trafilatura_precision,
    "readability": readability_text,
}


def _pipeline() -> Extractor | None:
    """The whole pipeline (extract → quality → summarise) if the summariser is importable."""
    try:
        from bot.pipeline import summarize_html
    except Exception:  # the summariser is built elsewhere; time it only when present
        return None

    def run(html: str, url: str | None) -> str:
        with contextlib.suppress(KeypointsError):
            summarize_html(html, url)
        return ""

    return run


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(id, url, html, truth) for the first ``limit`` pages in id order."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append((page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"]))
    return pages


def _timed(extractor: Extractor, html: str, url: str | None) -> tuple[str, float, float]:
    """Text, wall-clock seconds and CPU seconds of one extraction.

    Garbage left by the previous call is collected first, so a collector pause caused by one
    extractor's allocations is not billed to the next one.
    """
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    text = extractor(html, url)
    return text, time.perf_counter() - wall, time.process_time() - cpu


def _ms(wall: list[float], cpu: list[float]) -> dict[str, float]:
    ordered = sorted(wall)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p99_ms": p99 * 1000,
        "total_s": sum(ordered),
        "cpu_median_ms": statistics.median(cpu) * 1000,
        "cpu_total_s": sum(cpu),
    }


def timing_stats(
    walls: dict[str, list[float]], cpus: dict[str, list[float]], reference: str = "trafilatura"
) -> dict[str, dict[str, float]]:
    """Median/p99/totals per name, with total time as a ratio of ``reference``'s."""
    timing = {name: _ms(walls[name], cpus[name]) for name in walls}
    base = timing[reference]
    for stats in timing.values():
        stats["ratio"] = stats["total_s"] / base["total_s"]
        stats["cpu_ratio"] = stats["cpu_total_s"] / base["cpu_total_s"]
    return timing


Page = tuple[str, str | None, str, Any]  # id, url, html, truth (text or snippet lists)
# Our page F1 below this where trafilatura's default is above GOOD_F1: a catastrophic page.
CATASTROPHIC_F1 = 0.3
GOOD_F1 = 0.8


def load_snippet_pages(data: Path, limit: int | None) -> list[Page]:
    """(id, url, html, (with, without)) of trafilatura's evaluation set, in file order.

    Its URLs are labels (``hard::name.html``), not addresses: they are passed as ``None``.
    """
    pages: list[Page] = []
    with gzip.open(data / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            url = row["url"] if str(row["url"]).startswith("http") else None
            pages.append((row["id"], url, row["html"], (row["with"], row["without"])))
            if limit is not None and len(pages) >= limit:
                break
    return pages


def catastrophic(name: str, per_page: dict[str, dict[str, float]]) -> int:
    """Pages where ``name`` scores below CATASTROPHIC_F1 and trafilatura above GOOD_F1."""
    return sum(
        1
        for scores in per_page.values()
        if scores[name] < CATASTROPHIC_F1 and scores["trafilatura"] > GOOD_F1
    )


def run(
    data: Path,
    limit: int | None,
    snippet_data: Path | None = None,
    extra: Sequence[tuple[str, list[Page]]] = (),
    shipped: bool = True,
) -> dict[str, Any]:
    """Both shipped sets (the snippet set when ``snippet_data`` holds it; neither when not
    ``shipped``), then each named ``extra`` set (``--pages``), each scored and timed."""
    result: dict[str, Any] = {}
    if shipped:
        scrapinghub = load_pages(data, limit)
        warm_up(scrapinghub)
        result["scrapinghub"] = run_set(scrapinghub, snippets=False)
        if snippet_data is not None and (snippet_data / "pages.jsonl.gz").exists():
            pages = load_snippet_pages(snippet_data, limit)
            result["trafilatura_eval"] = run_set(pages, snippets=True)
    elif extra:
        warm_up(extra[0][1])
    for name, pages in extra:
        result[name] = run_set(pages, snippets=False)
    return result


def warm_up(pages: Sequence[Page]) -> None:
    """Pay one-time start-up costs before the first set is timed.

    Otherwise the first set would bill them to whichever extractor meets them first: justext's
    stoplists, which trafilatura loads on its first justext fallback (ours can reach it too),
    took 0.12-0.16 s, as much as 20 ordinary pages of trafilatura. So: load them, then run
    every extractor (and the pipeline) once on the first page, untimed.
    """
    from trafilatura import external

    if not getattr(external, "JT_STOPLIST", True):
        external.jt_stoplist_init()
    pipeline = _pipeline()
    for _, url, html, _truth in pages[:1]:
        for extractor in [*EXTRACTORS.values(), *([pipeline] if pipeline else [])]:
            extractor(html, url)


class PagesError(ValueError):
    """A ``--pages`` folder that does not hold the layout it was named as (one-line message)."""


def _read(path: Path) -> str:
    """A page or expected-text file: UTF-8 when it is (as the shipped sets are read), else
    decoded as the bot decodes an unlabelled body (BOM, declared charset, detection)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_body(raw, None)


def html_text(html: str) -> str:
    """An expected-output HTML fragment's text: one paragraph per block element, blank lines
    between (the metric reads words only; the paragraphs are for people reading the JSON)."""
    if not html.strip():
        return ""
    return "\n\n".join(block.text for block in from_html(fromstring(html)))


def load_readability_pages(folder: Path, limit: int | None = None) -> list[Page]:
    """(name, None, source HTML, expected text) of Mozilla Readability's test pages, by name.

    ``folder`` is ``test/test-pages`` or the repository's root. Upstream keeps a few pages
    with no ``expected.html`` (they test other things): those are skipped.
    """
    nested = folder / "test" / "test-pages"
    base = nested if nested.is_dir() else folder
    if not base.is_dir():
        raise PagesError(f"readability pages: no folder at {folder}")
    pairs = (
        (page_dir.name, page_dir / "source.html", page_dir / "expected.html")
        for page_dir in sorted(path for path in base.iterdir() if path.is_dir())
    )
    pages = (
        (name, None, _read(source), html_text(_read(expected)))
        for name, source, expected in pairs
        if source.is_file() and expected.is_file()
    )
    return _first(
        pages,
        limit,
        f"readability pages: no <name>/source.html with <name>/expected.html in {base}",
    )


# dragnet_data's README: text before this line is the article, text after it the comments.
# Upstream's reader allows any whitespace run between the marker and the word.
_DRAGNET_COMMENTS = re.compile(r"\n*!@#\$%\^&\*\(\)\s+COMMENTS\n*")


def load_dragnet_pages(folder: Path, limit: int | None = None) -> list[Page]:
    """(id, None, HTML, article text) of a dragnet_data-style set, in id order: ``HTML/<id>.html``
    with ``Corrected/<id>.html.corrected.txt``, the comments after the marker line dropped.
    Pages without a corrected file are skipped (upstream's readers pair the two the same way)."""
    html_dir, gold_dir = folder / "HTML", folder / "Corrected"
    if not (html_dir.is_dir() and gold_dir.is_dir()):
        raise PagesError(f"dragnet pages: no HTML/ and Corrected/ folders in {folder}")
    pairs = (
        (html_path, gold_dir / f"{html_path.name}.corrected.txt")
        for html_path in sorted(html_dir.glob("*.html"))
    )
    pages = (
        (html_path.stem, None, _read(html_path), _dragnet_article(_read(gold)))
        for html_path, gold in pairs
        if gold.is_file()
    )
    return _first(
        pages,
        limit,
        f"dragnet pages: no HTML/<id>.html with Corrected/<id>.html.corrected.txt in {folder}",
    )


def _dragnet_article(corrected: str) -> str:
    """The article part of a dragnet corrected file: the text before the comments marker."""
    return _DRAGNET_COMMENTS.split(corrected, maxsplit=1)[0].strip()


def _first(pages: Iterator[Page], limit: int | None, empty: str) -> list[Page]:
    """The first ``limit`` of ``pages`` (all when None), read lazily; ``PagesError(empty)``
    when there are none."""
    taken = list(islice(pages, limit))
    if not taken:
        raise PagesError(empty)
    return taken


PageLoader = Callable[[Path, int | None], list[Page]]
PAGE_LOADERS: dict[str, PageLoader] = {
    "readability": load_readability_pages,
    "dragnet": load_dragnet_pages,
}


def pages_spec(value: str) -> tuple[str, Path]:
    """``KIND:DIR`` of ``--pages`` as (kind, folder); an unknown kind is a usage error."""
    kind, colon, folder = value.partition(":")
    if not colon or not folder:
        raise argparse.ArgumentTypeError(f"expected KIND:DIR, got {value!r}")
    if kind not in PAGE_LOADERS:
        raise argparse.ArgumentTypeError(
            f"unknown layout {kind!r} (one of: {', '.join(PAGE_LOADERS)})"
        )
    return kind, Path(folder)


def load_extra_sets(
    specs: Sequence[tuple[str, Path]], limit: int | None
) -> list[tuple[str, list[Page]]]:
    """Each ``--pages`` set, loaded before anything runs so that a bad folder fails at once.

    A set is named after its layout; a layout given twice names its later sets by folder too.
    """
    sets: list[tuple[str, list[Page]]] = []
    for kind, folder in specs:
        name = kind if all(kind != taken for taken, _ in sets) else f"{kind}:{folder}"
        sets.append((name, PAGE_LOADERS[kind](folder, limit)))
    return sets


def _order(number: int) -> list[str]:
    """The extractors in the order they run on page ``number``: ours and trafilatura's default
    take turns at going first (see the module doc), the other references follow."""
    names = list(EXTRACTORS)
    if number % 2:
        first, second = names.index("keypoints"), names.index("trafilatura")
        names[first], names[second] = names[second], names[first]
    return names


def run_set(pages: Sequence[Page], snippets: bool) -> dict[str, Any]:
    """Score every extractor on every page and time ours against plain trafilatura."""
    pipeline = _pipeline()
    timed = {"keypoints", "trafilatura"} | ({"pipeline"} if pipeline else set())
    scores: dict[str, list[tuple[PageScore, bool]]] = {name: [] for name in EXTRACTORS}
    counts: dict[str, list[SnippetCounts]] = {name: [] for name in EXTRACTORS}
    walls: dict[str, list[float]] = {name: [] for name in timed}
    cpus: dict[str, list[float]] = {name: [] for name in timed}
    per_page: dict[str, dict[str, float]] = {}
    for number, (page_id, url, html, truth) in enumerate(pages):
        per_page[page_id] = {}
        for name in _order(number):
            text, wall, cpu = _timed(EXTRACTORS[name], html, url)
            if snippets:
                count = score_snippets(text, *truth)
                counts[name].append(count)
                per_page[page_id][name] = round(count.f1, 4)
            else:
                page = score_page(truth, text)
                scores[name].append((page, tokens(truth) == tokens(text)))
                per_page[page_id][name] = round(page.f1, 4)
            if name in walls:
                walls[name].append(wall)
                cpus[name].append(cpu)
        if pipeline:
            _, wall, cpu = _timed(pipeline, html, url)
            walls["pipeline"].append(wall)
            cpus["pipeline"].append(cpu)
    summary: dict[str, dict[str, float]] = {}
    for name in EXTRACTORS:
        if snippets:
            c = total(counts[name])
            summary[name] = {
                "f1": c.f1,
                "precision": c.precision,
                "recall": c.recall,
                "accuracy": c.accuracy,
                "must_not_violations": c.fp,
                "pages": len(pages),
            }
        else:
            summary[name] = asdict(aggregate(scores[name]))
        summary[name]["catastrophic"] = catastrophic(name, per_page)
    result: dict[str, Any] = {
        "pages": len(pages),
        "metric": "snippets" if snippets else "shingles",
        "scores": summary,
        "timing": timing_stats(walls, cpus),
        "per_page_f1": per_page,
    }
    if snippets:
        languages = [page_language(html) for _, _, html, _ in pages]
        result["f1_by_language"] = by_language(languages, counts)
    return result


_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


def page_language(html: str) -> str:
    """The page's declared language (``<html lang>``, lower-cased), "?" when it has none."""
    match = _LANG.search(html, 0, 20_000)
    return match.group(1).lower() if match else "?"


def by_language(
    languages: list[str], counts: dict[str, list[SnippetCounts]], top: int = 6
) -> dict[str, dict[str, float]]:
    """Snippet F1 of ours and trafilatura's default for the ``top`` most common languages (so
    that a rule that helps one language is seen hurting another)."""
    result: dict[str, dict[str, float]] = {}
    for language, pages in Counter(languages).most_common(top):
        chosen = [i for i, lang in enumerate(languages) if lang == language]
        result[language] = {"pages": pages} | {
            name: round(total(counts[name][i] for i in chosen).f1, 3)
            for name in ("keypoints", "trafilatura")
        }
    return result


def markdown(result: dict[str, Any]) -> str:
    """Each set's result as a Markdown table (accuracy for all, time where measured)."""
    lines: list[str] = []
    for set_name, one in result.items():
        snippet = one.get("metric") == "snippets"
        fourth = "must-not violations" if snippet else "exact"
        lines += [
            f"{set_name}: {one['pages']} pages",
            "",
            f"| extractor | F1 | precision | recall | {fourth} | catastrophic | median ms "
            "| p99 ms | time vs trafilatura (wall / CPU) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        rows = list(one["scores"].items()) + [
            (name, None) for name in one["timing"] if name not in one["scores"]
        ]
        for name, s in rows:
            t = one["timing"].get(name)
            if s is None:
                extra = ""
            else:
                extra = f"{s['must_not_violations']}" if snippet else f"{s['accuracy']:.3f}"
            quality = (
                f"{s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {extra} "
                f"| {s['catastrophic']}"
                if s
                else "– | – | – | – | –"
            )
            speed = (
                f"{t['median_ms']:.1f} | {t['p99_ms']:.1f} "
                f"| {t['ratio']:.2f}× / {t['cpu_ratio']:.2f}×"
                if t
                else "– | – | –"
            )
            lines.append(f"| {name} | {quality} | {speed} |")
        if "f1_by_language" in one:
            lines.append("")
            lines.append(
                "F1 by language (ours / trafilatura): "
                + ", ".join(
                    f"{lang} ({v['pages']:.0f}) {v['keypoints']:.3f} / {v['trafilatura']:.3f}"
                    for lang, v in one["f1_by_language"].items()
                )
            )
        lines.append("")
    return "\n".join(lines)


def losers(result: dict[str, Any], n: int) -> str:
    """Per set: the catastrophic pages, then the ``n`` pages where we trail trafilatura's
    default most (page id, our F1, trafilatura's), to look at one by one."""
    lines: list[str] = []
    for set_name, one in result.items():
        per_page = one["per_page_f1"]
        worst = sorted(per_page.items(), key=lambda kv: kv[1]["keypoints"] - kv[1]["trafilatura"])
        bad = [page for page, f1 in per_page.items() if _is_catastrophic(f1)]
        lines.append(f"{set_name}: catastrophic {len(bad)}: {', '.join(bad) or '-'}")
        for page, f1 in worst[:n]:
            if f1["keypoints"] >= f1["trafilatura"]:
                break
            ours, theirs = f1["keypoints"], f1["trafilatura"]
            lines.append(f"  {page}  ours {ours:.3f}  trafilatura {theirs:.3f}")
    return "\n".join(lines)


def _is_catastrophic(f1: dict[str, float]) -> bool:
    return f1["keypoints"] < CATASTROPHIC_F1 and f1["trafilatura"] > GOOD_F1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--data", type=Path, default=DATA, help="benchmark folder")
    parser.add_argument(
        "--snippet-data", type=Path, default=SNIPPET_DATA, help="trafilatura evaluation set"
    )
    parser.add_argument(
        "--pages",
        type=pages_spec,
        action="append",
        default=[],
        metavar="KIND:DIR",
        help=f"also score a public set in layout KIND ({', '.join(PAGE_LOADERS)}); repeatable",
    )
    parser.add_argument(
        "--only-pages", action="store_true", help="run only the --pages sets, not the shipped two"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON results file (default {RESULTS.name}; {PAGES_RESULTS.name} with --only-pages)",
    )
    parser.add_argument(
        "--losers",
        type=int,
        default=0,
        metavar="N",
        help="also list the catastrophic pages and the N pages where we trail trafilatura most",
    )
    args = parser.parse_args(argv)
    if args.only_pages and not args.pages:
        parser.error("--only-pages needs at least one --pages KIND:DIR")
    if not args.only_pages and not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found at {args.data}", file=sys.stderr)
        return 2
    try:
        extra = load_extra_sets(args.pages, args.limit)
    except PagesError as error:
        print(f"bench_extraction: {error}", file=sys.stderr)
        return 2
    result = run(args.data, args.limit, args.snippet_data, extra=extra, shipped=not args.only_pages)
    print(markdown(result))
    if args.losers:
        print(losers(result, args.losers))
    output = args.output or (PAGES_RESULTS if args.only_pages else RESULTS)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
