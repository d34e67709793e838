"""Hostile-page figures: CPU time and peak memory of extract → summarise for each shape in
``tests/fakes/hostile_pages.py`` (issue 16). Target: at most 2 s of CPU and 256 MB each.

Run from the project root:  .venv/bin/python bench/bench_hostile.py
Each shape runs in a fresh Python process, so its peak RSS is its own: the process imports the
pipeline, warms it on a small article, notes its RSS, then reads the page once (as a worker
does). "Added" is the peak minus that baseline: what the page itself cost.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.hostile_pages import SHAPES  # noqa: E402

from bench.fresh_process import run_child  # noqa: E402

TARGET_CPU_S = 2.0
TARGET_MB = 256

_CHILD = """
import json, resource, sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from fakes.article_site import article_page
from fakes.hostile_pages import SHAPES
from bot.errors import KeypointsError
from bot.pipeline import summarize_page

summarize_page(article_page("Warm up"), "https://news.example.com/a", 3, "default")
html = SHAPES[{name!r}]()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
try:
    summary = summarize_page(html, "https://news.example.com/a", 3, "default")[0]
    outcome = f"{{len(summary.bullets)}} bullet(s)"
except KeypointsError as exc:
    outcome = exc.message
cpu = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"cpu": cpu, "base_kb": base, "peak_kb": peak, "outcome": outcome}}))
"""


def measure(name: str) -> dict[str, object]:
    """One shape in a fresh interpreter; its CPU seconds, RSS figures and outcome."""
    code = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), name=name)
    return run_child(code)


def main() -> None:
    print("| shape | page MB | gzipped KB | CPU s | peak RSS MB | added MB | outcome |")
    print("|---|---|---|---|---|---|---|")
    worst_cpu = worst_mb = 0.0
    for name, build in SHAPES.items():
        page = build().encode()
        row = measure(name)
        cpu = float(row["cpu"])  # type: ignore[arg-type]
        peak = int(row["peak_kb"]) / 1024  # type: ignore[call-overload]
        added = peak - int(row["base_kb"]) / 1024  # type: ignore[call-overload]
        worst_cpu, worst_mb = max(worst_cpu, cpu), max(worst_mb, added)
        print(
            f"| {name} | {len(page) / 1e6:.2f} | {len(gzip.compress(page)) / 1e3:.0f} "
            f"| {cpu:.2f} | {peak:.0f} | {added:.0f} | {row['outcome']} |"
        )
    verdict = "PASS" if worst_cpu <= TARGET_CPU_S and worst_mb <= TARGET_MB else "FAIL"
    print(
        f"\nworst: {worst_cpu:.2f} s CPU, {worst_mb:.0f} MB added "
        f"(target {TARGET_CPU_S:g} s, {TARGET_MB} MB): {verdict}"
    )


if __name__ == "__main__":
    main()
