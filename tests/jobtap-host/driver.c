/* jobtap-host: run a test script against jobtap plugins.
 *
 * Usage: jobtap-host [-q] [-v] [--no-default-priority] [--purge] [SCRIPT|-]
 *
 * One command per line, '#' starts a comment line, ${VAR} expands from the
 * environment (${SCRIPTDIR} is the script's folder).  The first failed
 * expectation, or a failed command not checked by the `expect` line right
 * after it, prints "SCRIPT:LINE: ..." on stderr and exits 1.  The language
 * is documented in README.md. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "host.h"

#define MAXARGS 64

enum { CMD_OK = 0, CMD_FAIL = 1, CMD_FATAL = 2 };

struct driver {
    jobtap_host_t *h;
    const char *script;
    char *scriptdir;
    int lineno;
    bool verbose;

    /* the previous command's outcome, for `expect` */
    bool failed;
    bool unchecked;
    int failed_line;
    char failed_cmd[32];
    jobtap_host_error_t error;

    json_t *reply;      /* last rpc or query reply */
};

struct cmd {
    const char *name;
    int (*fn) (struct driver *d, int argc, char **argv, const char **rest);
    int min_args;
    const char *usage;
};

static int fatal (struct driver *d, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static int fatal (struct driver *d, const char *fmt, ...)
{
    va_list ap;
    fprintf (stderr, "%s:%d: ", d->script, d->lineno);
    va_start (ap, fmt);
    vfprintf (stderr, fmt, ap);
    va_end (ap);
    fprintf (stderr, "\n");
    return CMD_FATAL;
}

/* A host operation's return: failures are kept for `expect`. */
static int outcome (struct driver *d, int rc)
{
    return rc < 0 ? CMD_FAIL : CMD_OK;
}

/* --- argument helpers --- */

static int parse_u64 (const char *s, uint64_t *val)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull (s, &end, 0);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *val = v;
    return 0;
}

static int parse_i64 (const char *s, int64_t *val)
{
    char *end;
    errno = 0;
    long long v = strtoll (s, &end, 0);
    if (errno || end == s || *end)
        return -1;
    *val = v;
    return 0;
}

static int parse_int (const char *s, int *val)
{
    int64_t v;
    if (parse_i64 (s, &v) < 0 || v < INT32_MIN || v > INT32_MAX)
        return -1;
    *val = (int)v;
    return 0;
}

static int arg_id (struct driver *d, const char *s, flux_jobid_t *id)
{
    if (parse_u64 (s, id) < 0) {
        fatal (d, "invalid job id: %s", s);
        return -1;
    }
    return 0;
}

/* "key=value" -> value if the key matches. */
static const char *kv (const char *arg, const char *key)
{
    size_t n = strlen (key);
    if (strncmp (arg, key, n) == 0 && arg[n] == '=')
        return arg + n + 1;
    return NULL;
}

static char *read_file (struct driver *d, const char *path)
{
    char full[4096];
    FILE *f;
    char *buf = NULL;
    size_t size = 0;

    if (path[0] == '/')
        snprintf (full, sizeof (full), "%s", path);
    else
        snprintf (full, sizeof (full), "%s/%s", d->scriptdir, path);
    if (!(f = fopen (full, "r"))) {
        fatal (d, "%s: %s", full, strerror (errno));
        return NULL;
    }
    FILE *mem = open_memstream (&buf, &size);
    int c;
    while ((c = fgetc (f)) != EOF)
        fputc (c, mem);
    fclose (f);
    fclose (mem);
    return buf;
}

/* JSON text, or @FILE relative to the script's folder (caller frees). */
static char *json_text (struct driver *d, const char *arg)
{
    if (arg[0] == '@')
        return read_file (d, arg + 1);
    return strdup (arg);
}

static json_t *json_arg (struct driver *d, const char *arg)
{
    json_error_t err;
    char *s = json_text (d, arg);
    json_t *o;

    if (!s)
        return NULL;
    if (!(o = json_loads (s, JSON_DECODE_ANY, &err)))
        fatal (d, "invalid JSON: %s: %s", err.text, arg);
    free (s);
    return o;
}

/* An expected value: JSON if it parses, else the token as a string. */
static json_t *value_arg (const char *arg)
{
    json_t *o = json_loads (arg, JSON_DECODE_ANY, NULL);
    return o ? o : json_string (arg);
}

static char *resolve_path (struct driver *d, const char *path)
{
    char buf[4096];
    if (path[0] == '/')
        return strdup (path);
    snprintf (buf, sizeof (buf), "%s/%s", d->scriptdir, path);
    return strdup (buf);
}

/* --- plugin commands --- */

static int conf_option (struct driver *d, int argc, char **argv, char **conf)
{
    *conf = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v = kv (argv[i], "conf");
        if (!v)
            return fatal (d, "unknown option: %s", argv[i]);
        if (!(*conf = json_text (d, v)))
            return CMD_FATAL;
    }
    return CMD_OK;
}

static int cmd_load (struct driver *d, int argc, char **argv, const char **rest)
{
    char *conf, *path;
    int rc;

    if (conf_option (d, argc - 2, argv + 2, &conf) != CMD_OK)
        return CMD_FATAL;
    path = resolve_path (d, argv[1]);
    if (argv[0][0] == 'r')
        rc = jobtap_host_reload (d->h, path, conf, &d->error);
    else
        rc = jobtap_host_load (d->h, path, conf, &d->error);
    free (path);
    free (conf);
    return outcome (d, rc);
}

