/* libfluxacct - the priority engine's data: the load-time object and the
 * service payloads.
 *
 * Two phases, so that a bad payload changes nothing: the text is read
 * once, token by token (jsonpull), into a `struct stage` that holds every
 * value already checked, plus whatever memory the commit will need (new
 * associations and users, hash table room).  Only then does commit() move
 * the staged values in; it cannot fail.  Interning names during the read
 * is harmless: an unused name changes no behaviour. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/util_internal.h"
#include "parse/jsonpull_internal.h"
#include "engine/priority_internal.h"

const char *const prio_queue_fields[QF_COUNT] = {
    "min_nodes_per_job", "max_nodes_per_job", "max_time_per_job",
    "priority", "max_running_jobs", "max_nodes_per_assoc", "max_sched_jobs",
    "max_sched_nodes_per_assoc", "max_sched_cores_per_assoc",
};

static const char *const factor_names[4] = {
    "fairshare", "queue", "bank", "urgency",
};

/* Association fields, in flux-accounting's payload order; all required. */
enum {
    AF_USERID, AF_BANK, AF_DEF_BANK, AF_FAIRSHARE, AF_MAX_RUNNING_JOBS,
    AF_MAX_ACTIVE_JOBS, AF_QUEUES, AF_ACTIVE, AF_PROJECTS, AF_DEF_PROJECT,
    AF_MAX_NODES, AF_MAX_CORES, AF_MAX_SCHED_JOBS, AF_COUNT,
    /* optional, after the required ones: libfluxacct's extra key (the
     * seed's max wall time per job; flux-accounting's plugin ignores it) */
    AF_MAX_WALL_PJ = AF_COUNT, AF_ALL,
};
static const char *const assoc_fields[AF_ALL] = {
    "userid", "bank", "def_bank", "fairshare", "max_running_jobs",
    "max_active_jobs", "queues", "active", "projects", "def_project",
    "max_nodes", "max_cores", "max_sched_jobs", "max_wall_pj",
};

struct st_assoc {
    uint32_t userid;
    int32_t bank, def_bank, def_project;
    double fairshare;
    int64_t max_run_jobs, max_active_jobs, max_nodes, max_cores,
        max_sched_jobs, max_wall_pj;
    int active;
    int32_t *queues;
    int nqueues;
    int32_t *projects;
    int nprojects;
    struct assoc *a;            /* existing, found by prepare_assocs() */
    struct user *u;
};

struct st_named {
    int32_t id;
    int64_t v[QF_COUNT];
    double d;
    /* banks: the allocation keys */
    int32_t parent;             /* -1: root ("" or absent) */
    double alloc, used;
    int64_t wend;
};

struct st_factor {
    int index;
    int64_t weight;
};

#define NO_INDEX SIZE_MAX

struct stage {
    struct fluxacct_engine *e;
    struct jp jp;
    fluxacct_error_t *error;
    /* Where we are, for messages: path[index].key; composed only when an
     * error is reported (formatting it for every key costs a quarter of
     * the time of a large rec_update). */
    char path[64];              /* "rec_update: data" */
    size_t index;               /* NO_INDEX: not inside an element */
    char key[40];               /* raw bytes of the current key */
    size_t keylen;              /* 0: no key */

    bool has_assocs, replace;
    struct st_assoc *assocs;
    size_t nassocs, aalloc;

    bool has_queues, has_projects, has_banks;
    char bank_path[64];         /* path of the banks piece, for messages */
    struct st_named *queues, *projects, *banks;
    size_t nqueues, nprojects, nbanks;
    size_t qalloc, palloc, balloc;
    struct qtable qt;
    struct ptable pt;
    struct btable bt;

    bool has_factors;
    struct st_factor factor;    /* the element being read */
    bool wset[4];
    int64_t w[4];

    bool deny_set;
    bool deny;
    bool policy_set, dtl_set, wn_set, wc_set, wg_set;
    int policy;
    int64_t dtl;
    double wn, wc, wg;

    struct assoc **pool;        /* new associations for commit */
    size_t npool, pool_used;
    struct user **upool;
    size_t nupool, upool_used;
};

/* ----------------------------------------------------------------------
 * Messages
 */

/* A short printable rendering of a key for messages. */
static const char *key_text (const char *k, size_t len, char *buf, size_t size)
{
    size_t j = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)k[i];
        if (j + 8 >= size) {
            memcpy (buf + j, "...", 4);
            return buf;
        }
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            buf[j++] = (char)c;
        else
            j += (size_t)snprintf (buf + j, size - j, "\\x%02x", c);
    }
    buf[j] = '\0';
    return buf;
}

/* "rec_update: data[3].max_nodes" */
static const char *path_text (struct stage *st, char *buf, size_t size)
{
    char idx[32] = "", key[64] = "";

    if (st->index != NO_INDEX)
        snprintf (idx, sizeof (idx), "[%zu]", st->index);
    if (st->keylen) {
        key[0] = '.';
        key_text (st->key, st->keylen, key + 1, sizeof (key) - 1);
    }
    snprintf (buf, size, "%s%s%s", st->path, idx, key);
    return buf;
}

