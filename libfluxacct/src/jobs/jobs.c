/* Module jobs (jobs.h): job records in and out; may call model, core,
 * parse, util. */
/* libfluxacct - job records: import from JSON Lines and from flux-core's
 * job-archive, listing with filters, scrubbing. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "util/fmt_internal.h"
#include "util/vstruct_internal.h"
#include "core/db_internal.h"
#include "parse/parse_internal.h"
#include "parse/jsonspan_internal.h"
#include "core/schema_internal.h"
#include "jobs/jobrec_internal.h"
#include "fluxacct/jobs.h"

/* ---- association lookup tables for the importer -------------------- */

struct akey {
    sqlite3_int64 userid;
    char *bank;
};

static int cmp_akey (const void *a, const void *b)
{
    const struct akey *x = a, *y = b;
    if (x->userid != y->userid)
        return x->userid < y->userid ? -1 : 1;
    return strcmp (x->bank, y->bank);
}

struct importer {
    fluxacct_db_t *db;
    int flags;
    fluxacct_report_f report;
    void *arg;
    fluxacct_jobs_import_stats_t st;
    struct jobnorm *norm;
    struct akey *keys;  /* sorted by (userid, bank) */
    size_t nkeys;
    size_t lineno;
    const char *source; /* "line" or "row" */
    int bulk;           /* secondary job indexes dropped for the import */
};

/* Large inputs are imported with the secondary job indexes dropped and
 * rebuilt by sorting at the end: random-order index inserts cost more than
 * a sort once many rows come in, but the rebuild reads every stored record
 * again.  So: at least BULK_BYTES, and (at ~BULK_LINE bytes a record) at
 * least half as many records as are stored (100k records into an empty
 * table: 6.69 G -> 6.11 G instructions). */
#define BULK_BYTES (4 * 1024 * 1024)
#define BULK_LINE 512

/* The parts of one job the importer stores. */
struct job_in {
    char id[24];
    sqlite3_int64 userid;
    double t_submit, t_run, t_inactive;
    const char *ranks;
    char *R;            /* text to store (malloc'd), or NULL: R_text */
    char *jobspec;      /* text to store (malloc'd), or NULL: spec_text */
    const char *R_text, *spec_text;  /* borrowed spans (fast path) */
    size_t R_len, spec_len;
    char *bank, *project;
    double duration;
    int have_counts;
    fluxacct_r_count_t counts;
};

static void job_in_clear (struct job_in *j)
{
    free (j->R);
    free (j->jobspec);
    free (j->bank);
    free (j->project);
    memset (j, 0, sizeof (*j));
}

static int load_keys (struct importer *imp, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT userid, bank FROM association_table";
    sqlite3_stmt *st = db_prep (imp->db, sql, error);
    size_t cap = 0;
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        if (imp->nkeys == cap) {
            cap = cap ? cap * 2 : 1024;
            struct akey *k = realloc (imp->keys, cap * sizeof (*k));
            if (!k)
                goto nomem;
            imp->keys = k;
        }
        struct akey *k = &imp->keys[imp->nkeys];
        k->userid = sqlite3_column_int64 (st, 0);
        k->bank = strdup ((const char *)sqlite3_column_text (st, 1));
        imp->nkeys++;
        if (!k->bank)
            goto nomem;
    }
    sqlite3_reset (st);
    if (rc != SQLITE_DONE)
        return db_error (imp->db, error, "import");
    if (imp->nkeys > 1)
        qsort (imp->keys, imp->nkeys, sizeof (struct akey), cmp_akey);
    return 0;
nomem:
    sqlite3_reset (st);
    return errprintf (error, ENOMEM, "out of memory");
}

static void free_keys (struct importer *imp)
{
    for (size_t i = 0; i < imp->nkeys; i++)
        free (imp->keys[i].bank);
    free (imp->keys);
    imp->keys = NULL;
    imp->nkeys = 0;
}

static const struct akey *find_assoc (struct importer *imp,
                                      sqlite3_int64 userid, const char *bank)
{
    struct akey key = { .userid = userid, .bank = (char *)bank };
    if (imp->nkeys == 0)
        return NULL;
    return bsearch (&key, imp->keys, imp->nkeys, sizeof (key), cmp_akey);
}

/* ---- reading one job ------------------------------------------------ */