static int cmd_unload (struct driver *d, int argc, char **argv, const char **rest)
{
    return outcome (d, jobtap_host_unload (d->h, argv[1], &d->error));
}

static int cmd_list (struct driver *d, int argc, char **argv, const char **rest)
{
    for (int i = 0; i < jobtap_host_plugin_count (d->h); i++)
        printf ("%s\n", jobtap_host_plugin_name (d->h, i));
    return CMD_OK;
}

static int cmd_config (struct driver *d, int argc, char **argv, const char **rest)
{
    char *s = json_text (d, rest[1]);
    int rc;
    if (!s)
        return CMD_FATAL;
    rc = jobtap_host_set_config (d->h, s, &d->error);
    free (s);
    return outcome (d, rc);
}

/* --- submit --- */

struct submit_opts {
    uint32_t userid;
    int urgency;
    int nnodes;
    int ncores;
    double duration;
    json_t *jobspec;
    json_t *system;     /* attributes.system keys to set */
    json_t *deps;
};

/* An RFC 14 version 1 jobspec: ncores one-core slots, spread over nnodes
 * nodes when nnodes > 0 (a node level then holds ncores/nnodes slots). */
static json_t *make_jobspec (struct driver *d, struct submit_opts *o)
{
    json_t *slot, *resources;
    int per_node = o->nnodes > 0 ? o->ncores / o->nnodes : o->ncores;

    if (o->nnodes > 0 && (o->ncores % o->nnodes || per_node == 0)) {
        fatal (d, "ncores (%d) must be a multiple of nnodes (%d)", o->ncores, o->nnodes);
        return NULL;
    }
    slot = json_pack ("{s:s s:i s:s s:[{s:s s:i}]}",
                      "type", "slot", "count", per_node, "label", "task",
                      "with", "type", "core", "count", 1);
    if (o->nnodes > 0)
        resources = json_pack ("[{s:s s:i s:[o]}]", "type", "node",
                               "count", o->nnodes, "with", slot);
    else
        resources = json_pack ("[o]", slot);
    return json_pack ("{s:i s:o s:[{s:[s] s:s s:{s:i}}] s:{s:{s:f s:{s:s}}}}",
                      "version", 1,
                      "resources", resources,
                      "tasks", "command", "true", "slot", "task",
                      "count", "per_slot", 1,
                      "attributes", "system", "duration", o->duration,
                      "environment", "PATH", "/usr/bin:/bin");
}

static int submit_option (struct driver *d, struct submit_opts *o, const char *arg)
{
    const char *v;
    uint64_t u;

    if ((v = kv (arg, "userid"))) {
        if (parse_u64 (v, &u) < 0 || u > UINT32_MAX)
            return fatal (d, "invalid userid: %s", v);
        o->userid = (uint32_t)u;
    }
    else if ((v = kv (arg, "urgency"))) {
        if (parse_int (v, &o->urgency) < 0)
            return fatal (d, "invalid urgency: %s", v);
    }
    else if ((v = kv (arg, "nnodes"))) {
        if (parse_int (v, &o->nnodes) < 0 || o->nnodes < 0)
            return fatal (d, "invalid nnodes: %s", v);
    }
    else if ((v = kv (arg, "ncores"))) {
        if (parse_int (v, &o->ncores) < 0 || o->ncores <= 0)
            return fatal (d, "invalid ncores: %s", v);
    }
    else if ((v = kv (arg, "duration"))) {
        char *end;
        o->duration = strtod (v, &end);
        if (*end || end == v)
            return fatal (d, "invalid duration: %s", v);
    }
    else if ((v = kv (arg, "bank")))
        json_object_set_new (o->system, "bank", json_string (v));
    else if ((v = kv (arg, "queue")))
        json_object_set_new (o->system, "queue", json_string (v));
    else if ((v = kv (arg, "project")))
        json_object_set_new (o->system, "project", json_string (v));
    else if ((v = kv (arg, "dep"))) {
        const char *colon = strchr (v, ':');
        if (!colon)
            return fatal (d, "dep=SCHEME:VALUE expected: %s", arg);
        json_array_append_new (o->deps, json_pack ("{s:s% s:s}", "scheme", v,
                                                   (size_t)(colon - v),
                                                   "value", colon + 1));
    }
    else if ((v = kv (arg, "jobspec"))) {
        json_decref (o->jobspec);
        if (!(o->jobspec = json_arg (d, v)))
            return CMD_FATAL;
    }
    else
        return fatal (d, "unknown submit option: %s", arg);
    return CMD_OK;
}

/* attributes.system of jobspec, created if missing. */
static json_t *system_object (json_t *jobspec)
{
    json_t *attrs = json_object_get (jobspec, "attributes");
    json_t *system;

    if (!json_is_object (attrs)) {
        attrs = json_object ();
        json_object_set_new (jobspec, "attributes", attrs);
    }
    if (!json_is_object (system = json_object_get (attrs, "system"))) {
        system = json_object ();
        json_object_set_new (attrs, "system", system);
    }
    return system;
}

