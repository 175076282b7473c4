/* Bank allocations in the priority engine (fluxacct/priority.h, issue 14):
 * the bank tree and its checks, R reserved and released, the three
 * allocation_enforcement policies, the hold and its release order.  The
 * same behaviour through mf_priority.so: tests/plugin/scripts/alloc.jt and
 * tests/flux/t3002-allocations.sh. */
#include <math.h>
#include <jansson.h>
#include "testutil.h"

static fluxacct_engine_t *e;

#define FAR "4102444800" /* 2100-01-01: a window that has not ended */

/* Users 1001 and 1002 in A1, 1003 in A, 1004 in B; banks root > A > A1,
 * root > B. */
static const char *assocs =
    "{\"data\": ["
    "{\"userid\": 1001, \"bank\": \"A1\", \"def_bank\": \"A1\", "
    "\"fairshare\": 0.5, \"max_running_jobs\": 100, \"max_active_jobs\": 100, "
    "\"queues\": \"\", \"active\": 1, \"projects\": \"*\", \"def_project\": "
    "\"*\", \"max_nodes\": 1000, \"max_cores\": 1000, \"max_sched_jobs\": 100},"
    "{\"userid\": 1002, \"bank\": \"A1\", \"def_bank\": \"A1\", "
    "\"fairshare\": 0.5, \"max_running_jobs\": 100, \"max_active_jobs\": 100, "
    "\"queues\": \"\", \"active\": 1, \"projects\": \"*\", \"def_project\": "
    "\"*\", \"max_nodes\": 1000, \"max_cores\": 1000, \"max_sched_jobs\": 100},"
    "{\"userid\": 1003, \"bank\": \"A\", \"def_bank\": \"A\", "
    "\"fairshare\": 0.5, \"max_running_jobs\": 100, \"max_active_jobs\": 100, "
    "\"queues\": \"\", \"active\": 1, \"projects\": \"*\", \"def_project\": "
    "\"*\", \"max_nodes\": 1000, \"max_cores\": 1000, \"max_sched_jobs\": 100},"
    "{\"userid\": 1004, \"bank\": \"B\", \"def_bank\": \"B\", "
    "\"fairshare\": 0.5, \"max_running_jobs\": 100, \"max_active_jobs\": 100, "
    "\"queues\": \"\", \"active\": 1, \"projects\": \"*\", \"def_project\": "
    "\"*\", \"max_nodes\": 1000, \"max_cores\": 1000, \"max_sched_jobs\": 100}"
    "]}";

/* rec_bank_update with A = (a_A, a_A1), U = (u_A, u_A1), window end w. */
static int banks (double a_a, double u_a, double a_a1, double u_a1,
                  const char *w)
{
    char p[1024];
    snprintf (p, sizeof (p),
              "{\"data\": ["
              "{\"bank\": \"root\", \"priority\": 0, \"parent_bank\": \"\"},"
              "{\"bank\": \"A\", \"priority\": 0, \"parent_bank\": \"root\", "
              "\"allocation\": %.17g, \"allocation_used\": %.17g, "
              "\"allocation_window_end\": %s},"
              "{\"bank\": \"A1\", \"priority\": 0, \"parent_bank\": \"A\", "
              "\"allocation\": %.17g, \"allocation_used\": %.17g, "
              "\"allocation_window_end\": %s},"
              "{\"bank\": \"B\", \"priority\": 0, \"parent_bank\": \"root\"}"
              "]}",
              a_a, u_a, w, a_a1, u_a1, w);
    return fluxacct_engine_update (e, "rec_bank_update", p, &err);
}

static void policy (const char *p)
{
    char buf[256];
    snprintf (buf, sizeof (buf),
              "{\"data\": {\"allocation_enforcement\": \"%s\"}}", p);
    ck_ok (fluxacct_engine_update (e, "rec_config_update", buf, &err));
}

