/* flux-account - the mf_priority plugin's data feed: export-json and
 * priority-update; and jobs, how the plugin prioritized a user's jobs.
 *
 * priority-update talks to a running Flux instance through libflux-core,
 * opened at run time (fluxcore.h): flux-account does not need flux-core
 * to build or to run its other commands, and where flux-core is missing
 * this command says so and fails. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <jansson.h>

#include "cli.h"
#include "fluxcore.h"

/* At most this many services (fluxacct_engine_services() has seven). */
#define MAX_PAYLOADS 16

static int cmd_export_json (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    const char *name = arg_str (a, "payload");
    int flags = arg_flag (a, "indent") ? FLUXACCT_EXPORT_INDENT : 0;
    char *s;

    if (arg_flag (a, "replace"))
        flags |= FLUXACCT_EXPORT_REPLACE;
    if (name)
        s = fluxacct_export_payload (ctx->db, name, flags, &error);
    else
        s = fluxacct_export_json (ctx->db, flags, &error);
    if (!s)
        return fail_error (&error);
    fprintf (ctx->out, "%s\n", s);
    free (s);
    return 0;
}

/* Send one payload and wait for the answer. */
static int send_payload (struct fluxcore *fc, const char *name,
                         const char *payload)
{
    char topic[64];
    void *f;
    int rc = 0;

    snprintf (topic, sizeof (topic), "job-manager.mf_priority.%s", name);
    if (!(f = fc->rpc (fc->h, topic, payload, FLUXCORE_NODEID_ANY, 0)))
        return fail ("%s: %s", topic, strerror (errno));
    if (fc->rpc_get (f, NULL) < 0) {
        int errnum = errno;
        const char *text = fluxcore_error (fc, f, errnum);
        if (errnum == ENOSYS)
            rc = fail ("mf_priority.so is not loaded in this Flux instance "
                       "(%s: %s)", topic, text);
        else
            rc = fail ("%s: %s", topic, text);
    }
    fc->future_destroy (f);
    return rc;
}

static int cmd_priority_update (struct ctx *ctx, struct args *a)
{
    /* the plugin's services, in the order they are sent */
    const char *const *payload_names = fluxacct_engine_services ();
    char *payloads[MAX_PAYLOADS] = { NULL };
    size_t npayloads = 0;
    struct fluxcore fc = { 0 };
    fluxacct_error_t error;
    int rc = 0;

    while (payload_names[npayloads] && npayloads < MAX_PAYLOADS)
        npayloads++;
    /* Read everything first: nothing is sent from a half-read database. */
    for (size_t i = 0; i < npayloads && rc == 0; i++)
        if (!(payloads[i] = fluxacct_export_payload (ctx->db, payload_names[i],
                                                     FLUXACCT_EXPORT_REPLACE,
                                                     &error)))
            rc = fail_error (&error);
    if (rc == 0 && arg_flag (a, "dry-run")) {
        for (size_t i = 0; i < npayloads; i++)
            fprintf (ctx->out, "job-manager.mf_priority.%s %s\n",
                     payload_names[i], payloads[i]);
        goto out;
    }
    if (rc != 0 || (rc = fluxcore_open (&fc, NULL)) != 0)
        goto out;
    /* In flux-accounting's order: the data, then reprioritize. */
    for (size_t i = 0; i < npayloads && rc == 0; i++)
        rc = send_payload (&fc, payload_names[i], payloads[i]);
    if (rc == 0 && ctx->verbose)
        fprintf (stderr, "flux-account: sent %zu payloads to mf_priority\n",
                 npayloads);
out:
    fluxcore_close (&fc);
    for (size_t i = 0; i < npayloads; i++)
        free (payloads[i]);
    return rc;
}

/* ---- jobs USERNAME: how mf_priority prioritized a user's jobs -------- */

/* Flux job states and results (flux/job.h) as job-list takes them. */
static const struct {
    const char *name;
    int states, results;
} job_filters[] = {
    { "depend", 2, 0 }, { "priority", 4, 0 }, { "sched", 8, 0 },
    { "run", 16, 0 }, { "cleanup", 32, 0 }, { "inactive", 64, 0 },
    { "pending", 14, 0 }, { "running", 48, 0 }, { "active", 63, 0 },
    { "completed", 0, 1 }, { "failed", 0, 2 }, { "canceled", 0, 4 },
    { "timeout", 0, 8 },
};
#define NJOB_FILTERS (sizeof (job_filters) / sizeof (job_filters[0]))

/* The fields of a row: -o FORMAT names and --json keys, and the table's
 * headers and widths (flux-accounting's). */