static void path_key (struct stage *st, const char *k, size_t len)
{
    st->keylen = len < sizeof (st->key) ? len : sizeof (st->key);
    memcpy (st->key, k, st->keylen);
}

static void path_reset (struct stage *st, const char *name, const char *suffix)
{
    snprintf (st->path, sizeof (st->path), "%s%s", name, suffix);
    st->index = NO_INDEX;
    st->keylen = 0;
}

/* "<path>: <message>", EINVAL; keeps the first error only. */
__attribute__ ((format (printf, 2, 3)))
static int st_fail (struct stage *st, const char *fmt, ...)
{
    char msg[sizeof (st->error->text)], path[128];
    va_list ap;

    if (st->jp.failed)
        return -1;
    va_start (ap, fmt);
    vsnprintf (msg, sizeof (msg), fmt, ap);
    va_end (ap);
    st->jp.failed = true;
    errprintf (st->error, EINVAL, "%s: %s", path_text (st, path, sizeof (path)),
               msg);
    return -1;
}

/* ----------------------------------------------------------------------
 * Typed values
 */

static int expect_type (struct stage *st, enum jp_type want, const char *what)
{
    enum jp_type t = jp_peek (&st->jp);

    if (st->jp.failed)
        return -1;
    if (t == JP_NONE) {
        char path[128];
        (void)jp_skip (&st->jp); /* produces the syntax error */
        return errprintf (st->error, EINVAL, "%s: %s",
                          path_text (st, path, sizeof (path)), st->jp.error);
    }
    if (t != want && !(want == JP_TRUE && t == JP_FALSE))
        return st_fail (st, "expected %s, got %s", what, jp_typename (t));
    return 0;
}

/* After a jsonpull call failed: report its syntax error with the path. */
static int syntax_error (struct stage *st)
{
    char path[128];

    if (st->error && st->jp.error[0])
        errprintf (st->error, EINVAL, "%s: %s",
                   path_text (st, path, sizeof (path)), st->jp.error);
    errno = EINVAL;
    return -1;
}

static int read_int (struct stage *st, int64_t lo, int64_t hi, int64_t *out)
{
    struct jp_num n;

    if (expect_type (st, JP_NUMBER, "an integer") < 0)
        return -1;
    if (jp_number (&st->jp, &n) < 0)
        return syntax_error (st);
    if (!n.is_int || n.i < lo || n.i > hi) {
        if (n.is_int)
            return st_fail (st, "expected an integer from %lld to %lld, got "
                            "%lld", (long long)lo, (long long)hi,
                            (long long)n.i);
        return st_fail (st, "expected an integer from %lld to %lld, got %g",
                        (long long)lo, (long long)hi, n.d);
    }
    *out = n.i;
    return 0;
}

static int read_double (struct stage *st, double lo, double hi, double *out)
{
    struct jp_num n;

    if (expect_type (st, JP_NUMBER, "a number") < 0)
        return -1;
    if (jp_number (&st->jp, &n) < 0)
        return syntax_error (st);
    if (!(n.d >= lo && n.d <= hi))
        return st_fail (st, "expected a number from %g to %g, got %g", lo, hi,
                        n.d);
    *out = n.d;
    return 0;
}

static int read_bool (struct stage *st, bool *out)
{
    if (expect_type (st, JP_TRUE, "true or false") < 0)
        return -1;
    if (jp_bool (&st->jp, out) < 0)
        return syntax_error (st);
    return 0;
}

static int read_string (struct stage *st, struct jp_str *s)
{
    if (expect_type (st, JP_STRING, "a string") < 0)
        return -1;
    if (jp_string (&st->jp, s) < 0)
        return syntax_error (st);
    if (s->has_nul)
        return st_fail (st, "string contains a NUL character");
    return 0;
}

static int intern (struct stage *st, const char *s, size_t len, int32_t *id)
{
    if ((*id = strtab_intern (&st->e->names, s, len)) < 0)
        return errprintf (st->error, ENOMEM, "out of memory");
    return 0;
}

/* A non-empty name, interned. */
static int read_name (struct stage *st, int32_t *id)
{
    struct jp_str s;

    if (read_string (st, &s) < 0)
        return -1;
    if (s.len == 0)
        return st_fail (st, "expected a non-empty name");
    return intern (st, s.s, s.len, id);
}

/* A comma list ("a,b"); empty items are skipped, so "" is the empty list. */
static int read_list (struct stage *st, int32_t **out, int *count)
{
    struct jp_str s;
    int32_t *v = NULL;
    int n = 0, alloc = 0;
    size_t i = 0;

    if (read_string (st, &s) < 0)
        return -1;
    while (i < s.len) {
        size_t j = i;
        while (j < s.len && s.s[j] != ',')
            j++;
        if (j > i) {
            if (n == alloc) {
                alloc = alloc ? alloc * 2 : 4;
                int32_t *nv = realloc (v, (size_t)alloc * sizeof (*v));
                if (!nv)
                    goto nomem;
                v = nv;
            }
            if (intern (st, s.s + i, j - i, &v[n]) < 0)
                goto nomem;
            /* A name listed twice counts once. */
            int k;
            for (k = 0; k < n && v[k] != v[n]; k++)
                ;
            if (k == n)
                n++;
        }
        i = j + 1;
    }
    *out = v;
    *count = n;
    return 0;
nomem:
    free (v);
    return errprintf (st->error, ENOMEM, "out of memory");
}

