/* libfluxacct - the mf_priority data feed read from the database:
 * `flux account export-json` and the service payloads (fluxacct/export.h).
 *
 * Field names are flux-accounting's payload names, which differ from the
 * column names in three places: default_bank -> def_bank, default_project
 * -> def_project, and queue_table has no "name" but "queue".
 *
 * The JSON is written from the rows straight into one growing buffer (no
 * tree of 100,000 objects in between), in exactly the text jansson's
 * json_dumps() gives for the same values (JSON_COMPACT, or JSON_INDENT(2)):
 * reals as "%.17g" with ".0" added when there is no '.' or 'e' and the
 * exponent without '+' and leading zeros; strings with '"', '\\' and the
 * control characters escaped, other UTF-8 as is. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/db_internal.h"
#include "util/fmt_internal.h"
#include "util/util_internal.h"
#include "fluxacct/export.h"
#include "fluxacct/engine.h"

/* ---- a JSON writer into a growing buffer ---------------------------- */

#define JW_MAXDEPTH 8

struct jw {
    char *s;
    size_t len, cap;
    int indent;              /* spaces per level, 0 = compact */
    int depth;
    int count[JW_MAXDEPTH];  /* items written at each open level */
    int err;                 /* first errno (ENOMEM, EILSEQ, ERANGE) */
    const char *what;        /* the key of a bad value */
};

static int jw_grow (struct jw *w, size_t n)
{
    size_t cap = w->cap ? w->cap : 4096;

    if (w->err)
        return -1;
    while (cap < w->len + n + 1)
        cap *= 2;
    char *s = realloc (w->s, cap);
    if (!s) {
        w->err = ENOMEM;
        return -1;
    }
    w->s = s;
    w->cap = cap;
    return 0;
}

/* Room for n more bytes and the terminating NUL. */
static inline int jw_reserve (struct jw *w, size_t n)
{
    if (w->len + n + 1 > w->cap || w->err)
        return jw_grow (w, n);
    return 0;
}

static inline void jw_raw (struct jw *w, const char *s, size_t n)
{
    if (jw_reserve (w, n) < 0)
        return;
    memcpy (w->s + w->len, s, n);
    w->len += n;
    w->s[w->len] = '\0';
}

static void jw_newline (struct jw *w, int depth)
{
    if (jw_reserve (w, 1 + (size_t)(depth * w->indent)) < 0)
        return;
    w->s[w->len++] = '\n';
    memset (w->s + w->len, ' ', (size_t)(depth * w->indent));
    w->len += (size_t)(depth * w->indent);
    w->s[w->len] = '\0';
}

/* Before an array element or an object key. */
static inline void jw_item (struct jw *w)
{
    if (w->count[w->depth]++ > 0)
        jw_raw (w, ",", 1);
    if (w->indent)
        jw_newline (w, w->depth);
}

static void jw_open (struct jw *w, char c)
{
    jw_raw (w, &c, 1);
    if (w->depth + 1 >= JW_MAXDEPTH) {
        w->err = w->err ? w->err : ERANGE;
        return;
    }
    w->count[++w->depth] = 0;
}

static void jw_close (struct jw *w, char c)
{
    if (w->count[w->depth--] > 0 && w->indent)
        jw_newline (w, w->depth);
    jw_raw (w, &c, 1);
}

/* A JSON string of the n bytes at str (NUL-terminated). */
static void jw_string (struct jw *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, done = 0;

    if (jw_reserve (w, n + 2) < 0)
        return;
    w->s[w->len++] = '"';
    while (i < n) {
        unsigned c = s[i];
        const char *esc;
        char u[8];

        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) { /* a NUL ends an incomplete sequence */
            size_t k = utf8_decode (s + i, n - i, NULL);
            if (k == 0) {
                if (!w->err)
                    w->err = EILSEQ;
                return;
            }
            i += k;
            continue;
        }
        jw_raw (w, str + done, i - done);
        switch (c) {
            case '"': esc = "\\\""; break;
            case '\\': esc = "\\\\"; break;
            case '\b': esc = "\\b"; break;
            case '\f': esc = "\\f"; break;
            case '\n': esc = "\\n"; break;
            case '\r': esc = "\\r"; break;
            case '\t': esc = "\\t"; break;
            default:
                snprintf (u, sizeof (u), "\\u%04X", c);
                esc = u;
                break;
        }
        jw_raw (w, esc, strlen (esc));
        done = ++i;
    }
    if (done == 0 && !w->err) { /* the usual case: nothing escaped */
        memcpy (w->s + w->len, str, n);
        w->len += n;
        w->s[w->len++] = '"';
        w->s[w->len] = '\0';
        return;
    }
    jw_raw (w, str + done, n - done);
    jw_raw (w, "\"", 1);
}