enum {
    JF_JOBID, JF_USERNAME, JF_BANK, JF_BANKPRIO, JF_BANKFACT, JF_QUEUE,
    JF_QPRIO, JF_QFACT, JF_FAIRSHARE, JF_FSFACTOR, JF_URGENCY, JF_URGFACT,
    JF_PRIORITY, JF_COUNT
};
static const struct {
    const char *name, *header;
    int width;
    int number;
} job_fields[JF_COUNT] = {
    { "jobid", "JOBID", 15, 0 }, { "username", "USER", 9, 0 },
    { "bank", "BANK", 8, 0 }, { "bank_priority", "BANKPRIO", 10, 1 },
    { "bank_factor", "BANKFACT", 10, 1 }, { "queue", "QUEUE", 8, 0 },
    { "queue_priority", "QPRIO", 7, 1 }, { "queue_factor", "QFACT", 7, 1 },
    { "fairshare", "FAIRSHARE", 10, 1 },
    { "fairshare_factor", "FSFACTOR", 10, 1 },
    { "urgency", "URGENCY", 8, 1 }, { "urgency_factor", "URGFACT", 8, 1 },
    { "priority", "PRIORITY", 8, 1 },
};

static int job_field_index (const char *name, size_t len)
{
    for (int i = 0; i < JF_COUNT; i++)
        if (strlen (job_fields[i].name) == len
            && !strncmp (job_fields[i].name, name, len))
            return i;
    return -1;
}

/* -o FORMAT, checked where it enters: every {NAME} is a field. */
static int check_job_format (const char *fmt)
{
    for (const char *p = fmt; (p = strchr (p, '{')); ) {
        const char *end = strchr (p, '}');
        if (!end)
            return usage_error ("--format: unterminated '{' in '%s'", fmt);
        if (job_field_index (p + 1, (size_t)(end - p - 1)) < 0)
            return usage_error ("--format: unknown field '%.*s' (fields: "
                                "jobid, username, bank, bank_priority, "
                                "bank_factor, queue, queue_priority, "
                                "queue_factor, fairshare, fairshare_factor, "
                                "urgency, urgency_factor, priority)",
                                (int)(end - p - 1), p + 1);
        p = end + 1;
    }
    return 0;
}

/* -f STATES|RESULTS, comma-separated, into job-list's masks. */
static int parse_job_filter (const char *s, int *states, int *results)
{
    char buf[256];
    char *save = NULL;

    *states = *results = 0;
    if (strlen (s) >= sizeof (buf))
        return usage_error ("--filter: value too long");
    strcpy (buf, s);
    for (char *w = strtok_r (buf, ",", &save); w;
         w = strtok_r (NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < NJOB_FILTERS; i++)
            if (!strcasecmp (w, job_filters[i].name))
                break;
        if (i == NJOB_FILTERS)
            return usage_error ("--filter: invalid state or result '%s' "
                                "(depend, priority, sched, run, cleanup, "
                                "inactive, pending, running, active, "
                                "completed, failed, canceled, timeout)", w);
        *states |= job_filters[i].states;
        *results |= job_filters[i].results;
    }
    if (!*states && !*results)
        return usage_error ("--filter: no state or result given");
    return 0;
}

/* One request, one answer, parsed; NULL after the message (*rc set). */
static json_t *rpc_json (struct fluxcore *fc, const char *topic,
                         const char *payload, int *rc)
{
    const char *s = NULL;
    json_error_t jerr;
    json_t *o = NULL;
    void *f;

    if (!(f = fc->rpc (fc->h, topic, payload, FLUXCORE_NODEID_ANY, 0))) {
        *rc = fail ("%s: %s", topic, strerror (errno));
        return NULL;
    }
    if (fc->rpc_get (f, &s) < 0) {
        int errnum = errno;
        const char *text = fluxcore_error (fc, f, errnum);
        /* job-manager answers EINVAL "plugin not found" */
        if ((errnum == EINVAL || errnum == ENOENT)
            && !strcmp (topic, "job-manager.jobtap-query"))
            *rc = fail ("mf_priority.so is not loaded in this Flux instance "
                        "(%s: %s)", topic, text);
        else
            *rc = fail ("%s: %s", topic, text);
    }
    else if (!(o = json_loads (s ? s : "", 0, &jerr))
             || !json_is_object (o)) {
        json_decref (o);
        o = NULL;
        *rc = fail ("%s: the response is not a JSON object", topic);
    }
    fc->future_destroy (f);
    return o;
}

