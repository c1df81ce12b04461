/* gcverify native explorer, part 1 of 2 (hand-written, the same for every model): what the generated
 * successor functions call.  See emit.py for how a model's C file is put together. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define GCV_NOINLINE __attribute__((noinline))
#define GCV_HIDDEN __attribute__((visibility("hidden")))
#else
#define GCV_NOINLINE
#define GCV_HIDDEN
#endif

/* ------------------------------------------------------------------ successors */

typedef struct {
    val_t *posts;
    int32_t *post_t;
    size_t nposts, cap;
    int32_t *fault_t, *fault_site;
    size_t nfaults, fcap;
    int oom;
} gcv_out;

static inline val_t *gcv_post(gcv_out *out, int t, const val_t *s) {
    static val_t gcv_scratch[W]; /* where the post-state goes when memory ran out */
    if (out->nposts == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 64;
        val_t *posts = realloc(out->posts, cap * W * sizeof(val_t));
        int32_t *ts = posts ? realloc(out->post_t, cap * sizeof(int32_t)) : NULL;
        if (posts) out->posts = posts;
        if (!posts || !ts) {
            out->oom = 1;
            return gcv_scratch;
        }
        out->post_t = ts;
        out->cap = cap;
    }
    val_t *p = out->posts + out->nposts * W;
    memcpy(p, s, W * sizeof(val_t));
    out->post_t[out->nposts++] = t;
    return p;
}

static inline void gcv_fault(gcv_out *out, int t, int site) {
    if (out->nfaults == out->fcap) {
        size_t cap = out->fcap ? 2 * out->fcap : 16;
        int32_t *ft = realloc(out->fault_t, cap * sizeof(int32_t));
        int32_t *fs = ft ? realloc(out->fault_site, cap * sizeof(int32_t)) : NULL;
        if (ft) out->fault_t = ft;
        if (!ft || !fs) {
            out->oom = 1;
            return;
        }
        out->fault_site = fs;
        out->fcap = cap;
    }
    out->fault_t[out->nfaults] = t;
    out->fault_site[out->nfaults++] = site;
}

/* For each object 0..size-1, whether it is reachable from one of `roots` (object or nil, nil being
 * `size`) following the `nf` fields of each object (succ[o * nf + k]); ConcreteOps.reach. */
static inline void gcv_reach(uint8_t *seen, int size, const int64_t *roots, int nr, const int64_t *succ, int nf) {
    int64_t stack[size * (nf + 1) + nr + 1];
    int top = 0;
    memset(seen, 0, (size_t)size);
    for (int i = 0; i < nr; i++)
        if (roots[i] >= 0 && roots[i] < size) stack[top++] = roots[i];
    while (top > 0) {
        int64_t o = stack[--top];
        if (seen[o]) continue;
        seen[o] = 1;
        for (int k = 0; k < nf; k++) {
            int64_t p = succ[o * nf + k];
            if (p >= 0 && p < size && !seen[p]) stack[top++] = p;
        }
    }
}
