/* bench/bench_json: the library's JSON reading on job records, by hand.
 *
 * usage: bench_json FILE.jsonl [REPS [PHASE]]
 *
 * FILE is JSON Lines job records (bench/gen --jsonl writes them).  Each
 * phase runs over every line REPS times (default 1) and prints its CPU
 * time (user + sys), ns a line, and its ratio to jansson parsing the same
 * lines (json_loadb + json_decref, the import's slow path; always run);
 * with PHASE, only that one besides (for callgrind):
 *   pull     the one JSON reader (jsonpull.c) skipping the whole line
 *   span     what import-jobs' fast path reads of a line: the eight
 *            top-level keys, jobspec attributes.system, R's R_lite (span
 *            helpers of jsonspan.c, the second scanner)
 *   pspan    the same reads with span helpers built on jsonpull (here)
 *   rcount   r_count_fast() on each line's R text (update-db, pop-db)
 *   rjansson fluxacct_r_count() on the same R texts (jansson)
 *   jansson  json_loadb + json_decref of each line
 * A checksum of what each phase read is printed so no work is optimised
 * away and two builds can be compared.  Not a test: run by hand. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fluxacct/parse.h"
#include "parse/jsonpull_internal.h"
#include "parse/jsonspan_internal.h"
#include "parse/parse_internal.h"

struct line {
    const char *p;
    size_t n;
    char *R; /* NUL-terminated copy of the R value, or NULL */
};

