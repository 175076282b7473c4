/* libfluxacct priority engine (fluxacct/engine.h) and the plugin feed
 * export (fluxacct/export.h), through the public API only.  The same
 * scenarios run through mf_priority.so and the job-manager host in
 * tests/plugin/scripts. */
#include <math.h>
#include <jansson.h>
#include "testutil.h"
#include <fluxacct/json.h>

#define U "2147483647"

static fluxacct_engine_t *e;

static void engine_setup (void)
{
    e = fluxacct_engine_create (&err);
    ck_assert_ptr_nonnull (e);
}

static void engine_teardown (void)
{
    fluxacct_engine_destroy (e);
    e = NULL;
}

/* One association as rec_update wants it; lim = max_running_jobs. */
static char *assoc (char *buf, size_t size, unsigned uid, const char *bank,
                    const char *def_bank, double fs, int mrj, int maj,
                    const char *queues, int active, const char *projects,
                    const char *def_project, long max_nodes, long max_cores,
                    long max_sched)
{
    snprintf (buf, size,
              "{\"userid\": %u, \"bank\": \"%s\", \"def_bank\": \"%s\", "
              "\"fairshare\": %.17g, \"max_running_jobs\": %d, "
              "\"max_active_jobs\": %d, \"queues\": \"%s\", \"active\": %d, "
              "\"projects\": \"%s\", \"def_project\": \"%s\", "
              "\"max_nodes\": %ld, \"max_cores\": %ld, "
              "\"max_sched_jobs\": %ld}",
              uid, bank, def_bank, fs, mrj, maj, queues, active, projects,
              def_project, max_nodes, max_cores, max_sched);
    return buf;
}

/* A simple association: unlimited resources and sched jobs. */
static char *simple (char *buf, size_t size, unsigned uid, const char *bank,
                     double fs, int mrj, int maj, const char *queues)
{
    return assoc (buf, size, uid, bank, bank, fs, mrj, maj, queues, 1, "*",
                  "*", 2147483647L, 2147483647L, 2147483647L);
}

static char *queue (char *buf, size_t size, const char *name, int prio,
                    int mrj, long mna, long msj, long msn, long msc)
{
    snprintf (buf, size,
              "{\"queue\": \"%s\", \"min_nodes_per_job\": 1, "
              "\"max_nodes_per_job\": 1, \"max_time_per_job\": 60, "
              "\"priority\": %d, \"max_running_jobs\": %d, "
              "\"max_nodes_per_assoc\": %ld, \"max_sched_jobs\": %ld, "
              "\"max_sched_nodes_per_assoc\": %ld, "
              "\"max_sched_cores_per_assoc\": %ld}",
              name, prio, mrj, mna, msj, msn, msc);
    return buf;
}

static void update (const char *name, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Apply a payload {"data": <fmt...>} that must succeed. */
static void update (const char *name, const char *fmt, ...)
{
    char *data, *payload;
    va_list ap;

    va_start (ap, fmt);
    ck_assert_int_ge (vasprintf (&data, fmt, ap), 0);
    va_end (ap);
    ck_assert_int_ge (asprintf (&payload, "{\"data\": %s}", data), 0);
    ck_assert_msg (fluxacct_engine_update (e, name, payload, &err) == 0,
                   "%s: %s", name, err.text);
    free (data);
    free (payload);
}

static json_t *query (void)
{
    char *s = fluxacct_engine_query (e, &err);
    json_error_t jerr;
    json_t *o;

    ck_assert_msg (s != NULL, "query: %s", err.text);
    o = json_loads (s, 0, &jerr);
    ck_assert_msg (o != NULL, "query: %s", jerr.text);
    free (s);
    return o;
}

/* The bank entry bank of userid in the query. */
static json_t *q_assoc (json_t *q, unsigned uid, const char *bank)
{
    size_t i, j;
    json_t *u, *b;

    json_array_foreach (json_object_get (q, "mf_priority_map"), i, u) {
        if (json_integer_value (json_object_get (u, "userid")) != uid)
            continue;
        json_array_foreach (json_object_get (u, "banks"), j, b) {
            if (!strcmp (json_string_value (json_object_get (b, "bank_name")),
                         bank))
                return b;
        }
    }
    return NULL;
}

static json_int_t q_int (unsigned uid, const char *bank, const char *key)
{
    json_t *q = query ();
    json_t *a = q_assoc (q, uid, bank);
    json_int_t v;

    ck_assert_msg (a != NULL, "no association %u/%s", uid, bank);
    ck_assert_ptr_nonnull (json_object_get (a, key));
    v = json_integer_value (json_object_get (a, key));
    json_decref (q);
    return v;
}

static fluxacct_engine_jobdesc_t job (unsigned uid, const char *bank,
                               const char *queue_name, int64_t nnodes,
                               int64_t ncores)
{
    fluxacct_engine_jobdesc_t d;
    ck_ok (fluxacct_engine_jobdesc_init (&d, FLUXACCT_ENGINE_JOBDESC_VERSION));
    d.userid = uid;
    d.bank = bank;
    d.queue = queue_name;
    d.nnodes = nnodes;
    d.ncores = ncores;
    return d;
}

/* Submit: validate, new, depend.  Returns the holds added. */
static unsigned submit (uint64_t id, fluxacct_engine_jobdesc_t d)
{
    unsigned add = 0, remove = 0;
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
    ck_ok (fluxacct_engine_job_new (e, id, &d, FLUXACCT_JOB_NEW, NULL, &err));
    ck_ok (fluxacct_engine_job_depend (e, id, &add, &remove, &err));
    ck_assert_uint_eq (remove, 0);
    return add;
}

/* Initialised output structs of the engine calls. */
static fluxacct_engine_priority_t prio0 (void)
{
    fluxacct_engine_priority_t p;
    ck_ok (fluxacct_engine_priority_init (&p,
                                          FLUXACCT_ENGINE_PRIORITY_VERSION));
    return p;
}

static fluxacct_engine_release_t release0 (void)
{
    fluxacct_engine_release_t r;
    ck_ok (fluxacct_engine_release_init (&r, FLUXACCT_ENGINE_RELEASE_VERSION));
    return r;
}

static fluxacct_engine_jobspec_update_t update0 (void)
{
    fluxacct_engine_jobspec_update_t u;
    ck_ok (fluxacct_engine_jobspec_update_init (
        &u, FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION));
    return u;
}

static int64_t prio (uint64_t id, int urgency)
{
    fluxacct_engine_priority_t p = prio0 ();
    ck_ok (fluxacct_engine_job_priority (e, id, urgency, &p, NULL, &err));
    return p.priority;
}

/* The next release must be id with these removals. */
static void expect_release (uint64_t id, unsigned remove, int reprioritize)
{
    fluxacct_engine_release_t r = release0 ();
    ck_assert_int_eq (fluxacct_engine_next_release (e, &r), 1);
    ck_assert_int_eq (r.version, FLUXACCT_ENGINE_RELEASE_VERSION);
    ck_assert_uint_eq (r.id, id);
    ck_assert_uint_eq (r.remove, remove);
    ck_assert_int_eq (r.reprioritize, reprioritize);
}

static void expect_no_release (void)
{
    fluxacct_engine_release_t r = release0 ();
    ck_assert_int_eq (fluxacct_engine_next_release (e, &r), 0);
}

/* -------------------------------------------------------------------- */

START_TEST (hold_names)
{
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_QUEUE_RUN_JOBS),
                      "max-run-jobs-queue");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_QUEUE_SCHED_JOBS),
                      "max-sched-jobs-queue-limit");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_QUEUE_SCHED_NODES),
                      "max-sched-nodes-queue-limit");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_QUEUE_SCHED_CORES),
                      "max-sched-cores-queue-limit");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_QUEUE_RESOURCES),
                      "max-resources-queue");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_RUN_JOBS),
                      "max-running-jobs-user-limit");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_SCHED_JOBS),
                      "max-sched-jobs-user-limit");
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_RESOURCES),
                      "max-resources-user-limit");
    ck_assert_ptr_null (fluxacct_engine_hold_name (0));
    ck_assert_ptr_null (fluxacct_engine_hold_name (3));
    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_ALLOCATION),
                      "allocation-exhausted");
    ck_assert_ptr_null (fluxacct_engine_hold_name (0x200));
}
END_TEST

START_TEST (badparams)
{
    fluxacct_engine_jobdesc_t d = job (1, NULL, NULL, 1, 1);
    fluxacct_engine_priority_t p = prio0 ();
    fluxacct_engine_release_t r = release0 ();
    unsigned a;

    fluxacct_engine_destroy (NULL);
    ck_fail_with (fluxacct_engine_set_owner (NULL, 1, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_engine_load (NULL, "{}", &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_engine_load (e, NULL, &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_engine_update (e, NULL, "{}", &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_engine_update (e, "rec_nothing", "{}", &err),
                  ENOENT, "unknown service \"rec_nothing\"");
    ck_fail_with (fluxacct_engine_update (e, "rec_update", NULL, &err),
                  EINVAL, "rec_update: no payload");
    ck_fail_with (fluxacct_engine_update (e, "rec_update", "", &err), EINVAL,
                  "rec_update: no payload");
    ck_assert_int_eq (fluxacct_engine_has_data (NULL), 0);
    ck_fail_with (fluxacct_engine_validate (e, NULL, 0, &err), EINVAL,
                  "invalid");
    d.version = 0;
    ck_fail_with (fluxacct_engine_validate (e, &d, 0, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_engine_jobdesc_t, 0));
    ck_fail_with (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, NULL,
                                           &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_engine_jobdesc_t, 0));
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), -1);
    ck_assert_int_eq (errno, EINVAL);
    d.version = FLUXACCT_ENGINE_JOBDESC_VERSION + 1;
    ck_fail_with (fluxacct_engine_validate (e, &d, 0, &err), EINVAL,
                  "fluxacct_engine_jobdesc_t: unknown version");
    d.version = FLUXACCT_ENGINE_JOBDESC_VERSION;
    ck_fail_with (fluxacct_engine_job_new (e, 1, &d, 3, NULL, &err), EINVAL,
                  "invalid");
    ck_ok (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, NULL, &err));
    ck_fail_with (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, NULL,
                                           &err), EEXIST, "already known");
    ck_fail_with (fluxacct_engine_job_depend (e, 2, &a, NULL, &err), ENOENT,
                  "job 2 is unknown");
    ck_fail_with (fluxacct_engine_job_priority (e, 2, 16, &p, NULL, &err),
                  ENOENT, "unknown");
    ck_fail_with (fluxacct_engine_job_priority (e, 1, 16, NULL, NULL, &err),
                  EINVAL, "invalid");
    ck_fail_with (fluxacct_engine_job_priority (e, 1, 32, &p, NULL, &err),
                  EINVAL, "urgency");
    ck_fail_with (fluxacct_engine_job_sched (e, 2, &err), ENOENT, "unknown");
    ck_fail_with (fluxacct_engine_job_run (e, 2, &err), ENOENT, "unknown");
    ck_fail_with (fluxacct_engine_job_inactive (e, 2, &err), ENOENT,
                  "unknown");
    ck_fail_with (fluxacct_engine_job_check_update (e, 1, "duration", "5",
                                                    &err), EINVAL,
                  "update of duration");
    ck_fail_with (fluxacct_engine_job_check_update (e, 1, "bank", NULL, &err),
                  EINVAL, "invalid");
    ck_fail_with (fluxacct_engine_job_check_update (e, 2, "bank", "A", &err),
                  ENOENT, "unknown");
    ck_fail_with (fluxacct_engine_job_update (e, 2, "A", NULL, &err), ENOENT,
                  "unknown");
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_next_release (NULL, &r), -1);
    ck_assert_int_eq (errno, EINVAL);
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_next_release (e, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
    ck_null_with (fluxacct_engine_query (NULL, &err), EINVAL, "invalid");
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
}
END_TEST