/* ----------------------------------------------------------------------
 * Arrays of objects
 */

typedef int (*field_f) (struct stage *st, void *elem, const struct jp_str *key,
                        unsigned *seen);

/* data: [ {...}, ... ]; each object's keys go to fn; `required` names the
 * keys (bit i of *seen for required[i]) that every element must have. */
static int read_objects (struct stage *st, void *(*add) (struct stage *),
                         field_f fn, const char *const *required,
                         int nrequired)
{
    size_t index = 0;
    int rc;

    if (expect_type (st, JP_ARRAY, "an array") < 0)
        return -1;
    if (jp_array_begin (&st->jp) < 0)
        return syntax_error (st);
    while ((rc = jp_array_next (&st->jp)) == 1) {
        unsigned seen = 0;
        struct jp_str key;
        void *elem;

        st->index = index++;
        if (expect_type (st, JP_OBJECT, "an object") < 0)
            return -1;
        if (!(elem = add (st)))
            return -1;
        if (jp_object_begin (&st->jp) < 0)
            return syntax_error (st);
        while ((rc = jp_object_next (&st->jp, &key)) == 1) {
            path_key (st, key.s, key.len);
            if (fn (st, elem, &key, &seen) < 0)
                return -1;
            st->keylen = 0;
        }
        if (rc < 0)
            return syntax_error (st);
        for (int i = 0; i < nrequired; i++)
            if (!(seen & (1u << i)))
                return st_fail (st, "missing key \"%s\"", required[i]);
    }
    st->index = NO_INDEX;
    if (rc < 0)
        return syntax_error (st);
    return 0;
}

/* Index of key in names, or -1.  Compares only names that start with
 * the same byte: this runs for every key of a 100,000-element payload. */
