"""Pictures of counterexamples (`gcverify trace`): the DOT graph of every state, the HTML page, the command.

The DOT text is read back with a few regular expressions (one statement per line, as report/dot.py
writes it), and what it shows is compared with the trace's states read independently: colours and
allocation through report/view.py's `value`, changed pointers through `changes`.
"""

from __future__ import annotations

import functools
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.diagnostics import ExitCode
from gcverify.dsl.loader import bundled_specs
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.report.dot import quote, render_trace_dots
from gcverify.report.html import render_html
from gcverify.report.view import changes, spec_color, value
from gcverify.results import CheckResult, SpecResult
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import State
from tests.tools import need

NONE = bundled_specs() / "barriers" / "none.gcv"  # no barrier: strong_tricolor fails in 5 steps
DIJKSTRA = bundled_specs() / "barriers" / "dijkstra_no_rescan.gcv"  # no_live_freed: 12 steps, an edge overwritten
HEAPLESS = "spec bad\nconst TOP = 1\nvar x: 0..1 = 0\nprocess P { if x < TOP { x := 1 } }\ninvariant zero: x == 0\n"
HOLDS = "spec ok\nconst TOP = 1\nvar x: 0..1 = 0\nprocess P { x := TOP }\ninvariant small: x <= 1\n"
FILLS = {"white": "white", "grey": "gray70", "black": "black"}

NODE = re.compile(r'^\s*"([^"]+)" \[(.*)\];$')
EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)"(?: \[(.*)\])?;$')
ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\s]+)')
LABEL = re.compile(r'graph \[label=("(?:[^"\\]|\\.)*")')


def attrs(text: str | None) -> dict[str, str]:
    return {k: v.strip('"') for k, v in ATTR.findall(text or "")}


