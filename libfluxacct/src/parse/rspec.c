/* libfluxacct - job size from R (RFC 20 version 1) and from jobspec
 * (RFC 14 version 1).
 *
 * Both walk JSON with jansson.  Every message starts with "R: " or
 * "jobspec: " and the path of the offending key, so a record skipped by the
 * importer or a job rejected by the plugin says exactly what was wrong. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/util_internal.h"
#include "util/vstruct_internal.h"
#include "parse/parse_internal.h"
#include "fluxacct/json.h"

/* jobspec resources nested deeper than this are refused: real jobspecs
 * have 3 or 4 levels, and the recursion must not eat a plugin's stack. */
#define JOBSPEC_MAX_DEPTH 64

const char *fa_json_typename (const json_t *o)
{
    if (!o)
        return "nothing";
    switch (json_typeof (o)) {
        case JSON_OBJECT:
            return "object";
        case JSON_ARRAY:
            return "array";
        case JSON_STRING:
            return "string";
        case JSON_INTEGER:
            return "integer";
        case JSON_REAL:
            return "real";
        case JSON_TRUE:
            return "true";
        case JSON_FALSE:
            return "false";
        case JSON_NULL:
            return "null";
    }
    return "unknown";
}

/* "<what>: <path>: <message>", errno errnum, returns -1. */
__attribute__ ((format (printf, 5, 6)))
static int path_error (fluxacct_error_t *error, int errnum, const char *what,
                       const char *path, const char *fmt, ...)
{
    char msg[sizeof (error->text)];
    va_list ap;

    va_start (ap, fmt);
    vsnprintf (msg, sizeof (msg), fmt, ap);
    va_end (ap);
    if (path && *path)
        return errprintf (error, errnum, "%s: %s: %s", what, path, msg);
    return errprintf (error, errnum, "%s: %s", what, msg);
}

static json_t *load_text (const char *text, const char *what,
                          fluxacct_error_t *error)
{
    json_error_t jerr;
    json_t *doc;

    if (!(doc = json_loads (text, 0, &jerr)))
        path_error (error, EINVAL, what, NULL,
                    "invalid JSON: %s (line %d column %d)", jerr.text,
                    jerr.line, jerr.column);
    return doc;
}

/* R and jobspec may arrive as an object or as a string holding the text. */
static json_t *load_if_string (const json_t *o, const char *what,
                               fluxacct_error_t *error)
{
    if (json_is_string (o))
        return load_text (json_string_value (o), what, error);
    return json_incref ((json_t *)o);
}

/* json_decref() that leaves errno alone, for error paths. */
static void decref_keep_errno (json_t *o)
{
    int saved = errno;
    json_decref (o);
    errno = saved;
}

/* ----------------------------------------------------------------------
 * R
 */

/* Decode the idset at path; a decode message is wrapped as "R: path: ...". */
static int r_idset (const json_t *o, const char *path,
                    struct idset_ranges *ranges, uint64_t *count,
                    fluxacct_error_t *error)
{
    fluxacct_error_t inner;

    if (!o)
        return path_error (error, EINVAL, "R", path, "missing");
    if (!json_is_string (o))
        return path_error (error, EINVAL, "R", path,
                           "expected an idset string, got %s",
                           fa_json_typename (o));
    if (idset_decode_ranges (json_string_value (o), ranges, count, &inner) < 0)
        return path_error (error, errno, "R", path, "%s", inner.text);
    return 0;
}

/* ranks x per-rank count, added to *total, with overflow checks. */
static int r_add (uint64_t nranks, uint64_t per_rank, uint64_t *total,
                  const char *path, fluxacct_error_t *error)
{
    uint64_t n;

    if (__builtin_mul_overflow (nranks, per_rank, &n)
        || __builtin_add_overflow (*total, n, total))
        return path_error (error, ERANGE, "R", path,
                           "count overflows 64 bits");
    return 0;
}