static int cmd_submit (struct driver *d, int argc, char **argv, const char **rest)
{
    struct submit_opts o = {
        .userid = 5001, .urgency = FLUX_JOB_URGENCY_DEFAULT, .ncores = 1,
        .system = json_object (), .deps = json_array (),
    };
    flux_jobid_t id;
    int rc = CMD_FATAL;

    if (arg_id (d, argv[1], &id) < 0)
        goto out;
    for (int i = 2; i < argc; i++) {
        if (submit_option (d, &o, argv[i]) != CMD_OK)
            goto out;
    }
    if (!o.jobspec && !(o.jobspec = make_jobspec (d, &o)))
        goto out;
    if (json_object_size (o.system) > 0 || json_array_size (o.deps) > 0) {
        json_t *system = system_object (o.jobspec);
        json_object_update (system, o.system);
        if (json_array_size (o.deps) > 0)
            json_object_set (system, "dependencies", o.deps);
    }
    rc = outcome (d, jobtap_host_submit (d->h, id, o.userid, o.urgency, o.jobspec,
                                         &d->error));
out:
    json_decref (o.jobspec);
    json_decref (o.system);
    json_decref (o.deps);
    return rc;
}

/* --- job operations --- */

static int cmd_run (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    json_t *R = NULL;
    int rc;

    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    if (argc > 2) {
        const char *v = kv (argv[2], "R");
        if (!v)
            return fatal (d, "unknown option: %s", argv[2]);
        if (!(R = json_arg (d, v)))
            return CMD_FATAL;
    }
    rc = jobtap_host_alloc (d->h, id, R, &d->error);
    json_decref (R);
    return outcome (d, rc);
}

static int cmd_finish (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    int status = 0;

    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    if (argc > 2) {
        const char *v = kv (argv[2], "status");
        if (!v || parse_int (v, &status) < 0)
            return fatal (d, "status=N expected: %s", argv[2]);
    }
    return outcome (d, jobtap_host_finish (d->h, id, status, &d->error));
}

static int cmd_cancel (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    return outcome (d, jobtap_host_cancel (d->h, id, &d->error));
}

static int cmd_exception (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    int severity;

    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    if (parse_int (argv[3], &severity) < 0)
        return fatal (d, "invalid severity: %s", argv[3]);
    return outcome (d, jobtap_host_raise (d->h, id, argv[2], severity,
                                          argc > 4 ? rest[4] : "", &d->error));
}

static int cmd_urgency (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    int urgency;

    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    if (parse_int (argv[2], &urgency) < 0)
        return fatal (d, "invalid urgency: %s", argv[2]);
    return outcome (d, jobtap_host_urgency (d->h, id, urgency, &d->error));
}

/* update ID [as=UID] [owner] KEY=VALUE...: bank, queue, project and
 * duration are short for attributes.system.KEY. */
static int cmd_update (struct driver *d, int argc, char **argv, const char **rest)
{
    static const char *shorthands[] = { "bank", "queue", "project", "duration", NULL };
    json_t *updates = json_object ();
    flux_jobid_t id;
    uint32_t userid = 0;
    uint32_t rolemask = FLUX_ROLE_USER;
    int rc;

    if (arg_id (d, argv[1], &id) < 0)
        goto fatal;
    /* By default the request comes from the job's owner. */
    (void)jobtap_host_job_userid (d->h, id, &userid);
    for (int i = 2; i < argc; i++) {
        char *eq = strchr (argv[i], '=');
        char key[256];
        uint64_t u;
        if (strcmp (argv[i], "owner") == 0) {
            rolemask = FLUX_ROLE_OWNER;
            continue;
        }
        if (!eq) {
            fatal (d, "KEY=VALUE expected: %s", argv[i]);
            goto fatal;
        }
        snprintf (key, sizeof (key), "%.*s", (int)(eq - argv[i]), argv[i]);
        if (strcmp (key, "as") == 0) {
            if (parse_u64 (eq + 1, &u) < 0 || u > UINT32_MAX) {
                fatal (d, "invalid userid: %s", eq + 1);
                goto fatal;
            }
            userid = (uint32_t)u;
            continue;
        }
        for (int k = 0; shorthands[k]; k++) {
            if (strcmp (key, shorthands[k]) == 0)
                snprintf (key, sizeof (key), "attributes.system.%s", shorthands[k]);
        }
        json_object_set_new (updates, key, value_arg (eq + 1));
    }
    rc = outcome (d, jobtap_host_update (d->h, id, updates, userid, rolemask, &d->error));
    json_decref (updates);
    return rc;
fatal:
    json_decref (updates);
    return CMD_FATAL;
}

static int cmd_reprioritize (struct driver *d, int argc, char **argv, const char **rest)
{
    jobtap_host_reprioritize_all (d->h);
    return CMD_OK;
}

static int cmd_purge (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    return outcome (d, jobtap_host_purge (d->h, id, &d->error));
}

/* --- rpc and query --- */

static void set_reply (struct driver *d, const char *s)
{
    json_decref (d->reply);
    d->reply = s && *s ? json_loads (s, JSON_DECODE_ANY, NULL) : NULL;
}

static int print_reply (struct driver *d, const char *what, int rc, char *response)
{
    if (rc < 0) {
        set_reply (d, NULL);
        printf ("%s -> error %d: %s\n", what, errno, d->error.text);
        return CMD_FAIL;
    }
    printf ("%s -> %s\n", what, *response ? response : "(empty)");
    set_reply (d, response);
    free (response);
    return CMD_OK;
}

