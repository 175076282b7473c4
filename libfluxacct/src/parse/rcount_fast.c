/* libfluxacct - counting R in bulk without building a JSON tree.
 *
 * update-db and pop-db count the resources of every job record; R is JSON
 * and going through jansson allocates a tree per record.  r_count_fast()
 * reads the text once with the library's one JSON reader (jsonpull.c),
 * picking out the strings accounting needs (execution.R_lite[].rank,
 * .children.core, .children.gpu).  It only answers in the plain case:
 * ASCII strings without escapes, numbers without exponents and of at most
 * 18 characters, version the integer 1, no repeated key among those it
 * reads, at most 64 R_lite entries, nesting at most 32 deep, a well-formed
 * R.  There its counts are those of fluxacct_r_count() (the idsets go
 * through the same decoder).  For anything else it returns 0 and the
 * caller asks fluxacct_r_count(), which also words the error if there is
 * one.
 */
#include <string.h>

#include "parse/jsonpull_internal.h"
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

struct scan {
    struct jp jp;
    int has_version, has_execution, has_rlite;
    size_t nentries;
    struct entry e[MAX_ENTRIES];
};

/* A string (value or key) read in the plain case only: no escapes (it
 * then points into the input), printable ASCII.  1 or 0. */
static int plain_string (struct scan *sc, struct span *out)
{
    struct jp_str s;

    if (jp_string (&sc->jp, &s) < 0 || s.s < sc->jp.start
        || s.s >= sc->jp.end)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if ((unsigned char)s.s[i] >= 0x7f || s.s[i] == '\\')
            return 0;
    if (out) {
        out->p = s.s;
        out->n = s.len;
    }
    return 1;
}

/* A number without exponent and short enough that jansson neither
 * overflows nor rounds it oddly.  Sets *is_one when it is written "1". */
static int plain_number (struct scan *sc, int *is_one)
{
    const char *p;
    size_t n;

    if (jp_peek (&sc->jp) != JP_NUMBER)
        return 0;
    p = sc->jp.p;
    if (jp_skip (&sc->jp) < 0) /* checked, not converted */
        return 0;
    n = (size_t)(sc->jp.p - p);
    if (n > 18 || memchr (p, 'e', n) || memchr (p, 'E', n))
        return 0;
    *is_one = n == 1 && *p == '1';
    return 1;
}

/* The next object key, plain.  1 key read, 0 end of the object (or not
 * plain: *bad set). */
static int next_key (struct scan *sc, struct span *k, int *bad)
{
    const char *p;
    struct jp_str key;
    int rc = jp_object_next (&sc->jp, &key);

    *bad = rc < 0;
    if (rc != 1)
        return 0;
    /* the reader has consumed the key: check its raw text */
    p = key.s;
    if (p < sc->jp.start || p >= sc->jp.end) {
        *bad = 1;
        return 0;
    }
    for (size_t i = 0; i < key.len; i++)
        if ((unsigned char)p[i] >= 0x7f || p[i] == '\\')
            *bad = 1;
    k->p = p;
    k->n = key.len;
    return !*bad;
}

static int key_is (const struct span *k, const char *name)
{
    return k->n == strlen (name) && !memcmp (k->p, name, k->n);
}

/* Once per key: a repeated one makes the caller give up (jansson keeps the
 * last). */
static int first_time (int *seen)
{
    if (*seen)
        return 0;
    *seen = 1;
    return 1;
}

/* Any value accounting does not read, checked as plain. */
static int any_value (struct scan *sc)
{
    struct span k;
    int rc, bad, one;

    switch (jp_peek (&sc->jp)) {
        case JP_OBJECT:
            if (sc->jp.depth >= MAX_DEPTH || jp_object_begin (&sc->jp) < 0)
                return 0;
            while (next_key (sc, &k, &bad))
                if (!any_value (sc))
                    return 0;
            return !bad;
        case JP_ARRAY:
            if (sc->jp.depth >= MAX_DEPTH || jp_array_begin (&sc->jp) < 0)
                return 0;
            while ((rc = jp_array_next (&sc->jp)) == 1)
                if (!any_value (sc))
                    return 0;
            return rc == 0;
        case JP_STRING:
            return plain_string (sc, NULL);
        case JP_NUMBER:
            return plain_number (sc, &one);
        case JP_TRUE:
        case JP_FALSE:
        case JP_NULL:
            return jp_skip (&sc->jp) == 0;
        case JP_NONE:
            break;
    }
    return 0;
}