static int r_entry (const json_t *entry, size_t index,
                    struct idset_ranges *ranks, fluxacct_r_count_t *sum,
                    fluxacct_error_t *error)
{
    char path[80], sub[112];
    const json_t *children;
    uint64_t nranks, n;

    snprintf (path, sizeof (path), "execution.R_lite[%zu]", index);
    if (!json_is_object (entry))
        return path_error (error, EINVAL, "R", path,
                           "expected an object, got %s",
                           fa_json_typename (entry));
    snprintf (sub, sizeof (sub), "%s.rank", path);
    if (r_idset (json_object_get (entry, "rank"), sub, ranks, &nranks, error)
        < 0)
        return -1;
    if (nranks == 0)
        return path_error (error, EINVAL, "R", sub, "empty rank idset");
    snprintf (sub, sizeof (sub), "%s.children", path);
    children = json_object_get (entry, "children");
    if (!json_is_object (children))
        return path_error (error, EINVAL, "R", sub,
                           "expected an object, got %s",
                           fa_json_typename (children));
    snprintf (sub, sizeof (sub), "%s.children.core", path);
    if (r_idset (json_object_get (children, "core"), sub, NULL, &n, error) < 0
        || r_add (nranks, n, &sum->ncores, sub, error) < 0)
        return -1;
    if (!json_object_get (children, "gpu"))
        return 0;
    snprintf (sub, sizeof (sub), "%s.children.gpu", path);
    if (r_idset (json_object_get (children, "gpu"), sub, NULL, &n, error) < 0
        || r_add (nranks, n, &sum->ngpus, sub, error) < 0)
        return -1;
    return 0;
}

/* The R_lite array, after version and execution have been checked. */
static int r_lite (const json_t *R_lite, fluxacct_r_count_t *out,
                   fluxacct_error_t *error)
{
    struct idset_ranges ranks = { 0 };
    fluxacct_r_count_t sum = { 0 };
    const json_t *entry;
    size_t i;

    if (!json_is_array (R_lite))
        return path_error (error, EINVAL, "R", "execution.R_lite",
                           "expected an array, got %s",
                           fa_json_typename (R_lite));
    if (json_array_size (R_lite) == 0)
        return path_error (error, EINVAL, "R", "execution.R_lite", "empty");
    json_array_foreach (R_lite, i, entry) {
        if (r_entry (entry, i, &ranks, &sum, error) < 0) {
            int saved = errno;
            idset_ranges_clear (&ranks);
            errno = saved;
            return -1;
        }
    }
    /* Entries may repeat a rank (e.g. different cores of one node). */
    sum.nnodes = idset_ranges_union_count (&ranks);
    idset_ranges_clear (&ranks);
    *out = sum;
    return 0;
}

static int r_count_obj (const json_t *R, fluxacct_r_count_t *out,
                        fluxacct_error_t *error)
{
    const json_t *version, *execution;

    if (!json_is_object (R))
        return path_error (error, EINVAL, "R", NULL,
                           "expected a JSON object, got %s",
                           fa_json_typename (R));
    version = json_object_get (R, "version");
    if (!version)
        return path_error (error, EINVAL, "R", "version", "missing");
    if (!json_is_integer (version))
        return path_error (error, EINVAL, "R", "version",
                           "expected 1, got %s", fa_json_typename (version));
    if (json_integer_value (version) != 1)
        return path_error (error, EINVAL, "R", "version",
                           "expected 1, got %" JSON_INTEGER_FORMAT,
                           json_integer_value (version));
    execution = json_object_get (R, "execution");
    if (!json_is_object (execution))
        return path_error (error, EINVAL, "R", "execution",
                           "expected an object, got %s",
                           fa_json_typename (execution));
    return r_lite (json_object_get (execution, "R_lite"), out, error);
}

int r_count_json (const json_t *R, fluxacct_r_count_t *out,
                  fluxacct_error_t *error)
{
    json_t *doc;
    int rc;

    if (!R || !out)
        return errprintf (error, EINVAL, "R: %s is NULL", !R ? "R" : "out");
    if (!(doc = load_if_string (R, "R", error)))
        return -1;
    rc = r_count_obj (doc, out, error);
    decref_keep_errno (doc);
    return rc;
}

static const fluxacct_r_count_t r_count_zero = {
    .version = FLUXACCT_R_COUNT_VERSION,
};
FA_VSTRUCT1 (r_count_type, fluxacct_r_count_t,
             fluxacct_r_count_init, r_count_zero);

static const fluxacct_jobspec_info_t info_zero = {
    .version = FLUXACCT_JOBSPEC_INFO_VERSION,
};
FA_VSTRUCT1 (info_type, fluxacct_jobspec_info_t,
             fluxacct_jobspec_info_init, info_zero);

FLUXACCT_EXPORT int fluxacct_r_count (const char *R, fluxacct_r_count_t *out,
                                      fluxacct_error_t *error)
{
    fluxacct_r_count_t counts = r_count_zero;
    json_t *doc;
    int rc;

    if (!R || !out)
        return errprintf (error, EINVAL, "R: %s is NULL", !R ? "R" : "out");
    if (fa_vcheck (&r_count_type, out, error) == 0)
        return -1;
    if (!(doc = load_text (R, "R", error)))
        return -1;
    if ((rc = r_count_obj (doc, &counts, error)) == 0)
        fa_vout (&r_count_type, out, &counts);
    decref_keep_errno (doc);
    return rc;
}

