"""The fast fuzz lane: every run of `gcverify check` on a broken or odd input ends in a documented
exit code and never says "This is a bug".

Derandomized (fixed seeds, `derandomize=True`), so a failure here fails every time; the large run
is bench/fuzz.py.  Inputs and the runner: tests/fuzz/inputs.py.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.fuzz.inputs import corpus, grammar_specs, mutate, place, run, workspace

MUTATIONS = 120  # with the 80 texts below, the lane takes some 20 s


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(text=grammar_specs())
def test_text_from_the_grammar_never_crashes(text: str, tmp_path: Path) -> None:
    path = tmp_path / "spec.gcv"
    path.write_text(text, encoding="utf-8")
    outcome = run(path)
    assert outcome.fine, outcome.output


def test_mutated_bundled_specs_never_crash(tmp_path: Path) -> None:
    failures: list[str] = []
    codes: set[int] = set()
    for k in range(MUTATIONS):
        rng = random.Random(f"fast:{k}")
        name, text = rng.choice(corpus())
        workspace(tmp_path)
        outcome = run(place(tmp_path, name, mutate(rng, text)))
        codes.add(outcome.exit_code)
        if not outcome.fine:
            failures.append(f"mutation {k} of {name}: exit {outcome.exit_code}\n{outcome.output[-2000:]}")
    assert not failures, "\n\n".join(failures[:3])
    # The fuzzer is worth its time only if its inputs get past the parser: some fail in resolution
    # and some are checked (a fuzzer that only made syntax errors would pass vacuously).
    assert {150, 120} <= codes
    assert codes & {0, 11, 12, 14, 20}, codes