static void setup (void)
{
    e = fluxacct_engine_create (&err);
    ck_assert_ptr_nonnull (e);
    ck_ok (fluxacct_engine_update (e, "rec_update", assocs, &err));
    ck_ok (banks (0, 0, 0, 0, "0"));
}

static void teardown (void)
{
    fluxacct_engine_destroy (e);
    e = NULL;
}

static char *query_text (void)
{
    char *s = fluxacct_engine_query (e, &err);
    ck_assert_msg (s != NULL, "query: %s", err.text);
    return s;
}

/* The "allocations" entry key of bank in the query. */
static json_t *q_get (const char *bank, const char *key)
{
    char *s = query_text ();
    json_t *o = json_loads (s, 0, NULL);
    json_t *v;

    free (s);
    ck_assert_ptr_nonnull (o);
    v = json_object_get (json_object_get (json_object_get (o, "allocations"),
                                          bank), key);
    ck_assert_msg (v != NULL, "no allocations.%s.%s", bank, key);
    json_incref (v);
    json_decref (o);
    return v;
}

static double q_num (const char *bank, const char *key)
{
    json_t *v = q_get (bank, key);
    double d = json_number_value (v);
    json_decref (v);
    return d;
}

/* A string value, copied to static storage (valid until the next call). */
static const char *q_str (const char *bank, const char *key)
{
    static char buf[256];
    json_t *v = q_get (bank, key);
    ck_assert (json_is_string (v));
    snprintf (buf, sizeof (buf), "%s", json_string_value (v));
    json_decref (v);
    return buf;
}

static int q_bool (const char *bank, const char *key)
{
    json_t *v = q_get (bank, key);
    int b = json_is_true (v);
    json_decref (v);
    return b;
}

static fluxacct_engine_jobdesc_t job (unsigned uid, double duration)
{
    fluxacct_engine_jobdesc_t d;
    ck_ok (fluxacct_engine_jobdesc_init (&d, FLUXACCT_ENGINE_JOBDESC_VERSION));
    d.userid = uid;
    d.nnodes = 1;
    d.ncores = 1;
    d.duration = duration;
    return d;
}

/* validate, new, depend; returns the holds added. */
static unsigned submit (uint64_t id, fluxacct_engine_jobdesc_t d)
{
    unsigned add = 0;
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
    ck_ok (fluxacct_engine_job_new (e, id, &d, FLUXACCT_JOB_NEW, NULL, &err));
    ck_ok (fluxacct_engine_job_depend (e, id, &add, NULL, &err));
    return add;
}

static void run (uint64_t id)
{
    ck_ok (fluxacct_engine_job_sched (e, id, &err));
    ck_ok (fluxacct_engine_job_run (e, id, &err));
}

static void expect_release (uint64_t id, unsigned remove)
{
    fluxacct_engine_release_t r;
    ck_ok (fluxacct_engine_release_init (&r, FLUXACCT_ENGINE_RELEASE_VERSION));
    ck_assert_int_eq (fluxacct_engine_next_release (e, &r), 1);
    ck_assert_uint_eq (r.id, id);
    ck_assert_uint_eq (r.remove, remove);
}

static void expect_no_release (void)
{
    fluxacct_engine_release_t r;
    ck_ok (fluxacct_engine_release_init (&r, FLUXACCT_ENGINE_RELEASE_VERSION));
    ck_assert_int_eq (fluxacct_engine_next_release (e, &r), 0);
}

/* -------------------------------------------------------------------- */

START_TEST (hold_name_and_defaults)
{
    char *s;

    ck_assert_str_eq (fluxacct_engine_hold_name (FLUXACCT_HOLD_ALLOCATION),
                      "allocation-exhausted");
    ck_assert_uint_eq (FLUXACCT_HOLD_ALL & FLUXACCT_HOLD_ALLOCATION,
                       FLUXACCT_HOLD_ALLOCATION);
    s = query_text ();
    ck_assert_ptr_nonnull (strstr (s, "\"allocation_enforcement\":\"off\""));
    ck_assert_ptr_nonnull (strstr (s,
                                   "\"allocation_default_time_limit\":3600"));
    free (s);
    ck_assert_str_eq (q_str ("A1", "parent_bank"), "A");
    ck_assert_double_eq (q_num ("A1", "allocation"), 0);
}
END_TEST