/* Check the caller's jobspec info before a parse; on success its members
 * are zeroed (its version kept). */
static int info_check (const void *jobspec, fluxacct_jobspec_info_t *out,
                       fluxacct_error_t *error)
{
    if (!jobspec || !out)
        return errprintf (error, EINVAL, "jobspec: %s is NULL",
                          !jobspec ? "jobspec" : "out");
    if (fa_vcheck (&info_type, out, error) == 0)
        return -1;
    fa_vzero (&info_type, out);
    return 0;
}

/* Give the parse result (the latest version) to the caller.  Version 1
 * holds every string, so nothing is left to free here; a later version
 * that adds a string must free the ones an older caller cannot hold. */
static void info_out (fluxacct_jobspec_info_t *out,
                      const fluxacct_jobspec_info_t *full)
{
    fa_vout (&info_type, out, full);

}

/* ----------------------------------------------------------------------
 * Jobspec
 */

struct js_walk {
    fluxacct_jobspec_info_t *info;
    fluxacct_error_t *error;
    char path[256]; /* of the vertex being visited; cut if very deep */
    size_t pathlen;
};

/* Append to the path of the vertex being visited; returns the old length
 * for path_pop().  Plain appends, no printf: a jobspec is parsed for every
 * job the priority plugin sees, and the path is only read on error. */
static size_t path_push (struct js_walk *w, const char *str)
{
    size_t old = w->pathlen;
    size_t n = strlen (str);

    if (n > sizeof (w->path) - 1 - old)
        n = sizeof (w->path) - 1 - old;
    memcpy (w->path + old, str, n);
    w->pathlen = old + n;
    w->path[w->pathlen] = '\0';
    return old;
}

