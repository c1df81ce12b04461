"""gcverify: a model checker for garbage-collector correctness.

The public API is small: load a spec, check it (telling a `Reporter` how it goes, if you like),
read the results.  Everything else is an
implementation detail of the pipeline (see DESIGN.md): source -> syntax -> ir -> semantics ->
explore -> results -> report.  The names are imported when first used (PEP 562), so that
importing a part of gcverify (`gcverify.__main__`, `gcverify.budget`) does not load all of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gcverify.pipeline import CheckConfig, check_spec, load_spec
    from gcverify.reporter import Progress, Reporter
    from gcverify.results import CheckResult, SpecResult, Verdict

__all__ = ["CheckConfig", "CheckResult", "Progress", "Reporter", "SpecResult", "Verdict", "check_spec", "load_spec"]
__version__ = "0.1.0"

_HOMES = {
    "CheckConfig": "gcverify.pipeline",
    "check_spec": "gcverify.pipeline",
    "load_spec": "gcverify.pipeline",
    "CheckResult": "gcverify.results",
    "SpecResult": "gcverify.results",
    "Verdict": "gcverify.results",
    "Progress": "gcverify.reporter",
    "Reporter": "gcverify.reporter",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'gcverify' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
