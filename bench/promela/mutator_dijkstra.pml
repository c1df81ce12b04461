/*
 * mutator_dijkstra.pml: the most general mutator of specs/lib/mutator.gcv with ROOTS = 2,
 * SHARED = false, ROOT_BARRIER = false and BARRIER = dijkstra, for the two Dijkstra models.
 *
 * gcverify's control points of Mutator[m]: 0 = the safepoint (every operation starts there) and
 * 1 = `store.write` (between the barrier's shade and the store).  They are the labels `safepoint`
 * and `write` below.  Each alternative of the `do` is one gcverify action with its choose values
 * (r, s, o) fixed; store's o and v live across its two steps as locals, reset by the store.
 */

#define ME (_pid - 1)                   /* the Collector is process 0 */
#define R(r) root[ME * ROOTS + (r)]
#define FREE_TO_RUN !world_stopped

/* set_root(m, r, root[m][s].f) */
#define LOAD(r, s) :: d_step { FREE_TO_RUN && R(s) != NIL -> R(r) = heap[R(s)]; CHECK }
/* store(m, root[m][r], f, root[m][s]), first step: pre_write's shade(new) */
#define STORE(r, s) :: d_step { FREE_TO_RUN && R(r) != NIL -> o = R(r); v = R(s); busy++; shade(v); CHECK }; goto write
/* set_root(m, r, root[m][s]) for r != s */
#define COPY(r, s) :: d_step { FREE_TO_RUN && R(s) != NIL -> R(r) = R(s); CHECK }
/* set_root(m, r, nil) */
#define DROP(r) :: d_step { FREE_TO_RUN && R(r) != NIL -> R(r) = NIL; CHECK }
/* alloc(m, r) choosing the free object x */
#define ALLOC(r, x) :: d_step { FREE_TO_RUN && !allocated[x] -> alloc(ME * ROOTS + (r), x); CHECK }
#define ALLOC_R0(x) ALLOC(0, x)
#define ALLOC_R1(x) ALLOC(1, x)

active [MUTATORS] proctype Mutator() {
    byte o = NIL;   /* store.o */
    byte v = NIL;   /* store.v */
safepoint:
    do
    LOAD(0, 0) LOAD(0, 1) LOAD(1, 0) LOAD(1, 1)
    STORE(0, 0) STORE(0, 1) STORE(1, 0) STORE(1, 1)
    COPY(0, 1) COPY(1, 0)
    DROP(0) DROP(1)
    EACH_OBJECT(ALLOC_R0) EACH_OBJECT(ALLOC_R1)
    od;
write:      /* a label on a d_step cannot be jumped to: hence the one-way `if` */
    if
    :: d_step { heap[o] = v; o = NIL; v = NIL; busy--; CHECK }
    fi;
    goto safepoint
}
