"""PDF figures (issue 14): wall time, CPU time and peak memory of reading and summarising the
PDFs of ``tests/fakes/pdfs.py``, ordinary and hostile. Target for hostile files: under 20 s and
256 MB over the process's resting size, ending in a summary or a short reason.

Run from the project root:  .venv/bin/python bench/bench_pdf.py
Each file runs in a fresh Python process (so its peak RSS is its own) that imports the
pipeline, warms it on a small PDF, notes its RSS, then reads the file once, as a worker does.
This is the cost without the worker's outside budget (5 s, 496 MB), i.e. what pypdf's limits,
the page cap and the time budget alone achieve.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fresh_process import run_child  # noqa: E402

TARGET_S = 20.0
TARGET_MB = 256

FILES = {
    "paper, 1 page (abstract + introduction)": "paper_pdf()",
    "report, 30 pages of prose": "build_pdf([wrap(REPORT * 8)] * 30)",
    "decompression bomb (1 GB stream)": "decompression_bomb(1024)",
    "objects nested 200,000 deep": "deep_nesting()",
    "10,000 pages": "many_pages(10_000, wrap(REPORT))",
    "scan (no text layer)": "scanned(20)",
}

_CHILD = """
import json, resource, sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from fakes.pdfs import *
from test_pdf import REPORT
from bot.errors import KeypointsError
from bot.pipeline import summarize_pdf

summarize_pdf(paper_pdf(), "https://example.com/w.pdf", 3, "default")
data = {expr}
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, wall = time.process_time(), time.perf_counter()
try:
    summary = summarize_pdf(data, "https://example.com/p.pdf", 3, "default")[0]
    outcome = f"{{len(summary.bullets)}} bullet(s)"
except KeypointsError as exc:
    outcome = exc.message
cpu, wall = time.process_time() - start, time.perf_counter() - wall
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"mb": len(data) / 1e6, "cpu": cpu, "wall": wall, "base_kb": base,
                  "peak_kb": peak, "outcome": outcome}}))
"""


def measure(expr: str) -> dict[str, object]:
    """One file in a fresh interpreter: its size, times, RSS figures and outcome."""
    code = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), expr=expr)
    return run_child(code)


def main() -> None:
    print("| file | MB | wall s | CPU s | peak RSS MB | added MB | outcome |")
    print("|---|---|---|---|---|---|---|")
    for name, expr in FILES.items():
        r = measure(expr)
        base, peak = int(r["base_kb"]) / 1024, int(r["peak_kb"]) / 1024  # type: ignore[call-overload]
        print(
            f"| {name} | {r['mb']:.2f} | {r['wall']:.2f} | {r['cpu']:.2f} | {peak:.0f} "
            f"| {peak - base:.0f} | {r['outcome']} |"
        )


if __name__ == "__main__":
    main()
