"""A counterexample as one self-contained HTML page that steps through its states.

Owns: `render_html`, a rendering of the trace view (report/view.py): the pictures (SVG, one per
state, made by Graphviz from report/dot.py's graphs) embedded inline, beside each the step's text
(who moved, the action, its arguments, what changed, the heap line) and the source line of the
step; Previous/Next buttons, the arrow keys (Home/End too) and a counter "step i of n".  No
external resources: the CSS and the script are inline.  Every text goes through `html.escape`; the
SVGs are taken as Graphviz wrote them (minus their XML prologue, with their ids prefixed per step
so the page's ids stay unique).
Stable hooks for tests and styling: #prev, #next, #counter, #picture, #details, #source, and
`data-step` on every per-step element (only the current step's are shown); body[data-steps] and
body[data-current].  Pure: a function of the results and the SVG texts; it never runs Graphviz.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from gcverify.report.view import TraceView, first_state, trace_view
from gcverify.results import CheckResult, SpecResult
from gcverify.source import Span

_CSS = """
:root { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; }
body { margin: 1.5rem; }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.verdict { color: #b00020; margin: 0 0 1rem; }
nav { display: flex; gap: .75rem; align-items: center; margin-bottom: 1rem; }
button { font: inherit; padding: .3rem .9rem; }
#counter { min-width: 8rem; text-align: center; font-variant-numeric: tabular-nums; }
.keys { color: #666; font-size: .85rem; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 2fr); gap: 1.5rem; align-items: start; }
@media (max-width: 50rem) { main { grid-template-columns: minmax(0, 1fr); } }
#picture figure { margin: 0; }
#picture svg { max-width: 100%; height: auto; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { background: #f5f5f7; padding: .5rem .75rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0; }
.changes li { margin: .1rem 0; }
.where { color: #555; font-size: .9rem; }
.lineno { color: #888; user-select: none; padding-right: .5rem; }
mark { background: #ffe08a; }
[hidden] { display: none !important; }
"""

_SCRIPT = """
(function () {
  "use strict";
  var body = document.body;
  var last = Number(body.dataset.steps);
  var current = 0;
  function show(i) {
    current = Math.max(0, Math.min(last, i));
    document.querySelectorAll("[data-step]").forEach(function (el) {
      el.hidden = Number(el.dataset.step) !== current;
    });
    document.getElementById("counter").textContent = "step " + current + " of " + last;
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === last;
    body.dataset.current = String(current);
  }
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var to = {ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: last}[e.key];
    if (to === undefined) { return; }
    e.preventDefault();
    show(to);
  });
  show(0);
})();
"""

_SVG_START = re.compile(r"<svg\b")
_SVG_IDS = re.compile(r'(\bid="|\bhref="#|url\(#)')


def _embed_svg(svg: str, prefix: str) -> str:
    """An SVG document as inline markup: no XML prologue or doctype, every id (and reference to one)
    prefixed, so several pictures can share a page."""
    start = _SVG_START.search(svg)
    body = svg[start.start() :] if start else svg
    return _SVG_IDS.sub(lambda m: m.group(1) + prefix, body).strip()


def _source(span: Span | None) -> str:
    """The file name, line and text (without its indentation) of the step's source line, the span's
    columns marked."""
    if span is None:
        return '<p class="where">(no source location)</p>'
    line = span.file.line(span.line)
    text = line.lstrip()
    indent = len(line) - len(text)
    start = max(span.start.col - 1 - indent, 0)
    end = span.end.col - 1 - indent if span.end.line == span.line and span.end.col - 1 - indent > start else len(text)
    shown = escape(text[:start]) + "<mark>" + escape(text[start:end]) + "</mark>" + escape(text[end:])
    return (
        f'<p class="where"><span class="file">{escape(span.file.name)}</span>, line {span.line}</p>'
        f'<pre><span class="lineno">{span.line}</span> {shown}</pre>'
    )


def _state_text(view: TraceView, i: int) -> str:
    """The step's text: who and which action with its arguments, what changed, the heap line."""
    step = view.states[i]
    parts: list[str] = []
    if i == 0:
        parts.append(f"<h2>Step 0: {escape(first_state(view))}</h2>")
    else:
        parts.append(f'<h2>Step {i}: <span class="who">{escape(step.who or "(no process)")}</span></h2>')
        parts.append(f'<p class="action"><code>{escape(step.action)}</code></p>')
        if step.args:
            parts.append(f'<p class="args">with <code>{escape(step.args)}</code></p>')
        items = "".join(
            f"<li><code>{escape(c.name)}</code>: {escape(c.before)} → {escape(c.after)}</li>" for c in step.changes
        )
        parts.append(
            f'<ul class="changes">{items}</ul>' if step.changes else '<p class="changes">(no visible change)</p>'
        )
    if step.heap:
        parts.append(f'<pre class="heap">{escape(step.heap)}</pre>')
    if step.elements:
        parts.append(f'<pre class="elements">{escape(chr(10).join(step.elements))}</pre>')
    if i == len(view):
        parts.append(f'<p class="verdict">✗ {escape(_verdict(view))}</p>')
    return "".join(parts)


def _verdict(view: TraceView) -> str:
    return f"{view.property}: {view.message}" if view.message else view.property.display


def render_html(result: SpecResult, check: CheckResult, svgs: Sequence[str]) -> str:
    """The page for the check's counterexample; `svgs` holds one picture per state (init first)."""
    return view_html(trace_view(result, check), svgs)


def view_html(view: TraceView, svgs: Sequence[str]) -> str:
    """The page for a trace view; `svgs` holds one picture per state (init first)."""
    if len(svgs) != len(view.states):
        raise ValueError(f"{len(svgs)} pictures for {len(view.states)} states")
    count = len(view)
    title = f"Counterexample for {view.property} in {view.spec.name}"
    figures, texts, sources = [], [], []
    for i, svg in enumerate(svgs):
        hidden = " hidden" if i else ""
        figures.append(f'<figure data-step="{i}"{hidden}>{_embed_svg(svg, f"s{i}-")}</figure>')
        texts.append(f'<section class="step" data-step="{i}"{hidden}>{_state_text(view, i)}</section>')
        src = _source(view.states[i].span) if i else f'<p class="where">{escape(first_state(view))}: no step yet</p>'
        sources.append(f'<div class="source" data-step="{i}"{hidden}>{src}</div>')
    steps = "s" if count != 1 else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            f'<body data-steps="{count}" data-current="0">',
            f"<header><h1>{escape(title)} ({count} step{steps})</h1>",
            f'<p class="verdict">✗ {escape(_verdict(view))}</p></header>',
            '<nav><button id="prev" type="button">◀ Previous</button>',
            f'<span id="counter" aria-live="polite">step 0 of {count}</span>',
            '<button id="next" type="button">Next ▶</button>',
            '<span class="keys">keys: ← → Home End</span></nav>',
            "<main>",
            f'<div id="picture">{"".join(figures)}</div>',
            '<div id="details">',
            *texts,
            f'<h2>Source</h2><div id="source">{"".join(sources)}</div>',
            "</div>",
            "</main>",
            f"<script>{_SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
