"""Run a measurement in a fresh interpreter, so its peak RSS and CPU time are its own."""

from __future__ import annotations

import json
import subprocess
import sys


def run_child(code: str, timeout: float = 600) -> dict[str, object]:
    """Run ``code`` with ``python -c``; the JSON object on the last line it prints."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
