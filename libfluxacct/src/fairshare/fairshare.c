/* Module fairshare (fairshare.h): the SQL-free arithmetic here and in
 * fairshare_json.c may call util; fairshare_db.c also core, model, usage. */
/* libfluxacct - the fair-share engine: a weighted tree walk over banks and
 * users (semantics.md section 5).
 *
 * Layout.  Nodes live in one array, in the order they were added ("slots");
 * a parent is always added before its children, so a parent's slot is lower
 * than its children's.  That lets the bottom-up usage sums and the top-down
 * depths run as plain loops over the slots, with no recursion.  Children are
 * kept as one index array (kids), each bank owning a contiguous range of it,
 * sorted in place by compute.  Names live in a block arena whose blocks never
 * move, so the pointers handed out stay valid until the tree is destroyed.
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/util_internal.h"
#include "util/vstruct_internal.h"
#include "fairshare/fairshare_internal.h"
#include "fluxacct/fstree.h"

#define ARENA_BLOCK 65536

struct arena_block {
    struct arena_block *next;
    size_t used;
    size_t size;
    char data[];
};

/* Open-addressing hash of node slots.  Each bucket keeps the key's hash
 * beside the slot, so probing and growing rarely touch the nodes (which
 * are scattered in memory for a large tree).  slot -1: empty. */
struct bucket {
    uint32_t hash;
    int slot;
};

struct slot_index {
    struct bucket *buckets;
    size_t size;  /* a power of two */
    size_t count;
};

struct fsnode {
    uint64_t shares;
    double usage_in;    /* as given; NAN: the sum of the children */
    double usage;       /* as used */
    double weight;      /* against its real siblings */
    double kid_shares;  /* banks: S and U over their children */
    double kid_usage;
    double norm_shares;
    const char *name;   /* in the arena */
    int parent;         /* slot; -1 for the root */
    int first;          /* banks: children are kids[first .. first + nkids) */
    int nkids;
    int depth;
    int pos;            /* place among its real siblings after sorting */
    int index;          /* node index: depth-first order */
    int uidx;           /* users: place in visit order; banks: -1 */
    int rank;
    int tied;
    bool is_user;
    bool usage_int;
};

/* What the level sort compares, copied out of the nodes so the comparator
 * needs no context pointer (plain qsort). */
struct sortent {
    double w;
    const char *name;
    const char *bank;
    int slot;
    bool is_user;
};

struct fluxacct_fstree {
    struct fsnode *nodes;
    int nnodes;
    int cap;
    int root;           /* slot, -1 until a root bank is added */
    int nusers;
    struct arena_block *arena;
    struct slot_index banks;
    struct slot_index users;
    bool computed;
    /* Results of compute. */
    int *kids;          /* children of every bank, sorted per bank */
    bool *kid_run;      /* true where a run of equal weights starts */
    int *order;         /* node index -> slot */
    int *uorder;        /* user index -> slot */
    int maxdepth;
    /* Scratch of compute, freed at its end. */
    struct sortent *tmp;
    struct sortent **ptmp;  /* pointers into tmp: what the sorts move */
    int tmp_cap;
};

/* One level being walked: a real bank's children or a virtual level. */
struct frame {
    const int *level;
    const bool *runs;
    int len;
    int cur;
    size_t mark;        /* scratch top to restore when the frame is done */
};

/* ---- names ---------------------------------------------------------- */

static const char *arena_strdup (fluxacct_fstree_t *t, const char *s)
{
    size_t len = strlen (s) + 1;
    struct arena_block *b = t->arena;

    if (!b || b->size - b->used < len) {
        size_t size = len > ARENA_BLOCK ? len : ARENA_BLOCK;
        if (!(b = malloc (sizeof (*b) + size)))
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = t->arena;
        t->arena = b;
    }
    char *p = b->data + b->used;
    memcpy (p, s, len);
    b->used += len;
    return p;
}

static void arena_free (struct arena_block *b)
{
    while (b) {
        struct arena_block *next = b->next;
        free (b);
        b = next;
    }
}