static int field_index (const struct jp_str *key, const char *const *names,
                        int n)
{
    if (key->len == 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (names[i][0] == key->s[0] && jp_streq (key, names[i]))
            return i;
    return -1;
}

/* --- associations --- */

static void *add_assoc (struct stage *st)
{
    if (st->nassocs == st->aalloc) {
        size_t n = st->aalloc ? st->aalloc * 2 : 64;
        struct st_assoc *v = realloc (st->assocs, n * sizeof (*v));
        if (!v)
            return errprintf_null (st->error, ENOMEM, "out of memory");
        st->assocs = v;
        st->aalloc = n;
    }
    memset (&st->assocs[st->nassocs], 0, sizeof (st->assocs[0]));
    st->assocs[st->nassocs].max_wall_pj = PRIO_UNLIMITED;
    return &st->assocs[st->nassocs++];
}

static int assoc_field (struct stage *st, void *elem, const struct jp_str *key,
                        unsigned *seen)
{
    struct st_assoc *a = elem;
    int f = field_index (key, assoc_fields, AF_ALL);
    int64_t v = 0;
    int rc = 0;

    if (f < 0)
        return jp_skip (&st->jp) < 0 ? syntax_error (st) : 0;
    switch (f) {
        case AF_USERID:
            rc = read_int (st, 0, 4294967294LL, &v);
            a->userid = (uint32_t)v;
            break;
        case AF_BANK:
            rc = read_name (st, &a->bank);
            break;
        case AF_DEF_BANK:
            rc = read_name (st, &a->def_bank);
            break;
        case AF_FAIRSHARE:
            rc = read_double (st, 0., 1., &a->fairshare);
            break;
        case AF_MAX_RUNNING_JOBS:
            rc = read_int (st, 0, PRIO_UNLIMITED, &a->max_run_jobs);
            break;
        case AF_MAX_ACTIVE_JOBS:
            rc = read_int (st, 0, PRIO_UNLIMITED, &a->max_active_jobs);
            break;
        case AF_QUEUES:
            free (a->queues);
            a->queues = NULL;
            rc = read_list (st, &a->queues, &a->nqueues);
            break;
        case AF_ACTIVE:
            rc = read_int (st, 0, 1, &v);
            a->active = (int)v;
            break;
        case AF_PROJECTS:
            free (a->projects);
            a->projects = NULL;
            rc = read_list (st, &a->projects, &a->nprojects);
            break;
        case AF_DEF_PROJECT:
            rc = read_name (st, &a->def_project);
            break;
        case AF_MAX_NODES:
            rc = read_int (st, 0, PRIO_UNLIMITED, &a->max_nodes);
            break;
        case AF_MAX_CORES:
            rc = read_int (st, 0, PRIO_UNLIMITED, &a->max_cores);
            break;
        case AF_MAX_SCHED_JOBS:
            rc = read_int (st, 0, PRIO_UNLIMITED, &a->max_sched_jobs);
            break;
        case AF_MAX_WALL_PJ:
            rc = read_int (st, 0, PRIO_UNLIMITED, &a->max_wall_pj);
            break;
    }
    *seen |= 1u << f;
    return rc;
}

/* --- queues, projects, banks --- */

static void *add_named (struct stage *st, struct st_named **v, size_t *n,
                        size_t *alloc)
{
    if (*n == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 16;
        struct st_named *nv = realloc (*v, na * sizeof (**v));
        if (!nv)
            return errprintf_null (st->error, ENOMEM, "out of memory");
        *v = nv;
        *alloc = na;
    }
    memset (&(*v)[*n], 0, sizeof (**v));
    return &(*v)[(*n)++];
}

static void *add_queue (struct stage *st)
{
    return add_named (st, &st->queues, &st->nqueues, &st->qalloc);
}

static void *add_project (struct stage *st)
{
    return add_named (st, &st->projects, &st->nprojects, &st->palloc);
}

static void *add_bank (struct stage *st)
{
    struct st_named *b = add_named (st, &st->banks, &st->nbanks, &st->balloc);
    if (b)
        b->parent = -1;
    return b;
}

static const char *const queue_required[QF_COUNT + 1] = {
    "queue", "min_nodes_per_job", "max_nodes_per_job", "max_time_per_job",
    "priority", "max_running_jobs", "max_nodes_per_assoc", "max_sched_jobs",
    "max_sched_nodes_per_assoc", "max_sched_cores_per_assoc",
};

static int queue_field (struct stage *st, void *elem, const struct jp_str *key,
                        unsigned *seen)
{
    struct st_named *q = elem;
    int f = field_index (key, queue_required, QF_COUNT + 1);

    if (f < 0)
        return jp_skip (&st->jp) < 0 ? syntax_error (st) : 0;
    *seen |= 1u << f;
    if (f == 0)
        return read_name (st, &q->id);
    if (f - 1 == QF_PRIORITY)
        return read_int (st, -2147483648LL, PRIO_UNLIMITED, &q->v[f - 1]);
    return read_int (st, 0, PRIO_UNLIMITED, &q->v[f - 1]);
}

static const char *const project_required[] = { "project" };

static int project_field (struct stage *st, void *elem,
                          const struct jp_str *key, unsigned *seen)
{
    struct st_named *p = elem;

    if (!jp_streq (key, "project"))
        return jp_skip (&st->jp) < 0 ? syntax_error (st) : 0;
    *seen |= 1;
    return read_name (st, &p->id);
}

static const char *const bank_required[] = { "bank", "priority" };

static int bank_field (struct stage *st, void *elem, const struct jp_str *key,
                       unsigned *seen)
{
    struct st_named *b = elem;

    if (jp_streq (key, "bank")) {
        *seen |= 1;
        return read_name (st, &b->id);
    }
    if (jp_streq (key, "priority")) {
        *seen |= 2;
        return read_double (st, -1e15, 1e15, &b->d);
    }
    /* The allocation keys (libfluxacct's; optional). */
    if (jp_streq (key, "parent_bank")) {
        struct jp_str p;
        if (read_string (st, &p) < 0)
            return -1;
        b->parent = -1;
        return p.len ? intern (st, p.s, p.len, &b->parent) : 0;
    }
    if (jp_streq (key, "allocation"))
        return read_double (st, 0., 1e18, &b->alloc);
    if (jp_streq (key, "allocation_used"))
        return read_double (st, 0., 1e18, &b->used);
    if (jp_streq (key, "allocation_window_end"))
        return read_int (st, 0, 253402300799LL, &b->wend);
    return jp_skip (&st->jp) < 0 ? syntax_error (st) : 0;
}

/* --- factors --- */

/* Weights go to st->w as soon as an element has both keys, so one
 * element's worth of scratch space is enough. */
static void *add_factor (struct stage *st)
{
    st->factor.index = -1;
    st->factor.weight = 0;
    return &st->factor;
}

static const char *const factor_required[] = { "factor", "weight" };

static int factor_field (struct stage *st, void *elem,
                         const struct jp_str *key, unsigned *seen)
{
    struct st_factor *f = elem;
    struct jp_str s;

    if (jp_streq (key, "factor")) {
        *seen |= 1;
        if (read_string (st, &s) < 0)
            return -1;
        f->index = field_index (&s, factor_names, 4);
        if (f->index < 0) {
            char kbuf[48];
            return st_fail (st, "unknown factor \"%s\" (expected fairshare, "
                            "queue, bank or urgency)",
                            key_text (s.s, s.len, kbuf, sizeof (kbuf)));
        }
    }
    else if (jp_streq (key, "weight")) {
        *seen |= 2;
        if (read_int (st, 0, 4294967295LL, &f->weight) < 0)
            return -1;
    }
    else
        return jp_skip (&st->jp) < 0 ? syntax_error (st) : 0;
    /* Both known: record (a later element for the same factor wins). */
    if ((*seen & 3) == 3 && f->index >= 0) {
        st->w[f->index] = f->weight;
        st->wset[f->index] = true;
    }
    return 0;
}

/* --- config --- */

static int read_config (struct stage *st)
{
    struct jp_str key;
    int rc;

    if (expect_type (st, JP_OBJECT, "an object") < 0)
        return -1;
    if (jp_object_begin (&st->jp) < 0)
        return syntax_error (st);
    while ((rc = jp_object_next (&st->jp, &key)) == 1) {
        path_key (st, key.s, key.len);
        if (jp_streq (&key, "deny_unknown_queues")) {
            if (read_bool (st, &st->deny) < 0)
                return -1;
            st->deny_set = true;
        }
        else if (jp_streq (&key, "allocation_enforcement")) {
            static const char *const policies[] = { "off", "hold", "reject" };
            struct jp_str v;
            char buf[48];
            if (read_string (st, &v) < 0)
                return -1;
            if ((st->policy = field_index (&v, policies, 3)) < 0)
                return st_fail (st, "expected \"off\", \"hold\" or "
                                "\"reject\", got \"%s\"",
                                key_text (v.s, v.len, buf, sizeof (buf)));
            st->policy_set = true;
        }
        else if (jp_streq (&key, "allocation_default_time_limit")) {
            if (read_int (st, 1, 31536000, &st->dtl) < 0)
                return -1;
            st->dtl_set = true;
        }
        else if (jp_streq (&key, "node_weight")) {
            if (read_double (st, 0., 1e9, &st->wn) < 0)
                return -1;
            st->wn_set = true;
        }
        else if (jp_streq (&key, "core_weight")) {
            if (read_double (st, 0., 1e9, &st->wc) < 0)
                return -1;
            st->wc_set = true;
        }
        else if (jp_streq (&key, "gpu_weight")) {
            if (read_double (st, 0., 1e9, &st->wg) < 0)
                return -1;
            st->wg_set = true;
        }
        else if (jp_skip (&st->jp) < 0)
            return syntax_error (st);
        st->keylen = 0;
    }
    return rc < 0 ? syntax_error (st) : 0;
}

/* ----------------------------------------------------------------------
 * The pieces, by name
 */

enum piece { P_ASSOCS, P_QUEUES, P_PROJECTS, P_BANKS, P_FACTORS, P_CONFIG };

static int read_piece (struct stage *st, enum piece piece)
{
    switch (piece) {
        case P_ASSOCS:
            st->has_assocs = true;
            /* A repeated key: the last one counts. */
            for (size_t i = 0; i < st->nassocs; i++) {
                free (st->assocs[i].queues);
                free (st->assocs[i].projects);
            }
            st->nassocs = 0;
            return read_objects (st, add_assoc, assoc_field, assoc_fields,
                                 AF_COUNT);
        case P_QUEUES:
            st->has_queues = true;
            st->nqueues = 0;
            return read_objects (st, add_queue, queue_field, queue_required,
                                 QF_COUNT + 1);
        case P_PROJECTS:
            st->has_projects = true;
            st->nprojects = 0;
            return read_objects (st, add_project, project_field,
                                 project_required, 1);
        case P_BANKS:
            st->has_banks = true;
            st->nbanks = 0;
            snprintf (st->bank_path, sizeof (st->bank_path), "%s", st->path);
            return read_objects (st, add_bank, bank_field, bank_required, 2);
        case P_FACTORS:
            st->has_factors = true;
            return read_objects (st, add_factor, factor_field,
                                 factor_required, 2);
        case P_CONFIG:
            return read_config (st);
    }
    return -1;
}

/* ----------------------------------------------------------------------
 * Preparing the commit
 */

/* Dense tables indexed by name id, sized for every name interned so far;
 * `order` keeps payload order with duplicates dropped (last value wins). */
static int build_order (struct stage *st, const struct st_named *v, size_t n,
                        uint8_t *defined, int32_t **order, size_t *count)
{
    if (!(*order = malloc ((n ? n : 1) * sizeof (**order))))
        return errprintf (st->error, ENOMEM, "out of memory");
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!defined[v[i].id]) {
            defined[v[i].id] = 1;
            (*order)[(*count)++] = v[i].id;
        }
    }
    return 0;
}

