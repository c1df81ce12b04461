"""A large fuzz run of `gcverify check`: every input must end in a documented exit code, and no
run may say "This is a bug".

    python bench/fuzz.py [--count 10000] [--seed 0] [--grammar 0.2] [--jobs 1] [--keep DIR]

Inputs are token mutations of the bundled specs and libraries and, for the share --grammar of
them, texts drawn from the grammar (tests/fuzz/inputs.py has both); each is checked in-process
with `--max-states 200 --max-seconds 2`.  Prints the count of inputs tried, the outcomes by exit
code and the number of "bug" outcomes (an undocumented exit code, an exception or "This is a
bug"), and writes each bug's input to --keep (default bench/results/fuzz-bugs/) to reproduce it.
The same seed gives the same inputs.  The test suite's small version is tests/fuzz/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.inputs import corpus, grammar_specs, mutate, place, run, workspace  # noqa: E402


def _grammar_texts(count: int, seed: int) -> list[str]:
    """`count` texts from the grammar strategy, reproducibly (Hypothesis drives the drawing)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    out: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=["generate"],
    )
    @given(st.randoms(use_true_random=False), grammar_specs())
    def draw(_: random.Random, text: str) -> None:
        out.append(text)

    for _ in range(100):  # Hypothesis may stop early when it runs out of distinct inputs
        draw()
        if len(out) >= count:
            break
    return out[:count]


def _work(job: tuple[int, int, int, float, str]) -> tuple[Counter[int], list[str], int]:
    """Inputs [first, first + count) of the run: their exit codes, the bugs kept, the count tried."""
    first, count, seed, grammar_share, keep = job
    codes: Counter[int] = Counter()
    bugs: list[str] = []
    n_grammar = round(count * grammar_share)
    texts = _grammar_texts(n_grammar, seed + first) if n_grammar else []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for k in range(count):
            workspace(folder)
            if k < len(texts):
                spec = folder / "spec.gcv"
                spec.write_text(texts[k], encoding="utf-8")
                what = f"grammar #{first + k}"
            else:
                rng = random.Random(f"{seed}:{first + k}")
                name, text = rng.choice(corpus())
                spec = place(folder, name, mutate(rng, text))
                what = f"mutation #{first + k} of {name}"
            outcome = run(spec)
            codes[outcome.exit_code] += 1
            if not outcome.fine:
                saved = Path(keep) / f"bug-{seed}-{first + k}"
                saved.mkdir(parents=True, exist_ok=True)
                for p in folder.rglob("*.gcv"):
                    target = saved / p.relative_to(folder)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(p.read_bytes())
                (saved / "output.txt").write_text(outcome.output, encoding="utf-8")
                bugs.append(f"{what}: exit {outcome.exit_code}, kept in {saved}")
    return codes, bugs, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grammar", type=float, default=0.2, help="share of inputs drawn from the grammar")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep", default=str(ROOT / "bench" / "results" / "fuzz-bugs"))
    args = parser.parse_args()
    chunk = 250
    jobs = [
        (first, min(chunk, args.count - first), args.seed, args.grammar, args.keep)
        for first in range(0, args.count, chunk)
    ]
    start = time.monotonic()
    codes: Counter[int] = Counter()
    bugs: list[str] = []
    tried = 0
    with multiprocessing.Pool(args.jobs) as pool:
        for c, b, n in pool.imap_unordered(_work, jobs):
            codes += c
            bugs += b
            tried += n
            print(
                f"  {tried:,} inputs, {len(bugs)} bugs, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True
            )
    print(f"inputs tried: {tried:,} (seed {args.seed}, {args.grammar:.0%} from the grammar)")
    print("outcomes by exit code: " + ", ".join(f"{code}: {codes[code]:,}" for code in sorted(codes)))
    print(f'"This is a bug" (or an undocumented exit code, or an exception): {len(bugs)}')
    for line in bugs[:20]:
        print(f"  {line}")
    print(f"seconds: {time.monotonic() - start:.0f}")
    sys.exit(1 if bugs else 0)


if __name__ == "__main__":
    main()