def nodes(dot: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for line in dot.splitlines():
        m = NODE.match(line)
        if m and "->" not in line:
            out[m.group(1)] = attrs(m.group(2))
    return out


def edges(dot: str) -> list[tuple[str, str, dict[str, str]]]:
    return [(m.group(1), m.group(2), attrs(m.group(3))) for m in map(EDGE.match, dot.splitlines()) if m]


def red_edges(dot: str) -> set[tuple[str, str, str]]:
    """The highlighted edges as (from, to, 'new' | 'removed')."""
    return {
        (a, b, "removed" if e.get("style") == "dashed" else "new") for a, b, e in edges(dot) if e.get("color") == "red"
    }


@functools.cache
def checked(path: Path, prop: str) -> tuple[SpecResult, CheckResult]:
    result = check_spec(load_spec(path), CheckConfig())
    return result, next(c for c in result.results if c.property.display == prop)


def states_of(check: CheckResult) -> list[State]:
    assert check.finding is not None
    return [check.finding.trace.init, *(s.state for s in check.finding.trace.steps)]


def run(*args: str) -> tuple[int, str]:
    got = CliRunner().invoke(main, ["trace", *args])
    return got.exit_code, got.output


# ---------------------------------------------------------------- the DOT pictures


def test_one_file_per_state(tmp_path: Path) -> None:
    result, check = checked(NONE, "strong_tricolor")
    code, out = run(str(NONE), "strong_tricolor", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.OK, out
    files = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert files == [f"step-{i:03d}.dot" for i in range(len(states_of(check)))] == [f"step-00{i}.dot" for i in range(6)]
    # the files are the renderer's text, byte for byte, and rendering again gives the same bytes
    dots = render_trace_dots(result, check)
    assert (
        [(tmp_path / "d" / f).read_text(encoding="utf-8") for f in files]
        == dots
        == render_trace_dots(*checked(NONE, "strong_tricolor"))
    )
    assert "Counterexample for strong_tricolor in no_barrier (5 steps" in out  # the text trace too


def test_fill_colours_follow_the_colour_variable_and_free_objects_are_dashed() -> None:
    result, check = checked(DIJKSTRA, "no_live_freed")
    spec, layout = result.spec, Layout(result.spec)
    assert spec.heap is not None
    seen: set[str] = set()
    for dot, state in zip(render_trace_dots(result, check), states_of(check), strict=True):
        shown = nodes(dot)
        colours = dict(value(spec, layout, state, "color"))
        allocated = dict(value(spec, layout, state, "allocated"))
        for o in range(spec.heap.objects.size):
            node = shown[spec.heap.objects.show(o)]
            assert node["shape"] == "ellipse"
            if allocated[(o,)]:
                colour = spec_color(spec, colours[(o,)])
                seen.add(colour)
                assert node["style"] == "filled" and node["fillcolor"] == FILLS[colour], (dot, o)
            else:
                seen.add("free")
                assert node["style"] == "dashed" and "fillcolor" not in node and node["label"].endswith("\\nfree")
    assert seen == {"white", "grey", "black", "free"}  # the trace shows every case


def test_roots_are_boxes_with_edges_to_what_they_hold() -> None:
    result, check = checked(NONE, "strong_tricolor")
    spec, layout, heap = result.spec, Layout(result.spec), result.spec.heap
    assert heap is not None
    last = render_trace_dots(result, check)[-1]
    boxes = {k: a for k, a in nodes(last).items() if a.get("shape") == "box"}
    assert {a["label"] for a in boxes.values()} == {"[0]", "[1]", "global[0]"}  # root[m1] is a cluster
    assert 'subgraph "cluster_root[m1]"' in last and 'label="root[m1]"' in last
    held = {
        (f"root:root[m1][{k[1]}]", heap.objects.show(v))
        for k, v in value(spec, layout, states_of(check)[-1], "root")
        if v != heap.objects.size  # not nil
    }
    assert held == {("root:root[m1][0]", "o1"), ("root:root[m1][1]", "o2")}
    assert held <= {(a, b) for a, b, _ in edges(last)}
    assert ("o1", "o2", "new") in red_edges(last)  # the store the last step made


@pytest.mark.parametrize(("path", "prop"), [(NONE, "strong_tricolor"), (DIJKSTRA, "no_live_freed")])
def test_the_changed_edges_are_red_exactly_in_the_step_that_changed_them(path: Path, prop: str) -> None:
    result, check = checked(path, prop)
    spec, layout = result.spec, Layout(result.spec)
    assert spec.heap is not None
    roots = [spec.vars[r].name for r in spec.heap.roots]
    states = states_of(check)
    dots = render_trace_dots(result, check)
    assert red_edges(dots[0]) == set()
    kinds: set[str] = set()
    for i in range(1, len(states)):
        want: set[tuple[str, str, str]] = set()
        for c in changes(spec, layout, states[i - 1], states[i]):
            if re.fullmatch(r"o\d+\.\w+", c.name):
                source = c.name.split(".")[0]
            elif any(c.name == r or c.name.startswith(r + "[") for r in roots):
                source = "root:" + c.name
            else:
                continue
            want |= {(source, c.after, "new")} if c.after != "nil" else set()
            want |= {(source, c.before, "removed")} if c.before != "nil" else set()
        assert red_edges(dots[i]) == want, (i, dots[i])
        kinds |= {k for _, _, k in want}
    assert kinds == ({"new", "removed"} if path == DIJKSTRA else {"new"})
    if path == DIJKSTRA:  # o1.next := o2 at step 4 stays black until step 9 overwrites it (dashed)
        assert [("o1", "o2", "new") in red_edges(d) for d in dots] == [i == 4 for i in range(13)]
        assert ("o1", "o2", "removed") in red_edges(dots[9]) and ("o1", "o1", "new") in red_edges(dots[9])
        assert any(a == "o1" and b == "o2" and "color" not in e for a, b, e in edges(dots[6]))


def test_each_graph_is_titled_with_its_step_and_source() -> None:
    result, check = checked(NONE, "strong_tricolor")
    assert check.finding is not None
    dots = render_trace_dots(result, check)
    labels = [m.group(1) for m in map(LABEL.search, dots) if m is not None]
    assert len(labels) == len(dots)
    assert labels[0] == '"step 0 of 5: initial state"'
    for i, step in enumerate(check.finding.trace.steps, 1):
        action = result.spec.actions[step.action.action]
        label = labels[i]
        assert label.startswith(f'"step {i} of 5: ')
        assert quote(action.label)[1:-1] in label and str(action.span) in label
    assert "Mutator[m1]  store(m, root[m][r], f, root[m][s])  (r=0 s=1 f=next)" in labels[5]
    assert "✗ strong_tricolor: false for o=o1, f=next" in labels[5]


def test_quoting_for_dot() -> None:
    assert quote('say "hi"\\n') == '"say \\"hi\\"\\\\n"'
    assert quote("a\nb\r\nc\td") == '"a\\nb\\nc d"'
    assert quote("→ ✗") == '"→ ✗"'


def test_a_spec_without_a_heap_gets_a_note(tmp_path: Path) -> None:
    path = tmp_path / "bad.gcv"
    path.write_text(HEAPLESS, encoding="utf-8")
    result, check = checked(path, "zero")
    dots = render_trace_dots(result, check)
    assert len(dots) == 2
    assert [a["shape"] for a in nodes(dots[1]).values()] == ["note"]
    assert "no heap" in dots[1] and "x: 0 → 1" in dots[1] and "x: 0 → 1" not in dots[0]


# ---------------------------------------------------------------- the HTML page (no Graphviz needed)


def test_the_page_embeds_one_picture_per_state_and_escapes_text(tmp_path: Path) -> None:
    path = tmp_path / "bad.gcv"
    path.write_text(HEAPLESS, encoding="utf-8")
    result, check = checked(path, "zero")
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"><g id="graph0"/></svg>'
    page = render_html(result, check, [svg, svg])
    assert page.startswith("<!DOCTYPE html>") and "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert page.count("<svg") == 2 and 'id="s0-graph0"' in page and 'id="s1-graph0"' in page
    for hook in ('id="prev"', 'id="next"', 'id="counter"', 'id="picture"', 'id="source"', 'data-steps="1"'):
        assert hook in page
    assert ">step 0 of 1<" in page
    assert "if x &lt; TOP" in page and "if x < TOP" not in page  # the action label, escaped
    assert '<span class="lineno">4</span>' in page and "bad.gcv" in page  # the step's source line
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", page)  # self-contained
    with pytest.raises(ValueError, match="1 pictures for 2 states"):
        render_html(result, check, [svg])


# ---------------------------------------------------------------- the command


def test_an_unknown_property_lists_the_spec_properties(tmp_path: Path) -> None:
    code, out = run(str(NONE), "no_such", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.USAGE
    assert "no property 'no_such'" in out and "'no_live_freed', 'strong_tricolor', 'runtime_error', 'deadlock'" in out
    assert "Traceback" not in out and not (tmp_path / "d").exists()


def test_a_property_that_holds_has_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "ok.gcv"
    path.write_text(HOLDS, encoding="utf-8")
    code, out = run(str(path), "small", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.USAGE
    assert "small holds (exhaustive: all 2 reachable states, with TOP=1); no counterexample to draw" in out
    code, out = run(str(path), "small", "--engine", "bmc", "--depth", "3", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.USAGE and "bounded: no violation within 3 steps" in out
    code, out = run(str(path), "runtime_error", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.USAGE
    assert "runtime_error holds (exhaustive: all 2 reachable states, with TOP=1); no counterexample" in out
    assert not (tmp_path / "d").exists()


def test_bmc_and_set(tmp_path: Path) -> None:
    path = tmp_path / "bad.gcv"
    path.write_text(HEAPLESS, encoding="utf-8")
    code, out = run(str(path), "zero", "--engine", "bmc", "--depth", "2", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.OK and "Counterexample for zero" in out
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["step-000.dot", "step-001.dot"]
    code, out = run(str(path), "zero", "--set", "TOP=0", "--dot", str(tmp_path / "e"))  # then x stays 0
    assert code == ExitCode.USAGE and "zero holds" in out and "TOP=0" in out
    code, out = run(str(path), "zero", "--set", "TOP=0,1", "--dot", str(tmp_path / "e"))
    assert code == ExitCode.USAGE and "one value" in out


def test_spec_errors_are_reported_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.gcv"
    path.write_text("spec broken\nvar x: 0..1 = 0\ninvariant i: y == 0\n", encoding="utf-8")
    code, out = run(str(path), "i", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.STATIC_ERROR and "GCV2" in out and "Traceback" not in out


def test_svg_and_html_say_to_install_graphviz_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gcverify.cli_trace.shutil.which", lambda name: None)
    for flag in (["--svg"], ["--html", str(tmp_path / "t.html")]):
        code, out = run(str(NONE), "strong_tricolor", "--dot", str(tmp_path / "d"), *flag)
        assert code == ExitCode.USAGE, out
        assert "install graphviz" in out.lower() and "apt-get install graphviz" in out and "Traceback" not in out
    assert not (tmp_path / "d").exists() and not (tmp_path / "t.html").exists()


def test_svg_pictures(tmp_path: Path) -> None:
    need("Graphviz's dot", shutil.which("dot") is not None, "install graphviz (apt-get install graphviz)")
    code, out = run(str(NONE), "strong_tricolor", "--dot", str(tmp_path), "--svg")
    assert code == ExitCode.OK, out
    svgs = sorted(tmp_path.glob("step-*.svg"))
    assert [p.stem for p in svgs] == [p.stem for p in sorted(tmp_path.glob("step-*.dot"))] and len(svgs) == 6
    last = ET.parse(svgs[-1]).getroot()
    assert last.tag == "{http://www.w3.org/2000/svg}svg"
    assert 'stroke="red"' in svgs[-1].read_text(encoding="utf-8")  # the store of the last step
    assert 'stroke="red"' not in svgs[0].read_text(encoding="utf-8")


def test_html_page(tmp_path: Path) -> None:
    need("Graphviz's dot", shutil.which("dot") is not None, "install graphviz (apt-get install graphviz)")
    page = tmp_path / "out" / "trace.html"
    code, out = run(str(NONE), "strong_tricolor", "--dot", str(tmp_path / "d"), "--html", str(page))
    assert code == ExitCode.OK, out
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 6 and text.count("<figure data-step=") == 6
    assert not list((tmp_path / "d").glob("*.svg"))  # --html alone writes no .svg files
    assert "mutator.gcv</span>, line 16" in text


def test_the_page_alone_and_what_to_write(tmp_path: Path) -> None:
    code, out = run(str(NONE), "strong_tricolor")
    assert code == ExitCode.USAGE and "--dot DIR" in out and "--html FILE" in out
    code, out = run(str(NONE), "strong_tricolor", "--svg")
    assert code == ExitCode.USAGE and "give --dot DIR" in out
    need("Graphviz's dot", shutil.which("dot") is not None, "install graphviz (apt-get install graphviz)")
    page = tmp_path / "trace.html"
    code, out = run(str(NONE), "strong_tricolor", "--html", str(page))
    assert code == ExitCode.OK, out
    assert page.read_text(encoding="utf-8").count("<svg") == 6 and list(tmp_path.iterdir()) == [page]


def test_pictures_of_a_longer_earlier_trace_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    assert run(str(DIJKSTRA), "no_live_freed", "--dot", str(folder))[0] == ExitCode.OK
    assert len(list(folder.glob("step-*.dot"))) == 13
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert run(str(NONE), "strong_tricolor", "--dot", str(folder))[0] == ExitCode.OK
    assert sorted(p.name for p in folder.iterdir()) == sorted([*(f"step-00{i}.dot" for i in range(6)), "notes.txt"])


def test_without_graphviz_the_text_counterexample_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    code, out = run(str(NONE), "strong_tricolor", "--html", str(tmp_path / "t.html"))
    assert code == ExitCode.USAGE
    assert out.index("Counterexample for strong_tricolor") < out.index("Graphviz's `dot` program is not on PATH")
    assert not (tmp_path / "t.html").exists()


def test_an_assertion_is_traced_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "a.gcv"
    path.write_text("spec a\nvar x: 0..3 = 0\nprocess P { x := 2\n  assert low: x < 2 }\n", encoding="utf-8")
    code, out = run(str(path), "assert low", "--dot", str(tmp_path / "d"))
    assert code == ExitCode.OK, out
    assert "Counterexample for assert low in a (2 steps, shortest):" in out
    assert "✗ the last step faults: assertion failed at" in out