static int do_rpc (struct driver *d,
                   const char *topic,
                   const char *payload_arg,
                   uint32_t userid,
                   uint32_t rolemask)
{
    char *payload = NULL;
    char *response = NULL;
    int rc;

    if (payload_arg && !(payload = json_text (d, payload_arg)))
        return CMD_FATAL;
    rc = jobtap_host_rpc (d->h, topic, payload, userid, rolemask, &response, &d->error);
    free (payload);
    return print_reply (d, topic, rc, response);
}

/* rpc TOPIC [JSON|@FILE]: as the instance owner. */
static int cmd_rpc (struct driver *d, int argc, char **argv, const char **rest)
{
    return do_rpc (d, argv[1], argc > 2 ? rest[2] : NULL, 0, FLUX_ROLE_OWNER);
}

/* rpc-user UID TOPIC [JSON|@FILE]: as a guest. */
static int cmd_rpc_user (struct driver *d, int argc, char **argv, const char **rest)
{
    uint64_t uid;
    if (parse_u64 (argv[1], &uid) < 0 || uid > UINT32_MAX)
        return fatal (d, "invalid userid: %s", argv[1]);
    return do_rpc (d, argv[2], argc > 3 ? rest[3] : NULL, (uint32_t)uid, FLUX_ROLE_USER);
}

static int cmd_query (struct driver *d, int argc, char **argv, const char **rest)
{
    char *response = NULL;
    char what[256];
    int rc = jobtap_host_query (d->h, argv[1], &response, &d->error);

    snprintf (what, sizeof (what), "query %s", argv[1]);
    return print_reply (d, what, rc, response);
}

/* --- printing --- */

static json_t *job_summary (struct driver *d, flux_jobid_t id)
{
    flux_job_state_t state;
    int64_t priority;
    int urgency, result;
    uint32_t userid;
    json_t *deps = json_array ();
    json_t *events = json_array ();
    const char *s;

    if (jobtap_host_job_state (d->h, id, &state) < 0)
        return NULL;
    jobtap_host_job_priority (d->h, id, &priority);
    jobtap_host_job_urgency (d->h, id, &urgency);
    jobtap_host_job_userid (d->h, id, &userid);
    jobtap_host_job_result (d->h, id, &result);
    for (int i = 0; (s = jobtap_host_job_dep (d->h, id, i)); i++)
        json_array_append_new (deps, json_string (s));
    for (int i = 0; (s = jobtap_host_job_event_name (d->h, id, i)); i++)
        json_array_append_new (events, json_string (s));
    return json_pack ("{s:I s:s s:I s:i s:I s:s s:o s:o s:O}",
                      "id", (json_int_t)id,
                      "state", jobtap_host_state_name (state),
                      "priority", (json_int_t)priority,
                      "urgency", urgency,
                      "userid", (json_int_t)userid,
                      "result", jobtap_host_result_name (result),
                      "dependencies", deps,
                      "events", events,
                      "jobspec", jobtap_host_job_jobspec (d->h, id));
}

static int cmd_print (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    json_t *o;
    char *s;

    if (arg_id (d, argv[1], &id) < 0)
        return CMD_FATAL;
    if (!(o = job_summary (d, id)))
        return fatal (d, "job %ju: unknown job", (uintmax_t)id);
    s = json_dumps (o, JSON_COMPACT);
    printf ("%s\n", s);
    free (s);
    json_decref (o);
    return CMD_OK;
}

static int cmd_echo (struct driver *d, int argc, char **argv, const char **rest)
{
    printf ("%s\n", argc > 1 ? rest[1] : "");
    return CMD_OK;
}

static int cmd_log (struct driver *d, int argc, char **argv, const char **rest)
{
    for (size_t i = 0; i < jobtap_host_log_count (d->h); i++)
        printf ("%s\n", jobtap_host_log_entry (d->h, i));
    return CMD_OK;
}

static int cmd_clear_log (struct driver *d, int argc, char **argv, const char **rest)
{
    jobtap_host_log_clear (d->h);
    return CMD_OK;
}

/* --- expectations --- */

/* expect ok|accepted / expect error|rejected [TEXT]: the previous command's
 * outcome. */
static int cmd_expect (struct driver *d, int argc, char **argv, const char **rest)
{
    const char *what = argv[1];
    bool want_fail;

    if (!strcmp (what, "ok") || !strcmp (what, "accepted"))
        want_fail = false;
    else if (!strcmp (what, "error") || !strcmp (what, "rejected"))
        want_fail = true;
    else
        return fatal (d, "expect ok|accepted|error|rejected [TEXT]");
    d->unchecked = false;
    if (want_fail && !d->failed)
        return fatal (d, "expected %s %s to fail, it succeeded", d->failed_cmd,
                      what);
    if (!want_fail && d->failed)
        return fatal (d, "expected %s to succeed, it failed: %s", d->failed_cmd,
                      d->error.text);
    if (want_fail && argc > 2 && !strstr (d->error.text, rest[2]))
        return fatal (d, "expected error containing \"%s\", got \"%s\"", rest[2],
                      d->error.text);
    return CMD_OK;
}

static int job_state (struct driver *d, const char *arg, flux_jobid_t *id,
                      flux_job_state_t *state)
{
    if (arg_id (d, arg, id) < 0)
        return -1;
    if (jobtap_host_job_state (d->h, *id, state) < 0) {
        fatal (d, "job %ju: unknown job", (uintmax_t)*id);
        return -1;
    }
    return 0;
}