/* off: R is tracked and shown, nothing is held or rejected. */
START_TEST (policy_off_tracks_r)
{
    ck_ok (banks (1e6, 0, 5000, 4000, FAR));
    ck_assert_uint_eq (submit (1, job (1001, 1000)), 0);
    ck_assert_uint_eq (submit (2, job (1002, 1000)), 0);
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 2000);
    ck_assert_double_eq (q_num ("A", "allocation_reserved"), 2000);
    ck_assert_double_eq (q_num ("root", "allocation_reserved"), 2000);
    ck_assert_double_eq (q_num ("B", "allocation_reserved"), 0);
    ck_assert_double_eq (q_num ("A1", "allocation_used"), 4000);
    ck_assert (q_bool ("A1", "exhausted"));
    /* exhausted, but off: accepted and admitted */
    ck_assert_uint_eq (submit (3, job (1001, 1000)), 0);
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 3000);
}
END_TEST

/* reject: refused at submission naming the bank, A and U+R; the path is
 * checked up to the root. */
START_TEST (policy_reject)
{
    fluxacct_engine_jobdesc_t d = job (1001, 1000);

    policy ("reject");
    ck_ok (banks (1e6, 0, 5000, 4500, FAR));
    /* 4500 < 5000: accepted, then U + R = 5500 */
    ck_assert_uint_eq (submit (1, job (1001, 1000)), 0);
    ck_fail_with (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT,
                                            &err),
                  EPERM, "bank A1: allocation exhausted: used+reserved 5500 "
                         ">= allocation 5000");
    /* a pending job re-validated (flux update) is not refused */
    ck_ok (fluxacct_engine_validate (e, &d, 0, &err));
    /* a job in another subtree is accepted */
    ck_assert_uint_eq (submit (2, job (1004, 1000)), 0);
    /* a parent exhausted: A1 has room, A does not */
    ck_ok (banks (6000, 5500, 1e6, 0, FAR));
    ck_fail_with (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT,
                                            &err),
                  EPERM, "bank A: allocation exhausted: used+reserved 6500 "
                         ">= allocation 6000");
    d.userid = 1003;
    ck_fail_with (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT,
                                            &err), EPERM, "bank A:");
    /* reject never holds */
    ck_assert_uint_eq (fluxacct_engine_job_new (e, 3, &d, FLUXACCT_JOB_NEW,
                                                NULL, &err), 0);
    unsigned add = 1;
    ck_ok (fluxacct_engine_job_depend (e, 3, &add, NULL, &err));
    ck_assert_uint_eq (add, 0);
    /* a raised allocation: accepted again */
    ck_ok (banks (1e6, 5500, 1e6, 0, FAR));
    d.userid = 1001;
    ck_ok (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &err));
}
END_TEST

/* hold: held with allocation-exhausted; released in submission order
 * across users when an ended job or new data gives room; running jobs
 * never touched. */