/* semantics section 6, table-driven: weights, F, Q, B, urgency. */
START_TEST (priority_formula)
{
    static const struct {
        long w_fs, w_q, w_b, w_u;
        double fs;
        int qprio;
        double bprio;
        int urgency;
        int64_t expect;
    } t[] = {
        { 100000, 10000, 0, 1000, 0.5, 0, 0, 16, 50000 },    /* new assoc */
        { 100000, 10000, 0, 1000, 0.5, 2, 0, 16, 70000 },    /* queue */
        { 100000, 10000, 0, 1000, 0.25, 0, 0, 20, 29000 },   /* urgency */
        { 100000, 10000, 1000, 1000, 0.25, 0, 3.5, 16, 28500 }, /* bank */
        { 100000, 10000, 0, 1000, 0.0, 0, 0, 1, 0 },         /* clamp 0 */
        { 100000, 10000, 0, 1000, 0.0, -5, 0, 16, 0 },       /* negative Q */
        { 100000, 10000, 0, 1000, 0.9, 0, 0, 0, 0 },         /* hold */
        { 100000, 10000, 0, 1000, 0.0, 0, 0, 31, 4294967295LL }, /* expedite */
        { 4294967295L, 10000, 0, 1000, 1.0, 0, 0, 17, 4294967295LL }, /* top */
        { 4294967295L, 0, 0, 0, 0.9999999999, 0, 0, 16, 4294967295LL - 0 },
        { 3, 0, 0, 0, 0.5, 0, 0, 16, 2 },                    /* 1.5 -> 2 */
        { 5, 0, 0, 0, 0.5, 0, 0, 16, 3 },                    /* 2.5 -> 3 */
        { 1, 0, 0, 0, 0.4, 0, 0, 16, 0 },                    /* 0.4 -> 0 */
        { 0, 0, 0, 0, 0.5, 9, 9, 30, 0 },                    /* all zero */
        { 0, 0, 1, 0, 0.5, 0, -7.25, 16, 0 },                /* negative B */
        { 0, 0, 4, 0, 0.5, 0, 1.125, 16, 5 },                /* 4.5 -> 5 */
    };
    char a[512], q[512];

    for (size_t i = 0; i < sizeof (t) / sizeof (t[0]); i++) {
        engine_teardown ();
        engine_setup ();
        update ("rec_fac_update", "[{\"factor\": \"fairshare\", \"weight\": "
                "%ld}, {\"factor\": \"queue\", \"weight\": %ld}, {\"factor\": "
                "\"bank\", \"weight\": %ld}, {\"factor\": \"urgency\", "
                "\"weight\": %ld}]", t[i].w_fs, t[i].w_q, t[i].w_b, t[i].w_u);
        update ("rec_update", "[%s]",
                simple (a, sizeof (a), 5001, "A", t[i].fs, 5, 7, "batch"));
        update ("rec_q_update", "[%s]",
                queue (q, sizeof (q), "batch", t[i].qprio, 100, 2147483647L,
                       2147483647L, 2147483647L, 2147483647L));
        update ("rec_bank_update", "[{\"bank\": \"A\", \"priority\": %g}]",
                t[i].bprio);
        submit (1, job (5001, "A", "batch", 1, 1));
        int64_t p = prio (1, t[i].urgency);
        ck_assert_msg (p == t[i].expect, "case %zu: priority %lld, expected "
                       "%lld", i, (long long)p, (long long)t[i].expect);
    }
}
END_TEST

START_TEST (priority_default_weights_and_memo)
{
    fluxacct_engine_priority_t p = prio0 ();
    char a[512];

    update ("rec_update", "[%s]", simple (a, sizeof (a), 5001, "A", 0.5, 5,
                                          7, ""));
    submit (1, job (5001, NULL, NULL, 1, 1));
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, NULL, &err));
    ck_assert_int_eq (p.priority, 50000);
    ck_assert_double_eq (p.fairshare, 0.5);
    ck_assert_int_eq (p.memo, 1);
    /* Same fair-share: no memo. */
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, NULL, &err));
    ck_assert_int_eq (p.memo, 0);
    /* A change within 1e-9: no memo. */
    update ("rec_update", "[%s]", simple (a, sizeof (a), 5001, "A",
                                          0.5 + 5e-10, 5, 7, ""));
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, NULL, &err));
    ck_assert_int_eq (p.memo, 0);
    ck_assert_int_eq (p.priority, 50000);
    update ("rec_update", "[%s]", simple (a, sizeof (a), 5001, "A", 0.75, 5,
                                          7, ""));
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, NULL, &err));
    ck_assert_int_eq (p.memo, 1);
    ck_assert_int_eq (p.priority, 75000);
    /* urgency -1: the last one given. */
    ck_assert_int_eq (prio (1, 20), 79000);
    ck_assert_int_eq (prio (1, -1), 79000);
    /* A queue the association may not use counts 0. */
    char q[512];
    update ("rec_q_update", "[%s]", queue (q, sizeof (q), "batch", 3, 100,
                                           2147483647L, 2147483647L,
                                           2147483647L, 2147483647L));
    fluxacct_engine_jobdesc_t d = job (5001, NULL, "batch", 1, 1);
    ck_ok (fluxacct_engine_job_new (e, 2, &d, FLUXACCT_JOB_NEW, NULL, &err));
    ck_assert_int_eq (prio (2, 16), 75000);
}
END_TEST

/* Weights given at load time are honoured (quirk 7). */
START_TEST (load_weights)
{
    char a[512];
    char *json;

    ck_assert_int_ge (asprintf (&json, "{\"associations\": [%s], "
                                "\"priority_factors\": [{\"factor\": "
                                "\"urgency\", \"weight\": 0}, {\"factor\": "
                                "\"fairshare\", \"weight\": 10}], "
                                "\"unknown\": {\"x\": [1, 2]}}",
                                simple (a, sizeof (a), 5001, "A", 0.5, 5, 7,
                                        "")), 0);
    ck_ok (fluxacct_engine_load (e, json, &err));
    free (json);
    submit (1, job (5001, NULL, NULL, 1, 1));
    ck_assert_int_eq (prio (1, 30), 5);
    json_t *q = query ();
    ck_assert_int_eq (json_integer_value (json_object_get (
                          json_object_get (q, "priority_factors"), "queue")),
                      10000);
    json_decref (q);
}
END_TEST

static void rules_data (void)
{
    char a1[512], a2[512], a3[512], a4[512], q1[512], q2[512], q3[512],
        q4[512];

    update ("rec_update", "[%s, %s, %s, %s]",
            assoc (a1, sizeof (a1), 5001, "A", "A", 0.5, 5, 2, "batch,debug",
                   1, "*,physics", "*", 4, 16, 2147483647L),
            assoc (a2, sizeof (a2), 5001, "off", "A", 0.5, 5, 7, "batch", 0,
                   "*", "*", 2147483647L, 2147483647L, 2147483647L),
            simple (a3, sizeof (a3), 5002, "B", 0.5, 5, 7, ""),
            simple (a4, sizeof (a4), 5003, "C", 0.5, 5, 7, "batch,small"));
    update ("rec_q_update", "[%s, %s, %s, %s]",
            queue (q1, sizeof (q1), "batch", 0, 100, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L),
            queue (q2, sizeof (q2), "debug", 2, 100, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L),
            queue (q3, sizeof (q3), "secret", 9, 100, 2147483647L,
                   2147483647L, 2147483647L, 2147483647L),
            queue (q4, sizeof (q4), "small", 0, 100, 2, 2147483647L, 3, 6));
    update ("rec_proj_update", "[{\"project\": \"*\"}, {\"project\": "
            "\"physics\"}, {\"project\": \"chemistry\"}]");
}

static void reject (fluxacct_engine_jobdesc_t d, int flags, int errnum,
                    const char *msg)
{
    ck_fail_with (fluxacct_engine_validate (e, &d, flags, &err), errnum, msg);
}