static int prepare_queues (struct stage *st, size_t n)
{
    uint8_t *seen = calloc (n, 1);
    int rc = -1;

    if (!seen || !(st->qt.by_id = calloc (n, sizeof (struct queue)))) {
        errprintf (st->error, ENOMEM, "out of memory");
        goto out;
    }
    st->qt.n = n;
    if (build_order (st, st->queues, st->nqueues, seen, &st->qt.order,
                     &st->qt.count) < 0)
        goto out;
    for (size_t i = 0; i < st->nqueues; i++) {
        struct queue *q = &st->qt.by_id[st->queues[i].id];
        q->defined = true;
        memcpy (q->v, st->queues[i].v, sizeof (q->v));
    }
    rc = 0;
out:
    free (seen);
    return rc;
}

/* Fail naming element i's key. */
static int bank_fail (struct stage *st, size_t i, const char *key,
                      const char *msg, const char *name)
{
    st->index = i;
    path_key (st, key, strlen (key));
    return st_fail (st, "%s \"%s\"", msg, name);
}

/* Every parent names a bank of the list; no cycle; depth bounded.  One
 * iterative walk per bank, memoising depths, with its path kept in a
 * fixed array (the depth bound makes it enough). */
static int check_tree (struct stage *st)
{
    struct btable *t = &st->bt;
    int16_t *depth = malloc (t->n * sizeof (*depth));
    int32_t path[PRIO_BANK_DEPTH + 2];
    int rc = -1;

    if (!depth)
        return errprintf (st->error, ENOMEM, "out of memory");
    for (size_t i = 0; i < t->n; i++)
        depth[i] = -1;
    /* The last element for a bank wins (as for the priority): check the
     * parent that will be used. */
    for (size_t i = 0; i < st->nbanks; i++) {
        int32_t p = t->parent[st->banks[i].id];
        if (p >= 0 && !t->defined[p])
            return free (depth), bank_fail (st, i, "parent_bank",
                                            "unknown bank",
                                            prio_name (st->e, p));
        if (p == st->banks[i].id)
            return free (depth), bank_fail (st, i, "parent_bank",
                                            "a bank cannot be its own parent",
                                            prio_name (st->e, p));
    }
    for (size_t i = 0; i < st->nbanks; i++) {
        int32_t b = st->banks[i].id;
        int np = 0, d;

        /* Walk up to the root or a bank of known depth. */
        while (b >= 0 && depth[b] < 0) {
            for (int k = 0; k < np; k++)
                if (path[k] == b) {
                    bank_fail (st, i, "parent_bank", "cycle through bank",
                               prio_name (st->e, b));
                    goto out;
                }
            if (np > PRIO_BANK_DEPTH) {
                st->index = i;
                path_key (st, "parent_bank", 11);
                st_fail (st, "bank tree of more than %d levels",
                         PRIO_BANK_DEPTH + 1);
                goto out;
            }
            path[np++] = b;
            b = t->parent[b];
        }
        d = b < 0 ? -1 : depth[b];
        while (np > 0) {
            if (++d > PRIO_BANK_DEPTH) {
                st->index = i;
                path_key (st, "parent_bank", 11);
                st_fail (st, "bank tree of more than %d levels",
                         PRIO_BANK_DEPTH + 1);
                goto out;
            }
            depth[path[--np]] = (int16_t)d;
        }
    }
    rc = 0;
out:
    free (depth);
    return rc;
}

