"""Lowering: structured process bodies -> atomic, guarded actions over a flat state.

Owns: `lower` (the package's one entry point) and the step-granularity rules (NOTE(granularity))
that its modules implement together, each owning one concern:
  * `cfg`: the control-flow graph's node types and shared helpers;
  * `steps`: counting the steps a piece of body takes;
  * `context`: the spec-wide `Program` and the per-process `ProcessContext` (made fresh for each
    process), with the hidden locals that multi-step scopes need;
  * `graph`: one process's body -> its graph (locals, scalarset loops, inlined procedures);
  * `atomic`: one step's statements -> core statements (choices hoisted into action parameters,
    procedures inlined, loops in `atomic` unrolled);
  * `actions`: the graph -> actions, program counters, labels and safepoints;
  * `refs`: `at()`/`local()` in properties -> pc tests and reads of locals;
  * `assemble`: the whole spec: every process, the atomic procedures, properties, definitions.
Invariants: what comes out is core IR only (`nodes.Expr`, never a `control.PreExpr` form).
Must not import gcverify.semantics or anything later in the pipeline.

NOTE(granularity): the rules a spec's author relies on.
  * Each simple statement (`x := e`, `skip`, `await c`, `assert c`, a call of a one-step procedure)
    is one atomic step; `atomic { ... }` is one step however much it contains.
  * Control flow takes no time of its own: the conditions of `if`/`while`, the choice of an
    `either` branch and of `choose` values are decided atomically with the first step they lead to.
    So `while c { s }` checks c and runs the first step of s as one step, and leaving the loop is
    decided together with the step after it.
  * `await c` is a step that can only happen when c holds.  A path of control that reaches the same
    point again without taking a step is a busy wait: it is not an action, so the process simply
    waits until some condition on the path changes.
  * A procedure's statements keep their own steps at each call (it is inlined); arguments are
    evaluated when its first step runs.  Inside `atomic`, everything is one step.
  * `for x in S` outside `atomic` runs its body once per element, one element after another.  Over
    a scalarset it visits the elements in any order (each once), which keeps the model symmetric;
    over a range or enum it goes in order.  Inside `atomic` it is unrolled.
  * Names bound by `choose`/`for` and procedure parameters that are needed for more than one step
    (a `choose` whose body is a single procedure call needs them in the first step only) are kept
    in hidden locals, reset (to nil, false or the lowest value) when their scope ends, so
    equal situations give equal states.
"""

from gcverify.ir.lower.assemble import lower

__all__ = ["lower"]
