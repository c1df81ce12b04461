/* gcverify native explorer, part 2 of 2 (hand-written, the same for every model): the fingerprint,
 * the canonical form, the visited table and one partition's level loop.  Before this text the
 * generated file defines the model (gcv_expand, gcv_invs, gcv_terminated) and, when symmetry is
 * on, the symmetry tables, signature function and arrangement (GCV_SYMMETRY, gcv_sig, gcv_arrange).
 *
 * Each part does what its Python reference does, so that states, keys, orbit sizes and the order of
 * successors are the same (tests/unit/test_native.py holds them equal):
 * - gcv_key: explore/visited.py `fingerprint` (CPython's hash of the tuple of the state's ints,
 *   masked to 64 bits, then splitmix64's finaliser; 0 becomes 1);
 * - gcv_canon: explore/symmetry.py `Symmetry.compute` (NOTE(canonical form)): elements ordered by
 *   signature (stably), the classes of equal signatures that are not isolated tried in every order,
 *   the least image kept; orbit = |G| / (images equal to the least x isolated classes' k!);
 * - gcv_step: explore/partition.py `Partition` with one partition (NOTE(levels)): successors
 *   stored as they come, in breadth-first order, at most `remaining` a level.
 */

/* ------------------------------------------------------------------ fingerprints */

#define GCV_XXPRIME_1 11400714785074694791ULL
#define GCV_XXPRIME_2 14029467366897019727ULL
#define GCV_XXPRIME_5 2870177450012600261ULL

static uint64_t gcv_key(const val_t *s) {
    uint64_t acc = GCV_XXPRIME_5;
    for (int i = 0; i < W; i++) {
        int64_t v = (int64_t)s[i];
        uint64_t lane = (uint64_t)(v == -1 ? -2 : v); /* hash(int) for the values a slot holds */
        acc += lane * GCV_XXPRIME_2;
        acc = (acc << 31) | (acc >> 33);
        acc *= GCV_XXPRIME_1;
    }
    acc += (uint64_t)W ^ (GCV_XXPRIME_5 ^ 3527539ULL);
    if (acc == UINT64_MAX) acc = 1546275796ULL;
    uint64_t z = acc;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z ? z : 1;
}

/* ------------------------------------------------------------------ canonical forms */

#if GCV_SYMMETRY