static int prepare_banks (struct stage *st, size_t n)
{
    struct btable *t = &st->bt;

    if (!(t->defined = calloc (n, 1))
        || !(t->prio = calloc (n, sizeof (double)))
        || !(t->parent = malloc (n * sizeof (int32_t)))
        || !(t->alloc = calloc (n, sizeof (double)))
        || !(t->used = calloc (n, sizeof (double)))
        || !(t->wend = calloc (n, sizeof (int64_t)))
        || !(t->rsv = calloc (n, sizeof (double)))
        || !(t->ended = calloc (n, sizeof (double)))
        || !(t->nrsv = calloc (n, sizeof (int64_t))))
        return errprintf (st->error, ENOMEM, "out of memory");
    t->n = n;
    for (size_t i = 0; i < n; i++)
        t->parent[i] = -1;
    if (build_order (st, st->banks, st->nbanks, t->defined, &t->order,
                     &t->count) < 0)
        return -1;
    for (size_t i = 0; i < st->nbanks; i++) {
        const struct st_named *b = &st->banks[i];
        t->prio[b->id] = b->d;
        t->parent[b->id] = b->parent;
        t->alloc[b->id] = b->alloc;
        t->used[b->id] = b->used;
        t->wend[b->id] = b->wend;
    }
    snprintf (st->path, sizeof (st->path), "%s", st->bank_path);
    st->index = NO_INDEX;
    st->keylen = 0;
    return check_tree (st);
}

static int prepare_projects (struct stage *st, size_t n)
{
    if (!(st->pt.defined = calloc (n, 1)))
        return errprintf (st->error, ENOMEM, "out of memory");
    st->pt.n = n;
    st->pt.loaded = true;
    return build_order (st, st->projects, st->nprojects, st->pt.defined,
                        &st->pt.order, &st->pt.count);
}

static int prepare_tables (struct stage *st)
{
    size_t n = st->e->names.n ? st->e->names.n : 1;

    if ((st->has_queues && prepare_queues (st, n) < 0)
        || (st->has_banks && prepare_banks (st, n) < 0)
        || (st->has_projects && prepare_projects (st, n) < 0))
        return -1;
    return 0;
}

/* New associations and users, and hash room, so commit cannot fail. */
static int prepare_assocs (struct stage *st)
{
    struct fluxacct_engine *e = st->e;
    size_t nnew = 0, nnewu = 0;

    for (size_t i = 0; i < st->nassocs; i++) {
        struct st_assoc *s = &st->assocs[i];
        if (!(s->a = u64map_get (&e->assocs, assoc_key (s->userid, s->bank))))
            nnew++;
        if (!(s->u = u64map_get (&e->users, s->userid)))
            nnewu++;
    }
    if (u64map_reserve (&e->assocs, nnew) < 0
        || u64map_reserve (&e->users, nnewu) < 0)
        return errprintf (st->error, ENOMEM, "out of memory");
    if (nnew && !(st->pool = calloc (nnew, sizeof (*st->pool))))
        return errprintf (st->error, ENOMEM, "out of memory");
    for (st->npool = 0; st->npool < nnew; st->npool++)
        if (!(st->pool[st->npool] = calloc (1, sizeof (struct assoc))))
            return errprintf (st->error, ENOMEM, "out of memory");
    if (nnewu && !(st->upool = calloc (nnewu, sizeof (*st->upool))))
        return errprintf (st->error, ENOMEM, "out of memory");
    for (st->nupool = 0; st->nupool < nnewu; st->nupool++)
        if (!(st->upool[st->nupool] = calloc (1, sizeof (struct user))))
            return errprintf (st->error, ENOMEM, "out of memory");
    return 0;
}

