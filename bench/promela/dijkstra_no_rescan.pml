/*
 * dijkstra_no_rescan.pml: specs/barriers/dijkstra_no_rescan.gcv in Promela (Dijkstra's insertion
 * barrier on heap writes only, allocate black, stacks scanned once and never rescanned).
 * Expected: no_live_freed and mark_complete violated.
 *
 *   spin -DOBJECTS=3 -DMUTATORS=1 -a dijkstra_no_rescan.pml   (-DNOCHECK: no invariant checks)
 *
 * The Collector's labels are gcverify's control points 0 .. 2 of Collector.
 */
#define ROOTS 2
#define ALLOC_COLOR BLACK
#include "gc_lib.pml"

#ifdef NOCHECK
#define CHECK skip
#else
#define CHECK compute_reach(); check_no_live_freed(); check_mark_complete()
#endif

#define SCAN_OBJECT(x) :: d_step { color[x] == GREY -> scan_object(x); CHECK }
#define SWEEP_OBJECT(x) :: d_step { !swept[x] -> sweep_object(x); CHECK }

active proctype Collector() {
idle:     /* stop the world: barrier on, snapshot the roots */
    if
    :: d_step { STOPPED -> phase = MARK; for (i : 0 .. MUTATORS - 1) { scan_stack(i) }; scan_globals(); CHECK }
    fi;
marking:
    do
    EACH_OBJECT(SCAN_OBJECT)
    :: d_step { NO_GREY && STOPPED -> phase = SWEEP; CHECK }; break   /* stop the world for mark termination */
    od;
sweeping:
    do
    EACH_OBJECT(SWEEP_OBJECT)
    :: d_step { ALL_SWEPT -> end_cycle(); CHECK }; goto idle
    od
}

#include "mutator_dijkstra.pml"
