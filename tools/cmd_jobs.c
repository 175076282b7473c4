/* flux-account - job records and usage commands. */
#include <errno.h>
#include <stdarg.h>
#include <time.h>
#include <math.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <langinfo.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <fluxacct/parse.h>

#include "cli.h"
#include "fetch.h"

static void report_line (void *arg, const char *msg)
{
    struct ctx *ctx = arg;
    if (!ctx->quiet)
        fprintf (stderr, "flux-account: %s\n", msg);
}

static void print_import_stats (struct ctx *ctx,
                                const fluxacct_jobs_import_stats_t *s)
{
    if (ctx->quiet)
        return;
    fprintf (stderr, "flux-account: %llu imported, %llu already present, "
             "%llu malformed (skipped), %llu without resources, %llu without "
             "an association\n", (unsigned long long)s->imported,
             (unsigned long long)s->duplicates,
             (unsigned long long)s->malformed,
             (unsigned long long)s->no_resources,
             (unsigned long long)s->unknown);
}

/* The import options every import command starts from: problems are
 * reported on stderr (report_line). */
static void import_options (fluxacct_jobs_import_options_t *opts,
                            struct ctx *ctx)
{
    fluxacct_jobs_import_options_init (opts,
                                       FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION);
    opts->report = report_line;
    opts->arg = ctx;
}

static int cmd_import_jobs (struct ctx *ctx, struct args *a)
{
    fluxacct_jobs_import_options_t opts;
    fluxacct_jobs_import_stats_t s;
    fluxacct_error_t error;

    import_options (&opts, ctx);
    opts.flags = arg_flag (a, "strict") ? FLUXACCT_IMPORT_STRICT : 0;
    fluxacct_jobs_import_stats_init (&s, FLUXACCT_JOBS_IMPORT_STATS_VERSION);
    if (fluxacct_jobs_import (ctx->db, a->pos[0], &opts, &s, &error) < 0)
        return fail_input (&error);
    print_import_stats (ctx, &s);
    return 0;
}

static int cmd_fetch_job_records (struct ctx *ctx, struct args *a)
{
    fluxacct_jobs_import_options_t opts;
    fluxacct_jobs_import_stats_t s;
    fluxacct_error_t error;
    const char *copy = arg_str (a, "copy");

    import_options (&opts, ctx);
    fluxacct_jobs_import_stats_init (&s, FLUXACCT_JOBS_IMPORT_STATS_VERSION);
    if (!copy) {
        int rc = fetch_from_instance (ctx, report_line, &s);
        if (rc != 0)
            return rc;
    }
    else if (fluxacct_jobs_import_archive (ctx->db, copy, &opts, &s,
                                           &error) < 0)
        return fail_input (&error);
    print_import_stats (ctx, &s);
    return 0;
}

/* ---- view-job-records ---------------------------------------------- */

static const char *job_fields =
    "jobid,username,userid,t_submit,t_run,t_inactive,nnodes,ncores,ngpus,"
    "project,bank,requested_duration,actual_duration,duration_delta";

