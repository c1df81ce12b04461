"""Test-suite configuration: hypothesis profiles.

`dev` (the default) explores a fresh random sample on every run; `ci` (chosen when the environment
variable CI is set) is derandomized, so a CI run is reproducible.  Neither has a deadline: the
first example of a run pays for building the parser, and shared CI machines are slow.
Select one explicitly with `pytest --hypothesis-profile=ci`.
"""

from __future__ import annotations

import os

from hypothesis import settings

pytest_plugins = ["pytester"]  # tests/unit/test_pytest_plugin.py runs pytest on spec files

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if "CI" in os.environ else "dev")
