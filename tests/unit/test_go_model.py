"""The Go model (specs/go/) reaches the situations its invariants and mechanisms are about, so that
none of the correct configurations holds vacuously: each witness is expected violated (some
reachable state has it) in the configuration of the shipped spec named beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gcverify.results import Verdict
from tests.helpers import run

GO = Path(__file__).resolve().parents[2] / "specs" / "go"

# (spec whose constants are used, witness name, a state expression some reachable state satisfies)
WITNESSES = [
    ("go_gc", "sweep_terminated", "at(GC, sweep_terminated)"),
    ("go_gc", "mark_termination", "at(GC, mark_termination)"),
    ("go_gc_large", "a_stale_cached_span", "exists s in Span: sweepgen[s] == cached_stale"),
    (
        "go_gc",
        "a_pending_buffered_pointer",
        "gcphase == GCmark and (exists o in Object: pending(o) and color[o] == white)",
    ),
    ("go_gc", "a_grey_object", "exists o in Object: color[o] == grey"),
    # goroutines apart from Ps (MIGRATE): a goroutine with no P, and a P it left with a pointer
    # still in its wbBuf while marking, and one with grey work on its queue
    ("go_migrate", "a_goroutine_without_a_p", "gcphase == GCmark and (exists g in Mutator: on[g] == nil)"),
    (
        "go_migrate",
        "a_buffered_pointer_on_an_idle_p",
        "gcphase == GCmark and (exists h in Proc, o in Object: idle_p(h) and wbbuf[h][o])",
    ),
    (
        "go_migrate",
        "grey_work_left_on_an_idle_p_with_the_roots_done",
        "roots_done() and (exists h in Proc, o in Object: idle_p(h) and gcw[h][o])",
    ),
    ("go_alloc", "a_noscan_object_marked", "exists o in Object: noscan_object(o) and color[o] == black"),
    ("mark_done_no_recheck", "a_global_holding_an_object", "exists g in Global: global[g] != nil"),
    ("go_alloc", "a_span_being_swept_by_the_sweeper", "exists s in Span: sweepgen[s] == sweeping"),
    ("go_alloc", "a_partial_unswept_span", "exists s in Span: partial_unswept[s]"),
    ("go_alloc", "a_full_unswept_span", "exists s in Span: full_unswept[s]"),
    ("go_alloc", "a_partial_swept_span", "exists s in Span: partial_swept[s]"),
    (
        "go_alloc",
        "a_kept_span_with_a_freed_slot",
        "exists s in Span: spanclass[s] != dead and freeindex[s] == 0 and not alloc_bits[s][0]",
    ),
    (
        "go_alloc",
        "a_small_span_about_to_be_freed",
        "exists s in Span: spanclass[s] == scan and sweepgen[s] == sweeping and "
        "not (exists o in Object: span_of[o] == s and color[o] != white)",
    ),
    (
        "go_gc_large",
        "a_large_span_about_to_be_freed",
        "exists s in Span: spanclass[s] == large and sweepgen[s] == sweeping and "
        "not (exists o in Object: span_of[o] == s and color[o] != white)",
    ),
    # sweep termination (activeSweep): a sweeper counted while it sweeps beside mark termination's
    # hold, the drained bit set while the hold still counts an idle P's stale mcache span, the
    # sweep done again after a cycle, and two sweepers each inside a span at once
    ("go_alloc", "a_sweeper_active_during_the_hold", "sweepers == 2 and (exists s in Span: sweepgen[s] == sweeping)"),
    (
        "go_gc",
        "drained_while_a_stale_mcache_span_is_held",
        "sweep_drained and sweepers == 1 and (exists s in Span: sweepgen[s] == cached_stale)",
    ),
    ("go_alloc", "the_sweep_done_after_a_cycle", "cycle > 0 and gcphase == GCoff and is_sweep_done()"),
    (
        "sweep_termination",
        "two_sweepers_at_once",
        "sweepers == 3 and (exists s, t in Span: s != t and sweepgen[s] == sweeping and sweepgen[t] == sweeping)",
    ),
    # per-P gcWork queues: gcMarkDone's test passing while a P's own queue holds work, work
    # published to work.full with flushedWork set, and greyobject's two halves apart
    (
        "go_gc_two_ps",
        "mark_done_enabled_with_local_work",
        "gcphase == GCmark and roots_done() and not global_work() and (exists h in Proc: local_work(h))",
    ),
    ("go_gc_two_ps", "work_published_to_work_full", "global_work() and (exists h in Proc: flushed_work[h])"),
    ("go_gc", "work_published_with_one_p", "global_work() and (exists h in Proc: flushed_work[h])"),
    ("grey_apart", "a_marked_object_not_yet_queued", "exists h in Proc, o in Object: unqueued[h][o]"),
    (
        "go_gc_large",
        "a_large_object_marked",
        "exists o in Object: span_of[o] != nil and spanclass[span_of[o]] == large and color[o] == black",
    ),
    # goroutines apart from their stacks' scans: a goroutine parked on the channel and scanned there,
    # a value sent into a parked receiver's scanned stack (sendDirect) and one taken out of a parked
    # sender's grey stack (recvDirect) during marking, each with its barrier's record still pending,
    # and a goroutine started black during marking with the argument newproc1 shaded
    (
        "go_goroutines",
        "a_parked_goroutine_scanned_while_parked",
        "gcphase == GCmark and (exists g in Mutator: parked[g] != none and scans[g] > 0 and root[g][0] != nil)",
    ),
    (
        "go_goroutines",
        "a_send_direct_into_a_scanned_stack_during_marking",
        "gcphase == GCmark and (exists g in Mutator: at(G[g], parked_to_receive) and parked[g] == none "
        "and scans[g] > 0 and root[g][0] != nil and color[root[g][0]] == white and pending(root[g][0]))",
    ),
    (
        "go_goroutines",
        "a_recv_direct_from_a_grey_stack_during_marking",
        "gcphase == GCmark and (exists g, h in Mutator: g != h and at(G[g], parked_to_send) and parked[g] == none "
        "and scans[g] == 0 and scans[h] > 0 and root[g][0] != nil and root[h][0] == root[g][0] "
        "and color[root[g][0]] == white and pending(root[g][0]))",
    ),
    (
        "go_goroutines",
        "a_goroutine_started_black_during_marking",
        "gcphase == GCmark and (exists g, h in Mutator: g != h and at(G[g], dead) and not exited[g] and scans[g] > 0 "
        "and scans[h] == 0 and root[g][0] != nil and color[root[g][0]] == white and pending(root[g][0]))",
    ),
    # Go 1.5-1.7 (chan_insertion_rescan): the rescan skips the stack of a goroutine parked since its
    # scan (gcscanvalid) while that stack holds a pointer
    (
        "chan_insertion_rescan",
        "a_parked_stack_skipped_by_the_rescan",
        "gcphase == GCmarktermination and (exists g in Mutator: scan_valid[g] and scans[g] == 1 and root[g][0] != nil)",
    ),
    # per-slot mark bits: a span to sweep with every slot marked (what sweep_count_ok compares), a freed
    # object that keeps its address because a live object still points to it, a dangling pointer
    # marking a free slot, one pointing at a slot a new object occupies, and one into a span given
    # back to the heap (what no_zombie, sweep_count_ok and no_bad_pointer see in the variants)
    (
        "go_alloc",
        "a_span_to_sweep_with_every_slot_marked",
        "exists s in Span: (sweepgen[s] == unswept or sweepgen[s] == cached_stale) "
        "and (forall i in Slot: mark_bits[s][i])",
    ),
    (
        "store_skips_barrier",
        "a_freed_object_still_pointed_to",
        "exists o, x in Object: not allocated[o] and span_of[o] != nil and allocated[x] and x.next == o",
    ),
    (
        "store_skips_barrier_zombie",
        "a_marked_free_slot",
        "exists s in Span, i in Slot: mark_bits[s][i] and not slot_used(s, i) and sweepgen[s] == unswept",
    ),
    (
        "store_skips_barrier_zombie",
        "a_dangling_pointer_to_an_occupied_slot",
        "exists o, x in Object: not allocated[o] and reachable(o) and allocated[x] and o != x "
        "and span_of[x] == span_of[o] and slot_of[x] == slot_of[o]",
    ),
    (
        "alloc_white",
        "a_dangling_pointer_into_a_free_span",
        "exists o in Object: reachable(o) and span_of[o] != nil and spanclass[span_of[o]] == dead",
    ),
    # publication: a reserved, unpublished slot while the stack scan that may find a dead word to it
    # is still to come
    (
        "alloc_published",
        "a_reserved_slot_before_the_stack_scan",
        "gcphase == GCmark and (exists g in Mutator: reserved[g] != nil and scans[g] == 0)",
    ),
]


def constants(spec: str) -> str:
    text = (GO / f"{spec}.gcv").read_text(encoding="utf-8")
    return "\n".join(re.findall(r"^const .*$", text, flags=re.M))


@pytest.mark.parametrize(("spec", "name", "expr"), WITNESSES, ids=[f"{s}-{n}" for s, n, _ in WITNESSES])
def test_the_go_model_reaches(spec: str, name: str, expr: str) -> None:
    text = (
        f'spec w\nimport "go/lib/go.gcv"\n{constants(spec)}\ninvariant {name}: not ({expr})\nexpect {name} violated\n'
    )
    (check,) = run(text, properties=(name,)).results  # a witness: stop once it is found
    assert check.verdict is Verdict.VIOLATED, f"{name} is never reached in {spec}'s configuration"


def test_a_conservative_stack_scan_marks_more() -> None:
    """alloc_published's dead words are not vacuous: a stack scan that may find one (CONSERVATIVE)
    reaches states that the precise scan alone does not (an unreachable object marked by it)."""
    text = f'spec w\nimport "go/lib/go.gcv"\n{constants("alloc_published")}\ninvariant t: true\n'
    conservative = run(text, properties=("t",)).states
    precise = run(text, {"CONSERVATIVE": "false"}, properties=("t",)).states
    assert conservative > precise