static double jnum (json_t *o, const char *key)
{
    json_t *v = json_object_get (o, key);
    return json_is_number (v) ? json_number_value (v) : 0.;
}

/* The user's entry in plugin.query's mf_priority_map, or NULL. */
static json_t *find_user (json_t *query, json_int_t userid)
{
    json_t *users = json_object_get (query, "mf_priority_map"), *u;
    size_t i;

    json_array_foreach (users, i, u) {
        json_t *v = json_object_get (u, "userid");
        if (json_is_integer (v) && json_integer_value (v) == userid)
            return u;
    }
    return NULL;
}

/* The fair-share of the user's association in bank (0 when unknown). */
static double assoc_fairshare (json_t *user, const char *bank)
{
    json_t *banks = json_object_get (user, "banks"), *a;
    size_t i;

    json_array_foreach (banks, i, a) {
        const char *name = json_string_value (json_object_get (a,
                                                               "bank_name"));
        if (name && !strcmp (name, bank))
            return jnum (a, "fairshare");
    }
    return 0.;
}

struct job_row {
    char text[JF_COUNT][64];
    double v[JF_COUNT];
};

static void print_job_row (struct ctx *ctx, const struct job_row *r,
                           const struct outopts *o, const double w[4],
                           int verbose)
{
    if (o->mode == OUT_FORMAT) {
        for (const char *p = o->format; *p; p++) {
            const char *end;
            if (*p == '{' && (end = strchr (p, '}'))) {
                fputs (r->text[job_field_index (p + 1,
                                                (size_t)(end - p - 1))],
                       ctx->out);
                p = end;
            }
            else
                fputc (*p, ctx->out);
        }
        fputc ('\n', ctx->out);
    }
    else if (o->mode == OUT_PARSABLE) {
        for (int i = 0; i < JF_COUNT; i++)
            fprintf (ctx->out, "%s%s", i ? "|" : "", r->text[i]);
        fputc ('\n', ctx->out);
    }
    else {
        for (int i = 0; i < JF_COUNT; i++)
            fprintf (ctx->out, "%-*s%s",
                     i + 1 < JF_COUNT ? job_fields[i].width : 0, r->text[i],
                     i + 1 < JF_COUNT ? " " : "\n");
    }
    if (verbose)
        fprintf (ctx->out,
                 "  %s: priority = W_fairshare * fairshare + W_queue * "
                 "queue_priority + W_bank * bank_priority + W_urgency * "
                 "(urgency - 16)\n"
                 "    = %g * %s + %g * %s + %g * %s + %g * (%s - 16)\n"
                 "    = %s + %s + %s + %s\n"
                 "    = %s\n",
                 r->text[JF_JOBID], w[0], r->text[JF_FAIRSHARE], w[1],
                 r->text[JF_QPRIO], w[2], r->text[JF_BANKPRIO], w[3],
                 r->text[JF_URGENCY], r->text[JF_FSFACTOR],
                 r->text[JF_QFACT], r->text[JF_BANKFACT],
                 r->text[JF_URGFACT], r->text[JF_PRIORITY]);
}

/* Fill a row from one job-list entry and the plugin's state; 0, or -1 when
 * the entry is not one of the user's jobs to show. */
static int job_row_fill (struct job_row *r, json_t *job, json_t *query,
                         json_t *user, const char *username, const double w[4])
{
    json_t *id = json_object_get (job, "id");
    const char *bank = json_string_value (json_object_get (job, "bank"));
    const char *queue = json_string_value (json_object_get (job, "queue"));
    json_t *q;

    if (!json_is_integer (id))
        return -1;
    if (!bank || !*bank)
        bank = json_string_value (json_object_get (user, "def_bank"));
    if (!bank)
        bank = "";
    if (!queue)
        queue = "";
    memset (r, 0, sizeof (*r));
    if (fluxacct_jobid_encode ((uint64_t)json_integer_value (id), "f58",
                               r->text[JF_JOBID], sizeof (r->text[JF_JOBID]),
                               NULL) < 0)
        return -1;
    snprintf (r->text[JF_USERNAME], 64, "%s", username);
    snprintf (r->text[JF_BANK], 64, "%s", bank);
    snprintf (r->text[JF_QUEUE], 64, "%s", queue);
    r->v[JF_BANKPRIO] = jnum (json_object_get (query, "banks"), bank);
    q = json_object_get (json_object_get (query, "queues"), queue);
    r->v[JF_QPRIO] = jnum (q, "priority");
    r->v[JF_FAIRSHARE] = assoc_fairshare (user, bank);
    r->v[JF_URGENCY] = jnum (job, "urgency");
    r->v[JF_FSFACTOR] = w[0] * r->v[JF_FAIRSHARE];
    r->v[JF_QFACT] = w[1] * r->v[JF_QPRIO];
    r->v[JF_BANKFACT] = w[2] * r->v[JF_BANKPRIO];
    r->v[JF_URGFACT] = w[3] * (r->v[JF_URGENCY] - 16);
    r->v[JF_PRIORITY] = jnum (job, "priority");
    for (int i = 0; i < JF_COUNT; i++)
        if (job_fields[i].number)
            snprintf (r->text[i], 64, "%.15g", r->v[i]);
    return 0;
}