/* ----------------------------------------------------------------------
 * Commit
 */

static void user_append (struct user *u, struct assoc *a)
{
    struct assoc **pp = &u->assocs;
    while (*pp)
        pp = &(*pp)->next_in_user;
    a->next_in_user = NULL;
    *pp = a;
}

static void commit_assoc (struct stage *st, struct st_assoc *s)
{
    struct fluxacct_engine *e = st->e;
    uint64_t key = assoc_key (s->userid, s->bank);
    /* Found before the commit, or possibly added by an earlier element
     * of this payload (a repeated key). */
    struct assoc *a = s->a ? s->a : u64map_get (&e->assocs, key);
    struct user *u = s->u ? s->u : u64map_get (&e->users, s->userid);

    if (!u) {
        u = st->upool[st->upool_used++];
        u->userid = s->userid;
        u->def_bank = -1;
        (void)u64map_put (&e->users, s->userid, u); /* room reserved */
    }
    if (!a) {
        a = st->pool[st->pool_used++];
        a->userid = s->userid;
        a->bank = s->bank;
        a->removed = true; /* counted live below */
        (void)u64map_put (&e->assocs, key, a);
        a->all_next = e->all_head;
        if (e->all_head)
            e->all_head->all_prev = a;
        e->all_head = a;
        user_append (u, a);
    }
    if (a->removed) {
        a->removed = false;
        e->nlive++;
    }
    a->fairshare = s->fairshare;
    a->max_run_jobs = s->max_run_jobs;
    a->max_active_jobs = s->max_active_jobs;
    a->max_nodes = s->max_nodes;
    a->max_cores = s->max_cores;
    a->max_sched_jobs = s->max_sched_jobs;
    a->max_wall_pj = s->max_wall_pj;
    a->active = s->active;
    free (a->queues);
    a->queues = s->queues;
    a->nqueues = s->nqueues;
    s->queues = NULL;
    free (a->projects);
    a->projects = s->projects;
    a->nprojects = s->nprojects;
    s->projects = NULL;
    a->def_project = s->def_project;
    a->gen = e->gen;
    u->def_bank = s->def_bank;
}

/* Associations a full load did not list are removed. */
static void remove_unlisted (struct fluxacct_engine *e)
{
    struct assoc *a = e->all_head;

    while (a) {
        struct assoc *next = a->all_next;
        if (a->gen != e->gen && !a->removed) {
            a->removed = true;
            e->nlive--;
        }
        if (a->removed)
            prio_assoc_reap (e, a);
        a = next;
    }
}

static void swap_tables (struct stage *st)
{
    struct fluxacct_engine *e = st->e;

    if (st->has_queues) {
        prio_qtable_clear (&e->queues);
        e->queues = st->qt;
        memset (&st->qt, 0, sizeof (st->qt));
    }
    if (st->has_banks) {
        prio_btable_clear (&e->banks);
        e->banks = st->bt;
        memset (&st->bt, 0, sizeof (st->bt));
    }
    if (st->has_projects) {
        prio_ptable_clear (&e->projects);
        e->projects = st->pt;
        memset (&st->pt, 0, sizeof (st->pt));
    }
}

static void commit (struct stage *st)
{
    struct fluxacct_engine *e = st->e;
    int64_t *w[4] = { &e->w_fairshare, &e->w_queue, &e->w_bank,
                      &e->w_urgency };

    if (st->has_assocs) {
        e->gen++;
        for (size_t i = 0; i < st->nassocs; i++)
            commit_assoc (st, &st->assocs[i]);
        if (st->replace)
            remove_unlisted (e);
    }
    swap_tables (st);
    for (int i = 0; i < 4; i++)
        if (st->wset[i])
            *w[i] = st->w[i];
    if (st->deny_set)
        e->deny_unknown_queues = st->deny;
    if (st->policy_set)
        e->alloc_policy = st->policy;
    if (st->dtl_set)
        e->alloc_default_tl = st->dtl;
    if (st->wn_set)
        e->w_node = st->wn;
    if (st->wc_set)
        e->w_core = st->wc;
    if (st->wg_set)
        e->w_gpu = st->wg;
    if (st->has_banks)
        prio_alloc_rebuild (e);
    prio_data_changed (e);
}

