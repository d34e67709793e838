"""Wall-clock start-up of the ``keypoints`` command, as a user meets it.

Run: ``.venv/bin/python bench/bench_startup.py [--runs N]``. Each case runs the installed
entry point (``.venv/bin/keypoints``; ``python -m bot`` if it is missing) as a fresh
subprocess N times after one unmeasured warm-up run (so the OS file cache is warm, as on a
second call), and reports the median and the slowest run. Targets: every ``--help`` under
0.3 s, ``summarize FILE.txt`` under 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_TXT = ROOT / "tests" / "fixtures" / "cli" / "article.txt"
ARTICLE_HTML = ROOT / "tests" / "fixtures" / "cli" / "article.html"
HELP_TARGET = 0.3
SUMMARIZE_TARGET = 1.0

CASES: list[tuple[list[str], float]] = [
    (["--help"], HELP_TARGET),
    *(
        ([command, "--help"], HELP_TARGET)
        for command in ("summarize", "batch", "serve", "console", "digest", "migrate")
    ),
    (["summarize", str(ARTICLE_TXT)], SUMMARIZE_TARGET),
    (["summarize", str(ARTICLE_HTML)], SUMMARIZE_TARGET),
]


def command_prefix() -> list[str]:
    script = Path(sys.executable).parent / "keypoints"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def time_once(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, cwd=ROOT, env=os.environ.copy())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {result.returncode}: {result.stderr!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per case (7)")
    args = parser.parse_args()
    prefix = command_prefix()
    print(f"command: {' '.join(prefix)}; {args.runs} runs per case after a warm-up")
    # Wall time is only meaningful on an idle machine; CPU time shows the import cost anyway.
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| command | median s | max s | median CPU s | target s | ok |")
    print("|---|---|---|---|---|---|")
    for case, target in CASES:
        argv = prefix + case
        time_once(argv)  # warm-up: file cache, .pyc files
        runs = [time_once(argv) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        shown = " ".join(Path(a).name if "/" in a else a for a in case)
        ok = "yes" if wall < target else "NO"
        print(
            f"| `keypoints {shown}` | {wall:.3f} | {max(r[0] for r in runs):.3f} "
            f"| {cpu:.3f} | < {target} | {ok} |"
        )


if __name__ == "__main__":
    main()