/* ---- slot index ----------------------------------------------------- */

/* FNV-1a, seeded so a user's hash also depends on its bank (parent < 0:
 * a bank, keyed by name alone). */
static uint32_t hash_key (const char *s, int parent)
{
    uint64_t seed = parent < 0 ? 0 : (uint64_t)parent + 1;
    uint64_t h = 14695981039346656037ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Bucket holding the bank (parent < 0) or the user in bank parent named
 * name, or the empty bucket where it would go. */
static size_t index_find (const fluxacct_fstree_t *t,
                          const struct slot_index *ix,
                          const char *name,
                          int parent,
                          uint32_t hash)
{
    size_t mask = ix->size - 1;

    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const struct bucket *b = &ix->buckets[i];
        if (b->slot < 0)
            return i;
        if (b->hash == hash
            && (parent < 0 || t->nodes[b->slot].parent == parent)
            && !strcmp (t->nodes[b->slot].name, name))
            return i;
    }
}

static int index_lookup (const fluxacct_fstree_t *t,
                         const struct slot_index *ix,
                         const char *name,
                         int parent)
{
    if (ix->size == 0)
        return -1;
    size_t i = index_find (t, ix, name, parent, hash_key (name, parent));
    return ix->buckets[i].slot;
}

/* Keep the load under one half, so probes stay short. */
static int index_reserve (struct slot_index *ix)
{
    if ((ix->count + 1) * 2 <= ix->size)
        return 0;
    size_t size = ix->size ? ix->size * 2 : 64;
    struct bucket *b = malloc (size * sizeof (*b));
    if (!b)
        return -1;
    for (size_t i = 0; i < size; i++)
        b[i].slot = -1;
    for (size_t i = 0; i < ix->size; i++) {
        if (ix->buckets[i].slot >= 0) {
            size_t j = ix->buckets[i].hash & (size - 1);
            while (b[j].slot >= 0)
                j = (j + 1) & (size - 1);
            b[j] = ix->buckets[i];
        }
    }
    free (ix->buckets);
    ix->buckets = b;
    ix->size = size;
    return 0;
}

/* ---- building ------------------------------------------------------- */

FLUXACCT_EXPORT fluxacct_fstree_t *fluxacct_fstree_create (fluxacct_error_t *error)
{
    fluxacct_fstree_t *t = calloc (1, sizeof (*t));
    if (!t)
        return errprintf_null (error, ENOMEM, "out of memory creating a fair-share tree");
    t->root = -1;
    return t;
}

static void free_results (fluxacct_fstree_t *t)
{
    free (t->kids);
    free (t->kid_run);
    free (t->order);
    free (t->uorder);
    free (t->tmp);
    free (t->ptmp);
    t->kids = t->order = t->uorder = NULL;
    t->kid_run = NULL;
    t->tmp = NULL;
    t->ptmp = NULL;
    t->tmp_cap = 0;
    t->computed = false;
}

FLUXACCT_EXPORT void fluxacct_fstree_destroy (fluxacct_fstree_t *t)
{
    if (t) {
        int saved_errno = errno;
        free_results (t);
        free (t->nodes);
        free (t->banks.buckets);
        free (t->users.buckets);
        arena_free (t->arena);
        free (t);
        errno = saved_errno;
    }
}

static int check_name (const char *name, const char *what, fluxacct_error_t *error)
{
    if (!name)
        return errprintf (error, EINVAL, "%s is NULL", what);
    if (!*name)
        return errprintf (error, EINVAL, "%s is empty", what);
    return 0;
}

/* Append a node; the caller has validated everything and reserved room in
 * the index it goes into.  Returns its slot or -1 (ENOMEM). */
