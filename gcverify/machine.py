"""What the machine and the user give a run: the cores it may use and where it may keep a cache.

Owns: `cores()` and `cache_dir()` ($GCVERIFY_CACHE_DIR, else `$XDG_CACHE_HOME/gcverify` or
`~/.cache/gcverify`: the parser's analysed grammar and, under `native/`, compiled models).
Must not import anything from gcverify.
"""

from __future__ import annotations

import os
from pathlib import Path


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cache_dir() -> Path:
    explicit = os.environ.get("GCVERIFY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gcverify"