START_TEST (policy_hold_and_release_order)
{
    policy ("hold");
    ck_ok (banks (6000, 0, 5000, 0, FAR));
    ck_assert_uint_eq (submit (1, job (1001, 2000)), 0);
    ck_assert_uint_eq (submit (2, job (1002, 2000)), 0);
    ck_assert_uint_eq (submit (3, job (1001, 2000)), 0); /* 4000 < 5000 */
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 6000);
    /* exhausted now: held, user 1002 first, then 1001, then 1003 (in A) */
    ck_assert_uint_eq (submit (4, job (1002, 2000)), FLUXACCT_HOLD_ALLOCATION);
    ck_assert_uint_eq (submit (5, job (1001, 2000)), FLUXACCT_HOLD_ALLOCATION);
    ck_assert_uint_eq (submit (6, job (1003, 2000)), FLUXACCT_HOLD_ALLOCATION);
    /* a priority of a held job is still computed (held in DEPEND) */
    run (1);
    run (2);
    expect_no_release ();
    /* job 1 ends at once: its cost is its run time (about 0), so A1 and A
     * have room for exactly one job: the oldest held, job 4 (user 1002),
     * not job 5 (user 1001, whose association holds its jobs first) */
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    expect_release (4, FLUXACCT_HOLD_ALLOCATION);
    expect_no_release ();
    double ended = q_num ("A1", "allocation_ended");
    ck_assert (ended >= 0 && ended < 100);
    ck_assert_double_eq_tol (q_num ("A1", "allocation_reserved"),
                             6000 + ended, 1e-6);
    /* running jobs are never touched: raising nothing releases nothing */
    ck_ok (fluxacct_engine_update (e, "reprioritize", NULL, &err));
    expect_no_release ();
    /* new data: A1 raised, A still exhausted (R 6000 >= 6000) */
    ck_ok (banks (6000, 0, 1e6, 0, FAR));
    expect_no_release ();
    /* the new bank data dropped the ended job's cost (its U counts it) */
    ck_assert_double_eq (q_num ("A1", "allocation_ended"), 0);
    /* both raised: job 5 then job 6, in submission order */
    ck_ok (banks (1e6, 0, 1e6, 0, FAR));
    expect_release (5, FLUXACCT_HOLD_ALLOCATION);
    expect_release (6, FLUXACCT_HOLD_ALLOCATION);
    expect_no_release ();
    ck_assert_double_eq (q_num ("A", "allocation_reserved"), 5 * 2000);
    /* switching the policy off releases nothing more (none held) and a
     * new exhausted state holds nothing */
    policy ("off");
    ck_ok (banks (1, 0, 1, 0, FAR));
    ck_assert_uint_eq (submit (7, job (1001, 2000)), 0);
}
END_TEST

/* Held jobs are released by switching the policy off, and by a new
 * window (the window end in the past: U counts 0). */
START_TEST (hold_released_by_window_and_policy)
{
    policy ("hold");
    ck_ok (banks (1e6, 0, 5000, 5000, FAR));
    ck_assert (q_bool ("A1", "exhausted"));
    ck_assert_uint_eq (submit (1, job (1001, 100)), FLUXACCT_HOLD_ALLOCATION);
    /* the same U, but its window has ended */
    ck_ok (banks (1e6, 0, 5000, 5000, "1"));
    expect_release (1, FLUXACCT_HOLD_ALLOCATION);
    ck_assert_double_eq (q_num ("A1", "allocation_used"), 0);
    ck_assert (!q_bool ("A1", "exhausted"));
    ck_ok (banks (1e6, 0, 5000, 5000, FAR));
    ck_assert_uint_eq (submit (2, job (1001, 100)), FLUXACCT_HOLD_ALLOCATION);
    policy ("off");
    expect_release (2, FLUXACCT_HOLD_ALLOCATION);
}
END_TEST

/* R: weights and default time limit from config, GPUs, release without
 * charge for a job that never ran, rebuild when the tree changes. */
