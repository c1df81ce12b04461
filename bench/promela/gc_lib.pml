/*
 * gc_lib.pml: the heap, the colours, the collector's atomic steps and the invariants of
 * specs/lib/{gc,collector,barriers,mutator}.gcv, written for SPIN so that the Promela models in this
 * folder have exactly gcverify's state space (see bench/vs_spin.py and bench/results/vs_spin.md).
 *
 * A model file sets ROOTS and the collector's variant, includes this file, and then writes its
 * Collector and Mutator proctypes.  OBJECTS and MUTATORS come from `spin -DOBJECTS=k -DMUTATORS=m`.
 *
 * How a gcverify state maps to a SPIN state (a bijection on reachable states):
 *   - every gcverify `var` is a global here, with the same values (nil is NIL = OBJECTS);
 *   - each gcverify program counter is one Promela control location (the models' labels), and each
 *     gcverify action (one atomic step, with its choose values fixed) is one d_step, so no
 *     intermediate state is ever stored;
 *   - gcverify's hidden per-instance locals (store's o and v, pre_write's old and new, ...) are the
 *     Mutator proctype's locals, set and reset in the same steps;
 *   - `busy` (mutators away from their safepoint) is a function of the mutators' control
 *     locations, so it adds no states; `stopped(Mutator)` is `busy == 0`;
 *   - the scratch variables of the invariant checks are `hidden`: not in the state vector.
 * Invariants are asserted at the end of every d_step (every reachable state but the initial one,
 * where they all hold trivially: nothing is allocated and the phase is idle), so checking them adds
 * no state either.  (Measured at OBJECTS=2 on dijkstra_rescan, 3,350 states: a looping monitor
 * `active proctype monitor() { do :: assert(inv) od }` or a never claim `never { do :: assert(inv) od }`
 * keeps the count, the claim doubling the search depth; a one-shot monitor `assert(inv)` triples it,
 * to 10,050, as the monitor is stored before its assert, after it and gone.)
 */

#ifndef OBJECTS
#define OBJECTS 3
#endif
#ifndef MUTATORS
#define MUTATORS 1
#endif

#define NIL OBJECTS
#define WHITE 0
#define GREY 1
#define BLACK 2
#define IDLE 0
#define MARK 1
#define SWEEP 2

/* M(0) M(1) ... M(N-1): one alternative per value of a `choose` variable. */
#if OBJECTS == 1
#define EACH_OBJECT(M) M(0)
#elif OBJECTS == 2
#define EACH_OBJECT(M) M(0) M(1)
#elif OBJECTS == 3
#define EACH_OBJECT(M) M(0) M(1) M(2)
#elif OBJECTS == 4
#define EACH_OBJECT(M) M(0) M(1) M(2) M(3)
#elif OBJECTS == 5
#define EACH_OBJECT(M) M(0) M(1) M(2) M(3) M(4)
#elif OBJECTS == 6
#define EACH_OBJECT(M) M(0) M(1) M(2) M(3) M(4) M(5)
#elif OBJECTS == 7
#define EACH_OBJECT(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6)
#elif OBJECTS == 8
#define EACH_OBJECT(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#else
#error OBJECTS must be 1 .. 8
#endif

#if MUTATORS == 1
#define EACH_MUTATOR(M) M(0)
#elif MUTATORS == 2
#define EACH_MUTATOR(M) M(0) M(1)
#elif MUTATORS == 3
#define EACH_MUTATOR(M) M(0) M(1) M(2)
#elif MUTATORS == 4
#define EACH_MUTATOR(M) M(0) M(1) M(2) M(3)
#else
#error MUTATORS must be 1 .. 4
#endif

/* ------------------------------------------------------------ gc.gcv and collector.gcv state */
byte heap[OBJECTS] = NIL;            /* the one field `next` of every object */
bool allocated[OBJECTS];
byte color[OBJECTS];                 /* WHITE */
byte root[MUTATORS * ROOTS] = NIL;   /* root[m][r] is root[m * ROOTS + r] */
byte global = NIL;                   /* GLOBALS = 1 */
byte phase;                          /* IDLE */
bool scanned[MUTATORS];
bool swept[OBJECTS];
bool world_stopped;
byte busy;                           /* mutators not at their safepoint (derived, see above) */

hidden byte i, j;
hidden byte reach[OBJECTS];      /* reachable from a root */
hidden byte from_grey[OBJECTS];  /* reachable from a grey object through white ones */
hidden byte ok_no_live_freed, ok_strong_tricolor, ok_weak_tricolor, ok_mark_complete;