static int append_node (fluxacct_fstree_t *t,
                        const char *name,
                        int parent,
                        uint64_t shares,
                        double usage,
                        bool is_user,
                        fluxacct_error_t *error)
{
    if (t->nnodes == t->cap) {
        if (t->cap >= INT_MAX / 2)
            return errprintf (error, ENOMEM, "fair-share tree is too large");
        int cap = t->cap ? t->cap * 2 : 64;
        struct fsnode *n = realloc (t->nodes, cap * sizeof (*n));
        if (!n)
            return errprintf (error, ENOMEM, "out of memory adding '%s'", name);
        t->nodes = n;
        t->cap = cap;
    }
    const char *copy = arena_strdup (t, name);
    if (!copy)
        return errprintf (error, ENOMEM, "out of memory adding '%s'", name);
    struct fsnode *n = &t->nodes[t->nnodes];
    memset (n, 0, sizeof (*n));
    n->name = copy;
    n->parent = parent;
    n->shares = shares;
    n->usage_in = usage;
    n->is_user = is_user;
    n->uidx = -1;
    t->computed = false;
    return t->nnodes++;
}

static void index_insert (fluxacct_fstree_t *t, struct slot_index *ix, int slot)
{
    const struct fsnode *n = &t->nodes[slot];
    int parent = n->is_user ? n->parent : -1;
    uint32_t hash = hash_key (n->name, parent);
    size_t i = index_find (t, ix, n->name, parent, hash);

    ix->buckets[i].hash = hash;
    ix->buckets[i].slot = slot;
    ix->count++;
}

static int find_parent (fluxacct_fstree_t *t,
                        const char *parent,
                        const char *child,
                        fluxacct_error_t *error)
{
    int p = index_lookup (t, &t->banks, parent, -1);
    if (p < 0)
        return errprintf (error, ENOENT, "bank '%s' (parent of '%s') not found",
                          parent, child);
    return p;
}