static int cmd_expect_state (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state, want;

    if (jobtap_host_state_parse (argv[2], &want) < 0)
        return fatal (d, "unknown state: %s", argv[2]);
    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    if (state != want)
        return fatal (d, "job %ju: expected state %s, got %s", (uintmax_t)id,
                      jobtap_host_state_name (want), jobtap_host_state_name (state));
    return CMD_OK;
}

static int cmd_expect_priority (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    int64_t priority, want;

    if (!strcmp (argv[2], "unset"))
        want = -1;
    else if (!strcmp (argv[2], "max"))
        want = FLUX_JOB_PRIORITY_MAX;
    else if (parse_i64 (argv[2], &want) < 0)
        return fatal (d, "invalid priority: %s", argv[2]);
    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    jobtap_host_job_priority (d->h, id, &priority);
    if (priority != want)
        return fatal (d, "job %ju: expected priority %" PRId64 ", got %" PRId64,
                      (uintmax_t)id, want, priority);
    return CMD_OK;
}

static int cmd_expect_urgency (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    int urgency, want;

    if (parse_int (argv[2], &want) < 0)
        return fatal (d, "invalid urgency: %s", argv[2]);
    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    jobtap_host_job_urgency (d->h, id, &urgency);
    if (urgency != want)
        return fatal (d, "job %ju: expected urgency %d, got %d", (uintmax_t)id, want,
                      urgency);
    return CMD_OK;
}

/* Comma-joined list from an indexed getter. */
static void join (char *buf, size_t size, const char *(*get) (jobtap_host_t *,
                                                              flux_jobid_t, int),
                  jobtap_host_t *h, flux_jobid_t id)
{
    const char *s;
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; (s = get (h, id, i)) && len < size; i++)
        len += snprintf (buf + len, size - len, "%s%s", i ? "," : "", s);
}

static int cmd_expect_deps (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    char got[4096];
    const char *want = strcmp (argv[2], "none") ? argv[2] : "";

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    join (got, sizeof (got), jobtap_host_job_dep, d->h, id);
    if (strcmp (got, want))
        return fatal (d, "job %ju: expected dependencies \"%s\", got \"%s\"",
                      (uintmax_t)id, want, got);
    return CMD_OK;
}

/* Events in order, exactly. */
static int cmd_expect_events (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    char got[4096];

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    join (got, sizeof (got), jobtap_host_job_event_name, d->h, id);
    if (strcmp (got, argv[2]))
        return fatal (d, "job %ju: expected events \"%s\", got \"%s\"", (uintmax_t)id,
                      argv[2], got);
    return CMD_OK;
}

/* Held, in Flux's sense: in SCHED with priority 0, never sent to the
 * scheduler (urgency 0, or a plugin said 0). */
static int cmd_expect_held (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    int64_t priority;

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    jobtap_host_job_priority (d->h, id, &priority);
    if (state != FLUX_JOB_STATE_SCHED || priority != 0)
        return fatal (d, "job %ju: expected held (SCHED, priority 0), got %s, "
                      "priority %" PRId64, (uintmax_t)id,
                      jobtap_host_state_name (state), priority);
    return CMD_OK;
}

/* expected matches actual: objects by the expected keys only, numbers
 * within 1e-9 (relative), everything else exactly. */
static bool json_match (json_t *expected, json_t *actual)
{
    if (json_is_object (expected)) {
        const char *key;
        json_t *val;
        if (!json_is_object (actual))
            return false;
        json_object_foreach (expected, key, val) {
            if (!json_match (val, json_object_get (actual, key)))
                return false;
        }
        return true;
    }
    if (json_is_array (expected)) {
        if (!json_is_array (actual) || json_array_size (actual) != json_array_size (expected))
            return false;
        for (size_t i = 0; i < json_array_size (expected); i++) {
            if (!json_match (json_array_get (expected, i), json_array_get (actual, i)))
                return false;
        }
        return true;
    }
    if (json_is_number (expected) && json_is_number (actual)) {
        double e = json_number_value (expected);
        double a = json_number_value (actual);
        return fabs (a - e) <= 1e-9 * fmax (1.0, fabs (e));
    }
    return json_equal (expected, actual);
}

static char *dump (json_t *o)
{
    return o ? json_dumps (o, JSON_COMPACT | JSON_ENCODE_ANY) : strdup ("(none)");
}

static int mismatch (struct driver *d, const char *what, json_t *want, json_t *got)
{
    char *w = dump (want);
    char *g = dump (got);
    fatal (d, "%s: expected %s, got %s", what, w, g);
    free (w);
    free (g);
    return CMD_FATAL;
}

/* expect-event ID NAME [JSON]: posted, and the latest one's context
 * matches JSON. */
static int cmd_expect_event (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    json_t *want;
    json_t *got;
    char what[256];
    int rc = CMD_OK;

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    if (jobtap_host_job_event_count (d->h, id, argv[2]) <= 0)
        return fatal (d, "job %ju: no %s event was posted", (uintmax_t)id, argv[2]);
    if (argc < 4)
        return CMD_OK;
    if (!(want = json_arg (d, rest[3])))
        return CMD_FATAL;
    got = jobtap_host_job_event_context (d->h, id, argv[2]);
    snprintf (what, sizeof (what), "job %ju: %s event context", (uintmax_t)id, argv[2]);
    if (!json_match (want, got))
        rc = mismatch (d, what, want, got);
    json_decref (want);
    return rc;
}