/* Append "[index]". */
static size_t path_push_index (struct js_walk *w, size_t index)
{
    char buf[24], *p = buf + sizeof (buf) - 1;

    *p = '\0';
    *--p = ']';
    do {
        *--p = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    *--p = '[';
    return path_push (w, p);
}

static void path_pop (struct js_walk *w, size_t len)
{
    w->pathlen = len;
    w->path[len] = '\0';
}

/* The "type", "count" and "with" members of a vertex (NULL if absent), in
 * one pass over its few members: cheaper than three hash lookups, and a
 * jobspec is counted for every job the priority plugin sees. */
static void js_vertex_members (const json_t *vertex, const json_t **type,
                               const json_t **count, const json_t **with)
{
    json_t *v = (json_t *)vertex; /* jansson's iterators take non-const */

    *type = *count = *with = NULL;
    for (void *it = json_object_iter (v); it;
         it = json_object_iter_next (v, it)) {
        const char *key = json_object_iter_key (it);
#if JANSSON_VERSION_HEX >= 0x020e00
        size_t len = json_object_iter_key_len (it); /* keys may hold NUL */
#else
        size_t len = strlen (key);
#endif
        if (len == 4 && memcmp (key, "type", 4) == 0)
            *type = json_object_iter_value (it);
        else if (len == 5 && memcmp (key, "count", 5) == 0)
            *count = json_object_iter_value (it);
        else if (len == 4 && memcmp (key, "with", 4) == 0)
            *with = json_object_iter_value (it);
    }
}

/* count (the vertex's "count" member, or NULL) is an integer >= 1, or an
 * object whose "min" is one. */
static int js_count (struct js_walk *w, const json_t *c, uint64_t *count)
{
    size_t mark = path_push (w, ".count");
    json_int_t n;

    if (json_is_object (c)) {
        c = json_object_get (c, "min");
        path_push (w, ".min");
    }
    if (!c)
        return path_error (w->error, EINVAL, "jobspec", w->path, "missing");
    if (!json_is_integer (c))
        return path_error (w->error, EINVAL, "jobspec", w->path,
                           "expected an integer, got %s",
                           fa_json_typename (c));
    if ((n = json_integer_value (c)) <= 0)
        return path_error (w->error, EINVAL, "jobspec", w->path,
                           "must be >= 1, got %" JSON_INTEGER_FORMAT, n);
    *count = (uint64_t)n;
    path_pop (w, mark);
    return 0;
}

/* Which total a vertex type adds to; slot and unknown types only multiply,
 * except that slots are also counted for callers that want them. */
static uint64_t *js_total (fluxacct_jobspec_info_t *info, const char *type)
{
    if (strcmp (type, "node") == 0)
        return &info->nnodes;
    if (strcmp (type, "core") == 0)
        return &info->ncores;
    if (strcmp (type, "gpu") == 0)
        return &info->ngpus;
    if (strcmp (type, "slot") == 0)
        return &info->nslots;
    return NULL;
}

static int js_walk_list (struct js_walk *w, const json_t *list,
                         uint64_t mult, int depth);

static int js_vertex (struct js_walk *w, const json_t *vertex, uint64_t mult,
                      int depth)
{
    const json_t *type, *cnt, *with;
    uint64_t count = 0, product, *total;

    if (!json_is_object (vertex))
        return path_error (w->error, EINVAL, "jobspec", w->path,
                           "expected an object, got %s",
                           fa_json_typename (vertex));
    js_vertex_members (vertex, &type, &cnt, &with);
    if (!json_is_string (type)) {
        path_push (w, ".type");
        return path_error (w->error, EINVAL, "jobspec", w->path,
                           "expected a string, got %s",
                           fa_json_typename (type));
    }
    if (js_count (w, cnt, &count) < 0)
        return -1;
    total = js_total (w->info, json_string_value (type));
    if (__builtin_mul_overflow (mult, count, &product)
        || (total && __builtin_add_overflow (*total, product, total)))
        return path_error (w->error, ERANGE, "jobspec", w->path,
                           "job size overflows 64 bits");
    if (!with)
        return 0;
    path_push (w, ".with");
    return js_walk_list (w, with, product, depth + 1);
}

static int js_walk_list (struct js_walk *w, const json_t *list,
                         uint64_t mult, int depth)
{
    const json_t *vertex;
    size_t i, mark;

    if (!json_is_array (list))
        return path_error (w->error, EINVAL, "jobspec", w->path,
                           "expected an array, got %s",
                           fa_json_typename (list));
    if (depth > JOBSPEC_MAX_DEPTH)
        return path_error (w->error, EINVAL, "jobspec", "resources",
                           "nested deeper than %d levels", JOBSPEC_MAX_DEPTH);
    json_array_foreach (list, i, vertex) {
        mark = path_push_index (w, i);
        if (js_vertex (w, vertex, mult, depth) < 0)
            return -1;
        path_pop (w, mark);
    }
    return 0;
}

static int js_resources (const json_t *js, fluxacct_jobspec_info_t *info,
                         fluxacct_error_t *error)
{
    struct js_walk w = { .info = info, .error = error };
    const json_t *resources = json_object_get (js, "resources");

    path_push (&w, "resources");
    if (!resources)
        return path_error (error, EINVAL, "jobspec", w.path, "missing");
    if (json_is_array (resources) && json_array_size (resources) == 0)
        return path_error (error, EINVAL, "jobspec", w.path, "empty");
    if (js_walk_list (&w, resources, 1, 1) < 0)
        return -1;
    if (info->nnodes == 0 && info->ncores == 0)
        return path_error (error, EINVAL, "jobspec", w.path,
                           "requests neither nodes nor cores");
    /* A core request without a node level still occupies a node. */
    if (info->nnodes == 0)
        info->nnodes = 1;
    return 0;
}

static int js_string (const json_t *system, const char *key, char **out,
                      fluxacct_error_t *error)
{
    const json_t *o = json_object_get (system, key);
    char path[64];

    if (!o)
        return 0;
    snprintf (path, sizeof (path), "attributes.system.%s", key);
    if (!json_is_string (o))
        return path_error (error, EINVAL, "jobspec", path,
                           "expected a string, got %s", fa_json_typename (o));
    if (!(*out = strdup (json_string_value (o))))
        return errprintf (error, ENOMEM, "jobspec: out of memory");
    return 0;
}

static int js_duration (const json_t *system, double *duration,
                        fluxacct_error_t *error)
{
    const json_t *o = json_object_get (system, "duration");

    if (!o)
        return 0;
    if (!json_is_number (o))
        return path_error (error, EINVAL, "jobspec",
                           "attributes.system.duration",
                           "expected a number, got %s", fa_json_typename (o));
    if (json_number_value (o) < 0)
        return path_error (error, EINVAL, "jobspec",
                           "attributes.system.duration",
                           "must be >= 0, got %g", json_number_value (o));
    *duration = json_number_value (o);
    return 0;
}

static int js_attributes (const json_t *js, fluxacct_jobspec_info_t *info,
                          fluxacct_error_t *error)
{
    const json_t *attrs = json_object_get (js, "attributes");
    const json_t *system;

    if (!attrs)
        return 0;
    if (!json_is_object (attrs))
        return path_error (error, EINVAL, "jobspec", "attributes",
                           "expected an object, got %s",
                           fa_json_typename (attrs));
    if (!(system = json_object_get (attrs, "system")))
        return 0;
    if (!json_is_object (system))
        return path_error (error, EINVAL, "jobspec", "attributes.system",
                           "expected an object, got %s",
                           fa_json_typename (system));
    if (js_duration (system, &info->duration, error) < 0
        || js_string (system, "bank", &info->bank, error) < 0
        || js_string (system, "queue", &info->queue, error) < 0
        || js_string (system, "project", &info->project, error) < 0)
        return -1;
    return 0;
}

/* The object and its "version": 1. */
static int js_check_version (const json_t *js, fluxacct_error_t *error)
{
    const json_t *version;

    if (!json_is_object (js))
        return path_error (error, EINVAL, "jobspec", NULL,
                           "expected a JSON object, got %s",
                           fa_json_typename (js));
    if (!(version = json_object_get (js, "version")))
        return path_error (error, EINVAL, "jobspec", "version", "missing");
    if (!json_is_integer (version))
        return path_error (error, EINVAL, "jobspec", "version",
                           "expected 1, got %s", fa_json_typename (version));
    if (json_integer_value (version) != 1)
        return path_error (error, EINVAL, "jobspec", "version",
                           "expected 1, got %" JSON_INTEGER_FORMAT,
                           json_integer_value (version));
    return 0;
}

static int js_parse_obj (const json_t *js, fluxacct_jobspec_info_t *info,
                         fluxacct_error_t *error)
{
    if (js_check_version (js, error) < 0
        || js_resources (js, info, error) < 0
        || js_attributes (js, info, error) < 0)
        return -1;
    return 0;
}

int jobspec_parse_json (const json_t *jobspec, fluxacct_jobspec_info_t *out,
                        fluxacct_error_t *error)
{
    json_t *doc;
    int rc;

    /* a whole struct of the latest version, so that the clear below frees
     * what a failed parse copied */
    if (out) {
        memset (out, 0, sizeof (*out));
        out->version = FLUXACCT_JOBSPEC_INFO_VERSION;
    }
    if (!jobspec || !out)
        return errprintf (error, EINVAL, "jobspec: %s is NULL",
                          !jobspec ? "jobspec" : "out");
    if (!(doc = load_if_string (jobspec, "jobspec", error)))
        return -1;
    if ((rc = js_parse_obj (doc, out, error)) < 0)
        fluxacct_jobspec_info_clear (out);
    decref_keep_errno (doc);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_jobspec_parse (const char *jobspec,
                                            fluxacct_jobspec_info_t *out,
                                            fluxacct_error_t *error)
{
    fluxacct_jobspec_info_t info = info_zero;
    json_t *doc;
    int rc;

    if (info_check (jobspec, out, error) < 0)
        return -1;
    if (!(doc = load_text (jobspec, "jobspec", error)))
        return -1;
    if ((rc = jobspec_parse_json (doc, &info, error)) == 0)
        info_out (out, &info);
    decref_keep_errno (doc);
    return rc;
}

FLUXACCT_EXPORT void fluxacct_jobspec_info_clear (fluxacct_jobspec_info_t *info)
{
    int saved = errno;

    /* a struct of an unknown version was never filled by the library:
     * it holds nothing of the library's to free */
    if (info && fa_vsize (&info_type, info->version)) {
        free (info->bank);
        free (info->queue);
        free (info->project);
        fa_vzero (&info_type, info);
    }
    errno = saved;
}

FLUXACCT_EXPORT int fluxacct_jobspec_parse_json (const json_t *jobspec,
                                                 fluxacct_jobspec_info_t *out,
                                                 fluxacct_error_t *error)
{
    fluxacct_jobspec_info_t info = info_zero;

    if (info_check (jobspec, out, error) < 0
        || jobspec_parse_json (jobspec, &info, error) < 0)
        return -1;
    info_out (out, &info);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_jobspec_count_json (const json_t *jobspec,
                                                 fluxacct_jobspec_info_t *out,
                                                 fluxacct_error_t *error)
{
    fluxacct_jobspec_info_t info = info_zero;

    if (info_check (jobspec, out, error) < 0)
        return -1;
    if (js_check_version (jobspec, error) < 0
        || js_resources (jobspec, &info, error) < 0)
        return -1;
    info_out (out, &info);
    return 0;
}
