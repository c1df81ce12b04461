"""JUnit XML results: one test case per (spec, property), for CI systems that show test reports.

Owns: `render_junit(results, errors)`.  A property whose expectation is met passes (a violation that
was expected keeps its trace in `system-out`); one that is not met is a `failure` whose message says
what was expected and what was found and whose text is the rendered counterexample; an `unknown`
is an `error` (the check did not finish), with the reason.  A spec that could not be loaded is a
suite with one `error` case per diagnostic.  Deterministic: no timestamps or host names.
Must not import z3 or re-run anything.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gcverify import wording
from gcverify.report.text import render_trace
from gcverify.results import CheckResult, LoadError, SpecResult, Verdict


def _case(suite: ET.Element, r: SpecResult, c: CheckResult) -> tuple[int, int]:
    """Add the test case of one property; (failures, errors) it adds."""
    case = ET.SubElement(
        suite, "testcase", classname=f"gcverify.{r.name}", name=c.property.display, time=f"{c.seconds:.3f}"
    )
    if c.span is not None:
        case.set("file", c.span.file.name)
        case.set("line", str(c.span.start.line))
    expected = c.expected.value if c.expected is not None else "holds"
    if c.verdict is Verdict.UNKNOWN:
        error = ET.SubElement(case, "error", type="unknown", message=f"expected {expected}, unknown")
        error.text = wording.describe(c.evidence)
        return 0, 1
    trace = render_trace(r, c) if c.finding is not None else None
    if not c.met:
        failure = ET.SubElement(
            case, "failure", type=c.verdict.value, message=f"expected {expected}, {c.verdict.value}"
        )
        failure.text = trace if trace is not None else wording.describe(c.evidence)
        return 1, 0
    if trace is not None:
        ET.SubElement(case, "system-out").text = trace
    return 0, 0


def _suite(root: ET.Element, r: SpecResult) -> tuple[int, int, int]:
    suite = ET.SubElement(root, "testsuite", name=r.name, time=f"{r.seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    for name, value in r.spec.consts:
        ET.SubElement(props, "property", name=name, value=str(value))
    failures = errors = 0
    for c in r.results:
        f, e = _case(suite, r, c)
        failures, errors = failures + f, errors + e
    suite.set("tests", str(len(r.results)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    return len(r.results), failures, errors


def render_junit(results: Sequence[SpecResult], errors: Sequence[LoadError] = ()) -> str:
    root = ET.Element("testsuites", name="gcverify")
    tests = failures = errs = 0
    for r in results:
        t, f, e = _suite(root, r)
        tests, failures, errs = tests + t, failures + f, errs + e
    by_file: dict[str, list[LoadError]] = {}
    for d in errors:
        by_file.setdefault(d.file, []).append(d)
    for file, diags in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=file, tests=str(len(diags)), failures="0", errors=str(len(diags)))
        for d in diags:
            where = str(d.span) if d.span is not None else file
            case = ET.SubElement(suite, "testcase", classname="gcverify.load", name=f"{d.code.id} {where}")
            ET.SubElement(case, "error", type=d.code.id, message=d.message)
        tests, errs = tests + len(diags), errs + len(diags)
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(errs))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