static int cmd_expect_no_event (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    if (jobtap_host_job_event_count (d->h, id, argv[2]) > 0)
        return fatal (d, "job %ju: unexpected %s event", (uintmax_t)id, argv[2]);
    return CMD_OK;
}

static int cmd_expect_event_count (struct driver *d,
                                   int argc,
                                   char **argv,
                                   const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    int want, got;

    if (parse_int (argv[3], &want) < 0)
        return fatal (d, "invalid count: %s", argv[3]);
    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    got = jobtap_host_job_event_count (d->h, id, argv[2]);
    if (got != want)
        return fatal (d, "job %ju: expected %d %s events, got %d", (uintmax_t)id, want,
                      argv[2], got);
    return CMD_OK;
}

/* expect-exception ID TYPE [SEVERITY [NOTE-TEXT...]]: the latest exception
 * has this type (and severity, and a note containing the text). */
static int cmd_expect_exception (struct driver *d,
                                 int argc,
                                 char **argv,
                                 const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    json_t *ctx;
    const char *type = NULL, *note = NULL;
    int severity = -1, want_severity;

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    if (!(ctx = jobtap_host_job_event_context (d->h, id, "exception"))
        || json_unpack (ctx, "{s:s s:i s:s}", "type", &type, "severity", &severity,
                        "note", &note) < 0)
        return fatal (d, "job %ju: no exception was raised", (uintmax_t)id);
    if (strcmp (type, argv[2]))
        return fatal (d, "job %ju: expected exception type %s, got %s (%s)",
                      (uintmax_t)id, argv[2], type, note);
    if (argc > 3 && (parse_int (argv[3], &want_severity) < 0 || severity != want_severity))
        return fatal (d, "job %ju: expected exception severity %s, got %d",
                      (uintmax_t)id, argv[3], severity);
    if (argc > 4 && !strstr (note, rest[4]))
        return fatal (d, "job %ju: expected exception note containing \"%s\", got "
                      "\"%s\"", (uintmax_t)id, rest[4], note);
    return CMD_OK;
}

static int cmd_expect_result (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    int result;

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    jobtap_host_job_result (d->h, id, &result);
    if (strcasecmp (jobtap_host_result_name (result), argv[2]))
        return fatal (d, "job %ju: expected result %s, got %s", (uintmax_t)id, argv[2],
                      jobtap_host_result_name (result));
    return CMD_OK;
}

/* A value by path: "a.b[0].c"; "." is the root. */
static json_t *json_path (json_t *o, const char *path)
{
    char *copy = strdup (path);
    char *save = NULL;

    if (strcmp (path, ".") == 0) {
        free (copy);
        return o;
    }
    for (char *tok = strtok_r (copy, ".", &save); tok && o;
         tok = strtok_r (NULL, ".", &save)) {
        char *bracket = strchr (tok, '[');
        if (bracket)
            *bracket = '\0';
        if (*tok)
            o = json_object_get (o, tok);
        while (bracket && o) {
            o = json_array_get (o, strtoul (bracket + 1, NULL, 10));
            bracket = strchr (bracket + 1, '[');
        }
    }
    free (copy);
    return o;
}

/* VALUE "absent" expects no value at PATH. */
static int expect_path (struct driver *d, json_t *root, const char *path,
                        const char *value, const char *what)
{
    json_t *want;
    json_t *got = json_path (root, path);
    char buf[512];
    int rc = CMD_OK;

    snprintf (buf, sizeof (buf), "%s %s", what, path);
    if (strcmp (value, "absent") == 0) {
        if (got)
            return mismatch (d, buf, NULL, got);
        return CMD_OK;
    }
    want = value_arg (value);
    if (!got || !json_match (want, got))
        rc = mismatch (d, buf, want, got);
    json_decref (want);
    return rc;
}

static int cmd_expect_jobspec (struct driver *d, int argc, char **argv, const char **rest)
{
    flux_jobid_t id;
    flux_job_state_t state;
    char what[64];

    if (job_state (d, argv[1], &id, &state) < 0)
        return CMD_FATAL;
    snprintf (what, sizeof (what), "job %ju: jobspec", (uintmax_t)id);
    return expect_path (d, jobtap_host_job_jobspec (d->h, id), argv[2], rest[3], what);
}

/* expect-json PATH VALUE: in the last rpc or query reply. */
static int cmd_expect_json (struct driver *d, int argc, char **argv, const char **rest)
{
    if (!d->reply)
        return fatal (d, "no reply to inspect");
    return expect_path (d, d->reply, argv[1], rest[2], "reply");
}

static bool log_contains (struct driver *d, const char *text)
{
    for (size_t i = 0; i < jobtap_host_log_count (d->h); i++) {
        if (strstr (jobtap_host_log_entry (d->h, i), text))
            return true;
    }
    return false;
}

static int cmd_expect_log (struct driver *d, int argc, char **argv, const char **rest)
{
    if (!log_contains (d, rest[1]))
        return fatal (d, "no log message contains \"%s\"", rest[1]);
    return CMD_OK;
}

static int cmd_expect_no_log (struct driver *d, int argc, char **argv, const char **rest)
{
    if (log_contains (d, rest[1]))
        return fatal (d, "a log message contains \"%s\"", rest[1]);
    return CMD_OK;
}

