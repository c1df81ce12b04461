"""External tools some tests need (Chromium, Graphviz, the SARIF schema): find them, or skip.

A missing tool skips its tests with the reason, so `python -m pytest` passes on a fresh machine.
CI installs them all (.ci/run) and sets GCVERIFY_REQUIRE_TOOLS=1: then a missing tool fails the
test instead, so a broken install cannot turn into a quietly skipped check.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REQUIRE = os.environ.get("GCVERIFY_REQUIRE_TOOLS") == "1"


def need(what: str, found: bool, how: str) -> None:
    """Skip (or with GCVERIFY_REQUIRE_TOOLS=1, fail) unless `found`."""
    if found:
        return
    message = f"{what} is not available; {how}"
    if REQUIRE:
        pytest.fail(f"{message} (GCVERIFY_REQUIRE_TOOLS=1 requires it)")
    pytest.skip(message)


def sarif_schema() -> dict[str, Any]:
    """The SARIF 2.1.0 JSON schema, from the file GCVERIFY_SARIF_SCHEMA names (.ci/tools fetches it)."""
    path = os.environ.get("GCVERIFY_SARIF_SCHEMA", "")
    need(
        "the SARIF 2.1.0 schema",
        bool(path) and Path(path).is_file(),
        'run `eval "$(bash .ci/tools)"` to fetch it and set GCVERIFY_SARIF_SCHEMA',
    )
    schema: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return schema
