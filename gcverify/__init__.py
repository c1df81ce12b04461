"""gcverify: a model checker for garbage-collector correctness.

The public API is small: load a spec, check it (telling a `Reporter` how it goes, if you like),
read the results.  Everything else is an
implementation detail of the pipeline (see DESIGN.md): source -> syntax -> ir -> semantics ->
explore -> results -> report.
"""

from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.reporter import Progress, Reporter
from gcverify.results import CheckResult, SpecResult, Verdict

__all__ = ["CheckConfig", "CheckResult", "Progress", "Reporter", "SpecResult", "Verdict", "check_spec", "load_spec"]
__version__ = "0.1.0"