START_TEST (rejections)
{
    fluxacct_engine_jobdesc_t d;

    rules_data ();
    reject (job (7777, NULL, NULL, 1, 1), 1, ENOENT,
            "cannot find user/bank or user/default bank entry for uid: 7777");
    reject (job (5001, "Z", NULL, 1, 1), 1, ENOENT,
            "cannot find user/bank or user/default bank entry for uid: 5001");
    reject (job (5001, "off", "secret", 1, 1), 1, EPERM,
            "user/bank entry has been disabled from flux-accounting DB");
    reject (job (5001, NULL, "secret", 1, 1), 1, EPERM,
            "queue \"secret\" not valid for user; valid queues for user: "
            "batch,debug");
    reject (job (5002, NULL, "batch", 1, 1), 1, EPERM,
            "queue \"batch\" not valid for user; valid queues for user: ");
    d = job (5002, NULL, "nosuch", 1, 1);
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    update ("rec_config_update", "{\"deny_unknown_queues\": true}");
    reject (job (5002, NULL, "nosuch", 1, 1), 1, EPERM,
            "queue \"nosuch\" is unknown to flux-accounting and "
            "deny-unknown-queues is enabled");
    d = job (5001, NULL, NULL, 1, 1);
    d.project = "chemistry";
    reject (d, 1, EPERM, "project \"chemistry\" not valid for user; valid "
            "projects for user: *,physics");
    d.project = "never-heard-of";
    reject (d, 1, EPERM, "project \"never-heard-of\" not valid for user");
    d.project = "physics";
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    reject (job (5001, NULL, NULL, 5, 5), 1, EPERM,
            "job size (5 node(s), 5 core(s)) is greater than max resources "
            "limits configured for association (4 node(s), 16 core(s))");
    reject (job (5001, NULL, NULL, 1, 17), 1, EPERM, "job size (1 node(s), "
            "17 core(s)) is greater than max resources limits");
    reject (job (5003, NULL, "small", 3, 3), 1, EPERM,
            "job size (3 node(s)) is greater than max resources limit "
            "configured for queue (2 node(s))");
    reject (job (5003, NULL, "small", 2, 8), 1, EPERM,
            "job size (2 node(s), 8 core(s)) is greater than max sched "
            "resources limits configured for queue (3 node(s), 6 core(s))");
    d = job (5001, NULL, NULL, -1, -1);
    reject (d, 1, EPERM, "unable to count resources for job");
    d.size_error = "jobspec: resources: missing";
    reject (d, 1, EPERM,
            "unable to count resources for job: jobspec: resources: missing");
    /* max_active_jobs (2 for A/5001), only when submitting. */
    submit (1, job (5001, NULL, NULL, 1, 1));
    submit (2, job (5001, NULL, NULL, 1, 1));
    reject (job (5001, NULL, NULL, 1, 1), FLUXACCT_VALIDATE_SUBMIT, EPERM,
            "user has max active jobs");
    d = job (5001, NULL, NULL, 1, 1);
    ck_ok (fluxacct_engine_validate (e, &d, 0, &err));
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
}
END_TEST

