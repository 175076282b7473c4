/* libfluxacct - counting R in bulk without building a JSON tree.
 *
 * update-db and pop-db count the resources of every job record; R is JSON
 * and going through jansson allocates a tree per record.  r_count_fast()
 * scans the text once, validating it as JSON and picking out the strings
 * accounting needs (execution.R_lite[].rank, .children.core, .children.gpu).
 * It only answers in the plain case: ASCII text, no escapes, numbers without
 * exponents, no repeated key among those it reads, a well-formed R.  There
 * its counts are those of fluxacct_r_count() (the idsets go through the same
 * decoder).  For anything else it returns 0 and the caller asks
 * fluxacct_r_count(), which also words the error if there is one.
 */
#include <string.h>

#include "parse/parse_internal.h"

#define MAX_ENTRIES 64
#define MAX_DEPTH 32

struct span {
    const char *p;
    size_t n;
};

struct entry {
    struct span rank, core, gpu;
    int has_rank, has_children, has_core, has_gpu;
};

enum what {
    V_ANY, V_ROOT, V_VERSION, V_EXECUTION, V_RLITE, V_ENTRY, V_RANK,
    V_CHILDREN, V_CORE, V_GPU,
};

struct scan {
    const char *s, *end;
    int depth;
    int has_version, has_execution, has_rlite;
    size_t nentries;
    struct entry e[MAX_ENTRIES];
};

static void skip_ws (struct scan *sc)
{
    while (sc->s < sc->end && (*sc->s == ' ' || *sc->s == '\t'
                               || *sc->s == '\n' || *sc->s == '\r'))
        sc->s++;
}

/* A string without escapes, printable ASCII only.  0 on anything else. */
static int scan_string (struct scan *sc, struct span *out)
{
    const char *p = ++sc->s;

    while (sc->s < sc->end && *sc->s != '"') {
        unsigned char c = (unsigned char)*sc->s;
        if (c < 0x20 || c >= 0x7f || c == '\\')
            return 0;
        sc->s++;
    }
    if (sc->s >= sc->end)
        return 0;
    if (out) {
        out->p = p;
        out->n = (size_t)(sc->s - p);
    }
    sc->s++;
    return 1;
}

/* A JSON number without exponent and short enough that jansson neither
 * overflows nor rounds it oddly.  Sets *is_one when it is the integer 1. */
static int scan_number (struct scan *sc, int *is_one)
{
    const char *p = sc->s;
    int frac = 0;

    if (sc->s < sc->end && *sc->s == '-')
        sc->s++;
    if (sc->s >= sc->end || *sc->s < '0' || *sc->s > '9')
        return 0;
    if (*sc->s == '0')
        sc->s++;
    else
        while (sc->s < sc->end && *sc->s >= '0' && *sc->s <= '9')
            sc->s++;
    if (sc->s < sc->end && *sc->s == '.') {
        frac = 1;
        sc->s++;
        if (sc->s >= sc->end || *sc->s < '0' || *sc->s > '9')
            return 0;
        while (sc->s < sc->end && *sc->s >= '0' && *sc->s <= '9')
            sc->s++;
    }
    if (sc->s < sc->end && (*sc->s == 'e' || *sc->s == 'E'))
        return 0;
    if (sc->s - p > 18)
        return 0;
    *is_one = !frac && sc->s - p == 1 && *p == '1';
    return 1;
}

static int scan_literal (struct scan *sc, const char *lit)
{
    size_t n = strlen (lit);
    if ((size_t)(sc->end - sc->s) < n || memcmp (sc->s, lit, n))
        return 0;
    sc->s += n;
    return 1;
}

static int scan_value (struct scan *sc, enum what w);

static int key_is (const struct span *k, const char *name)
{
    return k->n == strlen (name) && !memcmp (k->p, name, k->n);
}

/* What a member of an object of kind w named k is, and whether it was
 * seen before (then the caller gives up: jansson keeps the last). */
static enum what member (struct scan *sc, enum what w, const struct span *k,
                         int *dup)
{
    struct entry *e = sc->nentries ? &sc->e[sc->nentries - 1] : NULL;
    int *seen = NULL;
    enum what m = V_ANY;

    switch (w) {
        case V_ROOT:
            if (key_is (k, "version"))
                seen = &sc->has_version, m = V_VERSION;
            else if (key_is (k, "execution"))
                seen = &sc->has_execution, m = V_EXECUTION;
            break;
        case V_EXECUTION:
            if (key_is (k, "R_lite"))
                seen = &sc->has_rlite, m = V_RLITE;
            break;
        case V_ENTRY:
            if (key_is (k, "rank"))
                seen = &e->has_rank, m = V_RANK;
            else if (key_is (k, "children"))
                seen = &e->has_children, m = V_CHILDREN;
            break;
        case V_CHILDREN:
            if (key_is (k, "core"))
                seen = &e->has_core, m = V_CORE;
            else if (key_is (k, "gpu"))
                seen = &e->has_gpu, m = V_GPU;
            break;
        default:
            break;
    }
    *dup = seen && *seen;
    if (seen)
        *seen = 1;
    return m;
}