static int cmd_jobs (struct ctx *ctx, struct args *a)
{
    const char *username = a->pos[0];
    const char *bank = arg_str (a, "bank");
    const char *queue = arg_str (a, "queue");
    const char *filter = arg_str (a, "filter");
    struct fluxcore fc = { 0 };
    struct outopts o;
    struct passwd *pw;
    int64_t count = 1000;
    double since = 0., w[4];
    int states, results, rc = 0, njobids = 0;
    int verbose = ctx->verbose || arg_flag (a, "verbose");
    uint64_t jobids[64];
    json_t *query = NULL, *list = NULL, *user, *jobs, *job, *pf, *jout = NULL;
    json_t *constraint, *req;
    char *payload = NULL;
    size_t i;

    /* Everything given is checked before the instance is asked. */
    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (o.mode == OUT_FORMAT && check_job_format (o.format))
        return EXIT_USAGE;
    if (parse_job_filter (filter ? filter : "pending,running", &states,
                          &results))
        return EXIT_USAGE;
    if (arg_int (a, "count", 0, &count) < 0)
        return EXIT_USAGE;
    if (count < 0)
        return usage_error ("--count must be 0 (all) or more, not %" PRId64,
                            count);
    if (arg_time (a, "since", &since) < 0)
        return EXIT_USAGE;
    if (since > (double)time (NULL))
        return usage_error ("--since appears to be in the future: %s",
                            arg_str (a, "since"));
    for (const char *s; (s = arg_multi (a, "jobids", njobids)); njobids++) {
        fluxacct_error_t error;
        if (njobids == (int)(sizeof (jobids) / sizeof (jobids[0])))
            return usage_error ("--jobids: at most %zu job ids",
                                sizeof (jobids) / sizeof (jobids[0]));
        if (fluxacct_jobid_parse (s, &jobids[njobids], &error) < 0)
            return usage_error ("--jobids: invalid job id '%s': %s", s,
                                error.text);
    }
    if (!(pw = getpwnam (username)))
        return fail ("unknown user '%s' (not in the password database)",
                     username);

    if ((rc = fluxcore_open (&fc, NULL)) != 0)
        goto out;
    if (!(query = rpc_json (&fc, "job-manager.jobtap-query",
                            "{\"name\":\"mf_priority.so\"}", &rc)))
        goto out;
    constraint = json_pack ("{s:[{s:[I]}]}", "and", "userid",
                            (json_int_t)pw->pw_uid);
    if (constraint && states && results)
        json_array_append_new (json_object_get (constraint, "and"),
                               json_pack ("{s:[{s:[i]} {s:[i]}]}", "or",
                                          "states", states,
                                          "results", results));
    else if (constraint)
        json_array_append_new (json_object_get (constraint, "and"),
                               states ? json_pack ("{s:[i]}", "states", states)
                                      : json_pack ("{s:[i]}", "results",
                                                   results));
    if (constraint && queue)
        json_array_append_new (json_object_get (constraint, "and"),
                               json_pack ("{s:[s]}", "queue", queue));
    /* "s:o" takes constraint, also when the pack fails */
    req = json_pack ("{s:I s:[s s s s s] s:f s:o}",
                     "max_entries", (json_int_t)count,
                     "attrs", "urgency", "priority", "bank", "queue", "state",
                     "since", since,
                     "constraint", constraint);
    payload = req ? json_dumps (req, JSON_COMPACT) : NULL;
    json_decref (req);
    if (!payload) {
        rc = fail ("out of memory");
        goto out;
    }
    if (!(list = rpc_json (&fc, "job-list.list", payload, &rc)))
        goto out;
    if (!json_is_array (jobs = json_object_get (list, "jobs"))) {
        rc = fail ("job-list.list: the response is not {\"jobs\": [...]}");
        goto out;
    }
    pf = json_object_get (query, "priority_factors");
    w[0] = jnum (pf, "fairshare");
    w[1] = jnum (pf, "queue");
    w[2] = jnum (pf, "bank");
    w[3] = jnum (pf, "urgency");
    user = find_user (query, (json_int_t)pw->pw_uid);
    if (!user && verbose)
        fprintf (stderr, "flux-account: %s has no association in "
                 "mf_priority's data\n", username);
    if (o.mode == OUT_JSON)
        jout = json_array ();
    else if (o.mode == OUT_TABLE)
        for (int f = 0; f < JF_COUNT; f++)
            fprintf (ctx->out, "%-*s%s",
                     f + 1 < JF_COUNT ? job_fields[f].width : 0,
                     job_fields[f].header, f + 1 < JF_COUNT ? " " : "\n");
    json_array_foreach (jobs, i, job) {
        struct job_row r;
        int k;
        if (job_row_fill (&r, job, query, user, username, w) < 0)
            continue;
        if (bank && strcmp (bank, r.text[JF_BANK]))
            continue;
        for (k = 0; k < njobids; k++)
            if ((uint64_t)json_integer_value (json_object_get (job, "id"))
                == jobids[k])
                break;
        if (njobids && k == njobids)
            continue;
        if (jout) {
            json_t *j = json_object ();
            for (int f = 0; f < JF_COUNT; f++)
                json_object_set_new (j, job_fields[f].name,
                                     job_fields[f].number
                                         ? json_real (r.v[f])
                                         : json_string (r.text[f]));
            json_array_append_new (jout, j);
        }
        else
            print_job_row (ctx, &r, &o, w, verbose);
    }
    if (jout) {
        char *s = json_dumps (jout, JSON_COMPACT);
        if (!s) {
            rc = fail ("out of memory");
            goto out;
        }
        fprintf (ctx->out, "%s\n", s);
        free (s);
    }
out:
    json_decref (jout);
    json_decref (query);
    json_decref (list);
    free (payload);
    fluxcore_close (&fc);
    return rc;
}