START_TEST (reserve_and_release)
{
    fluxacct_engine_jobdesc_t d = job (1001, 0);

    ck_ok (fluxacct_engine_update (
        e, "rec_config_update",
        "{\"data\": {\"node_weight\": 2, \"core_weight\": 0.5, "
        "\"gpu_weight\": 10, \"allocation_default_time_limit\": 100}}", &err));
    d.nnodes = 2;
    d.ncores = 4;
    d.ngpus = 1;
    ck_assert_uint_eq (submit (1, d), 0);
    /* (2*2 + 4*0.5 + 1*10) * 100 */
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 1600);
    ck_assert_double_eq (q_num ("root", "allocation_reserved"), 1600);
    /* a version 2 description has no GPU count */
    d.version = 2;
    d.duration = 10;
    ck_assert_uint_eq (submit (2, d), 0);
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 1660);
    /* cancelled before running: no charge */
    ck_ok (fluxacct_engine_job_inactive (e, 2, &err));
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 1600);
    ck_assert_double_eq (q_num ("A1", "allocation_ended"), 0);
    /* A1 moves under B: the running reservation follows the tree */
    run (1);
    ck_ok (fluxacct_engine_update (
        e, "rec_bank_update",
        "{\"data\": [{\"bank\": \"root\", \"priority\": 0},"
        "{\"bank\": \"A\", \"priority\": 0, \"parent_bank\": \"root\"},"
        "{\"bank\": \"B\", \"priority\": 0, \"parent_bank\": \"root\"},"
        "{\"bank\": \"A1\", \"priority\": 0, \"parent_bank\": \"B\"}]}",
        &err));
    ck_assert_double_eq (q_num ("B", "allocation_reserved"), 1600);
    ck_assert_double_eq (q_num ("A", "allocation_reserved"), 0);
    ck_assert_double_eq (q_num ("root", "allocation_reserved"), 1600);
    /* ends after running: R leaves only its run time's cost */
    ck_ok (fluxacct_engine_job_inactive (e, 1, &err));
    double ended = q_num ("A1", "allocation_ended");
    ck_assert (ended >= 0 && ended < 1600);
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), ended);
    ck_assert_double_eq (q_num ("B", "allocation_ended"), ended);
}
END_TEST

/* A bank move of a pending job moves its reservation. */
START_TEST (bank_move_moves_reservation)
{
    const char *two =
        "{\"data\": [{\"userid\": 1001, \"bank\": \"B\", \"def_bank\": \"A1\", "
        "\"fairshare\": 0.5, \"max_running_jobs\": 100, "
        "\"max_active_jobs\": 100, \"queues\": \"\", \"active\": 1, "
        "\"projects\": \"*\", \"def_project\": \"*\", \"max_nodes\": 1000, "
        "\"max_cores\": 1000, \"max_sched_jobs\": 100}]}";
    ck_ok (fluxacct_engine_update (e, "rec_update", two, &err));
    ck_assert_uint_eq (submit (1, job (1001, 50)), 0);
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 50);
    ck_ok (fluxacct_engine_job_update (e, 1, "B", NULL, &err));
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 0);
    ck_assert_double_eq (q_num ("B", "allocation_reserved"), 50);
    ck_assert_double_eq (q_num ("root", "allocation_reserved"), 50);
}
END_TEST

/* Old payloads (flux-accounting's) without the keys still load: no tree,
 * no allocation, nothing enforced. */
START_TEST (old_payloads)
{
    policy ("hold");
    ck_ok (fluxacct_engine_update (
        e, "rec_bank_update",
        "{\"data\": [{\"bank\": \"A1\", \"priority\": 1.5}]}", &err));
    ck_ok (fluxacct_engine_update (
        e, "rec_config_update", "{\"data\": {\"deny_unknown_queues\": false}}",
        &err));
    ck_assert_uint_eq (submit (1, job (1001, 10)), 0);
    ck_assert_str_eq (q_str ("A1", "parent_bank"), "");
    ck_assert_double_eq (q_num ("A1", "allocation"), 0);
    ck_assert_double_eq (q_num ("A1", "allocation_reserved"), 10);
}
END_TEST

/* Depth: 100 levels (the root is level 1, as in the database) are
 * accepted, 101 are not. */
static int chain (int n)
{
    size_t size = 64 + (size_t)n * 96;
    char *p = malloc (size);
    size_t off;
    int rc;

    ck_assert_ptr_nonnull (p);
    off = (size_t)snprintf (p, size, "{\"data\": [");
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf (p + off, size - off,
                                 "%s{\"bank\": \"c%d\", \"priority\": 0, "
                                 "\"parent_bank\": \"%s%d\"}",
                                 i ? "," : "", i, i ? "c" : "", i ? i - 1 : 0);
    snprintf (p + off, size - off, "]}");
    /* the first bank is the root */
    char *root = strstr (p, "\"parent_bank\": \"0\"");
    memcpy (root, "\"parent_bank\": \"\" ", 18);
    rc = fluxacct_engine_update (e, "rec_bank_update", p, &err);
    free (p);
    return rc;
}

