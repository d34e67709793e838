"""Wall-clock start-up of the ``keypoints`` command, as a user meets it.

Run: ``.venv/bin/python bench/bench_startup.py [--runs N]``. Each case runs the installed
entry point (``.venv/bin/keypoints``; ``python -m bot`` if it is missing) as a fresh
subprocess N times after one unmeasured warm-up run (so the OS file cache is warm, as on a
second call), and reports the median and the slowest run. Targets: every ``--help`` under
0.3 s, ``summarize FILE.txt`` under 1 s. ``de.txt`` is the German test article
(``tests/fakes/multilingual.py``): a text that is not plainly English, so the language model
loads.

``--against DIR`` also times another copy of the code (a directory holding its ``bot``
package, e.g. ``git archive HEAD bot | tar -x -C /tmp/before``) with the same interpreter and
fixtures, alternating the two run by run, so a busy machine slows both alike; both then run as
``python -m bot``. ``--only summarize`` skips the ``--help`` cases.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_TXT = ROOT / "tests" / "fixtures" / "cli" / "article.txt"
ARTICLE_HTML = ROOT / "tests" / "fixtures" / "cli" / "article.html"
GERMAN_TXT = Path(tempfile.gettempdir()) / "keypoints-bench" / "de.txt"  # written by main()
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
    (["summarize", str(GERMAN_TXT)], SUMMARIZE_TARGET),
]


def write_german_article() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from fakes.multilingual import SAMPLES

    german = SAMPLES["de"]
    GERMAN_TXT.parent.mkdir(exist_ok=True)
    GERMAN_TXT.write_text(f"{german.title}\n\n{german.text}\n", encoding="utf-8")


def command_prefix() -> list[str]:
    script = Path(sys.executable).parent / "keypoints"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def time_once(argv: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, cwd=cwd, env=os.environ.copy())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {result.returncode}: {result.stderr!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _row(label: str, runs: list[tuple[float, float]], target: float) -> str:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    ok = "yes" if wall < target else "NO"
    return (
        f"| {label} | {wall:.3f} | {max(r[0] for r in runs):.3f} | {cpu:.3f} | < {target} | {ok} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per case (7)")
    parser.add_argument(
        "--against", type=Path, metavar="DIR", help="also time the bot package in DIR"
    )
    parser.add_argument("--only", choices=["summarize"], help="only the summarize cases")
    args = parser.parse_args()
    write_german_article()
    # Each variant: a label, the command prefix and the working directory (``-m bot`` finds
    # the package there first).
    variants = [("", command_prefix(), ROOT)]
    if args.against:
        module = [sys.executable, "-m", "bot"]
        variants = [("", module, ROOT), (" (reference)", module, args.against.resolve())]
    print(f"command: {' '.join(variants[0][1])}; {args.runs} runs per case after a warm-up")
    if args.against:
        print(f"reference: the bot package in {args.against.resolve()}, runs alternating")
    # Wall time is only meaningful on an idle machine; CPU time shows the import cost anyway.
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| command | median s | max s | median CPU s | target s | ok |")
    print("|---|---|---|---|---|---|")
    cases = [c for c in CASES if not args.only or "--help" not in c[0]]
    for case, target in cases:
        runs: list[list[tuple[float, float]]] = [[] for _ in variants]
        for _, prefix, cwd in variants:
            time_once(prefix + case, cwd)  # warm-up: file cache, .pyc files
        for _ in range(args.runs):
            for results, (_, prefix, cwd) in zip(runs, variants, strict=True):
                results.append(time_once(prefix + case, cwd))
        shown = " ".join(Path(a).name if "/" in a else a for a in case)
        for results, (label, _, _) in zip(runs, variants, strict=True):
            print(_row(f"`keypoints {shown}`{label}", results, target))


if __name__ == "__main__":
    main()
