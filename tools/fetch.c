/* flux-account - fetch-job-records from a running Flux instance.
 *
 * flux-core 0.88 has no job-archive module: the inactive jobs come from
 * job-list (one streaming "job-list.list" request for the jobs inactive
 * since the fetch mark, fluxacct_jobs_fetch_since()), and each job's R
 * and jobspec from job-info ("job-info.lookup"), many requests in flight
 * at once.  Each job becomes one JSON Lines record with job-list's keys
 * and imported with fluxacct_jobs_import_buffer(), the path import-jobs
 * takes, in the same batch that raises the fetch mark.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fluxcore.h"
#include "fetch.h"

/* job-info.lookup requests in flight at once. */
#define WINDOW 256

/* flux-core's job state INACTIVE and its job-info.lookup flags. */
#define STATE_INACTIVE 64
#define LOOKUP_JSON_DECODE 1

#define HINT "reading jobs from a running Flux instance needs one; or use " \
             "--copy JOBARCHIVE_DB, or import-jobs with a JSON Lines file " \
             "of jobs"

struct fjob {
    uint64_t id;
    double t_inactive;
    char *attrs;        /* job-list's members other than "id": "{...}" */
    char *line;         /* the record, once job-info answered */
    size_t len;
    void *f;            /* the lookup in flight */
    struct fetch *ft;
};

struct fetch {
    struct fluxcore *fc;
    struct ctx *ctx;
    struct fjob *jobs;  /* the jobs to look up */
    size_t njobs, next, inflight;
    uint64_t never_ran;
    int failed;
    char error[512];
};