/* A key: a constant of this file, with nothing to escape. */
static void jw_key (struct jw *w, const char *key)
{
    size_t n = strlen (key);

    jw_item (w);
    if (jw_reserve (w, n + 4) < 0)
        return;
    w->s[w->len++] = '"';
    memcpy (w->s + w->len, key, n);
    w->len += n;
    w->s[w->len++] = '"';
    w->s[w->len++] = ':';
    if (w->indent)
        w->s[w->len++] = ' ';
    w->s[w->len] = '\0';
}

/* The decimal digits of u at out, at least `width` of them (zero-padded);
 * returns their number. */
static int utoa (char *out, unsigned long long u, int width)
{
    char b[24], *p = b + sizeof (b);

    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    while (b + sizeof (b) - p < width)
        *--p = '0';
    memcpy (out, p, (size_t)(b + sizeof (b) - p));
    return (int)(b + sizeof (b) - p);
}

static void jw_int (struct jw *w, long long v)
{
    char b[24];
    int n = 0;

    if (v < 0)
        b[n++] = '-';
    n += utoa (b + n, v < 0 ? 0ULL - (unsigned long long)v
                            : (unsigned long long)v, 0);
    jw_raw (w, b, (size_t)n);
}

static void jw_real (struct jw *w, double v)
{
    char b[40];

    if (!isfinite (v)) { /* not JSON (jansson refuses it as well) */
        if (!w->err)
            w->err = ERANGE;
        return;
    }
    jw_raw (w, b, fa_fmt_double (b, sizeof (b), v, FA_FMT_JSON));
}

static void jw_bool (struct jw *w, bool v)
{
    jw_raw (w, v ? "true" : "false", v ? 4 : 5);
}

/* The finished text (the caller frees it), or NULL with the error set. */
static char *jw_finish (struct jw *w, fluxacct_error_t *error)
{
    if (!w->err && !w->s)
        jw_raw (w, "", 0);
    if (w->err) {
        int err = w->err;
        free (w->s);
        w->s = NULL;
        if (err == EILSEQ)
            return errprintf_null (error, EILSEQ, "export: %s: text that is "
                                   "not UTF-8 in the database",
                                   w->what ? w->what : "value");
        if (err == ERANGE)
            return errprintf_null (error, ERANGE, "export: %s: a value "
                                   "that is not a finite number",
                                   w->what ? w->what : "value");
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    return w->s;
}

/* ---- the pieces ------------------------------------------------------ */

/* Column types for writing JSON objects from a SELECT. */
enum { C_INT, C_REAL, C_TEXT };

struct column {
    const char *name;   /* JSON key */
    int type;
};

/* Run sql and write an array of objects, one per row, keyed by cols. */
static int select_array (fluxacct_db_t *db, struct jw *w, const char *sql,
                         const struct column *cols, int ncols,
                         fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, sql, error);
    enum { MAXCOLS = 16 };
    struct { sqlite3_int64 v; size_t len; char text[24]; } memo[MAXCOLS];
    int rc;

    if (!st)
        return -1;
    memset (memo, 0, sizeof (memo));
    jw_open (w, '[');
    while ((rc = sqlite3_step (st)) == SQLITE_ROW && !w->err) {
        jw_item (w);
        jw_open (w, '{');
        for (int i = 0; i < ncols; i++) {
            const unsigned char *t;
            sqlite3_int64 v;
            jw_key (w, cols[i].name);
            w->what = cols[i].name;
            switch (cols[i].type) {
                case C_INT:
                    /* limits repeat from row to row: reuse the text */
                    v = sqlite3_column_int64 (st, i);
                    if (i < MAXCOLS && memo[i].len && memo[i].v == v) {
                        jw_raw (w, memo[i].text, memo[i].len);
                        break;
                    }
                    size_t at = w->len;
                    jw_int (w, v);
                    if (i < MAXCOLS && !w->err
                        && w->len - at < sizeof (memo[i].text)) {
                        memo[i].v = v;
                        memo[i].len = w->len - at;
                        memcpy (memo[i].text, w->s + at, memo[i].len);
                    }
                    break;
                case C_REAL:
                    jw_real (w, sqlite3_column_double (st, i));
                    break;
                default:
                    t = sqlite3_column_text (st, i);
                    jw_string (w, t ? (const char *)t : "",
                               t ? (size_t)sqlite3_column_bytes (st, i) : 0);
                    break;
            }
            if (w->err)
                break;
        }
        jw_close (w, '}');
    }
    jw_close (w, ']');
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        db_error (db, error, "export");
        sqlite3_reset (st);
        return -1;
    }
    sqlite3_reset (st);
    if (w->err) /* reported by jw_finish() */
        return 0;
    w->what = NULL;
    return 0;
}