static int cmd_expect_plugins (struct driver *d, int argc, char **argv, const char **rest)
{
    char got[4096] = "";
    size_t len = 0;

    for (int i = 0; i < jobtap_host_plugin_count (d->h) && len < sizeof (got); i++)
        len += snprintf (got + len, sizeof (got) - len, "%s%s", i ? "," : "",
                         jobtap_host_plugin_name (d->h, i));
    if (strcmp (got, strcmp (argv[1], "none") ? argv[1] : ""))
        return fatal (d, "expected plugins \"%s\", got \"%s\"", argv[1], got);
    return CMD_OK;
}

static int cmd_expect_jobs (struct driver *d, int argc, char **argv, const char **rest)
{
    int64_t want;
    if (parse_i64 (argv[1], &want) < 0)
        return fatal (d, "invalid count: %s", argv[1]);
    if ((int64_t)jobtap_host_job_count (d->h) != want)
        return fatal (d, "expected %" PRId64 " jobs, got %zu", want,
                      jobtap_host_job_count (d->h));
    return CMD_OK;
}

static const struct cmd commands[] = {
    { "load", cmd_load, 1, "load PATH [conf=JSON|conf=@FILE]" },
    { "reload", cmd_load, 1, "reload PATH [conf=JSON|conf=@FILE]" },
    { "unload", cmd_unload, 1, "unload NAME" },
    { "list", cmd_list, 0, "list" },
    { "config", cmd_config, 1, "config JSON|@FILE" },
    { "submit", cmd_submit, 1, "submit ID [OPTION=VALUE...]" },
    { "run", cmd_run, 1, "run ID [R=JSON|R=@FILE]" },
    { "finish", cmd_finish, 1, "finish ID [status=N]" },
    { "cancel", cmd_cancel, 1, "cancel ID" },
    { "exception", cmd_exception, 3, "exception ID TYPE SEVERITY [NOTE...]" },
    { "urgency", cmd_urgency, 2, "urgency ID N" },
    { "update", cmd_update, 2, "update ID [as=UID] [owner] KEY=VALUE..." },
    { "reprioritize", cmd_reprioritize, 0, "reprioritize" },
    { "purge", cmd_purge, 1, "purge ID" },
    { "rpc", cmd_rpc, 1, "rpc TOPIC [JSON|@FILE]" },
    { "rpc-user", cmd_rpc_user, 2, "rpc-user UID TOPIC [JSON|@FILE]" },
    { "query", cmd_query, 1, "query NAME" },
    { "print", cmd_print, 1, "print ID" },
    { "echo", cmd_echo, 0, "echo TEXT" },
    { "log", cmd_log, 0, "log" },
    { "clear-log", cmd_clear_log, 0, "clear-log" },
    { "expect", cmd_expect, 1, "expect ok|accepted|error|rejected [TEXT]" },
    { "expect-rpc", cmd_expect, 1, "expect-rpc ok|error [TEXT]" },
    { "expect-state", cmd_expect_state, 2, "expect-state ID STATE" },
    { "expect-priority", cmd_expect_priority, 2, "expect-priority ID N|unset|max" },
    { "expect-urgency", cmd_expect_urgency, 2, "expect-urgency ID N" },
    { "expect-deps", cmd_expect_deps, 2, "expect-deps ID none|DESC[,DESC...]" },
    { "expect-held", cmd_expect_held, 1, "expect-held ID" },
    { "expect-events", cmd_expect_events, 2, "expect-events ID NAME[,NAME...]" },
    { "expect-event", cmd_expect_event, 2, "expect-event ID NAME [JSON]" },
    { "expect-no-event", cmd_expect_no_event, 2, "expect-no-event ID NAME" },
    { "expect-event-count", cmd_expect_event_count, 3, "expect-event-count ID NAME N" },
    { "expect-exception", cmd_expect_exception, 2,
      "expect-exception ID TYPE [SEVERITY [NOTE...]]" },
    { "expect-result", cmd_expect_result, 2, "expect-result ID RESULT" },
    { "expect-jobspec", cmd_expect_jobspec, 3, "expect-jobspec ID PATH VALUE" },
    { "expect-json", cmd_expect_json, 2, "expect-json PATH VALUE" },
    { "expect-log", cmd_expect_log, 1, "expect-log TEXT" },
    { "expect-no-log", cmd_expect_no_log, 1, "expect-no-log TEXT" },
    { "expect-plugins", cmd_expect_plugins, 1, "expect-plugins none|NAME[,NAME...]" },
    { "expect-jobs", cmd_expect_jobs, 1, "expect-jobs N" },
    { NULL, NULL, 0, NULL },
};

/* --- the script reader --- */

/* Expand ${NAME} from the environment (SCRIPTDIR built in).  Returns a
 * new string, or NULL after reporting an unknown name. */
static char *expand (struct driver *d, const char *line)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream (&out, &size);

    while (*line) {
        const char *end;
        if (line[0] == '$' && line[1] == '{' && (end = strchr (line, '}'))) {
            char name[128];
            const char *val;
            snprintf (name, sizeof (name), "%.*s", (int)(end - line - 2), line + 2);
            val = strcmp (name, "SCRIPTDIR") ? getenv (name) : d->scriptdir;
            if (!val) {
                fclose (f);
                free (out);
                fatal (d, "${%s} is not set", name);
                return NULL;
            }
            fputs (val, f);
            line = end + 1;
        }
        else
            fputc (*line++, f);
    }
    fclose (f);
    return out;
}