/* Every hold kind, its dependency bit, and release in submission order. */
START_TEST (holds_each_kind)
{
    char a[6][512], q[6][512];

    update ("rec_update", "[%s, %s, %s, %s, %s]",
            simple (a[0], 512, 6001, "run", 0.5, 2, 100, "batch"),
            assoc (a[1], 512, 6002, "sched", "sched", 0.5, 100, 100, "batch",
                   1, "*", "*", 2147483647L, 2147483647L, 1),
            assoc (a[2], 512, 6003, "res", "res", 0.5, 100, 100, "batch", 1,
                   "*", "*", 3, 100, 2147483647L),
            simple (a[3], 512, 6004, "Q", 0.5, 100, 100,
                    "qrun,qsched,qsnodes,qscores,qres"),
            simple (a[4], 512, 6005, "two", 0.5, 1, 100, "qrun"));
    update ("rec_q_update", "[%s, %s, %s, %s, %s, %s]",
            queue (q[0], 512, "batch", 0, 100, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L),
            queue (q[1], 512, "qrun", 0, 1, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L),
            queue (q[2], 512, "qsched", 0, 100, 2147483647L, 1, 2147483647L,
                   2147483647L),
            queue (q[3], 512, "qsnodes", 0, 100, 2147483647L, 2147483647L, 2,
                   2147483647L),
            queue (q[4], 512, "qscores", 0, 100, 2147483647L, 2147483647L,
                   2147483647L, 4),
            queue (q[5], 512, "qres", 0, 100, 2, 2147483647L, 2147483647L,
                   2147483647L));
    /* max_running_jobs 2: admitted jobs count, not only running ones. */
    ck_assert_uint_eq (submit (1, job (6001, NULL, NULL, 1, 1)), 0);
    ck_assert_uint_eq (submit (2, job (6001, NULL, NULL, 1, 1)), 0);
    ck_assert_uint_eq (submit (3, job (6001, NULL, NULL, 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    ck_assert_uint_eq (submit (4, job (6001, NULL, NULL, 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    ck_ok (fluxacct_engine_job_sched (e, 1, &err));
    ck_ok (fluxacct_engine_job_run (e, 1, &err));
    expect_no_release ();
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    expect_release (3, FLUXACCT_HOLD_RUN_JOBS, 0);
    expect_no_release ();
    ck_ok (fluxacct_engine_job_inactive (e, 2, &err));
    expect_release (4, FLUXACCT_HOLD_RUN_JOBS, 0);
    /* A cancelled held job just leaves. */
    ck_assert_uint_eq (submit (5, job (6001, NULL, NULL, 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    ck_ok (fluxacct_engine_job_inactive (e, 5, &err));
    expect_no_release ();
    ck_assert_int_eq (q_int (6001, "run", "admitted_jobs"), 2);

    /* max_sched_jobs 1: running frees the slot. */
    ck_assert_uint_eq (submit (10, job (6002, NULL, NULL, 1, 1)), 0);
    ck_assert_uint_eq (submit (11, job (6002, NULL, NULL, 1, 1)),
                       FLUXACCT_HOLD_SCHED_JOBS);
    ck_ok (fluxacct_engine_job_run (e, 10, &err));
    expect_release (11, FLUXACCT_HOLD_SCHED_JOBS, 0);

    /* max_nodes 3: a smaller later job fits beside a held bigger one. */
    ck_assert_uint_eq (submit (20, job (6003, NULL, NULL, 2, 2)), 0);
    ck_assert_uint_eq (submit (21, job (6003, NULL, NULL, 2, 2)),
                       FLUXACCT_HOLD_RESOURCES);
    ck_assert_uint_eq (submit (22, job (6003, NULL, NULL, 1, 1)), 0);
    ck_ok (fluxacct_engine_job_inactive (e, 22, &err));
    expect_no_release ();
    ck_ok (fluxacct_engine_job_inactive (e, 20, &err));
    expect_release (21, FLUXACCT_HOLD_RESOURCES, 0);
    expect_no_release ();

    /* Queue limits. */
    ck_assert_uint_eq (submit (30, job (6004, NULL, "qrun", 1, 1)), 0);
    ck_assert_uint_eq (submit (31, job (6004, NULL, "qrun", 1, 1)),
                       FLUXACCT_HOLD_QUEUE_RUN_JOBS);
    ck_assert_uint_eq (submit (32, job (6004, NULL, "qsched", 1, 1)), 0);
    ck_assert_uint_eq (submit (33, job (6004, NULL, "qsched", 1, 1)),
                       FLUXACCT_HOLD_QUEUE_SCHED_JOBS);
    ck_assert_uint_eq (submit (34, job (6004, NULL, "qsnodes", 2, 2)), 0);
    ck_assert_uint_eq (submit (35, job (6004, NULL, "qsnodes", 1, 1)),
                       FLUXACCT_HOLD_QUEUE_SCHED_NODES);
    ck_assert_uint_eq (submit (36, job (6004, NULL, "qscores", 1, 4)), 0);
    ck_assert_uint_eq (submit (37, job (6004, NULL, "qscores", 1, 1)),
                       FLUXACCT_HOLD_QUEUE_SCHED_CORES);
    ck_assert_uint_eq (submit (38, job (6004, NULL, "qres", 2, 2)), 0);
    ck_assert_uint_eq (submit (39, job (6004, NULL, "qres", 1, 1)),
                       FLUXACCT_HOLD_QUEUE_RESOURCES);
    /* Release order follows submission order even when limits free up in
     * another order. */
    ck_ok (fluxacct_engine_job_run (e, 36, &err));
    expect_release (37, FLUXACCT_HOLD_QUEUE_SCHED_CORES, 0);
    ck_ok (fluxacct_engine_job_run (e, 32, &err));
    expect_release (33, FLUXACCT_HOLD_QUEUE_SCHED_JOBS, 0);
    ck_ok (fluxacct_engine_job_run (e, 38, &err));
    expect_no_release (); /* running still counts for max_nodes_per_assoc */
    ck_ok (fluxacct_engine_job_run (e, 34, &err));
    expect_release (35, FLUXACCT_HOLD_QUEUE_SCHED_NODES, 0);
    ck_ok (fluxacct_engine_job_inactive (e, 38, &err));
    expect_release (39, FLUXACCT_HOLD_QUEUE_RESOURCES, 0);
    ck_ok (fluxacct_engine_job_inactive (e, 30, &err));
    expect_release (31, FLUXACCT_HOLD_QUEUE_RUN_JOBS, 0);
    expect_no_release ();

    /* Two limits at once: both bits, released together. */
    ck_assert_uint_eq (submit (50, job (6005, NULL, "qrun", 1, 1)), 0);
    ck_assert_uint_eq (submit (51, job (6005, NULL, "qrun", 1, 1)),
                       FLUXACCT_HOLD_QUEUE_RUN_JOBS | FLUXACCT_HOLD_RUN_JOBS);
    ck_ok (fluxacct_engine_job_inactive (e, 50, &err));
    expect_release (51, FLUXACCT_HOLD_QUEUE_RUN_JOBS | FLUXACCT_HOLD_RUN_JOBS,
                    0);
}
END_TEST

/* Raised limits release at once, in submission order across the FIFO. */
START_TEST (holds_released_by_new_limits)
{
    char a[512];

    update ("rec_update", "[%s]", simple (a, sizeof (a), 6001, "A", 0.5, 0,
                                          100, ""));
    for (uint64_t id = 1; id <= 4; id++)
        ck_assert_uint_eq (submit (id, job (6001, NULL, NULL, 1, 1)),
                           FLUXACCT_HOLD_RUN_JOBS);
    json_t *q = query ();
    ck_assert_int_eq (json_object_size (json_object_get (
                          q_assoc (q, 6001, "A"), "held_jobs")), 4);
    json_decref (q);
    update ("rec_update", "[%s]", simple (a, sizeof (a), 6001, "A", 0.5, 2,
                                          100, ""));
    expect_release (1, FLUXACCT_HOLD_RUN_JOBS, 0);
    expect_release (2, FLUXACCT_HOLD_RUN_JOBS, 0);
    expect_no_release ();
    ck_ok (fluxacct_engine_update (e, "reprioritize", NULL, &err));
    expect_no_release ();
    update ("rec_update", "[%s]", simple (a, sizeof (a), 6001, "A", 0.5, 10,
                                          100, ""));
    expect_release (3, FLUXACCT_HOLD_RUN_JOBS, 0);
    expect_release (4, FLUXACCT_HOLD_RUN_JOBS, 0);
    ck_assert_int_eq (q_int (6001, "A", "admitted_jobs"), 4);
    ck_assert_int_eq (q_int (6001, "A", "cur_sched_jobs"), 4);
}
END_TEST

START_TEST (counters)
{
    char a[512], q[512];

    update ("rec_update", "[%s]", simple (a, sizeof (a), 5001, "A", 0.5, 10,
                                          10, "batch"));
    update ("rec_q_update", "[%s]", queue (q, sizeof (q), "batch", 0, 100,
                                           2147483647L, 2147483647L,
                                           2147483647L, 2147483647L));
    submit (1, job (5001, NULL, "batch", 2, 8));
    submit (2, job (5001, NULL, NULL, 1, 1));
    ck_ok (fluxacct_engine_job_sched (e, 1, &err));
    ck_ok (fluxacct_engine_job_run (e, 1, &err));
    json_t *o = query ();
    json_t *b = q_assoc (o, 5001, "A");
    ck_assert_int_eq (json_integer_value (json_object_get (b,
                                                           "cur_active_jobs")),
                      2);
    ck_assert_int_eq (json_integer_value (json_object_get (b, "cur_run_jobs")),
                      1);
    ck_assert_int_eq (json_integer_value (json_object_get (b, "cur_nodes")), 2);
    ck_assert_int_eq (json_integer_value (json_object_get (b, "cur_cores")), 8);
    ck_assert_int_eq (json_integer_value (json_object_get (b,
                                                           "cur_sched_jobs")),
                      1);
    json_t *u = json_object_get (json_object_get (b, "queue_usage"), "batch");
    ck_assert_int_eq (json_integer_value (json_object_get (u, "cur_run_jobs")),
                      1);
    ck_assert_int_eq (json_integer_value (json_object_get (u, "cur_nodes")), 2);
    ck_assert_int_eq (json_integer_value (json_object_get (u,
                                                           "cur_sched_jobs")),
                      0);
    json_decref (o);
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    ck_ok (fluxacct_engine_job_inactive (e, 2, &err));
    ck_assert_int_eq (q_int (5001, "A", "cur_active_jobs"), 0);
    ck_assert_int_eq (q_int (5001, "A", "admitted_jobs"), 0);
    ck_assert_int_eq (q_int (5001, "A", "admitted_nodes"), 0);
    ck_assert_int_eq (q_int (5001, "A", "cur_run_jobs"), 0);
}
END_TEST

/* Jobs before any data wait (priority unavailable); data binds them. */
START_TEST (late_data)
{
    fluxacct_engine_jobspec_update_t u = update0 ();
    fluxacct_engine_priority_t p = prio0 ();
    fluxacct_engine_jobdesc_t d;
    char a1[512], a2[512], q[512];

    ck_assert_int_eq (fluxacct_engine_has_data (e), 0);
    d = job (5001, NULL, NULL, 1, 1);
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    d = job (7777, "nope", "nosuch", -1, -1);
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    submit (1, job (5001, NULL, NULL, 1, 1));
    submit (2, job (7777, NULL, NULL, 1, 1));
    submit (3, job (5001, NULL, "secret", 1, 1));
    submit (4, job (5001, NULL, NULL, 1, 1));
    submit (5, job (5001, NULL, NULL, -1, -1));
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, &u, &err));
    ck_assert_int_eq (p.priority, FLUXACCT_PRIORITY_UNAVAILABLE);
    ck_assert_int_eq (p.version, FLUXACCT_ENGINE_PRIORITY_VERSION);
    ck_assert_ptr_null (u.bank);
    ck_assert_ptr_null (u.project);
    ck_assert_int_eq (u.version, FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION);
    ck_fail_with (fluxacct_engine_job_check_update (e, 1, "bank", "A", &err),
                  EAGAIN, "update_bank: plugin still waiting on "
                  "flux-accounting data");
    json_t *o = query ();
    ck_assert_int_eq (json_integer_value (json_object_get (
                          o, "jobs_waiting_for_data")), 5);
    json_decref (o);

    update ("rec_update", "[%s, %s]",
            assoc (a1, sizeof (a1), 5001, "A", "A", 0.5, 1, 100, "batch", 1,
                   "*,physics", "physics", 2147483647L, 2147483647L,
                   2147483647L),
            simple (a2, sizeof (a2), 5002, "B", 0.5, 1, 100, "batch"));
    update ("rec_q_update", "[%s]", queue (q, sizeof (q), "secret", 1, 100,
                                           2147483647L, 2147483647L,
                                           2147483647L, 2147483647L));
    ck_assert_int_eq (fluxacct_engine_has_data (e), 1);
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, &u, &err));
    ck_assert_int_eq (p.priority, 50000);
    ck_assert_str_eq (u.bank, "A");
    ck_assert_str_eq (u.project, "physics");
    ck_assert_int_eq (p.memo, 1);
    ck_fail_with (fluxacct_engine_job_priority (e, 2, 16, &p, &u, &err),
                  ENOENT, "cannot find user/bank or user/default bank entry "
                  "for uid: 7777");
    ck_fail_with (fluxacct_engine_job_priority (e, 3, 16, &p, &u, &err),
                  EPERM, "queue \"secret\" not valid for user");
    ck_fail_with (fluxacct_engine_job_priority (e, 5, 16, &p, &u, &err),
                  EPERM, "unable to count resources for job");
    /* Job 4 meets max_running_jobs 1 in PRIORITY: held there. */
    ck_ok (fluxacct_engine_job_priority (e, 4, 16, &p, &u, &err));
    ck_assert_int_eq (p.priority, FLUXACCT_PRIORITY_UNAVAILABLE);
    ck_assert_str_eq (u.bank, "A");
    o = query ();
    json_t *h = json_object_get (json_object_get (q_assoc (o, 5001, "A"),
                                                  "held_jobs"), "4");
    ck_assert_str_eq (json_string_value (json_object_get (h, "held_in")),
                      "PRIORITY");
    json_decref (o);
    ck_ok (fluxacct_engine_job_priority (e, 4, 16, &p, &u, &err));
    ck_assert_int_eq (p.priority, FLUXACCT_PRIORITY_UNAVAILABLE);
    ck_assert_ptr_null (u.bank);
    ck_ok (fluxacct_engine_job_sched (e, 1, &err));
    ck_ok (fluxacct_engine_job_run (e, 1, &err));
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    expect_release (4, 0, 1);
    ck_assert_int_eq (prio (4, -1), 50000);
    for (uint64_t id = 2; id <= 5; id++)
        ck_ok (fluxacct_engine_job_inactive (e, id, &err));
    ck_assert_int_eq (q_int (5001, "A", "cur_active_jobs"), 0);
    /* After data, new jobs of unknown users are rejected at once. */
    d = job (7777, NULL, NULL, 1, 1);
    reject (d, 1, ENOENT, "cannot find user/bank");
}
END_TEST

START_TEST (instance_owner)
{
    fluxacct_engine_jobspec_update_t u = update0 ();
    fluxacct_engine_priority_t p = prio0 ();
    fluxacct_engine_jobdesc_t d;
    char a[512];

    ck_ok (fluxacct_engine_set_owner (e, 100, &err));
    /* Before data: accepted and prioritised at once. */
    d = job (100, "Z", "anything", 1000, 1000);
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    ck_ok (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, &u, &err));
    ck_assert_ptr_null (u.bank);
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, NULL, &err));
    ck_assert_int_eq (p.priority, 50000);
    rules_data ();
    update ("rec_config_update", "{\"deny_unknown_queues\": true}");
    d = job (100, NULL, "nosuch", -1, -1);
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    d = job (100, NULL, "secret", 1, 1);
    d.project = "never";
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    ck_ok (fluxacct_engine_job_new (e, 2, &d, FLUXACCT_JOB_NEW, &u, &err));
    /* Any known queue: secret has priority 9. */
    ck_assert_int_eq (prio (2, 16), 140000);
    /* With an association that lists no queue (quirk 17). */
    update ("rec_update", "[%s]",
            assoc (a, sizeof (a), 100, "own", "own", 0.5, 1000000, 1, "", 1,
                   "*", "*", 1000000, 1000000, 2147483647L));
    d = job (100, NULL, "debug", 1, 1);
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    ck_ok (fluxacct_engine_job_new (e, 3, &d, FLUXACCT_JOB_NEW, &u, &err));
    ck_assert_str_eq (u.bank, "own");
    ck_assert_int_eq (prio (3, 16), 70000);
    /* Past max_active_jobs (1). */
    ck_ok (fluxacct_engine_validate (e, &d, 1, &err));
    ck_ok (fluxacct_engine_job_check_update (e, 3, "bank", "Z", &err));
    json_t *o = query ();
    json_t *own = json_object_get (o, "instance_owner");
    ck_assert_int_eq (json_integer_value (json_object_get (own, "userid")),
                      100);
    ck_assert_int_eq (json_integer_value (json_object_get (
                          json_object_get (own, "association"),
                          "cur_active_jobs")), 2);
    json_decref (o);
}
END_TEST

START_TEST (plugin_services_list)
{
    static const char *const want[] = {
        "rec_update", "rec_q_update", "rec_proj_update", "rec_bank_update",
        "rec_fac_update", "rec_config_update", "reprioritize",
    };
    const char *const *names = fluxacct_engine_services ();
    fluxacct_engine_t *eng = fluxacct_engine_create (&err);
    size_t n = 0;

    ck_assert_ptr_nonnull (names);
    ck_assert_ptr_nonnull (eng);
    while (names[n]) {
        ck_assert_uint_lt (n, 7);
        ck_assert_str_eq (names[n], want[n]);
        n++;
    }
    ck_assert_uint_eq (n, 7);
    /* every name is a service the engine answers; others are unknown */
    for (size_t i = 0; names[i]; i++)
        ck_ok (fluxacct_engine_update (eng, names[i], i == 5
                                       ? "{\"data\": {}}"
                                       : i == 6 ? NULL : "{\"data\": []}",
                                       &err));
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_update (eng, "rec_nothing", "{}", &err),
                      -1);
    ck_assert_int_eq (errno, ENOENT);
    fluxacct_engine_destroy (eng);
}
END_TEST

START_TEST (bank_and_queue_updates)
{
    char a1[512], a2[512], a3[512], q1[512], q2[512], q3[512];

    update ("rec_update", "[%s, %s, %s]",
            simple (a1, sizeof (a1), 5001, "A", 0.5, 3, 10, "batch,one"),
            assoc (a2, sizeof (a2), 5001, "B", "A", 0.25, 1, 2, "batch", 1,
                   "*", "*", 2147483647L, 2147483647L, 2147483647L),
            assoc (a3, sizeof (a3), 5001, "C", "A", 0.5, 1, 2, "batch", 0,
                   "*", "*", 2147483647L, 2147483647L, 2147483647L));
    update ("rec_q_update", "[%s, %s, %s]",
            queue (q1, sizeof (q1), "batch", 0, 100, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L),
            queue (q2, sizeof (q2), "one", 1, 1, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L),
            queue (q3, sizeof (q3), "secret", 1, 1, 2147483647L, 2147483647L,
                   2147483647L, 2147483647L));
    submit (1, job (5001, NULL, "batch", 1, 1));
    ck_ok (fluxacct_engine_job_check_update (e, 1, "attributes.system.bank",
                                             "B", &err));
    ck_ok (fluxacct_engine_job_update (e, 1, "B", NULL, &err));
    ck_assert_int_eq (prio (1, 16), 25000);
    ck_assert_int_eq (q_int (5001, "A", "cur_active_jobs"), 0);
    ck_assert_int_eq (q_int (5001, "B", "cur_active_jobs"), 1);
    ck_assert_int_eq (q_int (5001, "B", "admitted_jobs"), 1);
    /* Same bank again: nothing happens. */
    ck_ok (fluxacct_engine_job_update (e, 1, "B", NULL, &err));
    ck_assert_int_eq (q_int (5001, "B", "cur_active_jobs"), 1);
    ck_fail_with (fluxacct_engine_job_check_update (e, 1, "bank", "Z", &err),
                  ENOENT, "update_bank: cannot find flux-accounting entry for "
                  "uid/bank: 5001/Z");
    ck_fail_with (fluxacct_engine_job_check_update (e, 1, "bank", "C", &err),
                  EPERM, "user/bank entry has been disabled");
    submit (2, job (5001, NULL, "batch", 1, 1));
    ck_fail_with (fluxacct_engine_job_check_update (e, 2, "bank", "B", &err),
                  EPERM, "updating to bank B while it is already at "
                  "max-run-jobs limit is not allowed; try again later");
    ck_assert_uint_eq (submit (3, job (5001, "B", "batch", 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    ck_fail_with (fluxacct_engine_job_check_update (e, 2, "bank", "B", &err),
                  EPERM, "new bank is already at max-active-jobs limit");
    /* A held job moves with its hold and is released where there is room. */
    ck_ok (fluxacct_engine_job_check_update (e, 3, "bank", "A", &err));
    ck_ok (fluxacct_engine_job_update (e, 3, "A", NULL, &err));
    expect_release (3, FLUXACCT_HOLD_RUN_JOBS, 0);
    ck_assert_int_eq (q_int (5001, "A", "admitted_jobs"), 2);
    ck_assert_int_eq (q_int (5001, "B", "cur_active_jobs"), 1);
    /* Queue updates. */
    ck_fail_with (fluxacct_engine_job_check_update (
                      e, 2, "attributes.system.queue", "secret", &err),
                  EPERM, "mf_priority: queue not valid for user: secret");
    ck_ok (fluxacct_engine_job_check_update (e, 2, "queue", "one", &err));
    ck_ok (fluxacct_engine_job_update (e, 2, NULL, "one", &err));
    ck_assert_int_eq (prio (2, 16), 60000);
    ck_fail_with (fluxacct_engine_job_check_update (e, 3, "queue", "one",
                                                    &err),
                  EPERM, "updating to queue one would exceed its "
                  "max-run-jobs-queue limit; try again later");
    ck_ok (fluxacct_engine_job_check_update (e, 3, "queue", "nosuch", &err));
    update ("rec_config_update", "{\"deny_unknown_queues\": true}");
    ck_fail_with (fluxacct_engine_job_check_update (e, 3, "queue", "nosuch",
                                                    &err),
                  EPERM, "queue \"nosuch\" is unknown to flux-accounting");
    json_t *o = query ();
    json_t *qu = json_object_get (q_assoc (o, 5001, "A"), "queue_usage");
    ck_assert_int_eq (json_integer_value (json_object_get (
                          json_object_get (qu, "one"), "admitted_jobs")), 1);
    ck_assert_int_eq (json_integer_value (json_object_get (
                          json_object_get (qu, "batch"), "admitted_jobs")), 1);
    json_decref (o);
}
END_TEST

/* Every malformed payload is refused and changes nothing at all. */
START_TEST (malformed_payloads_change_nothing)
{
    static const struct {
        const char *service;
        const char *payload;
        const char *msg;
    } t[] = {
        { "rec_update", "{}", "rec_update: missing key \"data\"" },
        { "rec_update", "[]", "rec_update: expected an object, got array" },
        { "rec_update", "{\"data\": 5}", "data: expected an array, got number" },
        { "rec_update", "{\"data\": [1]}", "data[0]: expected an object" },
        { "rec_update", "{\"data\": [{\"userid\": 1}]}",
          "data[0]: missing key \"bank\"" },
        { "rec_update", "{\"data\": [{\"userid\": 1.5}]}",
          "data[0].userid: expected an integer" },
        { "rec_update", "{\"data\": [{\"userid\": 4294967295}]}",
          "data[0].userid: expected an integer from 0 to 4294967294" },
        { "rec_update", "{\"data\": [{\"fairshare\": -0.1}]}",
          "data[0].fairshare: expected a number from 0 to 1" },
        { "rec_update", "{\"data\": [{\"queues\": [\"a\"]}]}",
          "data[0].queues: expected a string, got array" },
        { "rec_update", "{\"data\": [{\"max_cores\": 2147483648}]}",
          "data[0].max_cores: expected an integer from 0 to 2147483647" },
        { "rec_update", "{\"data\": [{\"def_project\": \"\"}]}",
          "data[0].def_project: expected a non-empty name" },
        { "rec_update", "{\"data\": [], \"replace\": 1}",
          "rec_update: replace: expected true or false" },
        { "rec_update", "{\"data\": [{\"bank\": \"a\\ud800\"}]}",
          "invalid escape" },
        { "rec_update", "{\"data\": [{\"bank\": \"\xff\"}]}", "invalid UTF-8" },
        { "rec_update", "{\"data\": [{\"bank\": \"a\nb\"}]}",
          "control character" },
        { "rec_update", "{\"data\": [{\"bank\" \"a\"}]}", "expected ':'" },
        { "rec_update", "{\"data\": [{\"x\": tru}]}", "invalid literal" },
        { "rec_update", "{\"data\": [{\"x\": 01}]}", "expected ',' or '}'" },
        { "rec_update", "{\"data\": [{\"x\": -}]}", "invalid number" },
        { "rec_update", "{\"data\": [{\"x\": 1.}]}", "no digits after '.'" },
        { "rec_update", "{\"data\": [{\"x\": 1e}]}", "no digits in the exponent" },
        { "rec_update", "{\"data\": [{\"x\": 1e999}]}", "number out of range" },
        { "rec_update", "{\"data\": [,]}", "expected a value" },
        { "rec_update", "{\"data\": [],}", "trailing ','" },
        { "rec_update", "{\"data\": []", "expected ',' or '}'" },
        { "rec_update", "{\"x\": \"abc", "unterminated string" },
        { "rec_update", "{\"data\": \"abc\"}", "expected an array, got string" },
        { "rec_update", "{\"data\": []} {}", "unexpected '{' after the value" },
        { "rec_update", "{\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          "[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
          "]]]]]]]]]]]]]]]]]]]]]]]]]], \"data\": []}", "nested deeper than 64" },
        { "rec_q_update", "{\"data\": [{\"queue\": \"q\"}]}",
          "data[0]: missing key \"min_nodes_per_job\"" },
        { "rec_q_update", "{\"data\": [{\"priority\": 2147483648}]}",
          "data[0].priority: expected an integer from -2147483648" },
        { "rec_q_update", "{\"data\": [{\"max_sched_jobs\": -1}]}",
          "data[0].max_sched_jobs: expected an integer from 0" },
        { "rec_proj_update", "{\"data\": [{\"project\": \"\"}]}",
          "data[0].project: expected a non-empty name" },
        { "rec_proj_update", "{\"data\": {\"project\": \"x\"}}",
          "data: expected an array, got object" },
        { "rec_bank_update", "{\"data\": [{\"priority\": 1}]}",
          "data[0]: missing key \"bank\"" },
        { "rec_bank_update", "{\"data\": [{\"bank\": \"A\", \"priority\": "
          "1e300}]}", "data[0].priority: expected a number" },
        { "rec_fac_update", "{\"data\": [{\"factor\": \"fairshare\"}]}",
          "data[0]: missing key \"weight\"" },
        { "rec_fac_update", "{\"data\": [{\"factor\": \"Fairshare\", "
          "\"weight\": 1}]}", "unknown factor \"Fairshare\"" },
        { "rec_fac_update", "{\"data\": [{\"factor\": \"bank\", \"weight\": "
          "4294967296}]}", "data[0].weight: expected an integer from 0 to "
          "4294967295" },
        { "rec_config_update", "{\"data\": []}",
          "data: expected an object, got array" },
        { "rec_config_update", "{\"data\": {\"deny_unknown_queues\": 1}}",
          "data.deny_unknown_queues: expected true or false, got number" },
    };
    char a[512], q[512];
    char *before, *after;

    rules_data ();
    update ("rec_bank_update", "[{\"bank\": \"A\", \"priority\": 2}]");
    update ("rec_update", "[%s]", simple (a, sizeof (a), 5009, "X", 0.5, 1,
                                          10, "batch"));
    submit (1, job (5001, NULL, "batch", 1, 1));
    submit (2, job (5009, NULL, "batch", 1, 1));
    ck_assert_uint_eq (submit (3, job (5009, NULL, "batch", 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    (void)q;
    before = fluxacct_engine_query (e, &err);
    for (size_t i = 0; i < sizeof (t) / sizeof (t[0]); i++) {
        memset (&err, 0, sizeof (err));
        errno = 0;
        ck_assert_msg (fluxacct_engine_update (e, t[i].service, t[i].payload,
                                               &err) == -1,
                       "case %zu accepted", i);
        ck_assert_msg (errno == EINVAL, "case %zu: errno %d", i, errno);
        ck_assert_msg (strstr (err.text, t[i].msg) != NULL,
                       "case %zu: '%s' lacks '%s'", i, err.text, t[i].msg);
        ck_assert_msg (strncmp (err.text, t[i].service,
                                strlen (t[i].service)) == 0
                           || strncmp (err.text, "payload", 7) == 0,
                       "case %zu: '%s' does not name the service", i,
                       err.text);
        after = fluxacct_engine_query (e, &err);
        ck_assert_msg (strcmp (before, after) == 0, "case %zu changed the "
                       "state", i);
        free (after);
        /* Same for the load-time object ("[]" is a valid queue list). */
        if (strcmp (t[i].payload, "[]") == 0)
            continue;
        char *load;
        ck_assert_int_ge (asprintf (&load, "{\"associations\": [%s], "
                                    "\"queues\": %s}",
                                    simple (a, sizeof (a), 1, "new", 0.5, 1,
                                            1, ""),
                                    t[i].payload), 0);
        ck_assert_int_eq (fluxacct_engine_load (e, load, &err), -1);
        free (load);
        after = fluxacct_engine_query (e, &err);
        ck_assert_msg (strcmp (before, after) == 0, "load case %zu changed "
                       "the state", i);
        free (after);
    }
    expect_no_release ();
    free (before);
}
END_TEST

START_TEST (partial_payloads)
{
    char a[512];
    json_t *o;

    rules_data ();
    /* rec_config_update may omit its key; unknown keys are ignored. */
    update ("rec_config_update", "{\"other\": [1, 2, {\"x\": null}]}");
    update ("rec_config_update", "{\"deny_unknown_queues\": true}");
    update ("rec_config_update", "{}");
    o = query ();
    ck_assert (json_is_true (json_object_get (o, "deny_unknown_queues")));
    json_decref (o);
    /* Factors not listed keep their weight. */
    update ("rec_fac_update", "[{\"factor\": \"bank\", \"weight\": 7}]");
    update ("rec_fac_update", "[]");
    o = query ();
    json_t *f = json_object_get (o, "priority_factors");
    ck_assert_int_eq (json_integer_value (json_object_get (f, "bank")), 7);
    ck_assert_int_eq (json_integer_value (json_object_get (f, "fairshare")),
                      100000);
    json_decref (o);
    /* Blank and repeated list items; extra element keys; escapes. */
    update ("rec_update", "[{\"userid\": 9, \"username\": \"u\\u00e9\", "
            "\"bank\": \"b\\u00e9\", \"def_bank\": \"b\\u00e9\", "
            "\"fairshare\": 1, \"max_running_jobs\": 0, \"max_active_jobs\": "
            "0, \"queues\": \",batch,,batch,\", \"active\": 0, \"projects\": "
            "\"\", \"def_project\": \"*\", \"max_nodes\": 0, \"max_cores\": 0, "
            "\"max_sched_jobs\": 0, \"shares\": {\"deep\": [true, false]}}]");
    o = query ();
    json_t *b = q_assoc (o, 9, "b\xc3\xa9");
    ck_assert_ptr_nonnull (b);
    ck_assert_int_eq (json_array_size (json_object_get (b, "queues")), 1);
    ck_assert_int_eq (json_array_size (json_object_get (b, "projects")), 0);
    json_decref (o);
    /* The same association twice: the last wins; def_bank likewise. */
    char a2[512];
    update ("rec_update", "[%s, %s]",
            simple (a, sizeof (a), 5001, "A", 0.1, 1, 1, ""),
            simple (a2, sizeof (a2), 5001, "A", 0.2, 1, 1, ""));
    o = query ();
    ck_assert_double_eq (json_real_value (json_object_get (
                             q_assoc (o, 5001, "A"), "fairshare")), 0.2);
    json_decref (o);
    /* Empty arrays are empty tables. */
    update ("rec_q_update", "[]");
    update ("rec_bank_update", "[]");
    o = query ();
    ck_assert_int_eq (json_object_size (json_object_get (o, "queues")), 0);
    ck_assert_int_eq (json_object_size (json_object_get (o, "banks")), 0);
    json_decref (o);
    /* reprioritize ignores its payload. */
    ck_ok (fluxacct_engine_update (e, "reprioritize", "not json", &err));
}
END_TEST

/* A full load (and "replace": true) removes unlisted associations; a
 * removed one keeps counting its jobs until they end. */
START_TEST (replace_and_remove)
{
    char a1[512], a2[512], *json;

    update ("rec_update", "[%s, %s]",
            simple (a1, sizeof (a1), 5001, "A", 0.5, 1, 10, ""),
            simple (a2, sizeof (a2), 5002, "B", 0.5, 1, 10, ""));
    submit (1, job (5002, NULL, NULL, 1, 1));
    ck_assert_uint_eq (submit (2, job (5002, NULL, NULL, 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    ck_assert_int_ge (asprintf (&json, "{\"associations\": [%s]}",
                                simple (a1, sizeof (a1), 5001, "A", 0.5, 1,
                                        10, "")), 0);
    ck_ok (fluxacct_engine_load (e, json, &err));
    free (json);
    reject (job (5002, NULL, NULL, 1, 1), 1, ENOENT, "cannot find user/bank");
    json_t *o = query ();
    json_t *b = q_assoc (o, 5002, "B");
    ck_assert (json_is_true (json_object_get (b, "removed")));
    ck_assert_int_eq (json_integer_value (json_object_get (b,
                                                           "cur_active_jobs")),
                      2);
    json_decref (o);
    /* Its held job is still released in order. */
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    expect_release (2, FLUXACCT_HOLD_RUN_JOBS, 0);
    ck_ok (fluxacct_engine_job_inactive (e, 2, &err));
    o = query ();
    ck_assert_ptr_null (q_assoc (o, 5002, "B"));
    json_decref (o);
    /* Re-adding it brings it back. */
    update ("rec_update", "[%s]", simple (a2, sizeof (a2), 5002, "B", 0.5, 1,
                                          10, ""));
    submit (3, job (5002, NULL, NULL, 1, 1));
    /* rec_update with "replace": true; a removed association with jobs is
     * revived with its counters when listed again. */
    ck_ok (fluxacct_engine_update (e, "rec_update", "{\"replace\": true, "
                                   "\"data\": []}", &err));
    ck_assert_int_eq (fluxacct_engine_has_data (e), 0);
    update ("rec_update", "[%s]", simple (a2, sizeof (a2), 5002, "B", 0.5, 1,
                                          10, ""));
    ck_assert_int_eq (q_int (5002, "B", "cur_active_jobs"), 1);
    ck_assert_int_eq (q_int (5002, "B", "admitted_jobs"), 1);
}
END_TEST

/* A plugin reload replays active jobs: counters are rebuilt. */
START_TEST (replay)
{
    fluxacct_engine_jobdesc_t d = job (6001, NULL, NULL, 2, 4);
    fluxacct_engine_jobspec_update_t u = update0 ();
    unsigned add, remove;
    char a[512];

    update ("rec_update", "[%s]", simple (a, sizeof (a), 6001, "A", 0.5, 2,
                                          10, ""));
    ck_ok (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_RUN, &u, &err));
    ck_assert_ptr_null (u.bank); /* no jobspec updates on replay */
    ck_ok (fluxacct_engine_job_new (e, 2, &d, FLUXACCT_JOB_SCHED, &u, &err));
    ck_ok (fluxacct_engine_job_new (e, 3, &d, FLUXACCT_JOB_DEPEND, &u, &err));
    ck_ok (fluxacct_engine_job_new (e, 4, &d, FLUXACCT_JOB_CLEANUP, &u, &err));
    ck_ok (fluxacct_engine_job_depend (e, 3, &add, &remove, &err));
    ck_assert_uint_eq (add, FLUXACCT_HOLD_RUN_JOBS);
    ck_assert_uint_eq (remove, FLUXACCT_HOLD_ALL & ~FLUXACCT_HOLD_RUN_JOBS);
    ck_assert_int_eq (q_int (6001, "A", "cur_active_jobs"), 4);
    ck_assert_int_eq (q_int (6001, "A", "cur_run_jobs"), 1);
    ck_assert_int_eq (q_int (6001, "A", "cur_nodes"), 2);
    ck_assert_int_eq (q_int (6001, "A", "cur_sched_jobs"), 1);
    ck_assert_int_eq (q_int (6001, "A", "admitted_jobs"), 2);
    ck_ok (fluxacct_engine_job_inactive (e, 4, &err));
    expect_no_release ();
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    /* Held by an earlier instance: every hold may be there. */
    expect_release (3, FLUXACCT_HOLD_ALL, 0);
    /* A replayed DEPEND job that is admitted at once loses old holds. */
    ck_ok (fluxacct_engine_job_inactive (e, 2, &err));
    ck_ok (fluxacct_engine_job_new (e, 5, &d, FLUXACCT_JOB_DEPEND, &u, &err));
    ck_ok (fluxacct_engine_job_depend (e, 5, &add, &remove, &err));
    ck_assert_uint_eq (add, 0);
    ck_assert_uint_eq (remove, FLUXACCT_HOLD_ALL);
}
END_TEST

/* Replayed without data: running jobs are counted when data arrives. */
START_TEST (replay_without_data)
{
    fluxacct_engine_jobdesc_t d = job (6001, NULL, NULL, 1, 1);
    unsigned add, remove;
    char a[512];

    ck_ok (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_RUN, NULL, &err));
    ck_ok (fluxacct_engine_job_new (e, 2, &d, FLUXACCT_JOB_DEPEND, NULL,
                                    &err));
    ck_ok (fluxacct_engine_job_depend (e, 2, &add, &remove, &err));
    ck_assert_uint_eq (add, 0);
    ck_assert_uint_eq (remove, FLUXACCT_HOLD_ALL);
    update ("rec_update", "[%s]", simple (a, sizeof (a), 6001, "A", 0.5, 1,
                                          10, ""));
    ck_assert_int_eq (q_int (6001, "A", "cur_run_jobs"), 1);
    ck_assert_int_eq (prio (2, 16), FLUXACCT_PRIORITY_UNAVAILABLE);
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    expect_release (2, 0, 1);
}
END_TEST

/* --- export (database -> JSON -> engine) --- */

START_TEST (export_roundtrip)
{
    fluxacct_assoc_fields_t a;
    fluxacct_queue_fields_t q;
    char *json, *p;

    add_bank ("root", NULL, 1);
    add_bank ("A", "root", 1);
    ck_ok (fluxacct_queue_fields_init (&q, FLUXACCT_QUEUE_FIELDS_VERSION));
    q.queue = "batch";
    q.priority = 4;
    ck_ok (fluxacct_queue_add (db, &q, &err));
    ck_ok (fluxacct_assoc_fields_init (&a, FLUXACCT_ASSOC_FIELDS_VERSION));
    a.username = "alice";
    a.bank = "A";
    a.userid = 5001;
    a.max_running_jobs = 3;
    a.queues = "batch";
    ck_ok (fluxacct_assoc_add (db, &a, &err));
    ck_ok (fluxacct_project_add (db, "physics", &err));
    ck_ok (fluxacct_factor_edit (db, "bank", 5, &err));
    ck_ok (fluxacct_config_edit (db, "deny_unknown_queues", "true", &err));
    json = fluxacct_export_json (db, 0, &err);
    ck_assert_msg (json != NULL, "export: %s", err.text);
    json_t *o = json_loads (json, 0, NULL);
    ck_assert_ptr_nonnull (o);
    json_t *as = json_array_get (json_object_get (o, "associations"), 0);
    ck_assert_int_eq (json_integer_value (json_object_get (as, "userid")),
                      5001);
    ck_assert_str_eq (json_string_value (json_object_get (as, "def_bank")),
                      "A");
    ck_assert_str_eq (json_string_value (json_object_get (as, "projects")),
                      "*");
    ck_assert_str_eq (json_string_value (json_object_get (as,
                                                          "def_project")),
                      "*");
    /* flux-accounting's 13 keys and libfluxacct's max_wall_pj */
    ck_assert_int_eq (json_object_size (as), 14);
    ck_assert_int_eq (json_integer_value (json_object_get (as, "max_wall_pj")),
                      2147483647);
    ck_assert_int_eq (json_object_size (json_array_get (
                          json_object_get (o, "queues"), 0)), 10);
    ck_assert (json_is_true (json_object_get (json_object_get (o, "config"),
                                              "deny_unknown_queues")));
    ck_assert_int_eq (json_array_size (json_object_get (o, "projects")), 2);
    ck_assert_int_eq (json_array_size (json_object_get (o, "banks")), 2);
    ck_assert_int_eq (json_array_size (json_object_get (o,
                                                        "priority_factors")),
                      4);
    json_decref (o);
    /* The engine takes it as it is. */
    ck_ok (fluxacct_engine_load (e, json, &err));
    free (json);
    submit (1, job (5001, NULL, "batch", 1, 1));
    ck_assert_int_eq (prio (1, 16), 90000);
    ck_assert_int_eq (q_int (5001, "A", "max_run_jobs"), 3);
    /* Payloads. */
    static const char *names[] = {
        "rec_update", "rec_q_update", "rec_proj_update", "rec_bank_update",
        "rec_fac_update", "rec_config_update", "reprioritize",
    };
    for (size_t i = 0; i < 7; i++) {
        p = fluxacct_export_payload (db, names[i], 0, &err);
        ck_assert_msg (p != NULL, "%s: %s", names[i], err.text);
        ck_assert_msg (fluxacct_engine_update (e, names[i], p, &err) == 0,
                       "%s: %s", names[i], err.text);
        free (p);
    }
    p = fluxacct_export_payload (db, "rec_update", FLUXACCT_EXPORT_REPLACE,
                                 &err);
    ck_assert_ptr_nonnull (strstr (p, "\"replace\":true"));
    free (p);
    p = fluxacct_export_payload (db, "rec_q_update", FLUXACCT_EXPORT_INDENT,
                                 &err);
    ck_assert_ptr_nonnull (strstr (p, "\n  \"data\""));
    free (p);
    ck_null_with (fluxacct_export_payload (db, "rec_other", 0, &err), EINVAL,
                  "unknown payload \"rec_other\" (expected rec_update, "
                  "rec_q_update, rec_proj_update, rec_bank_update, "
                  "rec_fac_update, rec_config_update or reprioritize)");
    ck_null_with (fluxacct_export_payload (NULL, "rec_update", 0, &err),
                  EINVAL, "invalid");
    ck_null_with (fluxacct_export_json (NULL, 0, &err), EINVAL, "invalid");
    /* Inside a caller's batch, and on a read-only handle. */
    ck_ok (fluxacct_db_begin (db, &err));
    p = fluxacct_export_json (db, FLUXACCT_EXPORT_INDENT, &err);
    ck_assert_ptr_nonnull (p);
    free (p);
    ck_ok (fluxacct_db_rollback (db, &err));
    fluxacct_db_t *ro = fluxacct_db_open (test_path, FLUXACCT_DB_READONLY,
                                          &err);
    p = fluxacct_export_json (ro, 0, &err);
    ck_assert_msg (p != NULL, "read-only: %s", err.text);
    free (p);
    fluxacct_db_close (ro);
}
END_TEST

START_TEST (jobspec_parse_json)
{
    fluxacct_jobspec_info_t info;
    ck_ok (fluxacct_jobspec_info_init (&info, FLUXACCT_JOBSPEC_INFO_VERSION));
    json_t *js = json_pack ("{s:i s:[{s:s s:i s:[{s:s s:i}]}] s:{s:{s:s}}}",
                            "version", 1, "resources", "type", "node",
                            "count", 2, "with", "type", "core", "count", 4,
                            "attributes", "system", "bank", "A");
    ck_ok (fluxacct_jobspec_parse_json (js, &info, &err));
    ck_assert_int_eq (info.nnodes, 2);
    ck_assert_int_eq (info.ncores, 8);
    ck_assert_str_eq (info.bank, "A");
    fluxacct_jobspec_info_clear (&info);
    ck_ok (fluxacct_jobspec_count_json (js, &info, &err));
    ck_assert_int_eq (info.nnodes, 2);
    ck_assert_int_eq (info.ncores, 8);
    ck_assert_ptr_null (info.bank);
    /* Attributes are not read by the counter. */
    json_object_set_new (json_object_get (json_object_get (js, "attributes"),
                                          "system"),
                         "bank", json_integer (3));
    ck_ok (fluxacct_jobspec_count_json (js, &info, &err));
    ck_fail_with (fluxacct_jobspec_parse_json (js, &info, &err), EINVAL,
                  "attributes.system.bank");
    json_object_del (js, "version");
    ck_fail_with (fluxacct_jobspec_parse_json (js, &info, &err), EINVAL,
                  "jobspec: version: missing");
    ck_fail_with (fluxacct_jobspec_count_json (js, &info, &err), EINVAL,
                  "jobspec: version: missing");
    ck_fail_with (fluxacct_jobspec_count_json (NULL, &info, &err), EINVAL,
                  "jobspec is NULL");
    json_decref (js);
}
END_TEST

/* The seed's max wall time per job (max_wall_pj, minutes; issue 16): an
 * optional extra key of rec_update. */
START_TEST (max_wall_per_job)
{
    char a1[600], a2[600], a3[512];
    fluxacct_engine_jobdesc_t d;

    /* a version 1 description has no duration */
    d = job (5001, NULL, NULL, 1, 1);
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), 0);  /* no data */
    assoc (a1, sizeof (a1), 5001, "A", "A", 0.5, 5, 7, "", 1, "*", "*",
           2147483647L, 2147483647L, 2147483647L);
    strcpy (a1 + strlen (a1) - 1, ", \"max_wall_pj\": 60}");
    assoc (a2, sizeof (a2), 5001, "B", "A", 0.5, 5, 7, "", 1, "*", "*",
           2147483647L, 2147483647L, 2147483647L);
    strcpy (a2 + strlen (a2) - 1, ", \"max_wall_pj\": 2147483647}");
    update ("rec_update", "[%s, %s, %s]", a1, a2,
            simple (a3, sizeof (a3), 5002, "C", 0.5, 5, 7, ""));
    /* the default bank's limit applies to a job without bank */
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), 3600);
    d.bank = "B";
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), 0);
    d = job (5002, NULL, NULL, 1, 1);  /* no key: unlimited */
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), 0);
    d = job (7777, NULL, NULL, 1, 1);  /* no association */
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), 0);

    d = job (5001, NULL, NULL, 1, 1);
    d.duration = 3600;
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
    d.duration = 3600.5;
    reject (d, FLUXACCT_VALIDATE_SUBMIT, EPERM,
            "job duration (3600.5s) is greater than the max wall time per "
            "job limit max_wall_pj configured for association (3600s = 60 "
            "minutes)");
    d.bank = "B";
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
    /* version 1 callers never send a duration */
    d = job (5001, NULL, NULL, 1, 1);
    d.version = 1;
    d.duration = 1e9;
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
    /* bad arguments */
    d.version = 2;
    d.duration = -1;
    reject (d, FLUXACCT_VALIDATE_SUBMIT, EINVAL, "invalid");
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_max_wall (e, &d), -1);
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_int_eq (fluxacct_engine_max_wall (NULL, &d), -1);
    ck_assert_int_eq (fluxacct_engine_max_wall (e, NULL), -1);
    /* a bad value is a malformed payload */
    char bad[700];
    strcpy (a1 + strlen (a1) - 3, "-5}");
    snprintf (bad, sizeof (bad), "{\"data\": [%s]}", a1);
    ck_fail_with (fluxacct_engine_update (e, "rec_update", bad, &err), EINVAL,
                  "max_wall_pj");
}
END_TEST