static int associations (fluxacct_db_t *db, struct jw *w,
                         fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT userid, bank, default_bank, fairshare, max_running_jobs,"
        " max_active_jobs, queues, active, projects, default_project,"
        " max_nodes, max_cores, max_sched_jobs, max_wall_pj"
        " FROM association_table ORDER BY rowid";
    static const struct column cols[] = {
        { "userid", C_INT },         { "bank", C_TEXT },
        { "def_bank", C_TEXT },      { "fairshare", C_REAL },
        { "max_running_jobs", C_INT }, { "max_active_jobs", C_INT },
        { "queues", C_TEXT },        { "active", C_INT },
        { "projects", C_TEXT },      { "def_project", C_TEXT },
        { "max_nodes", C_INT },      { "max_cores", C_INT },
        { "max_sched_jobs", C_INT },
        /* libfluxacct's extra key (flux-accounting's plugin ignores it) */
        { "max_wall_pj", C_INT },
    };
    return select_array (db, w, sql, cols, 14, error);
}

static int queues (fluxacct_db_t *db, struct jw *w, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT queue, min_nodes_per_job, max_nodes_per_job,"
        " max_time_per_job, priority, max_running_jobs, max_nodes_per_assoc,"
        " max_sched_jobs, max_sched_nodes_per_assoc, max_sched_cores_per_assoc"
        " FROM queue_table ORDER BY rowid";
    static const struct column cols[] = {
        { "queue", C_TEXT },
        { "min_nodes_per_job", C_INT },
        { "max_nodes_per_job", C_INT },
        { "max_time_per_job", C_INT },
        { "priority", C_INT },
        { "max_running_jobs", C_INT },
        { "max_nodes_per_assoc", C_INT },
        { "max_sched_jobs", C_INT },
        { "max_sched_nodes_per_assoc", C_INT },
        { "max_sched_cores_per_assoc", C_INT },
    };
    return select_array (db, w, sql, cols, 10, error);
}

static int projects (fluxacct_db_t *db, struct jw *w, fluxacct_error_t *error)
{
    static const struct column cols[] = { { "project", C_TEXT } };
    return select_array (db, w, "SELECT project FROM project_table"
                         " ORDER BY project_id", cols, 1, error);
}

static int banks (fluxacct_db_t *db, struct jw *w, fluxacct_error_t *error)
{
    /* libfluxacct's extra keys after flux-accounting's two (its plugin
     * ignores them): the tree and the allocations (issue 14) */
    static const struct column cols[] = {
        { "bank", C_TEXT }, { "priority", C_REAL },
        { "parent_bank", C_TEXT }, { "allocation", C_REAL },
        { "allocation_used", C_REAL }, { "allocation_window_end", C_INT },
    };
    /* Before its start S a bank has no window and nothing is exhausted
     * (fluxacct-semantics(7)): its allocation is sent as 0 until an export
     * made at or after S (the next priority-update) sends it. */
    return select_array (db, w, "SELECT bank, priority, coalesce(parent_bank,"
                         " ''), CASE WHEN allocation_start > CAST(strftime("
                         "'%s', 'now') AS INTEGER) THEN 0 ELSE allocation END,"
                         " CASE WHEN allocation > 0 THEN"
                         " allocation_used ELSE 0 END, CASE WHEN allocation"
                         " > 0 AND allocation_window >= 0 AND"
                         " allocation_period > 0 THEN allocation_window +"
                         " allocation_period ELSE 0 END FROM bank_table"
                         " ORDER BY bank_id", cols, 6, error);
}

static int factors (fluxacct_db_t *db, struct jw *w, fluxacct_error_t *error)
{
    static const struct column cols[] = {
        { "factor", C_TEXT }, { "weight", C_INT },
    };
    return select_array (db, w, "SELECT factor, weight FROM"
                         " priority_factor_weight_table ORDER BY rowid",
                         cols, 2, error);
}