/* Split on blanks, keeping {...}, [...] and "..." together so that JSON
 * arguments may contain spaces.  rest[i] is the line from argument i on. */
static int tokenize (char *line, char **argv, const char **rest, const char *orig)
{
    int argc = 0;
    char *s = line;

    while (*s && argc < MAXARGS) {
        int depth = 0;
        bool quoted = false;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        rest[argc] = orig + (s - line);
        argv[argc++] = s;
        for (; *s; s++) {
            if (quoted) {
                if (*s == '\\' && s[1])
                    s++;
                else if (*s == '"')
                    quoted = false;
            }
            else if (*s == '"')
                quoted = true;
            else if (*s == '{' || *s == '[')
                depth++;
            else if ((*s == '}' || *s == ']') && depth > 0)
                depth--;
            else if ((*s == ' ' || *s == '\t') && depth == 0)
                break;
        }
        if (*s)
            *s++ = '\0';
    }
    return argc;
}

static const struct cmd *find_cmd (const char *name)
{
    for (int i = 0; commands[i].name; i++) {
        if (!strcmp (commands[i].name, name))
            return &commands[i];
    }
    return NULL;
}

static bool is_expect (const struct cmd *c)
{
    return c->fn == cmd_expect;
}

static int run_line (struct driver *d, const char *line)
{
    char *argv[MAXARGS];
    const char *rest[MAXARGS];
    char *expanded, *copy;
    const struct cmd *c;
    int argc, rc;

    if (!(expanded = expand (d, line)))
        return CMD_FATAL;
    copy = strdup (expanded);
    argc = tokenize (copy, argv, rest, expanded);
    rc = CMD_OK;
    if (argc == 0)
        goto out;
    if (!(c = find_cmd (argv[0]))) {
        rc = fatal (d, "unknown command: %s", argv[0]);
        goto out;
    }
    if (argc - 1 < c->min_args) {
        rc = fatal (d, "usage: %s", c->usage);
        goto out;
    }
    if (d->unchecked && !is_expect (c)) {
        rc = fatal (d, "%s (line %d) failed: %s", d->failed_cmd, d->failed_line,
                    d->error.text);
        goto out;
    }
    if (d->verbose)
        fprintf (stderr, "%d: %s\n", d->lineno, expanded);
    if (is_expect (c)) {
        rc = c->fn (d, argc, argv, rest);
        goto out;
    }
    d->error.text[0] = '\0';
    rc = c->fn (d, argc, argv, rest);
    d->failed = rc == CMD_FAIL;
    d->unchecked = d->failed;
    d->failed_line = d->lineno;
    snprintf (d->failed_cmd, sizeof (d->failed_cmd), "%s", argv[0]);
    if (rc == CMD_FAIL)
        rc = CMD_OK;
out:
    free (copy);
    free (expanded);
    return rc;
}

static int run_script (struct driver *d, FILE *f)
{
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int rc = 0;

    while ((n = getline (&line, &size, f)) >= 0) {
        char *s = line;
        d->lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '#' || *s == '\0')
            continue;
        if (run_line (d, s) != CMD_OK) {
            rc = 1;
            break;
        }
    }
    if (rc == 0 && d->unchecked) {
        fatal (d, "%s (line %d) failed: %s", d->failed_cmd, d->failed_line,
               d->error.text);
        rc = 1;
    }
    free (line);
    return rc;
}

static void usage (void)
{
    fprintf (stderr,
             "Usage: jobtap-host [-q] [-v] [--no-default-priority] [--purge] "
             "[SCRIPT|-]\n"
             "  -q, --quiet               do not print plugin log messages\n"
             "  -v, --verbose             print each command before running it\n"
             "  --no-default-priority     do not load the builtin .priority-default\n"
             "  --purge                   purge jobs as soon as they are inactive\n");
}

int main (int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "no-default-priority", no_argument, NULL, 'P' },
        { "purge", no_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct driver d = { 0 };
    int flags = 0;
    FILE *f = stdin;
    int c, rc;

    while ((c = getopt_long (argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'q': flags |= JOBTAP_HOST_QUIET; break;
        case 'v': d.verbose = true; break;
        case 'P': flags |= JOBTAP_HOST_NO_DEFAULT_PRIORITY; break;
        case 'p': flags |= JOBTAP_HOST_PURGE_INACTIVE; break;
        case 'h': usage (); return 0;
        default: usage (); return 2;
        }
    }
    if (argc - optind > 1) {
        usage ();
        return 2;
    }
    d.script = "<stdin>";
    if (optind < argc && strcmp (argv[optind], "-")) {
        d.script = argv[optind];
        if (!(f = fopen (d.script, "r"))) {
            fprintf (stderr, "jobtap-host: %s: %s\n", d.script, strerror (errno));
            return 2;
        }
    }
    char *copy = strdup (d.script);
    d.scriptdir = strdup (f == stdin ? "." : dirname (copy));
    free (copy);
    d.h = jobtap_host_create (flags);
    rc = run_script (&d, f);
    if (f != stdin)
        fclose (f);
    jobtap_host_destroy (d.h);
    json_decref (d.reply);
    free (d.scriptdir);
    return rc;
}
