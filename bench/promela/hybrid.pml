/*
 * hybrid.pml: specs/barriers/hybrid.gcv in Promela: Go's hybrid barrier (shade the old target;
 * shade the new one while the writing goroutine's stack is unscanned), stacks scanned one goroutine
 * at a time and never rescanned, allocate black, ROOTS = 1 per goroutine and one shared global.
 * Expected: no_live_freed, weak_tricolor and mark_complete hold.
 *
 *   spin -DOBJECTS=2 -DMUTATORS=2 -a hybrid.pml   (-DNOCHECK: no invariant checks)
 *
 * Control points (labels) are gcverify's: Collector 0 = idle, 1 = after the stop-the-world step,
 * 2 = scanning, 3 = sweeping; Mutator 0 = safepoint, 1 = store after shade(old), 2 = store_global
 * after shade(old), 3 = store.write, 4 = store_global's write.  A label on a d_step cannot be the
 * target of a goto, hence the one-way `if`s around the d_steps that are.
 */
#define ROOTS 1
#define ALLOC_COLOR BLACK
#include "gc_lib.pml"

#ifdef NOCHECK
#define CHECK skip
#else
#define CHECK compute_reach(); check_no_live_freed(); check_weak_tricolor(); check_mark_complete()
#endif

#define ALL_SCANNED (EACH_MUTATOR(SCANNED_AND) 1)
#define SCANNED_AND(mm) scanned[mm] &&

#define SCAN_STACK(mm) :: d_step { !scanned[mm] -> scan_stack(mm); CHECK }
#define SCAN_OBJECT(x) :: d_step { color[x] == GREY -> scan_object(x); CHECK }
#define SWEEP_OBJECT(x) :: d_step { !swept[x] -> sweep_object(x); CHECK }

active proctype Collector() {
idle:     /* stop the world: the barrier is on from here */
    if
    :: d_step { STOPPED -> phase = MARK; CHECK }
    fi;
    d_step { scan_globals(); CHECK };
scanning: /* stacks one goroutine at a time, interleaved with marking */
    do
    EACH_MUTATOR(SCAN_STACK)
    EACH_OBJECT(SCAN_OBJECT)
    :: d_step { ALL_SCANNED && NO_GREY && STOPPED -> phase = SWEEP; CHECK }; break  /* mark termination */
    od;
sweeping:
    do
    EACH_OBJECT(SWEEP_OBJECT)
    :: d_step { ALL_SWEPT -> end_cycle(); CHECK }; goto idle
    od
}

#define ME (_pid - 1)                   /* the Collector is process 0 */
#define R0 root[ME * ROOTS]
#define FREE_TO_RUN !world_stopped
#define ALLOC_R0(x) :: d_step { FREE_TO_RUN && !allocated[x] -> alloc(ME * ROOTS, x); CHECK }

active [MUTATORS] proctype Mutator() {
    byte o = NIL;     /* store.o */
    byte v = NIL;     /* store.v */
    byte old = NIL;   /* pre_write.old */
    byte new = NIL;   /* pre_write.new */
    byte gv = NIL;    /* store_global.v (store_global.g is always 0: GLOBALS = 1) */
safepoint:
    do
    :: d_step { FREE_TO_RUN && R0 != NIL -> R0 = heap[R0]; CHECK }         /* set_root(m, r, root[m][s].f) */
    :: d_step {                                                            /* store: shade(old) */
        FREE_TO_RUN && R0 != NIL -> o = R0; v = R0; old = heap[o]; new = v; busy++; shade(old); CHECK
       }; goto store_barrier
    :: d_step { FREE_TO_RUN && R0 != NIL -> R0 = NIL; CHECK }               /* set_root(m, r, nil) */
    EACH_OBJECT(ALLOC_R0)                                                  /* alloc(m, r) */
    :: d_step { FREE_TO_RUN -> R0 = global; CHECK }                        /* set_root(m, r, global[g]) */
    :: d_step {                                                            /* store_global: shade(old) */
        FREE_TO_RUN -> gv = R0; old = global; new = gv; busy++; shade(old); CHECK
       }; goto global_barrier
    od;
store_barrier:
    if
    :: d_step { !scanned[ME] -> shade(new); old = NIL; new = NIL; CHECK }; goto store_write
    :: d_step { scanned[ME] -> old = NIL; new = NIL; heap[o] = v; o = NIL; v = NIL; busy--; CHECK }; goto safepoint
    fi;
store_write:
    if
    :: d_step { heap[o] = v; o = NIL; v = NIL; busy--; CHECK }
    fi;
    goto safepoint;
global_barrier:
    if
    :: d_step { !scanned[ME] -> shade(new); old = NIL; new = NIL; CHECK }; goto global_write
    :: d_step { scanned[ME] -> old = NIL; new = NIL; global = gv; gv = NIL; busy--; CHECK }; goto safepoint
    fi;
global_write:
    if
    :: d_step { global = gv; gv = NIL; busy--; CHECK }
    fi;
    goto safepoint
}