/* config_table keeps text; the plugin wants a boolean. */
static int config (fluxacct_db_t *db, struct jw *w, fluxacct_error_t *error)
{
    char *v = db_config_text (db, "deny_unknown_queues");
    bool deny = v && (strcasecmp (v, "true") == 0 || strcmp (v, "1") == 0);

    static const char *const weights[] = {
        "node_weight", "core_weight", "gpu_weight",
    };
    static const double weight_def[] = { 1.0, 0.0, 0.0 };
    char *mode = db_config_text (db, "allocation_enforcement");
    double limit = db_config_double (db, "allocation_default_time_limit",
                                     3600);

    (void)error;
    free (v);
    jw_open (w, '{');
    jw_key (w, "deny_unknown_queues");
    jw_bool (w, deny);
    /* libfluxacct's extra keys (issue 14): what mf_priority needs to
     * enforce allocations; flux-accounting's plugin ignores them */
    jw_key (w, "allocation_enforcement");
    if (mode && (!strcmp (mode, "hold") || !strcmp (mode, "reject")))
        jw_string (w, mode, strlen (mode));
    else
        jw_string (w, "off", 3);
    free (mode);
    jw_key (w, "allocation_default_time_limit");
    jw_int (w, limit >= 1 && limit <= 31536000 ? (long long)limit : 3600);
    for (int i = 0; i < 3; i++) {
        double d = db_config_double (db, weights[i], weight_def[i]);
        jw_key (w, weights[i]);
        jw_real (w, isfinite (d) ? d : weight_def[i]);
    }
    jw_close (w, '}');
    return 0;
}

static void jw_init (struct jw *w, int flags)
{
    memset (w, 0, sizeof (*w));
    w->indent = (flags & FLUXACCT_EXPORT_INDENT) ? 2 : 0;
}

FLUXACCT_EXPORT char *fluxacct_export_json (fluxacct_db_t *db, int flags,
                                            fluxacct_error_t *error)
{
    static const struct {
        const char *key;
        int (*fn) (fluxacct_db_t *, struct jw *, fluxacct_error_t *);
    } parts[] = {
        { "associations", associations }, { "queues", queues },
        { "projects", projects },         { "banks", banks },
        { "config", config },             { "priority_factors", factors },
    };
    struct jw w;
    int rc = 0;

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    jw_init (&w, flags);
    /* One read transaction (unless the caller has a batch open): the
     * pieces are consistent with each other. */
    bool txn = db->depth == 0;
    if (txn && db_exec (db, "BEGIN", error) < 0)
        return NULL;
    jw_open (&w, '{');
    for (size_t i = 0; i < sizeof (parts) / sizeof (parts[0]) && rc == 0; i++) {
        jw_key (&w, parts[i].key);
        rc = parts[i].fn (db, &w, error);
    }
    jw_close (&w, '}');
    if (txn)
        (void)db_exec (db, "ROLLBACK", NULL);
    if (rc < 0) {
        free (w.s);
        return NULL;
    }
    return jw_finish (&w, error);
}

/* "a, b, ... or z" of the service names, for messages. */
static const char *service_list (const char *const *names, char *buf,
                                 size_t len)
{
    size_t n = 0, used = 0;

    while (names[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf (buf + used, len - used, "%s%s",
                                  i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                  names[i]);
    return buf;
}

FLUXACCT_EXPORT char *fluxacct_export_payload (fluxacct_db_t *db,
                                               const char *name, int flags,
                                               fluxacct_error_t *error)
{
    /* What each data service carries, in fluxacct_engine_services() order;
     * the last service, reprioritize, carries nothing. */
    static int (*const pieces[]) (fluxacct_db_t *, struct jw *,
                                  fluxacct_error_t *) = {
        associations, queues, projects, banks, factors, config,
    };
    const char *const *names = fluxacct_engine_services ();
    char buf[200];
    struct jw w;

    if (!db || !name)
        return errprintf_null (error, EINVAL, "invalid argument");
    jw_init (&w, flags);
    if (strcmp (name, "reprioritize") == 0) {
        jw_open (&w, '{');
        jw_close (&w, '}');
        return jw_finish (&w, error);
    }
    for (size_t i = 0; i < sizeof (pieces) / sizeof (pieces[0]); i++) {
        if (strcmp (name, names[i]) != 0)
            continue;
        jw_open (&w, '{');
        jw_key (&w, "data");
        if (pieces[i] (db, &w, error) < 0) {
            free (w.s);
            return NULL;
        }
        if (i == 0 && (flags & FLUXACCT_EXPORT_REPLACE)) {
            jw_key (&w, "replace");
            jw_bool (&w, true);
        }
        jw_close (&w, '}');
        return jw_finish (&w, error);
    }
    return errprintf_null (error, EINVAL, "unknown payload \"%s\" (expected "
                           "%s)", name, service_list (names, buf,
                                                     sizeof (buf)));
}