/* An object whose members are read by member(); other members are
 * any_value(). */
typedef int (*member_f) (struct scan *sc, const struct span *k, int *used);

static int object (struct scan *sc, member_f member)
{
    struct span k;
    int bad, used;

    if (jp_peek (&sc->jp) != JP_OBJECT || sc->jp.depth >= MAX_DEPTH
        || jp_object_begin (&sc->jp) < 0)
        return 0;
    while (next_key (sc, &k, &bad)) {
        used = 0;
        if (!member (sc, &k, &used) || (!used && !any_value (sc)))
            return 0;
    }
    return !bad;
}

static struct entry *last_entry (struct scan *sc)
{
    return &sc->e[sc->nentries - 1];
}

/* A member whose value must be a plain string, read once into *out. */
static int string_member (struct scan *sc, int *seen, struct span *out,
                          int *used)
{
    *used = 1;
    return first_time (seen) && jp_peek (&sc->jp) == JP_STRING
           && plain_string (sc, out);
}

static int children_member (struct scan *sc, const struct span *k, int *used)
{
    struct entry *e = last_entry (sc);

    if (key_is (k, "core"))
        return string_member (sc, &e->has_core, &e->core, used);
    if (key_is (k, "gpu"))
        return string_member (sc, &e->has_gpu, &e->gpu, used);
    return 1;
}

static int entry_member (struct scan *sc, const struct span *k, int *used)
{
    struct entry *e = last_entry (sc);

    if (key_is (k, "rank"))
        return string_member (sc, &e->has_rank, &e->rank, used);
    if (key_is (k, "children")) {
        *used = 1;
        return first_time (&e->has_children)
               && object (sc, children_member);
    }
    return 1;
}

static int r_lite (struct scan *sc)
{
    int rc;

    if (jp_peek (&sc->jp) != JP_ARRAY || sc->jp.depth >= MAX_DEPTH
        || jp_array_begin (&sc->jp) < 0)
        return 0;
    while ((rc = jp_array_next (&sc->jp)) == 1) {
        if (sc->nentries == MAX_ENTRIES)
            return 0;
        memset (&sc->e[sc->nentries++], 0, sizeof (struct entry));
        if (!object (sc, entry_member))
            return 0;
    }
    return rc == 0;
}

static int execution_member (struct scan *sc, const struct span *k, int *used)
{
    if (key_is (k, "R_lite")) {
        *used = 1;
        return first_time (&sc->has_rlite) && r_lite (sc);
    }
    return 1;
}

static int root_member (struct scan *sc, const struct span *k, int *used)
{
    int one = 0;

    if (key_is (k, "version")) {
        *used = 1;
        return first_time (&sc->has_version)
               && plain_number (sc, &one) && one;
    }
    if (key_is (k, "execution")) {
        *used = 1;
        return first_time (&sc->has_execution)
               && object (sc, execution_member);
    }
    return 1;
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

static int scan_r (struct scan *sc)
{
    return object (sc, root_member) && jp_finish (&sc->jp) == 0
           && sc->has_version && sc->has_execution && sc->has_rlite
           && sc->nentries > 0;
}

int r_count_fast (const char *R, fluxacct_r_count_t *out)
{
    struct scan sc;
    struct idset_ranges ranks = { 0 };
    fluxacct_r_count_t sum = { 0 };
    int ok = 0;

    sc.has_version = sc.has_execution = sc.has_rlite = 0;
    sc.nentries = 0;
    jp_init (&sc.jp, R, strlen (R));
    if (!scan_r (&sc))
        goto done;
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
    jp_fini (&sc.jp);
    return ok;
}