static const struct optdef export_opts[] = {
    { "payload", 0, 1, "NAME", "print one service payload instead: rec_update, rec_q_update, rec_proj_update, rec_bank_update, rec_fac_update, rec_config_update or reprioritize" },
    { "replace", 0, 0, NULL, "rec_update: mark the list as the complete set (\"replace\": true)" },
    { "indent", 0, 0, NULL, "indent the JSON" },
    { NULL },
};
static const struct optdef priority_update_opts[] = {
    { "dry-run", 'n', 0, NULL, "print the requests (TOPIC PAYLOAD per line) instead of sending them" },
    { NULL },
};

static const struct optdef jobs_opts[] = {
    { "bank", 0, 1, "BANK", "only jobs in BANK" },
    { "queue", 0, 1, "QUEUE", "only jobs in QUEUE" },
    { "format", 'o', 1, "FORMAT", "print each job with FORMAT: {jobid}, {username}, {bank}, {bank_priority}, {bank_factor}, {queue}, {queue_priority}, {queue_factor}, {fairshare}, {fairshare_factor}, {urgency}, {urgency_factor}, {priority}" },
    { "filter", 'f', 1, "STATES", "comma-separated job states or results (depend, priority, sched, run, cleanup, inactive, pending, running, active, completed, failed, canceled, timeout; default pending,running)" },
    { "count", 'c', 1, "N", "at most N jobs (default 1000; 0 = all)" },
    { "since", 0, 1, "T", "only jobs inactive since T (a time; default 0)" },
    { "jobids", 'j', OPT_MULTI, "ID", "only these jobs (any Flux job id form)" },
    { "json", 0, 0, NULL, "print a JSON array" },
    { "parsable", 0, 0, NULL, "print '|'-separated fields, no header" },
    { "verbose", 'v', 0, NULL, "also print each job's priority formula, with its values and products" },
    { NULL },
};

const struct cmd plugin_cmds[] = {
    { "export-json", cmd_export_json, CMD_READ, NULL, 0, 0,
      "Print mf_priority's data: flux jobtap load mf_priority.so "
      "\"config=$(flux account export-json)\".", export_opts },
    { "priority-update", cmd_priority_update, CMD_READ, NULL, 0, 0,
      "Send the database's limits, fair-share and factors to mf_priority in "
      "the running Flux instance.", priority_update_opts },
    { "jobs", cmd_jobs, CMD_NODB, "USERNAME", 1, 1,
      "A user's active jobs in the running Flux instance and how mf_priority "
      "made each priority: each factor, its weight and its product.",
      jobs_opts },
    { NULL },
};