FLUXACCT_EXPORT int fluxacct_fstree_add_bank (fluxacct_fstree_t *t,
                                              const char *name,
                                              const char *parent,
                                              uint64_t shares,
                                              double usage,
                                              fluxacct_error_t *error)
{
    int p = -1;

    if (!t)
        return errprintf (error, EINVAL, "fair-share tree is NULL");
    if (check_name (name, "bank name", error) < 0
        || (parent && check_name (parent, "parent bank name", error) < 0))
        return -1;
    /* NAN is allowed: it asks for the sum of the children. */
    if (usage < 0 || isinf (usage))
        return errprintf (error, EINVAL, "bank '%s': usage %g is not a finite value >= 0",
                          name, usage);
    if (index_lookup (t, &t->banks, name, -1) >= 0)
        return errprintf (error, EEXIST, "bank '%s' already exists", name);
    if (!parent && t->root >= 0)
        return errprintf (error, EEXIST, "bank '%s': root bank '%s' already exists",
                          name, t->nodes[t->root].name);
    if (parent && (p = find_parent (t, parent, name, error)) < 0)
        return -1;
    if (index_reserve (&t->banks) < 0)
        return errprintf (error, ENOMEM, "out of memory adding bank '%s'", name);
    int slot = append_node (t, name, p, shares, usage, false, error);
    if (slot < 0)
        return -1;
    index_insert (t, &t->banks, slot);
    if (!parent)
        t->root = slot;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_fstree_add_user (fluxacct_fstree_t *t,
                                              const char *username,
                                              const char *bank,
                                              uint64_t shares,
                                              double usage,
                                              fluxacct_error_t *error)
{
    if (!t)
        return errprintf (error, EINVAL, "fair-share tree is NULL");
    if (check_name (username, "username", error) < 0
        || check_name (bank, "bank name", error) < 0)
        return -1;
    if (!(usage >= 0) || isinf (usage))
        return errprintf (error, EINVAL,
                          "user '%s' in bank '%s': usage %g is not a finite value >= 0",
                          username, bank, usage);
    int p = find_parent (t, bank, username, error);
    if (p < 0)
        return -1;
    if (index_lookup (t, &t->users, username, p) >= 0)
        return errprintf (error, EEXIST, "user '%s' already exists in bank '%s'",
                          username, bank);
    if (index_reserve (&t->users) < 0)
        return errprintf (error, ENOMEM, "out of memory adding user '%s'", username);
    int slot = append_node (t, username, p, shares, usage, true, error);
    if (slot < 0)
        return -1;
    index_insert (t, &t->users, slot);
    t->nusers++;
    return 0;
}

void fstree_set_usage_int (fluxacct_fstree_t *t)
{
    if (t && t->nnodes > 0)
        t->nodes[t->nnodes - 1].usage_int = true;
}

bool fstree_usage_is_int (const fluxacct_fstree_t *t, int index)
{
    return t->nodes[t->order[index]].usage_int;
}

/* ---- weights and ordering ------------------------------------------ */

/* Neumaier's compensated sum: the sibling sums come out as the correctly
 * rounded total in practice, whatever order the siblings were added in. */
struct ksum {
    double s;
    double c;
};

static void ksum_add (struct ksum *k, double x)
{
    double t = k->s + x;
    if (fabs (k->s) >= fabs (x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

static double ksum_value (const struct ksum *k)
{
    return isfinite (k->s) ? k->s + k->c : k->s;
}

static double fs_weight (uint64_t shares, double usage, double S, double U)
{
    if (shares == 0)
        return 0;
    if (usage == 0)
        return INFINITY;
    return ((double)shares / S) / (usage / U);
}

/* Equal weights: both infinite, or within 4 ulps-worth of the larger.  The
 * explicit infinity test matters: inf - x is inf, which would pass the
 * relative test against an infinite bound. */
static bool fs_equal (double a, double b)
{
    if (isinf (a) || isinf (b))
        return a == b;
    return fabs (a - b) <= 4 * DBL_EPSILON * fmax (fabs (a), fabs (b));
}

/* Users before banks, then by name; users of one name are told apart by
 * bank, which only matters when tied banks pool their children. */
static int cmp_tie (const void *a, const void *b)
{
    const struct sortent *x = a;
    const struct sortent *y = b;
    int rc;

    if (x->is_user != y->is_user)
        return x->is_user ? -1 : 1;
    if ((rc = strcmp (x->name, y->name)))
        return rc;
    return strcmp (x->bank ? x->bank : "", y->bank ? y->bank : "");
}

/* Exact weight descending, then the tie order: a total order, so qsort's
 * instability cannot show. */
static int cmp_level (const void *a, const void *b)
{
    const struct sortent *x = a;
    const struct sortent *y = b;

    if (x->w > y->w)
        return -1;
    if (x->w < y->w)
        return 1;
    return cmp_tie (a, b);
}

/* Whether a run is in tie order already: the first sort leaves every run
 * of exactly equal weights so (all of them, when nobody has usage yet). */
static bool in_tie_order (struct sortent *const *e, int n)
{
    for (int i = 1; i < n; i++)
        if (cmp_tie (e[i - 1], e[i]) > 0)
            return false;
    return true;
}

/* The sorts move pointers (8 bytes, glibc's fast path) rather than the
 * 32-byte entries: at 100k users a third of the sorting cost was copying. */
static int cmp_level_p (const void *a, const void *b)
{
    return cmp_level (*(struct sortent *const *)a, *(struct sortent *const *)b);
}

static int cmp_tie_p (const void *a, const void *b)
{
    return cmp_tie (*(struct sortent *const *)a, *(struct sortent *const *)b);
}

static int reserve_tmp (fluxacct_fstree_t *t, int n)
{
    if (n <= t->tmp_cap)
        return 0;
    struct sortent *p = realloc (t->tmp, n * sizeof (*p));
    if (!p)
        return -1;
    t->tmp = p;
    struct sortent **pp = realloc (t->ptmp, n * sizeof (*pp));
    if (!pp)
        return -1;
    t->ptmp = pp;
    t->tmp_cap = n;
    return 0;
}

/* Sort one level (slots, weights already set) and mark where each run of
 * equal weights starts.  Equality is not transitive, so runs chain adjacent
 * equal pairs in exact-weight order; each run is then put in tie order
 * (users first, by name), which is what the spec's comparison gives whenever
 * equality is transitive.  Runs are recorded now because the reordering can
 * separate the pairs that formed them. */
static int sort_level (fluxacct_fstree_t *t, int *slots, bool *runs, int n)
{
    if (reserve_tmp (t, n) < 0)
        return -1;
    struct sortent *e = t->tmp, **p = t->ptmp;
    for (int i = 0; i < n; i++) {
        const struct fsnode *node = &t->nodes[slots[i]];
        e[i].w = node->weight;
        e[i].name = node->name;
        e[i].bank = node->parent >= 0 ? t->nodes[node->parent].name : NULL;
        e[i].slot = slots[i];
        e[i].is_user = node->is_user;
        p[i] = &e[i];
    }
    qsort (p, n, sizeof (*p), cmp_level_p);
    int start = 0;
    for (int i = 0; i <= n; i++) {
        if (i == n || (i > 0 && !fs_equal (p[i - 1]->w, p[i]->w))) {
            if (i - start > 1 && !in_tie_order (p + start, i - start))
                qsort (p + start, i - start, sizeof (*p), cmp_tie_p);
            start = i;
        }
        if (i < n)
            runs[i] = (i == start);
    }
    for (int i = 0; i < n; i++)
        slots[i] = p[i]->slot;
    return 0;
}

/* ---- compute -------------------------------------------------------- */

/* Group children by parent into kids[]; set depths. */
static int build_children (fluxacct_fstree_t *t)
{
    int n = t->nnodes;

    if (!(t->kids = malloc ((n > 1 ? n : 1) * sizeof (int)))
        || !(t->kid_run = malloc ((n > 1 ? n : 1) * sizeof (bool))))
        return -1;
    for (int i = 0; i < n; i++)
        t->nodes[i].nkids = 0;
    for (int i = 0; i < n; i++)
        if (t->nodes[i].parent >= 0)
            t->nodes[t->nodes[i].parent].nkids++;
    int off = 0;
    for (int i = 0; i < n; i++) {
        t->nodes[i].first = off;
        off += t->nodes[i].nkids;
        t->nodes[i].nkids = 0;
    }
    t->maxdepth = 0;
    for (int i = 0; i < n; i++) {
        struct fsnode *node = &t->nodes[i];
        if (node->parent < 0)
            continue;
        struct fsnode *p = &t->nodes[node->parent];
        t->kids[p->first + p->nkids++] = i;
        node->depth = p->depth + 1;
        if (node->depth > t->maxdepth)
            t->maxdepth = node->depth;
    }
    t->nodes[t->root].depth = 0;
    return 0;
}

/* Bottom up (children have higher slots than their parents): each bank's
 * S and U, its usage when not given, and its children's weights. */
static int sum_levels (fluxacct_fstree_t *t, fluxacct_error_t *error)
{
    for (int i = t->nnodes - 1; i >= 0; i--) {
        struct fsnode *b = &t->nodes[i];
        if (b->is_user) {
            b->usage = b->usage_in;
            continue;
        }
        struct ksum S = { 0, 0 };
        struct ksum U = { 0, 0 };
        for (int k = b->first; k < b->first + b->nkids; k++) {
            ksum_add (&S, (double)t->nodes[t->kids[k]].shares);
            ksum_add (&U, t->nodes[t->kids[k]].usage);
        }
        b->kid_shares = ksum_value (&S);
        b->kid_usage = ksum_value (&U);
        if (isinf (b->kid_usage))
            return errprintf (error, EINVAL,
                              "bank '%s': the usage of its children overflows",
                              b->name);
        b->usage = isnan (b->usage_in) ? b->kid_usage : b->usage_in;
        for (int k = b->first; k < b->first + b->nkids; k++) {
            struct fsnode *c = &t->nodes[t->kids[k]];
            c->weight = fs_weight (c->shares, c->usage, b->kid_shares, b->kid_usage);
        }
    }
    struct fsnode *r = &t->nodes[t->root];
    r->weight = fs_weight (r->shares, r->usage, (double)r->shares, r->usage);
    return 0;
}

static int sort_levels (fluxacct_fstree_t *t)
{
    for (int i = 0; i < t->nnodes; i++) {
        struct fsnode *b = &t->nodes[i];
        if (b->is_user || b->nkids == 0)
            continue;
        if (sort_level (t, t->kids + b->first, t->kid_run + b->first, b->nkids) < 0)
            return -1;
        for (int k = 0; k < b->nkids; k++)
            t->nodes[t->kids[b->first + k]].pos = k;
    }
    t->nodes[t->root].pos = 0;
    return 0;
}

static double level_shares (const fluxacct_fstree_t *t, const struct fsnode *n)
{
    if (n->parent < 0)
        return 1;
    double S = t->nodes[n->parent].kid_shares;
    return S > 0 ? (double)n->shares / S : 0;
}

/* Node indexes: pre-order over the real tree, siblings in sorted order. */
static int number_nodes (fluxacct_fstree_t *t)
{
    int *stack = malloc (t->nnodes * sizeof (int));
    int top = 0;
    int next = 0;

    if (!stack || !(t->order = malloc (t->nnodes * sizeof (int)))) {
        free (stack);
        return -1;
    }
    stack[top++] = t->root;
    while (top > 0) {
        int s = stack[--top];
        struct fsnode *n = &t->nodes[s];
        n->index = next;
        t->order[next++] = s;
        n->norm_shares = level_shares (t, n);
        if (n->parent >= 0)
            n->norm_shares *= t->nodes[n->parent].norm_shares;
        for (int k = n->first + n->nkids - 1; k >= n->first && !n->is_user; k--)
            stack[top++] = t->kids[k];
    }
    free (stack);
    return 0;
}

struct walk {
    fluxacct_fstree_t *t;
    struct frame *frames;
    int nframes;
    int *scratch;       /* virtual levels, used as a stack */
    bool *scratch_runs;
    size_t top;
    int rank;
    int nvisited;
};

static void push_level (struct walk *w,
                        const int *level,
                        const bool *runs,
                        int len,
                        size_t mark)
{
    struct frame *f = &w->frames[w->nframes++];
    f->level = level;
    f->runs = runs;
    f->len = len;
    f->cur = 0;
    f->mark = mark;
}

/* Tied banks: pool their children, each keeping the weight it has against
 * its real parent, into one virtual level on the scratch stack.  The levels
 * on the frame stack hold disjoint nodes, so the scratch never needs more
 * than one int per node. */
static int push_virtual (struct walk *w, const int *banks, int nbanks)
{
    fluxacct_fstree_t *t = w->t;
    size_t mark = w->top;
    int len = 0;

    for (int i = 0; i < nbanks; i++) {
        const struct fsnode *b = &t->nodes[banks[i]];
        memcpy (w->scratch + w->top + len, t->kids + b->first, b->nkids * sizeof (int));
        len += b->nkids;
    }
    if (len == 0)
        return 0;
    int *level = w->scratch + w->top;
    bool *runs = w->scratch_runs + w->top;
    w->top += len;
    if (sort_level (t, level, runs, len) < 0)
        return -1;
    push_level (w, level, runs, len, mark);
    return 0;
}

/* Walk the next run of equal weights in frame f: its users share one rank,
 * then its banks are descended into, merged if more than one. */
static int walk_run (struct walk *w, struct frame *f)
{
    fluxacct_fstree_t *t = w->t;
    int s = f->cur;
    int e = s + 1;
    int u = s;

    while (e < f->len && !f->runs[e])
        e++;
    f->cur = e;
    while (u < e && t->nodes[f->level[u]].is_user)
        u++;
    for (int i = s; i < u; i++) {
        struct fsnode *n = &t->nodes[f->level[i]];
        n->rank = w->rank;
        n->tied = u - s;
        n->uidx = w->nvisited;
        t->uorder[w->nvisited++] = f->level[i];
    }
    w->rank -= u - s;
    for (int i = u; i < e; i++)
        t->nodes[f->level[i]].tied = e - u;
    if (e - u == 1) {
        const struct fsnode *b = &t->nodes[f->level[u]];
        if (b->nkids > 0)
            push_level (w, t->kids + b->first, t->kid_run + b->first, b->nkids, w->top);
    }
    else if (e - u > 1)
        return push_virtual (w, f->level + u, e - u);
    return 0;
}

static int walk_tree (fluxacct_fstree_t *t)
{
    struct walk w = { .t = t, .rank = t->nusers };
    const struct fsnode *root = &t->nodes[t->root];
    int rc = -1;

    /* Each frame holds nodes one level deeper than the one below it. */
    w.frames = malloc ((t->maxdepth + 1) * sizeof (*w.frames));
    w.scratch = malloc (t->nnodes * sizeof (int));
    w.scratch_runs = malloc (t->nnodes * sizeof (bool));
    t->uorder = malloc ((t->nusers > 0 ? t->nusers : 1) * sizeof (int));
    if (!w.frames || !w.scratch || !w.scratch_runs || !t->uorder)
        goto done;
    t->nodes[t->root].tied = 1;
    if (root->nkids > 0)
        push_level (&w, t->kids + root->first, t->kid_run + root->first, root->nkids, 0);
    while (w.nframes > 0) {
        struct frame *f = &w.frames[w.nframes - 1];
        if (f->cur == f->len) {
            w.top = f->mark;
            w.nframes--;
        }
        else if (walk_run (&w, f) < 0)
            goto done;
    }
    rc = 0;
done:
    free (w.frames);
    free (w.scratch);
    free (w.scratch_runs);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_fstree_compute (fluxacct_fstree_t *t, fluxacct_error_t *error)
{
    if (!t)
        return errprintf (error, EINVAL, "fair-share tree is NULL");
    if (t->root < 0)
        return errprintf (error, EINVAL, "fair-share tree has no root bank");
    free_results (t);
    if (build_children (t) < 0)
        goto nomem;
    if (sum_levels (t, error) < 0) {
        int saved_errno = errno;
        free_results (t);
        errno = saved_errno;
        return -1;
    }
    if (sort_levels (t) < 0 || number_nodes (t) < 0 || walk_tree (t) < 0)
        goto nomem;
    free (t->tmp);
    free (t->ptmp);
    t->tmp = NULL;
    t->ptmp = NULL;
    t->tmp_cap = 0;
    t->computed = true;
    return 0;
nomem:
    free_results (t);
    return errprintf (error, ENOMEM, "out of memory computing fair-share");
}

/* ---- results -------------------------------------------------------- */

FLUXACCT_EXPORT int fluxacct_fstree_user_count (const fluxacct_fstree_t *t,
                                                fluxacct_error_t *error)
{
    if (!t)
        return errprintf (error, EINVAL, "fair-share tree is NULL");
    return t->nusers;
}

FLUXACCT_EXPORT int fluxacct_fstree_node_count (const fluxacct_fstree_t *t,
                                                fluxacct_error_t *error)
{
    if (!t)
        return errprintf (error, EINVAL, "fair-share tree is NULL");
    return t->nnodes;
}

static int check_computed (const fluxacct_fstree_t *t, fluxacct_error_t *error)
{
    if (!t)
        return errprintf (error, EINVAL, "fair-share tree is NULL");
    if (!t->computed)
        return errprintf (error, EINVAL,
                          "fair-share not computed; call fluxacct_fstree_compute()");
    return 0;
}

static const fluxacct_fstree_node_t node_zero = {
    .version = FLUXACCT_FSTREE_NODE_VERSION,
};
FA_VSTRUCT1 (node_type, fluxacct_fstree_node_t,
             fluxacct_fstree_node_init, node_zero);

/* Fill the caller's info (checked) with the members of its version. */
static void fill_info (const fluxacct_fstree_t *t, int slot,
                       fluxacct_fstree_node_t *out)
{
    const struct fsnode *n = &t->nodes[slot];
    const struct fsnode *p = n->parent >= 0 ? &t->nodes[n->parent] : NULL;
    const struct fsnode *root = &t->nodes[t->root];
    fluxacct_fstree_node_t full = node_zero, *info = &full;

    info->index = n->index;
    info->type = n->is_user ? FLUXACCT_FSTREE_USER : FLUXACCT_FSTREE_BANK;
    info->name = n->name;
    info->bank = p ? p->name : NULL;
    info->parent = p ? p->index : -1;
    info->depth = n->depth;
    info->shares = n->shares;
    info->usage = n->usage;
    info->level_shares = level_shares (t, n);
    if (p)
        info->level_usage = p->kid_usage > 0 ? n->usage / p->kid_usage : 0;
    else
        info->level_usage = n->usage > 0 ? 1 : 0;
    info->weight = n->weight;
    info->position = n->pos;
    info->siblings = p ? p->nkids : 1;
    info->norm_shares = n->norm_shares;
    info->norm_usage = root->usage > 0 ? n->usage / root->usage : 0;
    info->fairshare = n->is_user ? (double)n->rank / t->nusers : NAN;
    info->rank = n->is_user ? n->rank : 0;
    info->tied = n->tied;
    info->user_index = n->uidx;
    fa_vout (&node_type, out, &full);

}

FLUXACCT_EXPORT int fluxacct_fstree_node (const fluxacct_fstree_t *t,
                                          int index,
                                          fluxacct_fstree_node_t *info,
                                          fluxacct_error_t *error)
{
    if (check_computed (t, error) < 0)
        return -1;
    if (!info)
        return errprintf (error, EINVAL, "node info pointer is NULL");
    if (fa_vcheck (&node_type, info, error) == 0)
        return -1;
    if (index < 0 || index >= t->nnodes)
        return errprintf (error, EINVAL, "node index %d is out of range (0..%d)",
                          index, t->nnodes - 1);
    fill_info (t, t->order[index], info);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_fstree_user (const fluxacct_fstree_t *t,
                                          int i,
                                          fluxacct_fstree_node_t *info,
                                          fluxacct_error_t *error)
{
    if (check_computed (t, error) < 0)
        return -1;
    if (!info)
        return errprintf (error, EINVAL, "node info pointer is NULL");
    if (fa_vcheck (&node_type, info, error) == 0)
        return -1;
    if (i < 0 || i >= t->nusers)
        return errprintf (error, EINVAL, "user index %d is out of range (%d users)",
                          i, t->nusers);
    fill_info (t, t->uorder[i], info);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_fstree_find_user (const fluxacct_fstree_t *t,
                                               const char *username,
                                               const char *bank,
                                               fluxacct_error_t *error)
{
    if (check_computed (t, error) < 0
        || check_name (username, "username", error) < 0
        || check_name (bank, "bank name", error) < 0)
        return -1;
    int b = index_lookup (t, &t->banks, bank, -1);
    if (b < 0)
        return errprintf (error, ENOENT, "bank '%s' not found", bank);
    int s = index_lookup (t, &t->users, username, b);
    if (s < 0)
        return errprintf (error, ENOENT, "user '%s' not found in bank '%s'",
                          username, bank);
    return t->nodes[s].index;
}

FLUXACCT_EXPORT int fluxacct_fstree_find_bank (const fluxacct_fstree_t *t,
                                               const char *name,
                                               fluxacct_error_t *error)
{
    if (check_computed (t, error) < 0 || check_name (name, "bank name", error) < 0)
        return -1;
    int b = index_lookup (t, &t->banks, name, -1);
    if (b < 0)
        return errprintf (error, ENOENT, "bank '%s' not found", name);
    return t->nodes[b].index;
}