/* The engine's init functions: every version, the defaults ("unknown" for
 * a job description, 0 / NULL for the results), the versions refused. */
START_TEST (engine_init_functions)
{
    fluxacct_engine_jobdesc_t d;
    fluxacct_engine_jobspec_update_t u;
    fluxacct_engine_priority_t p;
    fluxacct_engine_release_t r;
    static const size_t jobdesc_end[] = {
        offsetof (fluxacct_engine_jobdesc_t, duration),  /* version 1 */
        offsetof (fluxacct_engine_jobdesc_t, ngpus),     /* version 2 */
        sizeof (fluxacct_engine_jobdesc_t),              /* version 3 */
    };

    ck_assert_int_eq (FLUXACCT_ENGINE_JOBDESC_VERSION, 3);
    for (int v = 1; v <= FLUXACCT_ENGINE_JOBDESC_VERSION; v++) {
        ck_init_version (fluxacct_engine_jobdesc_init, &d, v,
                         jobdesc_end[v - 1]);
        ck_assert_uint_eq (d.userid, 0);
        ck_assert_ptr_null (d.bank);
        ck_assert_ptr_null (d.queue);
        ck_assert_ptr_null (d.project);
        ck_assert_int_eq (d.nnodes, -1);
        ck_assert_int_eq (d.ncores, -1);
        ck_assert_ptr_null (d.size_error);
        if (v >= 2)
            ck_assert_double_eq (d.duration, 0);
        if (v >= 3)
            ck_assert_int_eq (d.ngpus, 0);
    }
    ck_init_rejects (fluxacct_engine_jobdesc_init, fluxacct_engine_jobdesc_t,
                     FLUXACCT_ENGINE_JOBDESC_VERSION);
    for (int v = 1; v <= FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION; v++) {
        ck_init_version (fluxacct_engine_jobspec_update_init, &u, v,
                         sizeof (u));
        ck_assert_ptr_null (u.bank);
        ck_assert_ptr_null (u.project);
    }
    ck_init_rejects (fluxacct_engine_jobspec_update_init,
                     fluxacct_engine_jobspec_update_t,
                     FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION);
    for (int v = 1; v <= FLUXACCT_ENGINE_PRIORITY_VERSION; v++) {
        ck_init_version (fluxacct_engine_priority_init, &p, v, sizeof (p));
        ck_assert_int_eq (p.priority, 0);
        ck_assert_double_eq (p.fairshare, 0);
        ck_assert_int_eq (p.memo, 0);
    }
    ck_init_rejects (fluxacct_engine_priority_init, fluxacct_engine_priority_t,
                     FLUXACCT_ENGINE_PRIORITY_VERSION);
    for (int v = 1; v <= FLUXACCT_ENGINE_RELEASE_VERSION; v++) {
        ck_init_version (fluxacct_engine_release_init, &r, v, sizeof (r));
        ck_assert_uint_eq (r.id, 0);
        ck_assert_uint_eq (r.remove, 0);
        ck_assert_int_eq (r.reprioritize, 0);
    }
    ck_init_rejects (fluxacct_engine_release_init, fluxacct_engine_release_t,
                     FLUXACCT_ENGINE_RELEASE_VERSION);
}
END_TEST