static double now_mono (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fetch_error (struct fetch *ft, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void fetch_error (struct fetch *ft, const char *fmt, ...)
{
    va_list ap;

    if (ft->failed++)
        return;
    va_start (ap, fmt);
    vsnprintf (ft->error, sizeof (ft->error), fmt, ap);
    va_end (ap);
    ft->fc->reactor_stop_error (ft->fc->get_reactor (ft->fc->h));
}

/* ---- job-list --------------------------------------------------------- */

struct listing {
    struct fjob *jobs;
    size_t n, cap;
    uint64_t listed, malformed;
    double newest;
};

/* One job-list entry: validated here, where it enters; a job that never
 * ran (no t_run) is counted and not looked up. */
static int add_entry (struct fetch *ft, struct listing *l, json_t *o)
{
    json_t *id = json_object_get (o, "id");
    json_t *ti = json_object_get (o, "t_inactive");
    struct fjob *j;

    l->listed++;
    if (!json_is_integer (id) || json_integer_value (id) < 0
        || !json_is_number (ti) || !(json_number_value (ti) >= 0)) {
        l->malformed++;
        if (!ft->ctx->quiet)
            fprintf (stderr, "flux-account: job-list entry %llu has no valid "
                     "\"id\" and \"t_inactive\"; skipped\n",
                     (unsigned long long)l->listed);
        return 0;
    }
    if (json_number_value (ti) > l->newest)
        l->newest = json_number_value (ti);
    if (!json_object_get (o, "t_run")) {
        ft->never_ran++;
        return 0;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        struct fjob *p = realloc (l->jobs, cap * sizeof (*p));
        if (!p)
            return fail ("out of memory");
        l->jobs = p;
        l->cap = cap;
    }
    j = &l->jobs[l->n];
    memset (j, 0, sizeof (*j));
    j->id = (uint64_t)json_integer_value (id);
    j->t_inactive = json_number_value (ti);
    json_object_del (o, "id");
    if (!(j->attrs = json_dumps (o, JSON_COMPACT)))
        return fail ("out of memory");
    l->n++;
    return 0;
}

static int list_inactive (struct fetch *ft, double since, struct listing *l)
{
    struct fluxcore *fc = ft->fc;
    char payload[512], num[64];
    const char *s;
    void *f;
    int rc = 0, first = 1, streaming = 0;

    fa_fmt_double (num, sizeof (num), since, FA_FMT_ROUNDTRIP);
    snprintf (payload, sizeof (payload),
              "{\"max_entries\":0,\"attrs\":[\"userid\",\"t_submit\","
              "\"t_run\",\"t_inactive\",\"ranks\"],\"since\":%s,"
              "\"constraint\":{\"and\":[{\"states\":[%d]}]}}",
              num, STATE_INACTIVE);
    if (!(f = fc->rpc (fc->h, "job-list.list", payload, FLUXCORE_NODEID_ANY,
                       FLUXCORE_RPC_STREAMING)))
        return fail ("job-list.list: %s", strerror (errno));
    for (;;) {
        json_error_t jerr;
        json_t *o, *jobs, *v;
        size_t i;

        if (fc->rpc_get (f, &s) < 0) {
            if (errno != ENODATA)
                rc = fail ("job-list.list: %s",
                           fluxcore_error (fc, f, errno));
            break;
        }
        if (!(o = json_loads (s ? s : "", 0, &jerr))
            || !json_is_array (jobs = json_object_get (o, "jobs"))) {
            json_decref (o);
            rc = fail ("job-list.list: the response is not {\"jobs\": [...]}"
                       "%s%s", o ? "" : ": ", o ? "" : jerr.text);
            break;
        }
        json_array_foreach (jobs, i, v) {
            if (!json_is_object (v))
                l->listed++, l->malformed++;
            else if ((rc = add_entry (ft, l, v)) != 0)
                break;
        }
        /* version 0 of the protocol answers once; later ones say their
         * version in the first response, stream, and end with ENODATA */
        if (first) {
            v = json_object_get (o, "version");
            streaming = json_is_integer (v) && json_integer_value (v) > 0;
            first = 0;
        }
        json_decref (o);
        if (rc != 0 || !streaming)
            break;
        fc->future_reset (f);
    }
    fc->future_destroy (f);
    return rc;
}

/* ---- job-info ---------------------------------------------------------- */

static void send_lookups (struct fetch *ft);

/* The record: job-list's members, then job-info's ("id", "R",
 * "jobspec"), as one JSON object on one line. */
static int make_line (struct fjob *j, const char *s)
{
    size_t alen = strlen (j->attrs), slen;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    slen = strlen (s);
    if (alen < 2 || *s != '{' || slen < 2)
        return -1;
    if (!(j->line = malloc (alen + slen + 2)))
        return -1;
    memcpy (j->line, j->attrs, alen - 1);               /* without '}' */
    j->len = alen - 1;
    if (alen > 2)
        j->line[j->len++] = ',';
    memcpy (j->line + j->len, s + 1, slen - 1);         /* without '{' */
    j->len += slen - 1;
    /* the record must stay on one line (JSON text has no raw newlines
     * inside strings, so these are only whitespace) */
    for (size_t i = 0; i < j->len; i++)
        if (j->line[i] == '\n' || j->line[i] == '\r')
            j->line[i] = ' ';
    j->line[j->len] = '\0';
    return 0;
}

static void lookup_cb (void *f, void *arg)
{
    struct fjob *j = arg;
    struct fetch *ft = j->ft;
    struct fluxcore *fc = ft->fc;
    const char *s = NULL;

    if (fc->rpc_get (f, &s) < 0) {
        if (errno == ENOENT)
            ft->never_ran++; /* no R: allocated nothing, never ran */
        else
            fetch_error (ft, "job-info.lookup of job %llu: %s",
                         (unsigned long long)j->id,
                         fluxcore_error (fc, f, errno));
    }
    else if (!s || make_line (j, s) < 0)
        fetch_error (ft, "job-info.lookup of job %llu: the answer is not a "
                     "JSON object", (unsigned long long)j->id);
    fc->future_destroy (f);
    j->f = NULL;
    ft->inflight--;
    send_lookups (ft);
}

static void send_lookups (struct fetch *ft)
{
    struct fluxcore *fc = ft->fc;
    char payload[128];

    while (!ft->failed && ft->inflight < WINDOW && ft->next < ft->njobs) {
        struct fjob *j = &ft->jobs[ft->next++];
        /* R and jobspec as submitted and allocated.  (The "current" flag,
         * which replays jobspec-update and resource-update events, costs
         * the broker about 3.5 times the CPU; a job without a bank is
         * charged to the default bank at import anyway.) */
        snprintf (payload, sizeof (payload),
                  "{\"id\":%llu,\"keys\":[\"R\",\"jobspec\"],\"flags\":%d}",
                  (unsigned long long)j->id,
                  LOOKUP_JSON_DECODE);
        if (!(j->f = fc->rpc (fc->h, "job-info.lookup", payload,
                              FLUXCORE_NODEID_ANY, 0))
            || fc->then (j->f, -1., lookup_cb, j) < 0) {
            fetch_error (ft, "job-info.lookup: %s", strerror (errno));
            return;
        }
        ft->inflight++;
    }
}

/* ---- the command ------------------------------------------------------- */

static int owner_check (struct fluxcore *fc)
{
    const char *owner = fc->attr_get (fc->h, "security.owner");
    char *end;
    unsigned long long uid;

    if (!owner)
        return fail ("cannot read the instance's security.owner: %s",
                     strerror (errno));
    uid = strtoull (owner, &end, 10);
    if (*end || end == owner)
        return fail ("the instance's security.owner is not a uid: '%s'",
                     owner);
    if (uid != (unsigned long long)getuid ())
        return fail ("fetch-job-records must run as the instance owner (uid "
                     "%llu): job-list shows other users' jobs only to the "
                     "owner", uid);
    return 0;
}

int fetch_from_instance (struct ctx *ctx, fluxacct_report_f report,
                         fluxacct_jobs_import_stats_t *stats)
{
    struct fluxcore fc;
    struct fetch ft = { .fc = &fc, .ctx = ctx };
    struct listing l = { 0 };
    fluxacct_error_t error;
    unsigned char *known = NULL;
    uint64_t *ids = NULL;
    char *buf = NULL;
    size_t len = 0, nstored = 0;
    double since, t0 = now_mono (), t1, t2;
    int rc;

    fluxacct_jobs_import_stats_init (stats,
                                     FLUXACCT_JOBS_IMPORT_STATS_VERSION);
    if (fluxacct_jobs_fetch_since (ctx->db, &since, &error) < 0)
        return fail_error (&error);
    if ((rc = fluxcore_open (&fc, HINT)) != 0)
        return rc;
    if ((rc = owner_check (&fc)) != 0
        || (rc = list_inactive (&ft, since, &l)) != 0)
        goto out;
    t1 = now_mono ();

    /* Ask job-info only about the jobs not stored yet: the window overlaps
     * the previous fetch's. */
    if (l.n > 0) {
        size_t k = 0;
        if (!(ids = malloc (l.n * sizeof (*ids))) || !(known = malloc (l.n))) {
            rc = fail ("out of memory");
            goto out;
        }
        for (size_t i = 0; i < l.n; i++)
            ids[i] = l.jobs[i].id;
        if (fluxacct_jobs_known (ctx->db, ids, l.n, known, &error) < 0) {
            rc = fail_error (&error);
            goto out;
        }
        for (size_t i = 0; i < l.n; i++) {
            if (known[i]) {
                free (l.jobs[i].attrs);
                nstored++;
                continue;
            }
            l.jobs[k] = l.jobs[i];
            l.jobs[k++].ft = &ft;
        }
        l.n = k;
    }
    ft.jobs = l.jobs;
    ft.njobs = l.n;
    send_lookups (&ft);
    if (ft.inflight > 0
        && fc.reactor_run (fc.get_reactor (fc.h), 0) < 0 && !ft.failed)
        fetch_error (&ft, "flux_reactor_run: %s", strerror (errno));
    if (ft.failed || ft.next < ft.njobs || ft.inflight > 0) {
        rc = fail ("%s", ft.failed ? ft.error
                                   : "job-info.lookup: requests unanswered");
        goto out;
    }
    t2 = now_mono ();

    /* job-list lists the newest first: store the oldest first. */
    for (size_t i = 0; i < ft.njobs; i++)
        len += ft.jobs[i].line ? ft.jobs[i].len + 1 : 0;
    if (len > 0 && !(buf = malloc (len))) {
        rc = fail ("out of memory");
        goto out;
    }
    len = 0;
    for (size_t i = ft.njobs; i-- > 0;) {
        struct fjob *j = &ft.jobs[i];
        if (!j->line)
            continue;
        memcpy (buf + len, j->line, j->len);
        len += j->len;
        buf[len++] = '\n';
    }

    /* The records and the mark: one transaction. */
    if (fluxacct_db_begin (ctx->db, &error) < 0) {
        rc = fail_error (&error);
        goto out;
    }
    fluxacct_jobs_import_options_t opts;
    fluxacct_jobs_import_options_init (&opts,
                                       FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION);
    opts.report = report;
    opts.arg = ctx;
    if (fluxacct_jobs_import_buffer (ctx->db, buf, len, &opts, stats,
                                     &error) < 0
        || (l.newest > 0
            && fluxacct_jobs_fetch_mark (ctx->db, l.newest, &error) < 0)) {
        fluxacct_db_rollback (ctx->db, NULL);
        rc = fail_input (&error);
        goto out;
    }
    if (fluxacct_db_commit (ctx->db, &error) < 0) {
        rc = fail_error (&error);
        goto out;
    }
    if (ctx->verbose) {
        char num[64];
        fa_fmt_double (num, sizeof (num), since, FA_FMT_FIXED6);
        fprintf (stderr, "flux-account: fetch-job-records: job-list listed "
                 "%llu jobs inactive since %s (%llu never ran, %zu already "
                 "stored, %llu malformed) in %.3f s; job-info looked up %zu "
                 "in %.3f s; stored in %.3f s\n",
                 (unsigned long long)l.listed, num,
                 (unsigned long long)ft.never_ran, nstored,
                 (unsigned long long)l.malformed, t1 - t0, ft.njobs, t2 - t1,
                 now_mono () - t2);
    }
out:
    for (size_t i = 0; i < ft.njobs; i++) {
        if (ft.jobs[i].f)
            fc.future_destroy (ft.jobs[i].f);
        free (ft.jobs[i].attrs);
        free (ft.jobs[i].line);
    }
    if (ft.njobs == 0 && l.jobs) /* not handed over yet */
        for (size_t i = 0; i < l.n; i++)
            free (l.jobs[i].attrs);
    free (l.jobs);
    free (ids);
    free (known);
    free (buf);
    fluxcore_close (&fc);
    return rc;
}