static int add_filter (char **filters, int *n, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int add_filter (char **filters, int *n, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start (ap, fmt);
    rc = vasprintf (&filters[(*n)++], fmt, ap);
    va_end (ap);
    return rc < 0 ? -1 : 0;
}

static int user_filter (struct ctx *ctx, const char *user, char **filters,
                        int *n)
{
    struct passwd *pw = getpwnam (user);
    fluxacct_rows_t *r;
    char *end;
    long long uid = strtoll (user, &end, 10);

    if (pw)
        return add_filter (filters, n, "userid=%lld", (long long)pw->pw_uid);
    if (*user && !*end)
        return add_filter (filters, n, "userid=%lld", uid);
    if ((r = fluxacct_assoc_view (ctx->db, user, "userid", NULL))) {
        uid = fluxacct_rows_int (r, 0, 0);
        fluxacct_rows_destroy (r);
        return add_filter (filters, n, "userid=%lld", uid);
    }
    return usage_error ("unknown user %s", user);
}

/* Render one field of a job row for -o FORMAT, including jobid.FORM. */
static char *job_cell (const fluxacct_rows_t *r, size_t row, const char *name)
{
    char buf[128];
    uint64_t id = strtoull (fluxacct_rows_text (r, row, 0), NULL, 10);

    if (!strcmp (name, "jobid"))
        name = "jobid.f58";
    if (!strncmp (name, "jobid.", 6)) {
        if (fluxacct_jobid_encode (id, name + 6, buf, sizeof (buf), NULL) < 0)
            return NULL;
        return strdup (buf);
    }
    int c = fluxacct_rows_column_index (r, name);
    return c < 0 ? NULL : cell_text (r, row, (size_t)c, 1);
}

static int print_jobs_format (struct ctx *ctx, const fluxacct_rows_t *r,
                              const char *fmt)
{
    char why[256];
    struct format *fm = format_parse (fmt, why, sizeof (why));

    if (!fm)
        return errno == ENOMEM ? fail ("out of memory")
                               : usage_error ("%s", why);
    for (size_t i = 0; i < fm->n; i++) {
        const char *key = fm->items[i].text;
        if (fm->items[i].kind == FORMAT_FIELD && strcmp (key, "resources")
            && !strstr (job_fields, key) && strncmp (key, "jobid.", 6)) {
            usage_error ("Unknown format field: %s", key);
            format_destroy (fm);
            return EXIT_USAGE;
        }
    }
    for (long row = -1; row < (long)fluxacct_rows_count (r); row++) {
        for (size_t i = 0; i < fm->n; i++) {
            const struct format_item *it = &fm->items[i];
            char *v;
            if (it->kind == FORMAT_LITERAL) {
                fputs (it->text, ctx->out);
                continue;
            }
            if (row < 0) {
                format_emit (ctx->out, it, NULL, 0, 0, 1);
                continue;
            }
            if (!(v = job_cell (r, (size_t)row, it->text))) {
                format_destroy (fm);
                return usage_error ("Unknown format field: %s", it->text);
            }
            format_emit (ctx->out, it, v, 0, 0, 0);
            free (v);
        }
        fputc ('\n', ctx->out);
    }
    format_destroy (fm);
    return 0;
}

static int cmd_view_job_records (struct ctx *ctx, struct args *a)
{
    static const char *durs[][2] = {
        { "requested-duration", "requested_duration" },
        { "actual-duration", "actual_duration" },
        { "duration-delta", "duration_delta" },
    };
    char *filters[16] = { NULL }, num[64];
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    struct outopts o;
    double t;
    int n = 0, rc = 0;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (arg_str (a, "user") && (rc = user_filter (ctx, arg_str (a, "user"),
                                                  filters, &n)))
        goto done;
    if (arg_str (a, "jobid"))
        add_filter (filters, &n, "id=%s", arg_str (a, "jobid"));
    if (arg_str (a, "after-start-time")) {
        if (arg_time (a, "after-start-time", &t) < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        fa_fmt_double (num, sizeof (num), t, FA_FMT_ROUNDTRIP);
        add_filter (filters, &n, "after_start=%s", num);
    }
    if (arg_str (a, "before-end-time")) {
        if (arg_time (a, "before-end-time", &t) < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        fa_fmt_double (num, sizeof (num), t, FA_FMT_ROUNDTRIP);
        add_filter (filters, &n, "before_end=%s", num);
    }
    if (arg_str (a, "project"))
        add_filter (filters, &n, "project=%s", arg_str (a, "project"));
    if (arg_str (a, "bank"))
        add_filter (filters, &n, "bank=%s", arg_str (a, "bank"));
    for (int i = 0; i < 3; i++) {
        const char *e;
        for (int k = 0; (e = arg_multi (a, durs[i][0], k)); k++) {
            if (n >= 14) {
                rc = usage_error ("view-job-records: too many expressions");
                goto done;
            }
            add_filter (filters, &n, "%s=%s", durs[i][1], e);
        }
    }
    if (!(r = fluxacct_jobs_list (ctx->db, (const char *const *)filters,
                                  &error))) {
        rc = errno == EINVAL ? (fail_error (&error), EXIT_USAGE)
                             : fail_error (&error);
        goto done;
    }
    if (o.mode == OUT_FORMAT)
        rc = print_jobs_format (ctx, r, o.format);
    else
        rc = print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
done:
    for (int i = 0; i < n; i++)
        free (filters[i]);
    return rc;
}

static int cmd_scrub_old_jobs (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    double weeks = 26;
    int64_t deleted = 0;
    char *end;

    if (a->npos > 0) {
        weeks = strtod (a->pos[0], &end);
        if (end == a->pos[0] || *end || !(weeks >= 0))
            return usage_error ("scrub-old-jobs: NUM_WEEKS must be a number "
                                ">= 0, got '%s'", a->pos[0]);
    }
    if (fluxacct_jobs_scrub (ctx->db, (double)time (NULL) - weeks * 604800,
                             arg_flag (a, "force") ? FLUXACCT_FORCE : 0,
                             &deleted, &error) < 0)
        return fail_error (&error);
    if (!ctx->quiet)
        fprintf (stderr, "flux-account: deleted %lld job records\n",
                 (long long)deleted);
    return 0;
}

/* ---- usage ---------------------------------------------------------- */

static int cmd_update_usage (struct ctx *ctx, struct args *a)
{
    fluxacct_usage_stats_t s;
    fluxacct_error_t error;
    double now = NAN, half_life = 0;
    int rc = 0;

    fluxacct_usage_stats_init (&s, FLUXACCT_USAGE_STATS_VERSION);
    if (arg_time (a, "time", &now) < 0
        || arg_weeks_or_fsd (a, "priority-decay-half-life", &half_life))
        return EXIT_USAGE;
    /* The seed's form: the database as a positional argument
     * (flux account update-usage --priority-decay-half-life=2 DB). */
    if (a->npos > 0)
        ctx->path = a->pos[0];
    if (!(ctx->db = fluxacct_db_open (ctx->path, 0, &error)))
        return fail_error (&error);
    if (!ctx->quiet && isatty (STDERR_FILENO))
        fluxacct_db_set_progress (ctx->db, cli_progress, ctx);
    /* The half-life and the usage it changes: one transaction. */
    if (fluxacct_db_begin (ctx->db, &error) < 0)
        return fail_error (&error);
    if (half_life > 0) {
        char value[64];
        size_t n = fa_fmt_double (value, sizeof (value) - 1, half_life,
                                  FA_FMT_ROUNDTRIP);
        memcpy (value + n, "s", 2);
        if (fluxacct_config_edit (ctx->db, "priority_decay_half_life", value,
                                  &error) < 0)
            rc = fail_error (&error);
    }
    if (rc == 0 && fluxacct_usage_update (ctx->db, now, &s, &error) < 0)
        rc = fail_error (&error);
    if (rc != 0) {
        fluxacct_db_rollback (ctx->db, NULL);
        return rc;
    }
    if (fluxacct_db_commit (ctx->db, &error) < 0)
        return fail_error (&error);
    if (ctx->verbose)
        fprintf (stderr, "flux-account: update-usage at %.3f: %llu new jobs "
                 "charged, %llu contribute nothing, %llu associations "
                 "rewritten%s\n", s.now, (unsigned long long)s.new_jobs,
                 (unsigned long long)s.uncharged,
                 (unsigned long long)s.associations,
                 s.full_recompute ? " (full recompute)" : "");
    return 0;
}

static int cmd_clear_usage (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    double t = NAN;
    int rc = 0;

    if (arg_time (a, "ignore-older-than", &t) < 0)
        return EXIT_USAGE;
    if (fluxacct_db_begin (ctx->db, &error) < 0)
        return fail_error (&error);
    for (int i = 0; i < a->npos && rc == 0; i++)
        if (fluxacct_usage_clear (ctx->db, a->pos[i], t, &error) < 0)
            rc = fail_error (&error);
    if (rc) {
        fluxacct_db_rollback (ctx->db, NULL);
        return rc;
    }
    if (fluxacct_db_commit (ctx->db, &error) < 0)
        return fail_error (&error);
    return 0;
}

/* ---- view-usage-report and show-usage ------------------------------ */

static int parse_bins (const char *s, int64_t *bins, size_t *n)
{
    static const int64_t defaults[] = { 0, 2, 8, 32, 128, 512, 2048, 8192 };
    char *copy, *tok, *save, *end;

    *n = 0;
    if (!s)
        return 0;
    if (!(*s >= '0' && *s <= '9')) {
        memcpy (bins, defaults, sizeof (defaults));
        *n = 8;
        return 0;
    }
    copy = strdup (s);
    for (tok = strtok_r (copy, ",", &save); tok && *n < 64;
         tok = strtok_r (NULL, ",", &save)) {
        long long v = strtoll (tok, &end, 10);
        if (*end || v < 0 || (*n && v <= bins[*n - 1])) {
            free (copy);
            return usage_error ("invalid --job-size-bins '%s': expected "
                                "ascending node counts like 0,2,8", s);
        }
        bins[(*n)++] = v;
    }
    free (copy);
    return 0;
}

static double local_midnight (int days_ago)
{
    time_t now = time (NULL);
    struct tm tm;
    localtime_r (&now, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mday -= days_ago;
    tm.tm_isdst = -1;
    return (double)mktime (&tm);
}

static int cmd_view_usage_report (struct ctx *ctx, struct args *a)
{
    static const char *types[] = { "byassociation", "bybank", "byuser" };
    static const char *names[] = { "association", "bank", "user" };
    const char *type = arg_str (a, "report-type"), *unit = arg_str (a, "time-unit");
    double start = local_midnight (1), end = (double)time (NULL), div = 1;
    int64_t bins[64];
    size_t nbins = 0;
    int by = 0, rc;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    struct outopts o = { OUT_TABLE, NULL };

    if (arg_flag (a, "json") && arg_flag (a, "parsable"))
        return usage_error ("--json and --parsable are mutually exclusive");
    o.mode = arg_flag (a, "json") ? OUT_JSON
             : arg_flag (a, "parsable") ? OUT_PARSABLE : OUT_TABLE;
    if (arg_time (a, "start", &start) < 0 || arg_time (a, "end", &end) < 0)
        return EXIT_USAGE;
    if (type) {
        for (by = 0; by < 3 && strcmp (types[by], type); by++)
            ;
        if (by == 3)
            return usage_error ("invalid --report-type '%s' (bybank, byuser "
                                "or byassociation)", type);
    }
    if (unit && strcmp (unit, "sec")) {
        if (!strcmp (unit, "min"))
            div = 60;
        else if (!strcmp (unit, "hour"))
            div = 3600;
        else
            return usage_error ("invalid --time-unit '%s' (sec, min or hour)",
                                unit);
    }
    if (parse_bins (arg_str (a, "job-size-bins"), bins, &nbins))
        return EXIT_USAGE;
    fluxacct_usage_report_options_t ro;
    fluxacct_usage_report_options_init (&ro,
                                        FLUXACCT_USAGE_REPORT_OPTIONS_VERSION);
    ro.start = start;
    ro.end = end;
    ro.by = by;
    ro.username = arg_str (a, "username");
    ro.bank = arg_str (a, "bank");
    ro.bins = bins;
    ro.nbins = nbins;
    ro.unit = div;
    if (!(r = fluxacct_usage_report (ctx->db, &ro, &error)))
        return errno == EINVAL ? (fail_error (&error), EXIT_USAGE)
                               : fail_error (&error);
    if (o.mode != OUT_TABLE) {
        rc = print_rows (ctx, r, &o);
        fluxacct_rows_destroy (r);
        return rc;
    }
    size_t nc = fluxacct_rows_columns (r), nr = fluxacct_rows_count (r);
    size_t first = nbins >= 2 ? 1 : nc - 1; /* value columns to print */
    double *totals = calloc (nc, sizeof (double));
    char head[64];
    snprintf (head, sizeof (head), "%s(node%s)", names[by], unit ? unit : "sec");
    if (nbins >= 2) {
        fprintf (ctx->out, "%-24s", head);
        for (size_t i = 0; i < nbins; i++)
            fprintf (ctx->out, " %13lld+", (long long)bins[i]);
    }
    else
        fprintf (ctx->out, "%-26s        total", head);
    fputc ('\n', ctx->out);
    for (size_t i = 0; i < nr; i++) {
        fprintf (ctx->out, "%-24s", fluxacct_rows_text (r, i, 0));
        for (size_t c = first; c < (nbins >= 2 ? nc - 1 : nc); c++) {
            double v = fluxacct_rows_real (r, i, c);
            totals[c] += v;
            fprintf (ctx->out, " %14.2f", v);
        }
        fputc ('\n', ctx->out);
    }
    fprintf (ctx->out, "%-24s", "TOTAL");
    for (size_t c = first; c < (nbins >= 2 ? nc - 1 : nc); c++)
        fprintf (ctx->out, " %14.2f", totals[c]);
    fputc ('\n', ctx->out);
    free (totals);
    fluxacct_rows_destroy (r);
    return 0;
}

static int term_width (void)
{
    struct winsize ws;
    const char *c = getenv ("COLUMNS");
    if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (c && atoi (c) > 0)
        return atoi (c);
    return 80;
}

static int cmd_show_usage (struct ctx *ctx, struct args *a)
{
    const char *what = a->pos[0];
    int64_t limit = 10;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    int banks;

    if (arg_int (a, "limit", 0, &limit) < 0)
        return EXIT_USAGE;
    if (limit < 1)
        return usage_error ("--limit must be at least 1");
    if (!strcmp (what, "associations"))
        banks = 0;
    else if (!strcmp (what, "banks"))
        banks = 1;
    else
        return usage_error ("show-usage: expected 'associations' or 'banks', "
                            "got '%s'", what);
    r = banks ? fluxacct_bank_list (ctx->db, FLUXACCT_INCLUDE_INACTIVE,
                                    "bank,parent_bank,job_usage", &error)
              : fluxacct_assoc_list (ctx->db, NULL, "username,bank,job_usage",
                                     &error);
    if (!r)
        return fail_error (&error);
    size_t n = fluxacct_rows_count (r), k = 0;
    struct { char label[600]; double v; } *rows = calloc (n + 1, sizeof (*rows));
    for (size_t i = 0; i < n; i++) {
        if (banks && !*fluxacct_rows_text (r, i, 1))
            continue; /* the root is the total */
        if (banks)
            snprintf (rows[k].label, sizeof (rows[k].label), "%s",
                      fluxacct_rows_text (r, i, 0));
        else
            snprintf (rows[k].label, sizeof (rows[k].label), "%s / %s",
                      fluxacct_rows_text (r, i, 0), fluxacct_rows_text (r, i, 1));
        rows[k++].v = fluxacct_rows_real (r, i, 2);
    }
    fluxacct_rows_destroy (r);
    /* top `limit` by usage, largest first (stable on ties) */
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k && i < (size_t)limit; j++)
            if (rows[j].v > rows[i].v) {
                __typeof__ (*rows) t = rows[i];
                rows[i] = rows[j];
                rows[j] = t;
            }
    if ((size_t)limit < k)
        k = (size_t)limit;
    if (k == 0) {
        fprintf (ctx->out, "no data to display\n");
        free (rows);
        return 0;
    }
    size_t maxlabel = 0, maxval = 0;
    double vmax = 0;
    char buf[64];
    for (size_t i = 0; i < k; i++) {
        maxlabel = strlen (rows[i].label) > maxlabel ? strlen (rows[i].label)
                                                     : maxlabel;
        snprintf (buf, sizeof (buf), "% .2f", rows[i].v);
        maxval = strlen (buf) > maxval ? strlen (buf) : maxval;
        vmax = rows[i].v > vmax ? rows[i].v : vmax;
    }
    int maxbar = term_width () - (int)(maxlabel + 10 + maxval);
    if (maxbar < 10)
        maxbar = 10;
    const char *cs = nl_langinfo (CODESET);
    int utf8 = cs && !strcasecmp (cs, "UTF-8");
    for (size_t i = 0; i < k; i++) {
        int len = vmax > 0 ? (int)(rows[i].v * maxbar / vmax) : 0;
        fprintf (ctx->out, "%-*s | ", (int)maxlabel, rows[i].label);
        for (int b = 0; b < len; b++)
            fputs (utf8 ? "\xe2\x96\x88" : "#", ctx->out);
        fprintf (ctx->out, "%*s % .2f\n", maxbar - len, "", rows[i].v);
    }
    free (rows);
    return 0;
}

static const struct optdef report_opts[] = {
    { "start", 's', 1, "TIME", "first job end time (default: yesterday 00:00)" },
    { "end", 'e', 1, "TIME", "last job end time (default: now)" },
    { "username", 'u', 1, "USER", "only USER's jobs" },
    { "bank", 'b', 1, "BANK", "only BANK's jobs" },
    { "report-type", 'r', 1, "TYPE", "byassociation (default), bybank or byuser" },
    { "time-unit", 't', 1, "UNIT", "sec (default), min or hour" },
    { "job-size-bins", 'S', 1, "N,N,...", "split by job size (nodes); 'default' gives 0,2,8,32,...,8192" },
    { "json", 'j', 0, NULL, "print rows as a JSON array of objects" },
    { "parsable", 'P', 0, NULL, "print '|'-separated rows with a header" },
    { NULL },
};
static const struct optdef show_opts[] = {
    { "limit", 'n', 1, "N", "show the top N (default 10)" },
    { NULL },
};

static const struct optdef import_opts[] = {
    { "strict", 0, 0, NULL, "refuse the whole file if any line is malformed" },
    { NULL },
};
static const struct optdef fetch_opts[] = {
    { "copy", 'c', 1, "JOBARCHIVE_DB", "import from a flux-core job-archive database" },
    { NULL },
};
static const struct optdef view_jobs_opts[] = {
    { "user", 'u', 1, "USER", "jobs of USER (name or uid)" },
    { "jobid", 'j', 1, "JOBID", "one job (decimal, f58, hex, dothex or kvs form)" },
    { "after-start-time", 'a', 1, "TIME", "jobs that started after TIME" },
    { "before-end-time", 'b', 1, "TIME", "jobs that ended before TIME" },
    { "project", 0, 1, "PROJECT", "jobs of PROJECT" },
    { "bank", 'B', 1, "BANK", "jobs submitted under BANK" },
    { "requested-duration", 'd', OPT_MULTI, "EXPR", "e.g. '> 60': compare the requested duration (several are ANDed)" },
    { "actual-duration", 'e', OPT_MULTI, "EXPR", "compare the actual duration (several are ANDed)" },
    { "duration-delta", 'D', OPT_MULTI, "EXPR", "compare requested minus actual (several are ANDed)" },
    { "json", 0, 0, NULL, "print rows as a JSON array of objects" },
    { "parsable", 'P', 0, NULL, "print rows separated by '|', with a header" },
    { "format", 'o', 1, "FMT", "print each job with FMT: {jobid} (f58), {jobid.dec}, {jobid.hex}, {username}, {t_run}, ..." },
    { NULL },
};
static const struct optdef scrub_opts[] = {
    { "force", 0, 0, NULL, "also delete jobs younger than the usage reset period" },
    { NULL },
};
static const struct optdef update_usage_opts[] = {
    { "time", 't', 1, "TIME", "evaluate usage at TIME instead of now (reproducible runs)" },
    { "priority-decay-half-life", 0, 1, "WEEKS|FSD", "set the usage half-life first: a bare number is weeks, else a duration like 14d" },
    { NULL },
};
static const struct optdef clear_opts[] = {
    { "ignore-older-than", 0, 1, "TIME", "forget jobs that ended at or before TIME (default: now)" },
    { NULL },
};

const struct cmd job_cmds[] = {
    { "import-jobs", cmd_import_jobs, CMD_WRITE, "FILE|-", 1, 1,
      "Import job records from JSON Lines (one Flux job per line).",
      import_opts },
    { "fetch-job-records", cmd_fetch_job_records, CMD_WRITE, NULL, 0, 0,
      "Import the jobs that ended since the last fetch from the running Flux "
      "instance (or --copy a job-archive database).", fetch_opts },
    { "view-job-records", cmd_view_job_records, CMD_READ, NULL, 0, 0,
      "List job records, optionally filtered.", view_jobs_opts },
    { "scrub-old-jobs", cmd_scrub_old_jobs, CMD_WRITE, "[NUM_WEEKS]", 0, 1,
      "Delete job records older than NUM_WEEKS (default 26).", scrub_opts },
    { "update-usage", cmd_update_usage, CMD_NODB, "[DB]", 0, 1,
      "Charge new job records and recompute decayed usage.",
      update_usage_opts },
    { "clear-usage", cmd_clear_usage, CMD_WRITE, "BANK...", 1, -1,
      "Forget the past usage of banks and their associations.", clear_opts },
    { "view-usage-report", cmd_view_usage_report, CMD_READ, NULL, 0, 0,
      "Undecayed node-time of the jobs that ended in a window, by "
      "association, bank or user.", report_opts },
    { "show-usage", cmd_show_usage, CMD_READ, "associations|banks", 1, 1,
      "Top associations or banks by decayed usage, as a bar chart.",
      show_opts },
    { NULL },
};