START_TEST (malformed_keys_change_nothing)
{
    static const struct {
        const char *name, *payload, *msg;
    } bad[] = {
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"parent_bank\": \"nosuch\"}]}",
          "rec_bank_update: data[0].parent_bank: unknown bank \"nosuch\"" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"parent_bank\": \"Y\"}, {\"bank\": \"Y\", \"priority\": 0, "
          "\"parent_bank\": \"X\"}]}",
          "parent_bank: cycle through bank" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"parent_bank\": \"X\"}]}",
          "data[0].parent_bank: a bank cannot be its own parent \"X\"" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"parent_bank\": 3}]}",
          "data[0].parent_bank: expected a string, got" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"allocation\": -1}]}",
          "data[0].allocation: expected a number from 0" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"allocation\": 1e999}]}",
          "data[0].allocation: " },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"allocation_used\": \"5\"}]}",
          "data[0].allocation_used: expected a number" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"allocation_window_end\": -1}]}",
          "data[0].allocation_window_end: expected an integer" },
        { "rec_bank_update",
          "{\"data\": [{\"bank\": \"X\", \"priority\": 0, "
          "\"allocation_window_end\": 1.5}]}",
          "allocation_window_end: expected an integer" },
        { "rec_config_update",
          "{\"data\": {\"allocation_enforcement\": \"maybe\"}}",
          "rec_config_update: data.allocation_enforcement: expected \"off\", "
          "\"hold\" or \"reject\", got \"maybe\"" },
        { "rec_config_update",
          "{\"data\": {\"allocation_enforcement\": \"hold\", "
          "\"allocation_default_time_limit\": 0}}",
          "data.allocation_default_time_limit: expected an integer from 1 to "
          "31536000" },
        { "rec_config_update", "{\"data\": {\"node_weight\": -0.5}}",
          "data.node_weight: expected a number from 0" },
        { "rec_config_update", "{\"data\": {\"gpu_weight\": null}}",
          "data.gpu_weight: expected a number" },
    };
    char *before, *after;

    policy ("reject");
    ck_ok (banks (1e6, 10, 5000, 20, FAR));
    ck_assert_uint_eq (submit (1, job (1001, 10)), 0);
    before = query_text ();
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        ck_fail_with (fluxacct_engine_update (e, bad[i].name, bad[i].payload,
                                              &err),
                      EINVAL, bad[i].msg);
        after = query_text ();
        ck_assert_msg (strcmp (before, after) == 0, "payload %zu changed "
                       "the engine", i);
        free (after);
    }
    /* the load-time object is checked the same way */
    ck_fail_with (fluxacct_engine_load (e, "{\"banks\": [{\"bank\": \"X\", "
                                        "\"priority\": 0, \"parent_bank\": "
                                        "\"Z\"}]}", &err),
                  EINVAL, "banks[0].parent_bank: unknown bank \"Z\"");
    after = query_text ();
    ck_assert_str_eq (before, after);
    free (after);
    /* depth */
    ck_ok (chain (100));
    ck_fail_with (chain (101), EINVAL, "bank tree of more than 100 levels");
    free (before);
}
END_TEST

static Suite *allocation_suite (void)
{
    Suite *s = suite_create ("allocation");
    TCase *tc = tcase_create ("engine");
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, hold_name_and_defaults);
    tcase_add_test (tc, policy_off_tracks_r);
    tcase_add_test (tc, policy_reject);
    tcase_add_test (tc, policy_hold_and_release_order);
    tcase_add_test (tc, hold_released_by_window_and_policy);
    tcase_add_test (tc, reserve_and_release);
    tcase_add_test (tc, bank_move_moves_reservation);
    tcase_add_test (tc, old_payloads);
    tcase_add_test (tc, malformed_keys_change_nothing);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (allocation_suite)
