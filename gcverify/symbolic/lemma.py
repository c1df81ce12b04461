"""The write-barrier lemma, for heaps of every size.

Owns: `lemma_spec` (a spec reduced to one procedure run as a single atomic action, and one
property) and `prove_lemma`: from ANY state of ANY heap size that satisfies the property (not only
reachable ones), does one run of the procedure keep it?  For a barrier's `store`, and
`strong_tricolor`, this is write-barrier soundness in the form the literature states it.

`Object` is an uninterpreted sort (`Encoding(all_sizes=True)`), so `unsat` is a proof for every size.
A countermodel is finite; it is decoded at its own number of objects, into the spec re-instantiated
at that size (`resize`), and replayed concretely: the pre-state must satisfy the property and the
step must leave it (or fault).  Anything else is an internal error, never a verdict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import z3

from gcverify.diagnostics import Code, Diagnostic, GcverifyError, InternalError
from gcverify.ir import nodes as n
from gcverify.semantics.model import Model
from gcverify.semantics.state import ActionInstance, Step, Trace
from gcverify.symbolic import decode
from gcverify.symbolic.encode import ALL_SIZES_TIMEOUT_MS, SMALL_HEAPS, Encoding


def _no_lemma(spec: n.Spec, message: str, hint: str) -> GcverifyError:
    return GcverifyError([Diagnostic(code=Code.NO_LEMMA, message=f"spec {spec.name!r}: {message}", hint=hint)])


def lemma_spec(spec: n.Spec, proc: str, prop: str) -> n.Spec:
    """`spec` with procedure `proc` (one atomic action) as its only action and `prop` (an invariant
    or a definition without parameters) as its only invariant."""
    found = next((p for p in spec.procs if p.name == proc), None)
    if found is None:
        names = ", ".join(p.name for p in spec.procs) or "none"
        raise _no_lemma(spec, f"has no procedure {proc!r}", f"its procedures are: {names}")
    if found.action is None:
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.NO_LEMMA,
                    span=found.span,
                    message=f"procedure {proc!r} cannot run as one atomic step: {found.problem}",
                )
            ]
        )
    body: n.Expr | None = None
    span = None
    for inv in spec.invariants:
        if inv.name == prop:
            body, span = inv.body, inv.span
    for i, d in enumerate(spec.defs):
        if body is None and d.name == prop and not d.slots and isinstance(d.type, n.BoolSort):
            if d.problem is not None:
                raise GcverifyError(
                    [Diagnostic(code=Code.NO_LEMMA, span=d.span, message=f"definition {prop!r}: {d.problem}")]
                )
            body, span = n.Apply(i, (), n.BOOL), d.span
    if body is None:
        raise _no_lemma(
            spec,
            f"has no invariant or parameterless boolean definition {prop!r}",
            "name one with --property (lib/gc.gcv defines strong_tricolor and weak_tricolor)",
        )
    return replace(
        spec,
        actions=(found.action,),
        invariants=(n.Invariant(name=prop, body=body, span=span),),
        expectations=(),
        inductives=(),
    )


@dataclass(frozen=True, slots=True)
class LemmaOutcome:
    proved: bool
    spec: n.Spec  # the lemma spec the counterexample is a trace of (at its own size)
    trace: Trace | None  # one step from a state satisfying the property to one that does not
    fault: str | None  # the step faults instead
    unknown: str | None
    seconds: float


@dataclass(frozen=True, slots=True)
class _Query:
    enc: Encoding
    pre: list[z3.ExprRef]
    params: tuple[z3.ExprRef, ...]
    constraints: tuple[z3.BoolRef, ...]


def _query(lspec: n.Spec, all_sizes: bool) -> _Query | None:
    """Some state satisfies the property, the step is enabled there and faults or leaves the
    property.  None: the step is never enabled."""
    enc = Encoding(lspec, all_sizes=all_sizes)
    action = lspec.actions[0]
    pre, post = enc.state("pre"), enc.state("post")  # post named: quantifiers then range over constants
    params = enc.step_vars("pre").params[0]
    before, after = enc.invariant(0, pre), enc.invariant(0, post)
    out = enc.run(action, pre, params)
    if out is None:
        return None
    fault = enc.ops.or_(*(f.cond for f in out.faults))
    constraints = (
        *enc.domain(pre),
        *enc.param_domain(action, params),
        before,
        out.enabled,
        *enc.side(),
        *enc.equal(post, out.post),
        z3.Or(fault, z3.Not(after)),
    )
    return _Query(enc, pre, params, constraints)


def prove_lemma(
    spec: n.Spec, resize: Callable[[int], n.Spec], proc: str, prop: str, timeout_ms: int | None = None
) -> LemmaOutcome:
    """For every size: proved, or the smallest heap where one step of `proc` leaves `prop`.
    Heaps of 1..SMALL_HEAPS objects are searched first at fixed sizes (quantifier-free and complete, so
    a broken barrier shows quickly); then the query for every size either proves the lemma or
    gives a finite countermodel, whose size bounds the fixed-size search that goes on from there.
    Every counterexample is simplified and replayed."""
    start = time.monotonic()
    lspec = lemma_spec(spec, proc, prop)

    def at(size: int) -> LemmaOutcome | None:
        sized = lemma_spec(resize(size), proc, prop)
        fixed = _query(sized, False)
        if fixed is None:
            return None
        solver = fixed.enc.solver()
        if timeout_ms:
            solver.set(timeout=timeout_ms)
        solver.add(*fixed.constraints)
        answer = solver.check()
        if answer == z3.unknown:
            why = solver.reason_unknown()
            return LemmaOutcome(False, lspec, None, None, f"Z3 answered unknown at {size} objects ({why})", 0.0)
        if answer == z3.unsat:
            return None
        decode.simplest(fixed.enc, solver, [fixed.pre])
        trace, fault = _replayed(fixed, solver.model(), sized, prop)
        return LemmaOutcome(False, sized, trace, fault, None, 0.0)

    def done(out: LemmaOutcome) -> LemmaOutcome:
        return replace(out, seconds=time.monotonic() - start)

    for size in range(1, SMALL_HEAPS + 1):
        found = at(size)
        if found is not None:
            return done(found)
    q = _query(lspec, True)
    answer, why, largest = (
        (z3.unsat, "", 0) if q is None else q.enc.decide_all_sizes(q.constraints, timeout_ms or ALL_SIZES_TIMEOUT_MS)
    )
    if answer == z3.unsat:
        return done(LemmaOutcome(True, lspec, None, None, None, 0.0))
    if answer == z3.unknown:
        return done(LemmaOutcome(False, lspec, None, None, f"Z3 answered unknown ({why})", 0.0))
    for size in range(SMALL_HEAPS + 1, largest + 1):
        found = at(size)
        if found is not None:
            return done(found)
    raise InternalError(f"Z3's countermodel for every size has {largest} objects, but none was found at that size")


def _replayed(q: _Query, zm: z3.ModelRef, sized: n.Spec, prop: str) -> tuple[Trace, str | None]:
    """The countermodel as a one-step trace, replayed: it starts inside `prop` and faults or leaves it."""
    state = decode.state(q.enc, zm, q.pre)
    action = sized.actions[0]
    inst = ActionInstance(0, tuple(decode.value(zm, p, a.sort) for p, a in zip(q.params, action.params, strict=True)))
    model = Model(sized)
    if not model.check(0, state):
        raise InternalError(f"the lemma's counterexample does not satisfy {prop!r} before the step when replayed")
    t = model.step(state, inst)
    if t is None:
        raise InternalError("the lemma's counterexample step is not enabled when replayed")
    trace = Trace(state, (Step(inst, t.post),))
    if t.fault is not None:
        return trace, t.fault.kind.value
    if model.check(0, t.post):
        raise InternalError(f"the lemma's counterexample keeps {prop!r} when replayed")
    return trace, None