static int scan_object (struct scan *sc, enum what w)
{
    sc->s++;
    skip_ws (sc);
    if (sc->s < sc->end && *sc->s == '}') {
        sc->s++;
        return 1;
    }
    for (;;) {
        struct span k;
        int dup;
        enum what m;

        if (sc->s >= sc->end || *sc->s != '"' || !scan_string (sc, &k))
            return 0;
        skip_ws (sc);
        if (sc->s >= sc->end || *sc->s != ':')
            return 0;
        sc->s++;
        m = member (sc, w, &k, &dup);
        if (dup || !scan_value (sc, m))
            return 0;
        skip_ws (sc);
        if (sc->s < sc->end && *sc->s == ',') {
            sc->s++;
            skip_ws (sc);
            continue;
        }
        if (sc->s < sc->end && *sc->s == '}') {
            sc->s++;
            return 1;
        }
        return 0;
    }
}

static int scan_array (struct scan *sc, enum what w)
{
    sc->s++;
    skip_ws (sc);
    if (sc->s < sc->end && *sc->s == ']') {
        sc->s++;
        return 1;
    }
    for (;;) {
        if (w == V_RLITE) {
            if (sc->nentries == MAX_ENTRIES)
                return 0;
            memset (&sc->e[sc->nentries++], 0, sizeof (struct entry));
        }
        if (!scan_value (sc, w == V_RLITE ? V_ENTRY : V_ANY))
            return 0;
        skip_ws (sc);
        if (sc->s < sc->end && *sc->s == ',') {
            sc->s++;
            continue;
        }
        if (sc->s < sc->end && *sc->s == ']') {
            sc->s++;
            return 1;
        }
        return 0;
    }
}

static int scan_value (struct scan *sc, enum what w)
{
    struct entry *e = sc->nentries ? &sc->e[sc->nentries - 1] : NULL;
    int rc, one = 0;

    skip_ws (sc);
    if (sc->s >= sc->end || ++sc->depth > MAX_DEPTH)
        return 0;
    switch (*sc->s) {
        case '{':
            /* objects where R needs them, and only there */
            if (w != V_ANY && w != V_ROOT && w != V_EXECUTION && w != V_ENTRY
                && w != V_CHILDREN)
                return 0;
            rc = scan_object (sc, w);
            break;
        case '[':
            if (w != V_ANY && w != V_RLITE)
                return 0;
            rc = scan_array (sc, w);
            break;
        case '"':
            if (w == V_RANK)
                rc = scan_string (sc, &e->rank);
            else if (w == V_CORE)
                rc = scan_string (sc, &e->core);
            else if (w == V_GPU)
                rc = scan_string (sc, &e->gpu);
            else if (w == V_ANY)
                rc = scan_string (sc, NULL);
            else
                return 0;
            break;
        default:
            if (w != V_ANY && w != V_VERSION)
                return 0;
            if (*sc->s == 't')
                rc = w == V_ANY && scan_literal (sc, "true");
            else if (*sc->s == 'f')
                rc = w == V_ANY && scan_literal (sc, "false");
            else if (*sc->s == 'n')
                rc = w == V_ANY && scan_literal (sc, "null");
            else
                rc = scan_number (sc, &one) && (w == V_ANY || one);
            break;
    }
    sc->depth--;
    return rc;
}

/* Count one idset span through the library's decoder. */
static int span_count (const struct span *sp, struct idset_ranges *ranges,
                       uint64_t *count)
{
    char buf[512];

    if (sp->n >= sizeof (buf))
        return 0;
    memcpy (buf, sp->p, sp->n);
    buf[sp->n] = '\0';
    return idset_decode_ranges (buf, ranges, count, NULL) == 0;
}

int r_count_fast (const char *R, fluxacct_rcount_t *out)
{
    struct scan sc = { .s = R, .end = R + strlen (R) };
    struct idset_ranges ranks = { 0 };
    fluxacct_rcount_t sum = { 0, 0, 0 };
    int ok = 0;

    if (!scan_value (&sc, V_ROOT))
        return 0;
    skip_ws (&sc);
    if (sc.s != sc.end || !sc.has_version || !sc.has_execution
        || !sc.has_rlite || sc.nentries == 0)
        return 0;
    for (size_t i = 0; i < sc.nentries; i++) {
        struct entry *e = &sc.e[i];
        uint64_t nranks, n, prod;
        if (!e->has_rank || !e->has_children || !e->has_core
            || !span_count (&e->rank, &ranks, &nranks) || nranks == 0
            || !span_count (&e->core, NULL, &n)
            || __builtin_mul_overflow (nranks, n, &prod)
            || __builtin_add_overflow (sum.ncores, prod, &sum.ncores))
            goto done;
        if (e->has_gpu
            && (!span_count (&e->gpu, NULL, &n)
                || __builtin_mul_overflow (nranks, n, &prod)
                || __builtin_add_overflow (sum.ngpus, prod, &sum.ngpus)))
            goto done;
    }
    sum.nnodes = idset_ranges_union_count (&ranks);
    *out = sum;
    ok = 1;
done:
    idset_ranges_clear (&ranks);
    return ok;
}