/* Output structs of an unknown version: the call fails EINVAL naming the
 * struct (next_release: -1 EINVAL), writes nothing into it, and leaves
 * the engine as it was (the job is not added, the fair-share not marked
 * reported, the release still waiting). */
START_TEST (engine_unknown_versions)
{
    fluxacct_engine_jobdesc_t d = job (5001, NULL, NULL, 1, 1);
    fluxacct_engine_jobspec_update_t u, u_before;
    fluxacct_engine_priority_t p, p_before;
    fluxacct_engine_release_t r, r_before;
    char a[512], *q_before, *q_after;

    update ("rec_update", "[%s]", simple (a, sizeof (a), 5001, "A", 0.5, 1,
                                          100, ""));
    q_before = fluxacct_engine_query (e, &err);
    ck_assert_ptr_nonnull (q_before);

    /* job_new: its update out-parameter */
    memset (&u, 0, sizeof (u)); /* "= {0}": version 0 */
    u.bank = "junk";
    memcpy (&u_before, &u, sizeof (u));
    ck_fail_with (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, &u,
                                           &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_engine_jobspec_update_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_engine_jobspec_update_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_mem_eq (&u, &u_before, sizeof (u));
    u.version = FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION + 1;
    ck_fail_with (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, &u,
                                           &err), EINVAL,
                  "fluxacct_engine_jobspec_update_t: unknown version");
    q_after = fluxacct_engine_query (e, &err);
    ck_assert_str_eq (q_before, q_after); /* job 1 is not known */
    free (q_after);
    u = update0 ();
    ck_ok (fluxacct_engine_job_new (e, 1, &d, FLUXACCT_JOB_NEW, &u, &err));
    ck_assert_int_eq (u.version, FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION);
    ck_assert_str_eq (u.bank, "A"); /* the default bank, to write */

    /* job_priority: its out and update parameters */
    unsigned add = 7;
    ck_ok (fluxacct_engine_job_depend (e, 1, &add, NULL, &err));
    ck_assert_uint_eq (add, 0);
    memset (&p, 0, sizeof (p));
    p.priority = 12345;
    memcpy (&p_before, &p, sizeof (p));
    ck_fail_with (fluxacct_engine_job_priority (e, 1, 16, &p, NULL, &err),
                  EINVAL, UNKNOWN_VERSION (fluxacct_engine_priority_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_engine_priority_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_mem_eq (&p, &p_before, sizeof (p));
    p = prio0 ();
    memset (&u, 0, sizeof (u));
    ck_fail_with (fluxacct_engine_job_priority (e, 1, 16, &p, &u, &err),
                  EINVAL,
                  UNKNOWN_VERSION (fluxacct_engine_jobspec_update_t, 0));
    ck_assert_int_eq (p.priority, 0);
    /* nothing was reported: the first good call still asks for a memo */
    u = update0 ();
    ck_ok (fluxacct_engine_job_priority (e, 1, 16, &p, &u, &err));
    ck_assert_int_eq (p.version, FLUXACCT_ENGINE_PRIORITY_VERSION);
    ck_assert_int_eq (p.priority, 50000);
    ck_assert_int_eq (p.memo, 1);

    /* next_release: a job released by job 1's end stays waiting */
    ck_assert_uint_eq (submit (2, job (5001, "A", NULL, 1, 1)),
                       FLUXACCT_HOLD_RUN_JOBS);
    ck_ok (fluxacct_engine_job_sched (e, 1, &err));
    ck_ok (fluxacct_engine_job_run (e, 1, &err));
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    memset (&r, 0, sizeof (r));
    r.id = 99;
    memcpy (&r_before, &r, sizeof (r));
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_next_release (e, &r), -1);
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_mem_eq (&r, &r_before, sizeof (r));
    r.version = FLUXACCT_ENGINE_RELEASE_VERSION + 1;
    errno = 0;
    ck_assert_int_eq (fluxacct_engine_next_release (e, &r), -1);
    ck_assert_int_eq (errno, EINVAL);
    expect_release (2, FLUXACCT_HOLD_RUN_JOBS, 0);
    expect_no_release ();
    ck_ok (fluxacct_engine_job_inactive (e, 2, &err));
    free (q_before);

    /* the jobspec readers of fluxacct/json.h */
    fluxacct_jobspec_info_t info;
    json_t *js = json_pack ("{s:i s:[{s:s s:i}]}", "version", 1, "resources",
                            "type", "node", "count", 2);
    memset (&info, 0, sizeof (info));
    ck_fail_with (fluxacct_jobspec_parse_json (js, &info, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobspec_info_t, 0));
    ck_fail_with (fluxacct_jobspec_count_json (js, &info, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobspec_info_t, 0));
    ck_assert_int_eq (info.nnodes, 0);
    ck_ok (fluxacct_jobspec_info_init (&info, FLUXACCT_JOBSPEC_INFO_VERSION));
    ck_ok (fluxacct_jobspec_parse_json (js, &info, &err));
    ck_assert_int_eq (info.version, FLUXACCT_JOBSPEC_INFO_VERSION);
    ck_assert_int_eq (info.nnodes, 2);
    fluxacct_jobspec_info_clear (&info);
    ck_assert_int_eq (info.version, FLUXACCT_JOBSPEC_INFO_VERSION);
    json_decref (js);
}
END_TEST

static Suite *priority_suite (void)
{
    Suite *s = suite_create ("priority");
    TCase *tc = tcase_create ("engine");
    tcase_add_checked_fixture (tc, engine_setup, engine_teardown);
    tcase_add_test (tc, hold_names);
    tcase_add_test (tc, badparams);
    tcase_add_test (tc, engine_init_functions);
    tcase_add_test (tc, engine_unknown_versions);
    tcase_add_test (tc, priority_formula);
    tcase_add_test (tc, priority_default_weights_and_memo);
    tcase_add_test (tc, load_weights);
    tcase_add_test (tc, rejections);
    tcase_add_test (tc, holds_each_kind);
    tcase_add_test (tc, holds_released_by_new_limits);
    tcase_add_test (tc, counters);
    tcase_add_test (tc, late_data);
    tcase_add_test (tc, instance_owner);
    tcase_add_test (tc, bank_and_queue_updates);
    tcase_add_test (tc, plugin_services_list);
    tcase_add_test (tc, malformed_payloads_change_nothing);
    tcase_add_test (tc, partial_payloads);
    tcase_add_test (tc, replace_and_remove);
    tcase_add_test (tc, replay);
    tcase_add_test (tc, replay_without_data);
    tcase_add_test (tc, jobspec_parse_json);
    tcase_add_test (tc, max_wall_per_job);
    suite_add_tcase (s, tc);
    TCase *tx = tcase_create ("export");
    tcase_add_checked_fixture (tx, db_setup, db_teardown);
    tcase_add_checked_fixture (tx, engine_setup, engine_teardown);
    tcase_add_test (tx, export_roundtrip);
    suite_add_tcase (s, tx);
    return s;
}

RUN_SUITE (priority_suite)