#define STOPPED (busy == 0)
#define NO_GREY (EACH_OBJECT(NOT_GREY_AND) 1)
#define NOT_GREY_AND(o) color[o] != GREY &&
#define ALL_SWEPT (EACH_OBJECT(SWEPT_AND) 1)
#define SWEPT_AND(o) swept[o] &&
#define NONE_SWEPT (EACH_OBJECT(NOT_SWEPT_AND) 1)
#define NOT_SWEPT_AND(o) !swept[o] &&

/* shade(o): grey a white object during marking (part of the step it is written in). */
inline shade(x) {
    if
    :: phase == MARK && x != NIL && color[x] == WHITE -> color[x] = GREY
    :: else -> skip
    fi
}

/* scan_object(o) for a grey o (its single field, then black). */
inline scan_object(x) {
    shade(heap[x]);
    color[x] = BLACK
}

/* scan_stack(m): shade every root of mutator m, mark the stack scanned. */
inline scan_stack(mm) {
    for (j : 0 .. ROOTS - 1) {
        shade(root[(mm) * ROOTS + j])
    };
    scanned[mm] = 1
}

inline scan_globals() {
    shade(global)
}

/* sweep_object(o): free a white allocated object, whiten a live one. */
inline sweep_object(x) {
    if
    :: allocated[x] && color[x] == WHITE ->
        allocated[x] = 0; color[x] = WHITE; heap[x] = NIL
    :: else -> color[x] = WHITE
    fi;
    swept[x] = 1
}

/* The step that ends sweeping: back to idle, a new cycle. */
inline end_cycle() {
    phase = IDLE;
    for (i : 0 .. MUTATORS - 1) { scanned[i] = 0 };
    for (i : 0 .. OBJECTS - 1) { swept[i] = 0 }
}

/* alloc(m, r) with the free object x (the mutator's choose value); ALLOC_COLOR comes from the model. */
inline alloc(rr, x) {
    allocated[x] = 1;
    if
    :: phase == MARK -> color[x] = ALLOC_COLOR
    :: phase == SWEEP && !swept[x] -> color[x] = BLACK
    :: else -> color[x] = WHITE
    fi;
    root[rr] = x
}

/* ------------------------------------------------------------ the invariants */

/* Mark the chain of objects from x (every object has one field, so what a value reaches is a chain). */
inline mark_chain(x) {
    i = x;
    do
    :: i != NIL && !reach[i] -> reach[i] = 1; i = heap[i]
    :: else -> break
    od
}

/* reach[o]: o is reachable from a root or the global. */
inline compute_reach() {
    for (j : 0 .. OBJECTS - 1) { reach[j] = 0 };
    for (j : 0 .. MUTATORS * ROOTS - 1) { mark_chain(root[j]) };
    mark_chain(global)
}

inline check_no_live_freed() {
    ok_no_live_freed = 1;
    for (i : 0 .. OBJECTS - 1) {
        if
        :: reach[i] && !allocated[i] -> ok_no_live_freed = 0
        :: else -> skip
        fi
    };
    assert(ok_no_live_freed)
}

inline check_strong_tricolor() {
    ok_strong_tricolor = 1;
    if
    :: phase == MARK ->
        for (i : 0 .. OBJECTS - 1) {
            if
            :: color[i] == BLACK && heap[i] != NIL && color[heap[i]] == WHITE -> ok_strong_tricolor = 0
            :: else -> skip
            fi
        }
    :: else -> skip
    fi;
    assert(ok_strong_tricolor)
}

/* weak_tricolor: a white object a black one points to is reachable from a grey object through
 * white objects only (from_grey[]: the white chain after every grey object). */
inline check_weak_tricolor() {
    ok_weak_tricolor = 1;
    if
    :: phase == MARK ->
        for (i : 0 .. OBJECTS - 1) { from_grey[i] = 0 };
        for (j : 0 .. OBJECTS - 1) {
            if
            :: color[j] == GREY ->
                i = heap[j];
                do
                :: i != NIL && color[i] == WHITE && !from_grey[i] -> from_grey[i] = 1; i = heap[i]
                :: else -> break
                od
            :: else -> skip
            fi
        };
        for (i : 0 .. OBJECTS - 1) {
            if
            :: color[i] == BLACK && heap[i] != NIL && color[heap[i]] == WHITE && !from_grey[heap[i]] ->
                ok_weak_tricolor = 0
            :: else -> skip
            fi
        }
    :: else -> skip
    fi;
    assert(ok_weak_tricolor)
}

/* mark_complete: when marking has ended and sweeping has not begun, every reachable object is black. */
inline check_mark_complete() {
    ok_mark_complete = 1;
    if
    :: phase == SWEEP && NONE_SWEPT ->
        for (i : 0 .. OBJECTS - 1) {
            if
            :: reach[i] && color[i] != BLACK -> ok_mark_complete = 0
            :: else -> skip
            fi
        }
    :: else -> skip
    fi;
    assert(ok_mark_complete)
}
