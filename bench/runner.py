"""Running the `gcverify` command line for the benchmarks: one subprocess per run, so that a time
limit stops it cleanly, with its `--json` document parsed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def gcverify(args: list[str], limit: float) -> tuple[dict[str, Any] | None, float, int | None, str]:
    """(the JSON document or None, wall seconds, exit code or None on timeout, stderr's first line)."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "gcverify", *args, "--json", "-"],
            capture_output=True,
            text=True,
            timeout=limit,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start, None, ""
    seconds = time.monotonic() - start
    begin = re.search(r"^\{", done.stdout, flags=re.M)  # the text report before it may hold "{ … }"
    doc = json.loads(done.stdout[begin.start() :]) if begin else None
    err = done.stderr.strip().splitlines()
    return doc, seconds, done.returncode, err[0] if err else ""