static double cpu_now (void)
{
    struct rusage ru;

    getrusage (RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
           + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static char *slurp (const char *path, size_t *len)
{
    FILE *f = fopen (path, "rb");
    char *buf = NULL;
    long n;

    if (!f || fseek (f, 0, SEEK_END) < 0 || (n = ftell (f)) < 0
        || fseek (f, 0, SEEK_SET) < 0 || !(buf = malloc ((size_t)n + 1))
        || fread (buf, 1, (size_t)n, f) != (size_t)n) {
        perror (path);
        exit (1);
    }
    fclose (f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static struct line *split (char *buf, size_t len, size_t *count)
{
    struct line *v = NULL;
    size_t n = 0, cap = 0;
    char *p = buf, *end = buf + len;

    while (p < end) {
        char *nl = memchr (p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        if (e > p) {
            if (n == cap && !(v = realloc (v, (cap = cap ? 2 * cap : 1024)
                                                  * sizeof (*v)))) {
                perror ("realloc");
                exit (1);
            }
            v[n++] = (struct line){ p, (size_t)(e - p), NULL };
        }
        p = e + 1;
    }
    *count = n;
    return v;
}

static void extract_r (struct line *l)
{
    struct jspan o, R;

    if (jspan_value (l->p, l->p + l->n, &o) == 0
        && jspan_get (o, "R", &R) == 1 && jspan_is_object (R)) {
        l->R = strndup (R.p, R.n);
    }
}

/* ---- the same span reads done over jsonpull (phase pspan) ------------
 * What jsonspan.c would be if it were built on the one reader: kept here
 * to show what the second scanner saves. */

/* A reader over [p, end), starting at nesting depth depth. */
static void reader (struct jp *jp, const char *p, const char *end, int depth)
{
    jp_init (jp, p, (size_t)(end - p));
    jp->depth = depth;
}

/* Skip one value with reader jp; its span in *v.  0 or -1. */
static int skip_value (struct jp *jp, struct jspan *v)
{
    if (jp_peek (jp) == JP_NONE)
        return -1;
    v->p = jp->p;
    if (jp_skip (jp) < 0)
        return -1;
    v->n = (size_t)(jp->p - v->p);
    return 0;
}

static const char *pspan_skip (const char *p, const char *end, int depth)
{
    struct jp jp;
    struct jspan v;
    int rc;

    if (depth < 0 || depth >= JP_MAX_DEPTH)
        return NULL;
    reader (&jp, p, end, depth);
    rc = skip_value (&jp, &v);
    jp_fini (&jp);
    return rc < 0 ? NULL : jp.p;
}

/* One pass over the members of object obj; for each, match() is told
 * its key (raw text, escape-free) and value span.  A key with escapes
 * makes it give up (-1): the callers then take the jansson path, which
 * reads such keys as they are meant.  0 or -1. */
static int each_member (struct jspan obj,
                        int (*match) (const char *k, size_t klen,
                                      struct jspan v, void *arg),
                        void *arg)
{
    struct jp jp;
    struct jp_str key;
    struct jspan v;
    int rc;

    if (!jspan_is_object (obj))
        return -1;
    reader (&jp, obj.p, obj.p + obj.n, 0);
    if (jp_object_begin (&jp) < 0)
        goto fail;
    while ((rc = jp_object_next (&jp, &key)) == 1) {
        if (key.s < obj.p || key.s >= obj.p + obj.n
            || memchr (key.s, '\\', key.len))
            goto fail;
        if (skip_value (&jp, &v) < 0)
            goto fail;
        if (match (key.s, key.len, v, arg))
            break;
    }
    if (rc < 0)
        goto fail;
    jp_fini (&jp);
    return 0;
fail:
    jp_fini (&jp);
    return -1;
}

struct get_arg {
    const char *key;
    size_t klen;
    struct jspan *v;
    int found;
};

static int get_match (const char *k, size_t klen, struct jspan v, void *arg)
{
    struct get_arg *g = arg;

    if (klen != g->klen || memcmp (k, g->key, klen) != 0)
        return 0;
    *g->v = v;
    g->found = 1;
    return 1; /* the first one, as jspan_get() */
}

static int pspan_get (struct jspan obj, const char *key, struct jspan *v)
{
    struct get_arg g = { key, strlen (key), v, 0 };

    if (each_member (obj, get_match, &g) < 0)
        return g.found ? 1 : -1;
    return g.found;
}

struct members_arg {
    const char *const *keys;
    size_t n;
    struct jspan *values;
};

static int members_match (const char *k, size_t klen, struct jspan v,
                          void *arg)
{
    struct members_arg *m = arg;

    for (size_t i = 0; i < m->n; i++)
        if (strlen (m->keys[i]) == klen && !memcmp (m->keys[i], k, klen))
            m->values[i] = v;
    return 0;
}

static int pspan_members (struct jspan obj, const char *const *keys,
                          size_t n, struct jspan *values)
{
    struct members_arg m = { keys, n, values };

    for (size_t i = 0; i < n; i++)
        values[i].p = NULL;
    return each_member (obj, members_match, &m);
}

static int pspan_next (struct jspan arr, const char **it, struct jspan *elem)
{
    const char *end = arr.p + arr.n, *p;
    struct jp jp;
    int rc;

    if (!jspan_is_array (arr))
        return 0;
    p = *it ? *it : arr.p + 1;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p < end && *p == ',')
        p++;
    reader (&jp, p, end, 1);
    rc = skip_value (&jp, elem) == 0;
    jp_fini (&jp);
    if (rc)
        *it = jp.p;
    return rc;
}

/* ---- phases ------------------------------------------------------------ */

static unsigned long long phase_pull (const struct line *l)
{
    struct jp jp;
    unsigned long long sum;

    jp_init (&jp, l->p, l->n);
    sum = jp_skip (&jp) == 0 && jp_finish (&jp) == 0 ? l->n : 0;
    jp_fini (&jp);
    return sum;
}

/* The span helpers a phase reads with: jsonspan.c's or those above. */
struct span_ops {
    int (*get) (struct jspan obj, const char *key, struct jspan *v);
    int (*members) (struct jspan obj, const char *const *keys, size_t n,
                    struct jspan *values);
    const char *(*skip) (const char *p, const char *end, int depth);
    int (*next) (struct jspan arr, const char **it, struct jspan *elem);
};

static const struct span_ops jspan_ops = { jspan_get, jspan_members,
                                           jspan_skip, jspan_next };
static const struct span_ops pspan_ops = { pspan_get, pspan_members,
                                           pspan_skip, pspan_next };

static unsigned long long span_r (const struct span_ops *ops, struct jspan R)
{
    struct jspan v, exec, rl, entry, children;
    const char *it = NULL;
    unsigned long long sum = 0;

    if (ops->get (R, "version", &v) != 1
        || ops->get (R, "execution", &exec) != 1
        || ops->get (exec, "R_lite", &rl) != 1)
        return 0;
    while (ops->next (rl, &it, &entry)) {
        if (ops->get (entry, "rank", &v) == 1)
            sum += v.n;
        if (ops->get (entry, "children", &children) == 1) {
            if (ops->get (children, "core", &v) == 1)
                sum += v.n;
            if (ops->get (children, "gpu", &v) == 1)
                sum += v.n;
        }
    }
    return sum;
}

static unsigned long long span_reads (const struct span_ops *ops,
                                       const struct line *l)
{
    static const char *const keys[] = { "id", "userid", "t_submit", "t_run",
                                        "t_inactive", "ranks", "jobspec",
                                        "R" };
    struct jspan o = { l->p, l->n }, v[8], attrs, sys, x;
    unsigned long long sum = 0;
    double d;

    if (ops->members (o, keys, 8, v) < 0
        || ops->skip (o.p, o.p + o.n, 0) != o.p + o.n)
        return 0;
    for (int i = 0; i < 5; i++)
        if (v[i].p && jspan_number (v[i], &d) == 0)
            sum += (unsigned long long)d;
    if (v[6].p && ops->get (v[6], "attributes", &attrs) == 1
        && ops->get (attrs, "system", &sys) == 1) {
        if (ops->get (sys, "bank", &x) == 1)
            sum += x.n;
        if (ops->get (sys, "project", &x) == 1)
            sum += x.n;
        if (ops->get (sys, "duration", &x) == 1 && jspan_number (x, &d) == 0)
            sum += (unsigned long long)d;
    }
    if (v[7].p)
        sum += span_r (ops, v[7]);
    return sum;
}

static unsigned long long phase_span (const struct line *l)
{
    return span_reads (&jspan_ops, l);
}

static unsigned long long phase_pspan (const struct line *l)
{
    return span_reads (&pspan_ops, l);
}

static unsigned long long phase_rcount (const struct line *l)
{
    fluxacct_r_count_t c;

    if (!l->R || fluxacct_r_count_init (&c, FLUXACCT_R_COUNT_VERSION) < 0
        || r_count_fast (l->R, &c) != 1)
        return 0;
    return c.nnodes + c.ncores + c.ngpus;
}

static unsigned long long phase_rjansson (const struct line *l)
{
    fluxacct_r_count_t c;

    if (!l->R || fluxacct_r_count_init (&c, FLUXACCT_R_COUNT_VERSION) < 0
        || fluxacct_r_count (l->R, &c, NULL) < 0)
        return 0;
    return c.nnodes + c.ncores + c.ngpus;
}

static unsigned long long phase_jansson (const struct line *l)
{
    json_t *o = json_loadb (l->p, l->n, 0, NULL);

    if (!o)
        return 0;
    json_decref (o);
    return l->n;
}

struct phase {
    const char *name;
    unsigned long long (*fn) (const struct line *l);
};

int main (int argc, char **argv)
{
    static const struct phase phases[] = {
        { "jansson", phase_jansson }, { "pull", phase_pull },
        { "span", phase_span },       { "pspan", phase_pspan },
        { "rcount", phase_rcount },
        { "rjansson", phase_rjansson },
    };
    size_t len, n;
    char *buf;
    struct line *lines;
    int reps = argc > 2 ? atoi (argv[2]) : 1;
    double floor = 0;

    if (argc < 2 || reps < 1) {
        fprintf (stderr, "usage: bench_json FILE.jsonl [REPS [PHASE]]\n");
        return 2;
    }
    buf = slurp (argv[1], &len);
    lines = split (buf, len, &n);
    for (size_t i = 0; i < n; i++)
        extract_r (&lines[i]);
    printf ("%zu lines, %zu bytes, %d reps\n", n, len, reps);
    printf ("%-9s %10s %10s %8s %20s\n", "phase", "cpu_s", "ns/line",
            "ratio", "checksum");
    for (size_t k = 0; k < sizeof (phases) / sizeof (phases[0]); k++) {
        unsigned long long sum = 0;
        if (k > 0 && argc > 3 && strcmp (argv[3], phases[k].name) != 0)
            continue;
        double t0 = cpu_now (), t;
        for (int r = 0; r < reps; r++)
            for (size_t i = 0; i < n; i++)
                sum += phases[k].fn (&lines[i]);
        t = cpu_now () - t0;
        if (k == 0)
            floor = t;
        printf ("%-9s %10.3f %10.0f %8.2f %20llu\n", phases[k].name, t,
                t * 1e9 / ((double)n * reps), floor > 0 ? t / floor : 0.0,
                sum);
    }
    for (size_t i = 0; i < n; i++)
        free (lines[i].R);
    free (lines);
    free (buf);
    return 0;
}