static void report (struct importer *imp, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void report (struct importer *imp, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    int n;

    if (!imp->report)
        return;
    n = snprintf (msg, sizeof (msg), "%s %zu: ", imp->source, imp->lineno);
    va_start (ap, fmt);
    vsnprintf (msg + n, sizeof (msg) - n, fmt, ap);
    va_end (ap);
    imp->report (imp->arg, msg);
}

static int get_number (json_t *o, const char *key, int required, double *out,
                       fluxacct_error_t *error)
{
    json_t *v = json_object_get (o, key);

    if (!v) {
        if (required)
            return errprintf (error, EINVAL, "missing \"%s\"", key);
        *out = 0;
        return 0;
    }
    if (!json_is_number (v))
        return errprintf (error, EINVAL, "\"%s\" must be a number, not %s",
                          key, fa_json_typename (v));
    *out = json_number_value (v); /* its range: jobrec_check */
    return 0;
}

static int parse_id (json_t *v, char *buf, size_t len, fluxacct_error_t *error)
{
    uint64_t id;

    if (json_is_integer (v) && json_integer_value (v) >= 0)
        id = (uint64_t)json_integer_value (v);
    else if (json_is_string (v)) {
        if (fluxacct_jobid_parse (json_string_value (v), &id, error) < 0)
            return -1;
    }
    else
        return errprintf (error, EINVAL, "\"id\" must be a job id, not %s",
                          v ? fa_json_typename (v) : "missing");
    snprintf (buf, len, "%llu", (unsigned long long)id);
    return 0;
}

/* The text to store for a key whose value is an object or a JSON string. */
static char *json_text (json_t *v)
{
    if (json_is_string (v))
        return strdup (json_string_value (v));
    return json_dumps (v, JSON_COMPACT);
}

/* Read bank, project and duration from jobspec.attributes.system. */
static int jobspec_attrs (json_t *jobspec, struct job_in *j,
                          fluxacct_error_t *error)
{
    json_t *js = jobspec, *loaded = NULL, *sys, *v;
    int rc = -1;

    if (json_is_string (jobspec)) {
        json_error_t jerr;
        if (!(loaded = json_loads (json_string_value (jobspec), 0, &jerr)))
            return errprintf (error, EINVAL, "jobspec is not JSON: %s",
                              jerr.text);
        js = loaded;
    }
    if (!json_is_object (js)) {
        errprintf (error, EINVAL, "jobspec must be an object");
        goto done;
    }
    sys = json_object_get (json_object_get (js, "attributes"), "system");
    if ((v = json_object_get (sys, "bank"))) {
        if (!json_is_string (v)) {
            errprintf (error, EINVAL, "jobspec attributes.system.bank must be "
                       "a string");
            goto done;
        }
        if (*json_string_value (v))
            j->bank = strdup (json_string_value (v));
    }
    if ((v = json_object_get (sys, "project"))) {
        if (!json_is_string (v)) {
            errprintf (error, EINVAL, "jobspec attributes.system.project "
                       "must be a string");
            goto done;
        }
        j->project = strdup (json_string_value (v));
    }
    if ((v = json_object_get (sys, "duration")) && json_is_number (v))
        j->duration = json_number_value (v);
    rc = 0;
done:
    json_decref (loaded);
    return rc;
}

/* Fill j from a job-list style JSON object. */
static int job_from_json (json_t *o, struct job_in *j, fluxacct_error_t *error)
{
    json_t *v;

    if (!json_is_object (o))
        return errprintf (error, EINVAL, "not a JSON object");
    if (parse_id (json_object_get (o, "id"), j->id, sizeof (j->id), error) < 0)
        return -1;
    if (!(v = json_object_get (o, "userid")))
        return errprintf (error, EINVAL, "missing \"userid\"");
    if (!json_is_integer (v))
        return errprintf (error, EINVAL, "\"userid\" must be an integer, "
                          "not %s", fa_json_typename (v));
    j->userid = json_integer_value (v); /* its range: jobrec_check */
    if (get_number (o, "t_submit", 0, &j->t_submit, error) < 0
        || get_number (o, "t_run", 0, &j->t_run, error) < 0
        || get_number (o, "t_inactive", 1, &j->t_inactive, error) < 0)
        return -1;
    if ((v = json_object_get (o, "ranks")) && !json_is_string (v))
        return errprintf (error, EINVAL, "\"ranks\" must be a string");
    j->ranks = v ? json_string_value (v) : "";
    if ((v = json_object_get (o, "jobspec"))) {
        if (jobspec_attrs (v, j, error) < 0)
            return -1;
        j->jobspec = json_text (v);
    }
    else
        j->jobspec = strdup ("");
    /* An R that does not parse is stored and reported, not refused: the
     * job still happened (the normaliser counts it). */
    if ((v = json_object_get (o, "R")) && !json_is_null (v))
        j->R = json_text (v);
    else
        j->R = strdup ("");
    if (!j->R || !j->jobspec)
        return errprintf (error, ENOMEM, "out of memory");
    return 0;
}

static int malformed (struct importer *imp, const char *why,
                      fluxacct_error_t *error);

/* Store one parsed job through the normaliser; classify it for the
 * counters and reports.  What the parse read (bank, project, requested
 * duration, and R's counts on the fast path) is given; the normaliser
 * decides the rest, and every value stored passes the rules of the jobs
 * table (jobrec_check: the parsers check JSON types, not ranges) or the
 * record is malformed. */
static int store_job (struct importer *imp, struct job_in *j,
                      const char *r_problem, fluxacct_error_t *error)
{
    struct jobrec rec = {
        .id = j->id,
        .userid = j->userid,
        .t_submit = j->t_submit,
        .t_run = j->t_run,
        .t_inactive = j->t_inactive,
        .ranks = j->ranks,
        .R = j->R ? j->R : j->R_text,
        .R_len = j->R ? strlen (j->R) : j->R_len,
        .jobspec = j->jobspec ? j->jobspec : j->spec_text,
        .spec_len = j->jobspec ? strlen (j->jobspec) : j->spec_len,
        .spec_read = 1,
        .bank = j->bank ? j->bank : "",
        .project = j->project ? j->project : "",
        .has_requested = 1,
        .requested_duration = j->duration,
        .has_counts = j->have_counts,
        .counts = j->counts,
    };
    fluxacct_error_t why;
    int rc;

    if (jobnorm_record (imp->norm, &rec, error) < 0) {
        jobrec_clear (&rec);
        return -1;
    }
    if (jobrec_check (imp->norm, &rec, &why) < 0) {
        jobrec_clear (&rec);
        return malformed (imp, why.text, error);
    }
    if ((rc = jobrec_insert (imp->db, &rec, error)) < 0) {
        jobrec_clear (&rec);
        return -1;
    }
    if (rc == 0) {
        imp->st.duplicates++;
        jobrec_clear (&rec);
        return 0;
    }
    jobnorm_stored (imp->norm, &rec);
    imp->st.imported++;
    if (rec.no_counts && j->t_run > 0) {
        imp->st.no_resources++;
        report (imp, "job %s: %s; stored, contributes no usage", j->id,
                *rec.r_problem ? rec.r_problem
                : r_problem && *r_problem ? r_problem : "no R");
    }
    if (!rec.charge_bank || !find_assoc (imp, j->userid, rec.charge_bank)) {
        imp->st.unknown++;
        report (imp, "job %s: no association for userid %lld in bank %s; "
                "stored, charged once the association exists", j->id,
                (long long)j->userid,
                rec.charge_bank ? rec.charge_bank : "(none)");
    }
    jobrec_clear (&rec);
    return 0;
}

static int malformed (struct importer *imp, const char *why,
                      fluxacct_error_t *error)
{
    imp->st.malformed++;
    if (imp->flags & FLUXACCT_IMPORT_STRICT)
        return errprintf (error, EINVAL, "%s %zu: %.140s", imp->source,
                          imp->lineno, why);
    report (imp, "%s; skipped", why);
    return 0;
}

/* ---- the fast path: common job lines without building a document ---- */

/* Copy a plain (escape-free) string value into a NUL-terminated buffer.
 * 1 ok, 0 not a plain string or too long. */
static int plain_copy (struct jspan v, char *buf, size_t len)
{
    const char *s;
    size_t n;

    if (jspan_plain_string (v, &s, &n) != 1 || n >= len)
        return 0;
    memcpy (buf, s, n);
    buf[n] = '\0';
    return 1;
}

static int idset_size (struct jspan v, struct idset_ranges *ranges,
                       uint64_t *count)
{
    char buf[4096];

    if (!plain_copy (v, buf, sizeof (buf))
        || idset_decode_ranges (buf, ranges, count, NULL) < 0)
        return 0;
    return 1;
}

/* Count R's resources; 1 done, 0 leave it to r_count_json (which also
 * words any error exactly). */
static int fast_r (struct jspan R, fluxacct_r_count_t *out)
{
    struct jspan v, exec, rl, entry, children, x;
    struct idset_ranges ranks = { 0 };
    const char *it = NULL;
    uint64_t ncores = 0, ngpus = 0;
    double version;
    int n = 0, ok = 0;

    if (jspan_get (R, "version", &v) != 1 || jspan_number (v, &version) < 0
        || version != 1 || jspan_get (R, "execution", &exec) != 1
        || jspan_get (exec, "R_lite", &rl) != 1 || !jspan_is_array (rl))
        return 0;
    while (jspan_next (rl, &it, &entry)) {
        uint64_t nr, nc, ng = 0;
        n++;
        if (jspan_get (entry, "rank", &v) != 1
            || !idset_size (v, &ranks, &nr) || nr == 0
            || jspan_get (entry, "children", &children) != 1
            || !jspan_is_object (children)
            || jspan_get (children, "core", &x) != 1
            || !idset_size (x, NULL, &nc))
            goto done;
        if (jspan_get (children, "gpu", &x) == 1 && !idset_size (x, NULL, &ng))
            goto done;
        if ((nc && nr > UINT64_MAX / nc) || (ng && nr > UINT64_MAX / ng))
            goto done;
        ncores += nr * nc;
        ngpus += nr * ng;
    }
    if (n > 0) {
        out->nnodes = idset_ranges_union_count (&ranks);
        out->ncores = ncores;
        out->ngpus = ngpus;
        ok = 1;
    }
done:
    idset_ranges_clear (&ranks);
    return ok;
}

static int fast_id (struct jspan v, char *buf, size_t len)
{
    char tmp[64];
    uint64_t id;

    if (v.p && v.n > 0 && v.n < 21 && v.p[0] >= '0' && v.p[0] <= '9') {
        char *end;
        memcpy (tmp, v.p, v.n);
        tmp[v.n] = '\0';
        errno = 0;
        id = strtoull (tmp, &end, 10);
        if (errno || *end)
            return 0;
    }
    else if (!plain_copy (v, tmp, sizeof (tmp))
             || fluxacct_jobid_parse (tmp, &id, NULL) < 0)
        return 0;
    snprintf (buf, len, "%llu", (unsigned long long)id);
    return 1;
}

/* attributes.system.{bank,project,duration} of an object jobspec. */
static int fast_jobspec (struct jspan spec, struct job_in *j)
{
    struct jspan attrs, sys, v;
    char buf[1024];
    int r;

    if ((r = jspan_get (spec, "attributes", &attrs)) != 1)
        return r == 0;
    if ((r = jspan_get (attrs, "system", &sys)) != 1)
        return r == 0;
    if (!jspan_is_object (sys))
        return 1; /* no attributes.system object: nothing to read */
    /* -1 (a key with escapes): the jansson path reads it */
    if ((r = jspan_get (sys, "bank", &v)) < 0)
        return 0;
    if (r == 1) {
        if (!plain_copy (v, buf, sizeof (buf)))
            return 0;
        if (*buf && !(j->bank = strdup (buf)))
            return 0;
    }
    if (jspan_get (sys, "project", &v) == 1) {
        if (!plain_copy (v, buf, sizeof (buf)) || !(j->project = strdup (buf)))
            return 0;
    }
    if (jspan_get (sys, "duration", &v) == 1 && jspan_number (v, &j->duration))
        j->duration = 0;
    return 1;
}

static int fast_number (struct jspan v, int required, double *t)
{
    if (!v.p) {
        *t = 0;
        return !required;
    }
    return jspan_number (v, t) == 0; /* its range: jobrec_check */
}

/* 1 handled (stored or counted), 0 use the jansson path, -1 error. */
static int import_line_fast (struct importer *imp, const char *buf,
                             size_t len, fluxacct_error_t *error)
{
    static const char *const keys[] = { "id", "userid", "t_submit", "t_run",
                                        "t_inactive", "ranks", "jobspec",
                                        "R" };
    struct jspan o, v[8];
    struct job_in j = { 0 };
    const char *s = buf, *end = buf + len;
    double uid;
    int rc;

    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    o.p = s;
    o.n = (size_t)(end - s);
    if (!jspan_is_object (o) || jspan_members (o, keys, 8, v) < 0)
        return 0;
    /* The object must end the line.  jspan_members validated it up to its
     * closing brace: when the last member is one of ours, that brace is the
     * first non-blank after its value, and no second walk over the line is
     * needed to find it. */
    const char *last = NULL;
    for (int i = 0; i < 8; i++)
        if (v[i].p && (!last || v[i].p + v[i].n > last))
            last = v[i].p + v[i].n;
    while (last && last < end && (*last == ' ' || *last == '\t'
                                  || *last == '\n' || *last == '\r'))
        last++;
    if (!(last && last < end && *last == '}' && last + 1 == end)
        && (!(s = jspan_skip (o.p, end, 0)) || s != end))
        return 0;
    if (!v[0].p || !fast_id (v[0], j.id, sizeof (j.id)) || !v[1].p
        || jspan_number (v[1], &uid) < 0 || !(fabs (uid) <= 9007199254740992.0)
        || uid != floor (uid) || memchr (v[1].p, '.', v[1].n)
        || memchr (v[1].p, 'e', v[1].n) || memchr (v[1].p, 'E', v[1].n)
        || !fast_number (v[2], 0, &j.t_submit)
        || !fast_number (v[3], 0, &j.t_run)
        || !fast_number (v[4], 1, &j.t_inactive))
        return 0;
    j.userid = (sqlite3_int64)uid;
    j.ranks = "";
    if (v[5].p) {
        static __thread char ranks[4096];
        if (!plain_copy (v[5], ranks, sizeof (ranks)))
            return 0;
        j.ranks = ranks;
    }
    if (v[6].p) {
        if (!jspan_is_object (v[6]) || !fast_jobspec (v[6], &j))
            goto slow;
        j.spec_text = v[6].p;
        j.spec_len = v[6].n;
    }
    if (v[7].p) {
        if (!jspan_is_object (v[7]) || !fast_r (v[7], &j.counts))
            goto slow;
        j.have_counts = 1;
        j.R_text = v[7].p;
        j.R_len = v[7].n;
    }
    imp->st.lines++;
    rc = store_job (imp, &j, "", error);
    job_in_clear (&j);
    return rc < 0 ? -1 : 1;
slow:
    job_in_clear (&j);
    return 0;
}

static int import_line (struct importer *imp, const char *buf, size_t len,
                        fluxacct_error_t *error)
{
    struct job_in j = { 0 };
    fluxacct_error_t why = { { 0 } };
    json_error_t jerr;
    json_t *o;
    int rc;

    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'
                       || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        len--;
    if (len == 0)
        return 0;
    if ((rc = import_line_fast (imp, buf, len, error)) != 0)
        return rc < 0 ? -1 : 0;
    imp->st.lines++;
    if (!(o = json_loadb (buf, len, 0, &jerr))) {
        snprintf (why.text, sizeof (why.text), "invalid JSON: %.140s", jerr.text);
        return malformed (imp, why.text, error);
    }
    if (job_from_json (o, &j, &why) < 0)
        rc = errno == ENOMEM ? errprintf (error, ENOMEM, "out of memory")
                             : malformed (imp, why.text, error);
    else
        rc = store_job (imp, &j, why.text, error);
    json_decref (o);
    job_in_clear (&j);
    return rc;
}

/* ---- transactions around an import ---------------------------------- */

static const fluxacct_jobs_import_options_t options_defaults = {
    .version = FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION,
};
FA_VSTRUCT1 (options_type, fluxacct_jobs_import_options_t,
             fluxacct_jobs_import_options_init, options_defaults);

static const fluxacct_jobs_import_stats_t stats_zero = {
    .version = FLUXACCT_JOBS_IMPORT_STATS_VERSION,
};
FA_VSTRUCT1 (stats_type, fluxacct_jobs_import_stats_t,
             fluxacct_jobs_import_stats_init, stats_zero);

static const fluxacct_jobs_record_t record_zero = {
    .version = FLUXACCT_JOBS_RECORD_VERSION,
};
FA_VSTRUCT1 (record_type, fluxacct_jobs_record_t,
             fluxacct_jobs_record_init, record_zero);

/* The caller's options (NULL: the defaults) and stats (NULL or of a known
 * version), checked before anything is read. */
static int import_args (const fluxacct_jobs_import_options_t *opts,
                        fluxacct_jobs_import_options_t *o,
                        const fluxacct_jobs_import_stats_t *stats,
                        fluxacct_error_t *error)
{
    if (fa_vin (&options_type, opts, o, &options_defaults, error) < 0
        || (stats && fa_vcheck (&stats_type, stats, error) == 0))
        return -1;
    if (o->flags & ~FLUXACCT_IMPORT_STRICT)
        return errprintf (error, EINVAL, "unknown import flags 0x%x",
                          (unsigned)o->flags);
    return 0;
}

static int import_begin (struct importer *imp, fluxacct_db_t *db,
                         const fluxacct_jobs_import_options_t *o,
                         size_t bytes, fluxacct_error_t *error)
{
    memset (imp, 0, sizeof (*imp));
    imp->db = db;
    imp->flags = o->flags;
    imp->report = o->report;
    imp->arg = o->arg;
    imp->st = stats_zero;
    imp->source = "line";
    if (db_txn_begin (db, error) < 0)
        return -1;
    if (!(imp->norm = jobnorm_create (db, error))
        || load_keys (imp, error) < 0)
        goto fail;
    imp->bulk = bytes >= BULK_BYTES
                && bytes / BULK_LINE
                       >= (size_t)(jobnorm_next_seq (imp->norm) - 1) / 2;
    if (imp->bulk && db_exec (db, schema_jobs_index_drop_sql, error) < 0)
        goto fail;
    return 0;
fail:
    db_txn_end (db, -1, error);
    jobnorm_destroy (imp->norm);
    free_keys (imp);
    return -1;
}

static int import_end (struct importer *imp, int rc,
                       fluxacct_jobs_import_stats_t *stats, fluxacct_error_t *error)
{
    rc = jobnorm_finish (imp->norm, rc, error);
    /* The index sorts get memory of the page cache's size besides it: a
     * smaller cache for them keeps the peak flat in the record count. */
    if (rc == 0 && imp->bulk) {
        sqlite3_exec (imp->db->h, "PRAGMA cache_size=-16384", NULL, NULL,
                      NULL);
        rc = db_exec (imp->db, schema_jobs_index_sql, error);
        sqlite3_exec (imp->db->h, "PRAGMA cache_size=-65536", NULL, NULL,
                      NULL);
    }
    rc = db_txn_end (imp->db, rc, error);
    free_keys (imp);
    if (stats)
        fa_vout (&stats_type, stats, &imp->st);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_jobs_import_buffer (fluxacct_db_t *db,
                                                 const char *buf, size_t len,
                                                 const fluxacct_jobs_import_options_t *opts,
                                                 fluxacct_jobs_import_stats_t *stats,
                                                 fluxacct_error_t *error)
{
    fluxacct_jobs_import_options_t o;
    struct importer imp;
    size_t pos = 0;
    int rc = 0;

    if (!db || (!buf && len))
        return errprintf (error, EINVAL, "invalid argument");
    if (import_args (opts, &o, stats, error) < 0
        || import_begin (&imp, db, &o, len, error) < 0)
        return -1;
    while (rc == 0 && pos < len) {
        const char *nl = memchr (buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        imp.lineno++;
        rc = import_line (&imp, buf + pos, n, error);
        pos += n + 1;
        if ((imp.lineno & 16383) == 0)
            db_progress (db, "import", pos, len);
    }
    db_progress (db, "import", len, len);
    return import_end (&imp, rc, stats, error);

}

/* Lines of a job file, read in blocks and bounded: /dev/zero or a file
 * without newlines must not be buffered whole. */
#define IMPORT_LINE_MAX (64 << 20)

struct linereader {
    FILE *f;
    char *buf;
    size_t cap, start, end, next;
    char saved;
    int eof;
};

/* The next line (with its newline, NUL terminated in place) in *line; its
 * length, -1 at the end, -2 when a line is longer than IMPORT_LINE_MAX. */
static ssize_t lr_next (struct linereader *r, char **line)
{
    for (;;) {
        char *nl = r->end > r->start
                       ? memchr (r->buf + r->start, '\n', r->end - r->start)
                       : NULL;
        size_t len;
        if (nl || (r->eof && r->end > r->start)) {
            len = nl ? (size_t)(nl - (r->buf + r->start)) + 1
                     : r->end - r->start;
            *line = r->buf + r->start;
            r->next = r->start + len;
            r->saved = r->buf[r->next];
            r->buf[r->next] = '\0';
            return (ssize_t)len;
        }
        if (r->eof)
            return -1;
        if (r->start > 0) {
            memmove (r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        if (r->end + 1 >= r->cap) {
            if (r->cap > IMPORT_LINE_MAX)
                return -2;
            size_t cap = r->cap ? r->cap * 2 : 65536;
            char *b = realloc (r->buf, cap + 1);
            if (!b)
                return -2;
            r->buf = b;
            r->cap = cap;
        }
        size_t got = fread (r->buf + r->end, 1, r->cap - r->end - 1, r->f);
        r->end += got;
        if (got == 0)
            r->eof = 1;
    }
}

/* Give back the line lr_next returned. */
static void lr_done (struct linereader *r)
{
    r->buf[r->next] = r->saved;
    r->start = r->next;
}

FLUXACCT_EXPORT int fluxacct_jobs_import (fluxacct_db_t *db, const char *path,
                                          const fluxacct_jobs_import_options_t *opts,
                                          fluxacct_jobs_import_stats_t *stats,
                                          fluxacct_error_t *error)
{
    fluxacct_jobs_import_options_t o;
    struct importer imp;
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;

    if (!db || !path)
        return errprintf (error, EINVAL, "invalid argument");
    if (import_args (opts, &o, stats, error) < 0)
        return -1;
    struct stat sb;
    size_t bytes = 0;
    if (!strcmp (path, "-"))
        f = stdin;
    else if (!(f = fopen (path, "r")))
        return errprintf (error, errno, "%s: %s", path, strerror (errno));
    if (fstat (fileno (f), &sb) == 0 && S_ISREG (sb.st_mode))
        bytes = (size_t)sb.st_size;
    if (import_begin (&imp, db, &o, bytes, error) < 0) {
        if (f != stdin)
            fclose (f);
        return -1;
    }
    uint64_t done = 0;
    struct linereader lr = { .f = f };
    while (rc == 0 && (n = lr_next (&lr, &line)) >= 0) {
        imp.lineno++;
        done += (uint64_t)n;
        rc = import_line (&imp, line, (size_t)n, error);
        lr_done (&lr);
        if ((imp.lineno & 16383) == 0)
            db_progress (db, "import", done, bytes);
    }
    db_progress (db, "import", done, bytes);
    if (rc == 0 && n == -2)
        rc = errprintf (error, EINVAL, "%s:%llu: line longer than %d MiB "
                        "(not JSON Lines?)", path,
                        (unsigned long long)imp.lineno + 1,
                        IMPORT_LINE_MAX >> 20);
    if (rc == 0 && ferror (f))
        rc = errprintf (error, EIO, "%s: read error", path);
    free (lr.buf);
    (void)cap;
    if (f != stdin)
        fclose (f);
    return import_end (&imp, rc, stats, error);
}

/* ---- flux-core job-archive ----------------------------------------- */

static int archive_row (struct importer *imp, sqlite3_stmt *st,
                        fluxacct_error_t *error)
{
    struct job_in j = { 0 };
    fluxacct_error_t why = { { 0 } };
    const char *R = (const char *)sqlite3_column_text (st, 7);
    const char *spec = (const char *)sqlite3_column_text (st, 6);
    int rc;

    imp->st.lines++;
    if (!R || !*R)
        return 0; /* never ran */
    snprintf (j.id, sizeof (j.id), "%s",
              (const char *)sqlite3_column_text (st, 0));
    j.userid = sqlite3_column_int64 (st, 1);
    j.ranks = (const char *)sqlite3_column_text (st, 2);
    j.t_submit = sqlite3_column_double (st, 3);
    j.t_run = sqlite3_column_double (st, 4);
    j.t_inactive = sqlite3_column_double (st, 5);
    j.R = strdup (R);
    j.jobspec = strdup (spec ? spec : "");
    if (spec && *spec) {
        json_t *s = json_string (spec);
        fluxacct_error_t jerr;
        if (jobspec_attrs (s, &j, &jerr) < 0)
            snprintf (why.text, sizeof (why.text), "%s", jerr.text);
        json_decref (s);
    }
    rc = store_job (imp, &j, why.text, error);
    job_in_clear (&j);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_jobs_import_archive (fluxacct_db_t *db,
                                                  const char *archive,
                                                  const fluxacct_jobs_import_options_t *opts,
                                                  fluxacct_jobs_import_stats_t *stats,
                                                  fluxacct_error_t *error)
{
    fluxacct_jobs_import_options_t o;
    /* t_cleanup and eventlog are the archive's own columns: they tell its
     * jobs table from another one (an accounting database's, say). */
    static const char *sql =
        "SELECT id, userid, ranks, t_submit, t_run, t_inactive, jobspec, R, "
        "t_cleanup, eventlog FROM jobs ORDER BY t_inactive, id";
    struct importer imp;
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0, step;

    if (!db || !archive)
        return errprintf (error, EINVAL, "invalid argument");
    if (import_args (opts, &o, stats, error) < 0)
        return -1;
    o.flags = 0; /* the archive's rows are Flux's own: never strict */
    if (access (archive, R_OK) < 0)
        return errprintf (error, errno, "%s: %s", archive, strerror (errno));
    if (sqlite3_open_v2 (archive, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_prepare_v2 (h, sql, -1, &st, NULL) != SQLITE_OK) {
        errprintf (error, EPROTO, "%s is not a flux-core job-archive "
                   "database: %s", archive, h ? sqlite3_errmsg (h) : "");
        sqlite3_finalize (st);
        sqlite3_close (h);
        errno = EPROTO;
        return -1;
    }
    if (import_begin (&imp, db, &o, 0, error) < 0) {
        sqlite3_finalize (st);
        sqlite3_close (h);
        return -1;
    }
    imp.source = "archive row";
    while (rc == 0 && (step = sqlite3_step (st)) == SQLITE_ROW) {
        imp.lineno++;
        rc = archive_row (&imp, st, error);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = errprintf (error, EPROTO, "%s: %s", archive, sqlite3_errmsg (h));
    sqlite3_finalize (st);
    sqlite3_close (h);
    return import_end (&imp, rc, stats, error);
}

/* ---- records read by the caller ------------------------------------ */

static int record_in (struct importer *imp, const fluxacct_jobs_record_t *r,
                      fluxacct_error_t *error)
{
    struct job_in j = { 0 };
    fluxacct_error_t why = { { 0 } };
    int rc;

    imp->st.lines++;
    snprintf (j.id, sizeof (j.id), "%llu", (unsigned long long)r->id);
    j.userid = r->userid;
    j.t_submit = r->t_submit;
    j.t_run = r->t_run;
    j.t_inactive = r->t_inactive;
    j.ranks = r->ranks ? r->ranks : "";
    if (r->jobspec && *r->jobspec) {
        json_t *s = json_string (r->jobspec);
        rc = s ? jobspec_attrs (s, &j, &why) : -1;
        json_decref (s);
        if (rc < 0) {
            job_in_clear (&j);
            return errno == ENOMEM ? errprintf (error, ENOMEM, "out of memory")
                                   : malformed (imp, why.text, error);
        }
    }
    j.R_text = r->R ? r->R : "";
    j.R_len = strlen (j.R_text);
    j.spec_text = r->jobspec ? r->jobspec : "";
    j.spec_len = strlen (j.spec_text);
    rc = store_job (imp, &j, "", error);
    job_in_clear (&j);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_jobs_import_records (fluxacct_db_t *db,
                                                  const fluxacct_jobs_record_t
                                                      *recs,
                                                  size_t n,
                                                  const fluxacct_jobs_import_options_t *opts,
                                                  fluxacct_jobs_import_stats_t
                                                      *stats,
                                                  fluxacct_error_t *error)
{
    fluxacct_jobs_import_options_t o;
    const char *base = (const char *)recs;
    struct importer imp;
    size_t stride = 0;
    int rc = 0;

    if (!db || (!recs && n))
        return errprintf (error, EINVAL, "invalid argument");
    if (import_args (opts, &o, stats, error) < 0)
        return -1;
    /* every record has the version of the first, whose size is the
     * array's stride */
    if (n > 0 && (stride = fa_vcheck (&record_type, recs, error)) == 0)
        return -1;
    for (size_t i = 1; i < n; i++) {
        const fluxacct_jobs_record_t *p = (const void *)(base + i * stride);
        if (p->version != recs->version)
            return errprintf (error, EINVAL, "record %zu: version %d "
                              "differs from record 1's %d", i + 1,
                              p->version, recs->version);
    }
    if (import_begin (&imp, db, &o, 0, error) < 0)
        return -1;
    imp.source = "record";
    for (size_t i = 0; rc == 0 && i < n; i++) {
        fluxacct_jobs_record_t rec;
        imp.lineno = i + 1;
        fa_vin (&record_type, base + i * stride, &rec, &record_zero, NULL);
        rc = record_in (&imp, &rec, error);
        if ((imp.lineno & 16383) == 0)
            db_progress (db, "import", i + 1, n);
    }
    db_progress (db, "import", n, n);
    return import_end (&imp, rc, stats, error);
}

/* ---- fetching from a running instance ------------------------------ */

/* usage_state_table key: the newest t_inactive a fetch from a running
 * instance has seen. */
#define FETCH_MARK_KEY "fetch_mark"

FLUXACCT_EXPORT int fluxacct_jobs_fetch_since (fluxacct_db_t *db,
                                               double *since,
                                               fluxacct_error_t *error)
{
    static const char *sql = "SELECT MAX(t_inactive) FROM jobs";
    sqlite3_stmt *st;
    double mark = 0;
    int rc;

    if (!db || !since)
        return errprintf (error, EINVAL, "invalid argument");
    if (db_state_get (db, FETCH_MARK_KEY, NULL, &mark, NULL, error) < 0)
        return -1;
    if (!(mark > 0)) {
        /* No fetch has marked this database: flux-accounting's rule, the
         * newest stored record. */
        if (!(st = db_prep (db, sql, error)))
            return -1;
        rc = sqlite3_step (st);
        mark = rc == SQLITE_ROW ? sqlite3_column_double (st, 0) : 0;
        sqlite3_reset (st);
        if (rc != SQLITE_ROW)
            return db_error (db, error, "fetch-job-records");
    }
    *since = isfinite (mark) && mark > FLUXACCT_FETCH_OVERLAP
                 ? mark - FLUXACCT_FETCH_OVERLAP : 0;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_jobs_fetch_mark (fluxacct_db_t *db,
                                              double newest,
                                              fluxacct_error_t *error)
{
    double mark = 0;
    int rc;

    if (!db || !isfinite (newest) || newest < 0)
        return errprintf (error, EINVAL, "invalid argument: the fetch mark "
                          "must be a time >= 0");
    if (db_txn_begin (db, error) < 0)
        return -1;
    rc = db_state_get (db, FETCH_MARK_KEY, NULL, &mark, NULL, error);
    if (rc == 0 && newest > mark)
        rc = db_state_set_real (db, FETCH_MARK_KEY, newest, error);
    return db_txn_end (db, rc, error);
}

/* fluxacct_jobs_known asks about this many ids a statement: their JSON
 * array (up to 23 bytes an id) stays under 1 MiB. */
#define KNOWN_BATCH 32768

/* One id at a time: for an SQLite without JSON functions. */
static int known_each (fluxacct_db_t *db, const uint64_t *ids, size_t n,
                       unsigned char *known, fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, "SELECT 1 FROM jobs WHERE id = ?", error);
    char buf[24];

    if (!st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int rc;
        snprintf (buf, sizeof (buf), "%llu", (unsigned long long)ids[i]);
        sqlite3_bind_text (st, 1, buf, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step (st);
        sqlite3_reset (st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_error (db, error, "fetch-job-records");
        known[i] = rc == SQLITE_ROW;
    }
    return 0;
}

/* The ids as one JSON array of decimal strings (the id column's text) and
 * one statement answering for all of them: the positions in the array of
 * the ids jobs holds, each found through the primary key's index.  A fetch
 * of 10,000 jobs is one statement instead of 10,000. */
FLUXACCT_EXPORT int fluxacct_jobs_known (fluxacct_db_t *db,
                                         const uint64_t *ids, size_t n,
                                         unsigned char *known,
                                         fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT j.key FROM json_each(?1) AS j WHERE EXISTS "
        "(SELECT 1 FROM jobs WHERE id = j.value)";
    sqlite3_stmt *st;
    char *buf;

    if (!db || (n && (!ids || !known)))
        return errprintf (error, EINVAL, "invalid argument");
    if (n == 0)
        return 0;
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return known_each (db, ids, n, known, error);
    if (!(buf = malloc ((n < KNOWN_BATCH ? n : KNOWN_BATCH) * 23 + 3))) {
        sqlite3_finalize (st);
        return errprintf (error, ENOMEM, "out of memory");
    }
    memset (known, 0, n);
    for (size_t at = 0; at < n; at += KNOWN_BATCH) {
        size_t m = n - at < KNOWN_BATCH ? n - at : KNOWN_BATCH, len = 1;
        int rc;
        buf[0] = '[';
        for (size_t i = 0; i < m; i++)
            len += (size_t)sprintf (buf + len, "%s\"%llu\"", i ? "," : "",
                                    (unsigned long long)ids[at + i]);
        buf[len++] = ']';
        sqlite3_bind_text (st, 1, buf, (int)len, SQLITE_STATIC);
        while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
            sqlite3_int64 k = sqlite3_column_int64 (st, 0);
            if (k >= 0 && (size_t)k < m)
                known[at + (size_t)k] = 1;
        }
        sqlite3_reset (st);
        if (rc != SQLITE_DONE) {
            db_error (db, error, "fetch-job-records");
            sqlite3_finalize (st);
            free (buf);
            return -1;
        }
    }
    sqlite3_finalize (st);
    free (buf);
    return 0;
}

/* ---- listing -------------------------------------------------------- */

static int duration_filter (char **where, const char *col, const char *expr,
                            fluxacct_error_t *error)
{
    static const char *ops[] = { "<=", ">=", "<", ">", "=" };
    const char *p = expr;
    char *end, *s;
    double v;
    size_t i;

    while (*p == ' ')
        p++;
    for (i = 0; i < 5; i++)
        if (!strncmp (p, ops[i], strlen (ops[i])))
            break;
    if (i == 5)
        return errprintf (error, EINVAL, "%s: expression must start with <, "
                          "<=, =, >=, or >: '%s'", col, expr);
    p += strlen (ops[i]);
    v = strtod (p, &end);
    if (end == p || !isfinite (v))
        return errprintf (error, EINVAL, "%s: expression expects to be "
                          "compared with a number: '%s'", col, expr);
    while (*end == ' ')
        end++;
    if (*end)
        return errprintf (error, EINVAL, "%s: expression expects one operator "
                          "and one value: '%s'", col, expr);
    char num[FA_FMT_DOUBLE_MAX];
    fa_fmt_double (num, sizeof (num), v, FA_FMT_ROUNDTRIP);
    if (asprintf (&s, "%s AND %s %s %s", *where, col, ops[i], num) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    free (*where);
    *where = s;
    return 0;
}

static int add_clause (char **where, const char *clause, fluxacct_error_t *error)
{
    char *s;
    if (!clause || asprintf (&s, "%s AND %s", *where, clause) < 0) {
        sqlite3_free ((char *)clause);
        return errprintf (error, ENOMEM, "out of memory");
    }
    sqlite3_free ((char *)clause);
    free (*where);
    *where = s;
    return 0;
}

static int job_filter (char **where, const char *f, fluxacct_error_t *error)
{
    const char *eq = strchr (f, '=');
    char key[32];
    const char *v;
    double t;
    uint64_t id;

    if (!eq || (size_t)(eq - f) >= sizeof (key))
        return errprintf (error, EINVAL, "invalid filter: %s", f);
    snprintf (key, sizeof (key), "%.*s", (int)(eq - f), f);
    v = eq + 1;
    if (!strcmp (key, "userid"))
        return add_clause (where, sqlite3_mprintf ("jobs.userid = %lld",
                                                   strtoll (v, NULL, 10)),
                           error);
    if (!strcmp (key, "id")) {
        if (fluxacct_jobid_parse (v, &id, error) < 0)
            return -1;
        return add_clause (where, sqlite3_mprintf ("jobs.id = '%llu'",
                                                   (unsigned long long)id),
                           error);
    }
    if (!strcmp (key, "after_start") || !strcmp (key, "before_end")) {
        char *end, num[FA_FMT_DOUBLE_MAX];
        t = strtod (v, &end);
        if (end == v || *end || !isfinite (t))
            return errprintf (error, EINVAL, "invalid time in filter: %s", f);
        fa_fmt_double (num, sizeof (num), t, FA_FMT_ROUNDTRIP);
        return add_clause (where, sqlite3_mprintf (
                               key[0] == 'a' ? "t_run > %s"
                                             : "t_inactive < %s", num),
                           error);
    }
    if (!strcmp (key, "project") || !strcmp (key, "bank"))
        return add_clause (where, sqlite3_mprintf ("jobs.%s = %Q", key, v),
                           error);
    if (!strcmp (key, "requested_duration") || !strcmp (key, "actual_duration"))
        return duration_filter (where, key, v, error);
    if (!strcmp (key, "duration_delta"))
        return duration_filter (where, "(requested_duration - actual_duration)",
                                v, error);
    return errprintf (error, EINVAL, "invalid filter: %s", f);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_jobs_list (fluxacct_db_t *db,
                                                     const char *const *filters,
                                                     fluxacct_error_t *error)
{
    char *where = strdup ("1"), *sql;
    sqlite3_stmt *st;
    fluxacct_rows_t *r;

    if (!db || !where) {
        free (where);
        return errprintf_null (error, EINVAL, "invalid argument");
    }
    for (size_t i = 0; filters && filters[i]; i++)
        if (job_filter (&where, filters[i], error) < 0) {
            free (where);
            return NULL;
        }
    if (asprintf (&sql,
                  "SELECT id, userid, (SELECT username FROM association_table "
                  "a WHERE a.userid = jobs.userid LIMIT 1) AS username, "
                  "t_submit, t_run, t_inactive, nnodes, ncores, ngpus, "
                  "project, bank, requested_duration, actual_duration, "
                  "requested_duration - actual_duration AS duration_delta "
                  "FROM jobs WHERE %s ORDER BY t_inactive, seq", where) < 0) {
        free (where);
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    free (where);
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (sql);
        db_error (db, error, "view-job-records");
        return NULL;
    }
    free (sql);
    r = rows_from_stmt (db, st, error);
    sqlite3_finalize (st);
    return r;
}

FLUXACCT_EXPORT int fluxacct_jobs_scrub (fluxacct_db_t *db, double older_than,
                                         int flags, int64_t *deleted,
                                         fluxacct_error_t *error)
{
    static const char *sql = "DELETE FROM jobs WHERE t_inactive < ?";
    double reset, now = now_seconds ();
    sqlite3_stmt *st;
    int rc;

    if (!db || !isfinite (older_than) || (flags & ~FLUXACCT_FORCE))
        return errprintf (error, EINVAL, "invalid argument");
    reset = db_config_double (db, "priority_usage_reset_period", 2419200);
    if (older_than > now - reset && !(flags & FLUXACCT_FORCE))
        return errprintf (error, EPERM, "refusing to delete jobs younger than "
                          "the usage reset period (%.0f s): their usage still "
                          "counts; use --force to delete them anyway", reset);
    if (db_txn_begin (db, error) < 0)
        return -1;
    if (!(st = db_prep (db, sql, error)))
        return db_txn_end (db, -1, error);
    sqlite3_bind_double (st, 1, older_than);
    rc = db_step_done (db, st, error);
    if (rc == 0 && deleted)
        *deleted = sqlite3_changes (db->h);
    return db_txn_end (db, rc, error);
}