static int gcv_cmp_rows(const int64_t *a, const int64_t *b, int len) {
    for (int i = 0; i < len; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

static int gcv_cmp_states(const val_t *a, const val_t *b) {
    for (int i = 0; i < W; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* the next permutation of x[0..n-1] in lexicographic order; 0 (and x sorted again) after the last */
static int gcv_next_perm(int *x, int n) {
    int i = n - 2;
    while (i >= 0 && x[i] >= x[i + 1]) i--;
    if (i < 0) {
        for (int lo = 0, hi = n - 1; lo < hi; lo++, hi--) { int t = x[lo]; x[lo] = x[hi]; x[hi] = t; }
        return 0;
    }
    int j = n - 1;
    while (x[j] <= x[i]) j--;
    int t = x[i]; x[i] = x[j]; x[j] = t;
    for (int lo = i + 1, hi = n - 1; lo < hi; lo++, hi--) { t = x[lo]; x[lo] = x[hi]; x[hi] = t; }
    return 1;
}

static const uint64_t gcv_fact[21] = {
    1ULL, 1ULL, 2ULL, 6ULL, 24ULL, 120ULL, 720ULL, 5040ULL, 40320ULL, 362880ULL, 3628800ULL,
    39916800ULL, 479001600ULL, 6227020800ULL, 87178291200ULL, 1307674368000ULL, 20922789888000ULL,
    355687428096000ULL, 6402373705728000ULL, 121645100408832000ULL, 2432902008176640000ULL};

/* the canonical form of s into out; returns the orbit's size */
static uint64_t gcv_canon(const val_t *s, val_t *out) {
    int64_t sig[GCV_MAXN * GCV_SIG_MAX];
    uint8_t iso[GCV_MAXN];
    int order[NSORTS][GCV_MAXN];
    int cls_sort[NSORTS * GCV_MAXN], cls_lo[NSORTS * GCV_MAXN], cls_n[NSORTS * GCV_MAXN];
    int ncls = 0;
    uint64_t fixed = 1;
    for (int a = 0; a < NSORTS; a++) {
        int n = gcv_sort_size[a], len = gcv_sig_len[a];
        gcv_sig(a, s, sig, iso);
        for (int i = 0; i < n; i++) { /* stable insertion sort by signature */
            int e = i, j = i;
            while (j > 0 && gcv_cmp_rows(sig + order[a][j - 1] * len, sig + e * len, len) > 0) {
                order[a][j] = order[a][j - 1];
                j--;
            }
            order[a][j] = e;
        }
        for (int i = 0; i < n;) {
            int j = i + 1;
            while (j < n && gcv_cmp_rows(sig + order[a][i] * len, sig + order[a][j] * len, len) == 0) j++;
            if (j - i > 1) {
                int alone = 1;
                for (int k = i; k < j; k++) alone = alone && iso[order[a][k]];
                if (alone) {
                    fixed *= gcv_fact[j - i];
                } else {
                    cls_sort[ncls] = a; cls_lo[ncls] = i; cls_n[ncls] = j - i; ncls++;
                }
            }
            i = j;
        }
    }
    gcv_arrange(s, order, out);
    if (ncls == 0) return GCV_GROUP_SIZE / fixed;
    val_t image[W];
    uint64_t count = 1;
    for (;;) {
        int c = 0;
        while (c < ncls && !gcv_next_perm(order[cls_sort[c]] + cls_lo[c], cls_n[c])) c++;
        if (c == ncls) break;
        gcv_arrange(s, order, image);
        int cmp = gcv_cmp_states(image, out);
        if (cmp < 0) {
            memcpy(out, image, sizeof image);
            count = 1;
        } else if (cmp == 0) {
            count++;
        }
    }
    return GCV_GROUP_SIZE / (count * fixed);
}

#endif

/* ------------------------------------------------------------------ the visited table */

typedef struct {
    uint64_t *keys; /* 0: empty */
    uint32_t *links; /* the parent's key >> 32 */
    size_t cap, count;
} gcv_table;

static size_t gcv_home(uint64_t key, size_t cap) { return (size_t)(((key >> 32) * (uint64_t)cap) >> 32); }

static int gcv_place(gcv_table *t, uint64_t key, uint32_t link) {
    size_t i = gcv_home(key, t->cap);
    for (;;) {
        uint64_t k = t->keys[i];
        if (k == key) return 0;
        if (k == 0) {
            t->keys[i] = key;
            t->links[i] = link;
            t->count++;
            return 1;
        }
        if (++i == t->cap) i = 0;
    }
}

static int gcv_grow(gcv_table *t) {
    gcv_table bigger = {0};
    bigger.cap = t->cap ? t->cap + t->cap / 2 : (size_t)1 << 12;
    bigger.keys = calloc(bigger.cap, sizeof(uint64_t));
    bigger.links = calloc(bigger.cap, sizeof(uint32_t));
    if (!bigger.keys || !bigger.links) {
        free(bigger.keys);
        free(bigger.links);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i]) gcv_place(&bigger, t->keys[i], t->links[i]);
    free(t->keys);
    free(t->links);
    *t = bigger;
    return 0;
}

/* 1: stored now, 0: already stored, -1: out of memory */
static int gcv_insert(gcv_table *t, uint64_t key, uint32_t link) {
    /* load at most 0.8, 0.53 after growing: 15 to 22.5 bytes a state, and probes stay short */
    if ((t->count + 1) * 5 > t->cap * 4 && gcv_grow(t) < 0) return -1;
    return gcv_place(t, key, link);
}

/* ------------------------------------------------------------------ one partition's levels */

typedef struct {
    val_t *rows;
    uint64_t *keys;
    size_t n, cap;
} gcv_level;

static int gcv_push(gcv_level *l, const val_t *row, uint64_t key) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap + l->cap / 2 : 1024;
        val_t *rows = realloc(l->rows, cap * W * sizeof(val_t));
        if (!rows) return -1;
        l->rows = rows;
        uint64_t *keys = realloc(l->keys, cap * sizeof(uint64_t));
        if (!keys) return -1;
        l->keys = keys;
        l->cap = cap;
    }
    memcpy(l->rows + l->n * W, row, W * sizeof(val_t));
    l->keys[l->n++] = key;
    return 0;
}

/* one chunk expanded for a partition of a parallel search (explore/native/engine.py's NativePartition):
 * every successor (canonical) with its key and orbit, the (site, row) of each fault site of each row,
 * and the deadlocked rows */
typedef struct {
    gcv_level cand;
    uint64_t *orbits;
    size_t ocap;
    int64_t *fault_row, *dead;
    int32_t *fault_site;
    size_t nfaults, fcap, ndead, dcap;
} gcv_chunk;

/* a level of the frontier: states in blocks of GCV_BLOCK, so that a level grows without copying and
 * the blocks already expanded are freed while the next level fills */
#define GCV_BLOCK 65536
typedef struct {
    val_t **rows;
    uint64_t **keys;
    size_t n, nblocks, cap; /* states; blocks allocated; room in the arrays of blocks */
    size_t freed; /* blocks already freed (the expanded ones) */
} gcv_frontier;

static int gcv_frontier_push(gcv_frontier *f, const val_t *row, uint64_t key) {
    size_t b = f->n / GCV_BLOCK, i = f->n % GCV_BLOCK;
    if (b == f->nblocks) {
        if (b == f->cap) {
            size_t cap = f->cap ? 2 * f->cap : 16;
            val_t **rows = realloc(f->rows, cap * sizeof(val_t *));
            if (!rows) return -1;
            f->rows = rows;
            uint64_t **keys = realloc(f->keys, cap * sizeof(uint64_t *));
            if (!keys) return -1;
            f->keys = keys;
            f->cap = cap;
        }
        f->rows[b] = malloc((size_t)GCV_BLOCK * W * sizeof(val_t));
        f->keys[b] = f->rows[b] ? malloc((size_t)GCV_BLOCK * sizeof(uint64_t)) : NULL;
        if (!f->keys[b]) {
            free(f->rows[b]);
            return -1;
        }
        f->nblocks++;
    }
    memcpy(f->rows[b] + i * W, row, W * sizeof(val_t));
    f->keys[b][i] = key;
    f->n++;
    return 0;
}

/* free the blocks before state `upto` (expanded) */
static void gcv_frontier_release(gcv_frontier *f, size_t upto) {
    while (f->freed < f->nblocks && (f->freed + 1) * GCV_BLOCK <= upto) {
        free(f->rows[f->freed]);
        free(f->keys[f->freed]);
        f->rows[f->freed] = NULL;
        f->keys[f->freed] = NULL;
        f->freed++;
    }
}

static void gcv_frontier_clear(gcv_frontier *f) {
    for (size_t b = f->freed; b < f->nblocks; b++) {
        free(f->rows[b]);
        free(f->keys[b]);
    }
    f->n = f->nblocks = f->freed = 0;
}

typedef struct {
    gcv_table table;
    gcv_chunk chunk;
    gcv_frontier cur, next;
    size_t pos; /* the next frontier state to expand */
    gcv_out out;
    int symmetry;
    int64_t remaining; /* states this level may still store; -1: no limit */
    uint8_t checked[NINV + 1]; /* the invariants checked on new states */
    /* this level so far; a key of 0 means none */
    uint64_t generated, fresh, orbits, deadlock;
    uint64_t violation[NINV + 1], fault[NSITES + 1];
} gcv_ctx;

gcv_ctx *gcv_new(int symmetry) {
    gcv_ctx *c = calloc(1, sizeof(gcv_ctx));
    if (!c) return NULL;
    c->symmetry = symmetry && GCV_SYMMETRY;
    if (gcv_grow(&c->table) < 0) {
        free(c);
        return NULL;
    }
    return c;
}

void gcv_free(gcv_ctx *c) {
    if (!c) return;
    free(c->table.keys); free(c->table.links);
    gcv_frontier_clear(&c->cur); gcv_frontier_clear(&c->next);
    free(c->cur.rows); free(c->cur.keys); free(c->next.rows); free(c->next.keys);
    free(c->out.posts); free(c->out.post_t); free(c->out.fault_t); free(c->out.fault_site);
    free(c->chunk.cand.rows); free(c->chunk.cand.keys); free(c->chunk.orbits);
    free(c->chunk.fault_row); free(c->chunk.fault_site); free(c->chunk.dead);
    free(c);
}

/* store the initial state (canonical) and make it the frontier; -1: out of memory */
int gcv_seed(gcv_ctx *c, const val_t *state, uint64_t key) {
    if (gcv_insert(&c->table, key, 0) < 0 || gcv_frontier_push(&c->cur, state, key) < 0) return -1;
    return 0;
}

void gcv_begin(gcv_ctx *c, const uint8_t *checked, int64_t remaining) {
    memcpy(c->checked, checked, NINV + 1);
    c->remaining = remaining;
    c->generated = c->fresh = c->orbits = c->deadlock = 0;
    memset(c->violation, 0, sizeof c->violation);
    memset(c->fault, 0, sizeof c->fault);
}

static void gcv_least(uint64_t *slot, uint64_t key) {
    if (*slot == 0 || key < *slot) *slot = key;
}

/* expand up to `max_states` frontier states; how many were expanded (0: the level is done), or -1
 * when memory ran out */
int64_t gcv_step(gcv_ctx *c, int64_t max_states) {
    int64_t done = 0;
    val_t canon[W];
    while (done < max_states && c->pos < c->cur.n) {
        const val_t *s = c->cur.rows[c->pos / GCV_BLOCK] + (c->pos % GCV_BLOCK) * W;
        uint64_t key = c->cur.keys[c->pos / GCV_BLOCK][c->pos % GCV_BLOCK];
        c->pos++;
        done++;
        gcv_out *out = &c->out;
        out->nposts = out->nfaults = 0;
        gcv_expand(s, out);
        if (out->oom) return -1;
        if (out->nfaults) {
            for (size_t f = 0; f < out->nfaults; f++) gcv_least(&c->fault[out->fault_site[f]], key);
        } else if (out->nposts == 0 && !gcv_terminated(s)) {
            gcv_least(&c->deadlock, key);
        }
        c->generated += out->nposts;
        uint32_t link = (uint32_t)(key >> 32);
        for (size_t p = 0; p < out->nposts; p++) {
            if (c->remaining >= 0 && (int64_t)c->fresh >= c->remaining) break;
            const val_t *post = out->posts + p * W;
            uint64_t orbit = 1;
#if GCV_SYMMETRY
            if (c->symmetry) {
                orbit = gcv_canon(post, canon);
                post = canon;
            }
#endif
            uint64_t k = gcv_key(post);
            int stored = gcv_insert(&c->table, k, link);
            if (stored < 0 || (stored && gcv_frontier_push(&c->next, post, k) < 0)) return -1;
            if (!stored) continue;
            c->fresh++;
            c->orbits += orbit;
            for (int i = 0; i < NINV; i++)
                if (c->checked[i] && !gcv_invs[i](post)) gcv_least(&c->violation[i], k);
        }
    }
    (void)canon; /* unused without symmetry */
    /* s (in the block of the last state expanded) is not used past this point */
    gcv_frontier_release(&c->cur, c->pos);
    return done;
}

static int gcv_grow_to(void **buf, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? 2 * *cap : 256;
    while (cap2 < need) cap2 *= 2;
    void *p = realloc(*buf, cap2 * size);
    if (!p) return -1;
    *buf = p;
    *cap = cap2;
    return 0;
}

/* expand the n packed states `rows` into c->chunk (Partition._expand_chunk's work); counts[r]: row
 * r's successors; returns the number of successors, or -1 when memory ran out */
int64_t gcv_expand_rows(gcv_ctx *c, const val_t *rows, int64_t n, int64_t *counts) {
    gcv_chunk *k = &c->chunk;
    k->cand.n = k->nfaults = k->ndead = 0;
    val_t canon[W];
    for (int64_t r = 0; r < n; r++) {
        const val_t *s = rows + r * W;
        gcv_out *out = &c->out;
        out->nposts = out->nfaults = 0;
        gcv_expand(s, out);
        if (out->oom) return -1;
        size_t first = k->nfaults;
        for (size_t f = 0; f < out->nfaults; f++) {
            int seen = 0;
            for (size_t g = first; g < k->nfaults; g++) seen = seen || k->fault_site[g] == out->fault_site[f];
            if (seen) continue;
            if (k->nfaults == k->fcap) { /* the two arrays grow together */
                size_t sites = k->fcap, rows = k->fcap;
                if (gcv_grow_to((void **)&k->fault_site, &sites, k->nfaults + 1, sizeof(int32_t)) < 0) return -1;
                if (gcv_grow_to((void **)&k->fault_row, &rows, k->nfaults + 1, sizeof(int64_t)) < 0) return -1;
                k->fcap = sites;
            }
            k->fault_site[k->nfaults] = out->fault_site[f];
            k->fault_row[k->nfaults++] = r;
        }
        if (out->nfaults == 0 && out->nposts == 0 && !gcv_terminated(s)) {
            if (gcv_grow_to((void **)&k->dead, &k->dcap, k->ndead + 1, sizeof(int64_t)) < 0) return -1;
            k->dead[k->ndead++] = r;
        }
        counts[r] = (int64_t)out->nposts;
        for (size_t p = 0; p < out->nposts; p++) {
            const val_t *post = out->posts + p * W;
            uint64_t orbit = 1;
#if GCV_SYMMETRY
            if (c->symmetry) {
                orbit = gcv_canon(post, canon);
                post = canon;
            }
#endif
            if (gcv_grow_to((void **)&k->orbits, &k->ocap, k->cand.n + 1, sizeof(uint64_t)) < 0) return -1;
            if (gcv_push(&k->cand, post, gcv_key(post)) < 0) return -1;
            k->orbits[k->cand.n - 1] = orbit;
        }
    }
    (void)canon;
    return (int64_t)k->cand.n;
}

/* where gcv_expand_rows left its results: pointers to the successors' rows, keys and orbits, the
 * faults' sites and rows, the deadlocked rows; and the numbers of successors, faults, dead rows */
void gcv_chunk_get(const gcv_ctx *c, void **ptrs, int64_t *sizes) {
    const gcv_chunk *k = &c->chunk;
    ptrs[0] = k->cand.rows; ptrs[1] = k->cand.keys; ptrs[2] = k->orbits;
    ptrs[3] = k->fault_site; ptrs[4] = k->fault_row; ptrs[5] = k->dead;
    sizes[0] = (int64_t)k->cand.n; sizes[1] = (int64_t)k->nfaults; sizes[2] = (int64_t)k->ndead;
}

/* out[r] = 1 when row r of the n packed states violates invariant `index` */
void gcv_check_rows(int index, const val_t *rows, int64_t n, uint8_t *out) {
    for (int64_t r = 0; r < n; r++) out[r] = !gcv_invs[index](rows + r * W);
}

/* the level's figures: generated, fresh, orbits, frontier states left, deadlock, the NINV
 * violations, the NSITES faults */
void gcv_figures(const gcv_ctx *c, uint64_t *out) {
    out[0] = c->generated;
    out[1] = c->fresh;
    out[2] = c->orbits;
    out[3] = c->cur.n - c->pos;
    out[4] = c->deadlock;
    for (int i = 0; i < NINV; i++) out[5 + i] = c->violation[i];
    for (int i = 0; i < NSITES; i++) out[5 + NINV + i] = c->fault[i];
}

/* the new states become the frontier */
void gcv_commit(gcv_ctx *c) {
    gcv_frontier_clear(&c->cur);
    gcv_frontier done = c->cur;
    c->cur = c->next;
    c->next = done;
    c->pos = 0;
}

/* every stored key whose top 32 bits are `prefix`, with its link; how many (at most cap written) */
int64_t gcv_links(const gcv_ctx *c, uint32_t prefix, uint64_t *keys, uint32_t *links, int64_t cap) {
    const gcv_table *t = &c->table;
    size_t i = gcv_home((uint64_t)prefix << 32, t->cap);
    int64_t n = 0;
    while (t->keys[i]) {
        if ((uint32_t)(t->keys[i] >> 32) == prefix) {
            if (n < cap) { keys[n] = t->keys[i]; links[n] = t->links[i]; }
            n++;
        }
        if (++i == t->cap) i = 0;
    }
    return n;
}

/* the table's slots (keys, 0 empty) and their number, and its bytes */
const uint64_t *gcv_table_keys(const gcv_ctx *c, uint64_t *cap) {
    *cap = c->table.cap;
    return c->table.keys;
}

uint64_t gcv_table_bytes(const gcv_ctx *c) { return (uint64_t)c->table.cap * (sizeof(uint64_t) + sizeof(uint32_t)); }

/* ------------------------------------------------------------------ one state at a time (tests, traces) */

int gcv_one_expand(const val_t *s, val_t *posts, int32_t *post_t, int64_t cap, int32_t *fault_t, int32_t *fault_site,
                   int64_t fcap, int64_t *counts) {
    static gcv_out out;
    out.nposts = out.nfaults = 0;
    out.oom = 0;
    gcv_expand(s, &out);
    if (out.oom) return -1;
    counts[0] = (int64_t)out.nposts;
    counts[1] = (int64_t)out.nfaults;
    for (size_t p = 0; p < out.nposts && (int64_t)p < cap; p++) {
        memcpy(posts + p * W, out.posts + p * W, W * sizeof(val_t));
        post_t[p] = out.post_t[p];
    }
    for (size_t f = 0; f < out.nfaults && (int64_t)f < fcap; f++) {
        fault_t[f] = out.fault_t[f];
        fault_site[f] = out.fault_site[f];
    }
    return 0;
}

int gcv_one_check(int index, const val_t *s) { return gcv_invs[index](s); }

int gcv_one_terminated(const val_t *s) { return gcv_terminated(s); }

uint64_t gcv_one_key(const val_t *s) { return gcv_key(s); }

uint64_t gcv_one_canon(const val_t *s, val_t *out) {
#if GCV_SYMMETRY
    return gcv_canon(s, out);
#else
    memcpy(out, s, W * sizeof(val_t));
    return 1;
#endif
}
