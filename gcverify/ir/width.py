"""How many slots a state needs, against MAX_SLOTS.

Owns: `check_width`, run on the variables the spec declares (right after they are resolved, so a
map over a huge sort is refused before anything is built) and again on the lowered spec, whose
hidden locals and program counters add slots of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.ir import nodes as n
from gcverify.limits import MAX_SLOTS


def slots(var: n.StateVar) -> int:
    """One slot per entry of a map (per combination of its keys), one for a plain variable."""
    count = 1
    for key in var.keys:
        count *= len(key.elements())
    return count


def check_width(variables: Sequence[n.StateVar], overrides: Mapping[str, str] = {}) -> None:
    """GCV407 at the first variable with which the state needs more than MAX_SLOTS slots."""
    total = 0
    for var in variables:
        own = slots(var)
        total += own
        if total <= MAX_SLOTS:
            continue
        keys = " × ".join(f"{k} ({len(k.elements()):,})" for k in var.keys)
        what = f"{var.name!r} has {own:,} slots ({keys})" if var.keys else f"{var.name!r} has 1 slot"
        sets = ", ".join(f"--set {k}={v}" for k, v in overrides.items())
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.STATE_TOO_WIDE,
                    message=f"a state would need more than {MAX_SLOTS:,} slots: {what}"
                    + (f", besides {total - own:,} for the variables before it" if total > own else ""),
                    span=var.span,
                    hint="use smaller sorts as map keys" + (f" (the sizes come with {sets})" if sets else ""),
                )
            ]
        )