static void stage_free (struct stage *st)
{
    for (size_t i = 0; i < st->nassocs; i++) {
        free (st->assocs[i].queues);
        free (st->assocs[i].projects);
    }
    free (st->assocs);
    free (st->queues);
    free (st->projects);
    free (st->banks);
    prio_qtable_clear (&st->qt);
    prio_btable_clear (&st->bt);
    prio_ptable_clear (&st->pt);
    for (size_t i = st->pool_used; i < st->npool; i++)
        free (st->pool[i]);
    free (st->pool);
    for (size_t i = st->upool_used; i < st->nupool; i++)
        free (st->upool[i]);
    free (st->upool);
    jp_fini (&st->jp);
}

static int prepare_and_commit (struct stage *st)
{
    if (jp_finish (&st->jp) < 0) {
        path_reset (st, "payload", "");
        return syntax_error (st);
    }
    if (prepare_tables (st) < 0 || prepare_assocs (st) < 0)
        return -1;
    commit (st);
    return 0;
}

/* ----------------------------------------------------------------------
 * Entry points
 */

static const struct {
    const char *key;
    enum piece piece;
} load_keys[] = {
    { "associations", P_ASSOCS }, { "queues", P_QUEUES },
    { "projects", P_PROJECTS },   { "banks", P_BANKS },
    { "config", P_CONFIG },       { "priority_factors", P_FACTORS },
};

static int load_object (struct stage *st)
{
    struct jp_str key;
    int rc;

    path_reset (st, "config", "");
    if (expect_type (st, JP_OBJECT, "an object") < 0)
        return -1;
    if (jp_object_begin (&st->jp) < 0)
        return syntax_error (st);
    while ((rc = jp_object_next (&st->jp, &key)) == 1) {
        size_t i;
        for (i = 0; i < sizeof (load_keys) / sizeof (load_keys[0]); i++)
            if (jp_streq (&key, load_keys[i].key))
                break;
        if (i == sizeof (load_keys) / sizeof (load_keys[0])) {
            if (jp_skip (&st->jp) < 0)
                return syntax_error (st);
            continue;
        }
        path_reset (st, load_keys[i].key, "");
        if (read_piece (st, load_keys[i].piece) < 0)
            return -1;
    }
    if (rc < 0)
        return syntax_error (st);
    /* The associations of a load are the complete set. */
    st->replace = st->has_assocs;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_load (fluxacct_engine_t *e,
                                          const char *json,
                                          fluxacct_error_t *error)
{
    struct stage st = { .e = e, .error = error };
    int rc;

    if (!e || !json)
        return errprintf (error, EINVAL, "invalid argument");
    jp_init (&st.jp, json, strlen (json));
    rc = load_object (&st);
    if (rc == 0)
        rc = prepare_and_commit (&st);
    stage_free (&st);
    return rc;
}

/* The one list of the plugin's services (priority.h). */
static const char *const service_names[] = {
    "rec_update", "rec_q_update", "rec_proj_update", "rec_bank_update",
    "rec_fac_update", "rec_config_update", "reprioritize", NULL,
};

FLUXACCT_EXPORT const char *const *fluxacct_engine_services (void)
{
    return service_names;
}

/* What each data service loads, in service_names order. */
static const enum piece service_piece[] = {
    P_ASSOCS, P_QUEUES, P_PROJECTS, P_BANKS, P_FACTORS, P_CONFIG,
};

static int update_object (struct stage *st, const char *name,
                          enum piece piece)
{
    struct jp_str key;
    bool have_data = false;
    int rc;

    path_reset (st, name, "");
    if (expect_type (st, JP_OBJECT, "an object") < 0)
        return -1;
    if (jp_object_begin (&st->jp) < 0)
        return syntax_error (st);
    while ((rc = jp_object_next (&st->jp, &key)) == 1) {
        if (jp_streq (&key, "data")) {
            path_reset (st, name, ": data");
            if (read_piece (st, piece) < 0)
                return -1;
            have_data = true;
        }
        else if (jp_streq (&key, "replace") && piece == P_ASSOCS) {
            path_reset (st, name, ": replace");
            if (read_bool (st, &st->replace) < 0)
                return -1;
        }
        else if (jp_skip (&st->jp) < 0)
            return syntax_error (st);
        path_reset (st, name, "");
    }
    if (rc < 0)
        return syntax_error (st);
    if (!have_data)
        return st_fail (st, "missing key \"data\"");
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_update (fluxacct_engine_t *e,
                                            const char *name,
                                            const char *payload,
                                            fluxacct_error_t *error)
{
    struct stage st = { .e = e, .error = error };
    size_t i;
    int rc;

    if (!e || !name)
        return errprintf (error, EINVAL, "invalid argument");
    if (strcmp (name, "reprioritize") == 0) {
        prio_release_all (e);
        return 0;
    }
    for (i = 0; i < sizeof (service_piece) / sizeof (service_piece[0]); i++)
        if (strcmp (name, service_names[i]) == 0)
            break;
    if (i == sizeof (service_piece) / sizeof (service_piece[0]))
        return errprintf (error, ENOENT, "unknown service \"%s\"", name);
    if (!payload || !*payload)
        return errprintf (error, EINVAL, "%s: no payload", name);
    jp_init (&st.jp, payload, strlen (payload));
    rc = update_object (&st, name, service_piece[i]);
    if (rc == 0)
        rc = prepare_and_commit (&st);
    stage_free (&st);
    return rc;
}
