/*
 * dijkstra_rescan.pml: specs/barriers/dijkstra_rescan.gcv in Promela (Dijkstra's insertion barrier
 * on heap writes, allocate black, a stop-the-world rescan of every stack at mark termination, then
 * marking to the end one object per step while the mutators wait).  Expected: safe.
 *
 *   spin -DOBJECTS=3 -DMUTATORS=1 -a dijkstra_rescan.pml   (-DNOCHECK: no invariant checks)
 *
 * The Collector's labels are gcverify's control points 0 .. 3 of Collector.
 */
#define ROOTS 2
#define ALLOC_COLOR BLACK
#include "gc_lib.pml"

#ifdef NOCHECK
#define CHECK skip
#else
#define CHECK compute_reach(); check_no_live_freed(); check_strong_tricolor(); check_mark_complete()
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
    :: d_step {   /* stop the world: rescan every stack */
        NO_GREY && STOPPED -> world_stopped = 1; for (i : 0 .. MUTATORS - 1) { scan_stack(i) }; scan_globals(); CHECK
       }; break
    od;
draining:
    do
    EACH_OBJECT(SCAN_OBJECT)
    :: d_step { NO_GREY -> world_stopped = 0; phase = SWEEP; CHECK }; break
    od;
sweeping:
    do
    EACH_OBJECT(SWEEP_OBJECT)
    :: d_step { ALL_SWEPT -> end_cycle(); CHECK }; goto idle
    od
}

#include "mutator_dijkstra.pml"
