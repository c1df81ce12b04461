"""The pytest plugin (entry point `pytest11: gcverify`): `pytest specs/` checks .gcv files.

Owns: collecting each spec file's properties as test items (`specs/x.gcv::no_live_freed`), running
them, and the failure report (what was expected, what was found with its scope, and the
counterexample as `gcverify check` prints it).  A spec is checked once, by its first item to run;
the others read the same result, so `-k` picks properties without re-running anything else.
A spec that does not load is one failing item, `SPEC.gcv::load`, with the diagnostics.

Markers on every item: `gcverify`, and `gcverify_holds` or `gcverify_violated` (the expectation).
Options: `--gcverify-set NAME=VALUE` (for the specs that declare NAME; a NAME that no collected
spec declares is a usage error), `--gcverify-max-states N`, `--gcverify-max-seconds S`.
Library files (no `spec NAME` line) are not collected.  No checking logic lives here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from gcverify import wording
from gcverify.diagnostics import GcverifyError
from gcverify.dsl.loader import is_spec
from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, check_spec, load_spec, parse_overrides
from gcverify.report.text import render_trace
from gcverify.results import CheckResult, SpecResult, Verdict

MARKERS = {
    "gcverify": "a property of a gcverify spec (.gcv)",
    "gcverify_holds": "a gcverify property expected to hold",
    "gcverify_violated": "a gcverify property expected to be violated",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gcverify", "gcverify specs (.gcv)")
    group.addoption(
        "--gcverify-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Override a constant in every spec that declares it (repeatable).",
    )
    group.addoption("--gcverify-max-states", type=int, metavar="N", help="Stop a search after N states (unknown).")
    group.addoption("--gcverify-max-seconds", type=float, metavar="S", help="Stop a search after S seconds (unknown).")


SETS = pytest.StashKey[dict[str, str]]()
DECLARED = pytest.StashKey[set[str]]()  # the constants of the specs collected so far


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    try:
        config.stash[SETS] = parse_overrides(str(s) for s in config.getoption("gcverify_set", None) or [])
    except ValueError as e:
        raise pytest.UsageError(f"--gcverify-set {e}") from e
    config.stash[DECLARED] = set()


def pytest_collection_finish(session: pytest.Session) -> None:
    """A --gcverify-set that no collected spec declares is a typo, not a no-op."""
    declared: set[str] = session.config.stash[DECLARED]
    sets: dict[str, str] = session.config.stash[SETS]
    unknown = sorted(set(sets) - declared)
    if declared and unknown:
        raise pytest.UsageError(
            f"--gcverify-set {', '.join(unknown)}: no collected spec declares such a constant "
            f"(they declare {', '.join(sorted(declared))})"
        )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".gcv" and is_spec(file_path):
        spec_file: SpecFile = SpecFile.from_parent(parent, path=file_path)
        return spec_file
    return None


class SpecFile(pytest.File):
    """One .gcv spec: an item per property (invariants, in the order declared)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._spec: n.Spec | None = None
        self._result: SpecResult | GcverifyError | None = None

    def overrides(self, spec: n.Spec) -> dict[str, str]:
        """The --gcverify-set values of the constants `spec` declares."""
        declared = {name for name, _ in spec.consts}
        return {k: v for k, v in self.config.stash[SETS].items() if k in declared}

    def collect(self) -> Iterator[pytest.Item]:
        try:
            spec = load_spec(self.path, {}, self.display)
        except GcverifyError as e:
            self._result = e
            load: LoadItem = LoadItem.from_parent(self, name="load")
            load.add_marker("gcverify")
            yield load
            return
        self._spec = spec
        self.config.stash[DECLARED].update(name for name, _ in spec.consts)
        # one item per property of every kind the check reports (NOTE(properties)): invariants,
        # assertions, runtime errors and, when the spec expects something of it, deadlock
        for prop in spec.safety_properties(deadlock=spec.checks_deadlock):
            exp = spec.expectation(prop)
            want = exp.verdict if exp is not None else n.Expected.HOLDS
            item: PropertyItem = PropertyItem.from_parent(self, name=prop.display)
            item.prop = prop
            item.add_marker("gcverify")
            item.add_marker(f"gcverify_{want.value}")
            span = exp.span if exp is not None and exp.span is not None else prop.span
            item.line = span.line - 1 if span is not None else None
            yield item

    @property
    def display(self) -> str:
        """The file as messages name it: relative to the rootdir when it is inside it."""
        try:
            return str(self.path.relative_to(self.config.rootpath))
        except ValueError:
            return str(self.path)

    def result(self) -> SpecResult | GcverifyError:
        """Check the spec (once) with the command-line overrides; a load error is a result too."""
        if self._result is None:
            assert self._spec is not None
            try:
                sets = self.overrides(self._spec)
                spec = load_spec(self.path, sets, self.display) if sets else self._spec

                def reload(extra: Mapping[str, str]) -> n.Spec:
                    return load_spec(self.path, {**sets, **extra}, self.display)

                config = CheckConfig(
                    overrides=sets,
                    max_states=self.config.getoption("gcverify_max_states"),
                    max_seconds=self.config.getoption("gcverify_max_seconds"),
                )
                self._result = check_spec(spec, config, reload)
            except GcverifyError as e:
                self._result = e
        return self._result


class SpecFailure(Exception):
    """An unmet expectation (or a spec that does not load): the text is the whole report."""


class PropertyItem(pytest.Item):
    line: int | None = None
    prop: n.Property | None = None  # None: the item of a spec that does not load

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, SpecFile)
        result = parent.result()
        if isinstance(result, GcverifyError):
            raise SpecFailure("\n".join(d.render() for d in result.diagnostics))
        check = next((c for c in result.results if c.property == self.prop), None)
        if check is None:
            raise SpecFailure(f"{result.name}: the check reported nothing about {self.name!r}")
        if check.finding is not None and check.met:
            self.add_report_section("call", "counterexample (expected)", render_trace(result, check))
        if not check.met:
            raise SpecFailure(_explain(result, check))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, SpecFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # Not "file::name": pytest's verbose line would turn the file's '.' into '::'.
        return self.path, self.line, f"{self.path.name}: {self.name}"


class LoadItem(PropertyItem):
    """The one item of a spec that does not load: it fails with the diagnostics."""


def _explain(result: SpecResult, check: CheckResult) -> str:
    head = wording.expectation(result, check)
    if check.verdict is Verdict.UNKNOWN:
        head += "\nThe check stopped early; raise --gcverify-max-states / --gcverify-max-seconds or remove them."
    if check.finding is not None:
        return head + "\n\n" + render_trace(result, check)
    return head
