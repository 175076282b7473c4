/* Fuzz the priority engine's payload reader (the plugin's service requests
 * and load-time config=).  The first byte picks the entry point, the rest
 * is the JSON text.  Invariants:
 *   - a refused payload sets EINVAL (or ENOMEM), names the service, and
 *     leaves the engine exactly as it was (same query output);
 *   - an accepted payload is valid JSON (jansson agrees);
 *   - after it, jobs still flow: every limit counter returns to zero once
 *     all jobs are inactive, and priorities stay in [0, 4294967295];
 *   - every bank's reservation of admitted jobs (allocations) returns to
 *     zero too. */
#include <jansson.h>
#include "fuzz.h"
#include "fluxacct/engine.h"

static const char *const entry[8] = {
    "rec_update", "rec_q_update", "rec_proj_update", "rec_bank_update",
    "rec_fac_update", "rec_config_update", "reprioritize", "load",
};

/* A state with associations, queues and active jobs, one of them held. */
static fluxacct_engine_t *baseline (void)
{
    static const char *data =
        "{\"associations\": ["
        "{\"userid\": 1, \"bank\": \"A\", \"def_bank\": \"A\", \"fairshare\": "
        "0.5, \"max_running_jobs\": 1, \"max_active_jobs\": 10, \"queues\": "
        "\"q\", \"active\": 1, \"projects\": \"*\", \"def_project\": \"*\", "
        "\"max_nodes\": 10, \"max_cores\": 10, \"max_sched_jobs\": 5},"
        "{\"userid\": 2, \"bank\": \"B\", \"def_bank\": \"B\", \"fairshare\": "
        "1, \"max_running_jobs\": 5, \"max_active_jobs\": 10, \"queues\": "
        "\"\", \"active\": 1, \"projects\": \"*\", \"def_project\": \"*\", "
        "\"max_nodes\": 10, \"max_cores\": 10, \"max_sched_jobs\": 5}],"
        "\"queues\": [{\"queue\": \"q\", \"min_nodes_per_job\": 1, "
        "\"max_nodes_per_job\": 1, \"max_time_per_job\": 60, \"priority\": 1, "
        "\"max_running_jobs\": 2, \"max_nodes_per_assoc\": 5, "
        "\"max_sched_jobs\": 5, \"max_sched_nodes_per_assoc\": 5, "
        "\"max_sched_cores_per_assoc\": 5}]}";
    fluxacct_engine_jobdesc_t d;
    fluxacct_error_t err;
    fluxacct_engine_t *e = fluxacct_engine_create (&err);
    unsigned add;

    FUZZ_ASSERT (fluxacct_engine_jobdesc_init (
                     &d, FLUXACCT_ENGINE_JOBDESC_VERSION) == 0);
    FUZZ_ASSERT (e && fluxacct_engine_load (e, data, &err) == 0);
    FUZZ_ASSERT (fluxacct_engine_set_owner (e, 0, &err) == 0);
    d.nnodes = d.ncores = 1;
    d.queue = "q";
    for (uint64_t id = 1; id <= 3; id++) {
        d.userid = id == 3 ? 2 : 1;
        FUZZ_ASSERT (fluxacct_engine_job_new (e, id, &d, FLUXACCT_JOB_NEW,
                                              NULL, &err) == 0);
        FUZZ_ASSERT (fluxacct_engine_job_depend (e, id, &add, NULL, &err)
                     == 0);
    }
    /* A job submitted with no association: waits for data. */
    d.userid = 7;
    FUZZ_ASSERT (fluxacct_engine_job_new (e, 4, &d, FLUXACCT_JOB_NEW, NULL,
                                          &err) == 0);
    return e;
}

static void drain (fluxacct_engine_t *e)
{
    fluxacct_engine_release_t r;
    int rc;

    FUZZ_ASSERT (fluxacct_engine_release_init (
                     &r, FLUXACCT_ENGINE_RELEASE_VERSION) == 0);
    while ((rc = fluxacct_engine_next_release (e, &r)) == 1)
        FUZZ_ASSERT (r.id >= 1 && r.id <= 5);
    FUZZ_ASSERT (rc == 0);
}

/* Jobs still work after the payload, and all counters go back to 0. */
static void exercise (fluxacct_engine_t *e)
{
    fluxacct_engine_jobdesc_t d;
    fluxacct_engine_priority_t p;
    fluxacct_error_t err;
    unsigned add;

    FUZZ_ASSERT (fluxacct_engine_jobdesc_init (
                     &d, FLUXACCT_ENGINE_JOBDESC_VERSION) == 0);
    FUZZ_ASSERT (fluxacct_engine_priority_init (
                     &p, FLUXACCT_ENGINE_PRIORITY_VERSION) == 0);
    d.userid = 1;
    d.nnodes = d.ncores = 1;
    if (fluxacct_engine_job_new (e, 5, &d, FLUXACCT_JOB_NEW, NULL, &err) == 0)
        (void)fluxacct_engine_job_depend (e, 5, &add, NULL, &err);
    for (uint64_t id = 1; id <= 5; id++) {
        if (fluxacct_engine_job_priority (e, id, 16, &p, NULL, &err) == 0)
            FUZZ_ASSERT (p.priority == FLUXACCT_PRIORITY_UNAVAILABLE
                         || (p.priority >= 0
                             && p.priority <= FLUXACCT_PRIORITY_MAX));
        (void)fluxacct_engine_job_sched (e, id, &err);
        (void)fluxacct_engine_job_run (e, id, &err);
        drain (e);
    }
    for (uint64_t id = 1; id <= 5; id++) {
        (void)fluxacct_engine_job_inactive (e, id, &err);
        drain (e);
    }
    char *q = fluxacct_engine_query (e, &err);
    json_t *o = q ? json_loads (q, 0, NULL) : NULL;
    size_t i, j;
    json_t *u, *b;
    FUZZ_ASSERT (o != NULL);
    json_array_foreach (json_object_get (o, "mf_priority_map"), i, u) {
        json_array_foreach (json_object_get (u, "banks"), j, b) {
            static const char *const keys[] = {
                "cur_active_jobs", "cur_run_jobs", "cur_sched_jobs",
                "cur_nodes", "cur_cores", "admitted_jobs", "admitted_nodes",
                "admitted_cores",
            };
            for (size_t k = 0; k < sizeof (keys) / sizeof (keys[0]); k++)
                FUZZ_ASSERT (json_integer_value (json_object_get (b, keys[k]))
                             == 0);
            FUZZ_ASSERT (json_object_size (json_object_get (b, "held_jobs"))
                         == 0);
        }
    }
    FUZZ_ASSERT (json_integer_value (json_object_get (
                     o, "jobs_waiting_for_data")) == 0);
    /* Allocations: no job left, so R is only the ended jobs' cost. */
    const char *bank;
    json_object_foreach (json_object_get (o, "allocations"), bank, b) {
        double r = json_number_value (json_object_get (b, "allocation_reserved"));
        double x = json_number_value (json_object_get (b, "allocation_ended"));
        FUZZ_ASSERT (r >= 0 && x >= 0 && r - x == 0);
    }
    json_decref (o);
    free (q);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const char *name;
    fluxacct_engine_t *e;
    fluxacct_error_t err;
    char *s, *before, *after;
    int rc;

    if (size < 1)
        return 0;
    name = entry[data[0] % 8];
    s = fuzz_string (data + 1, size - 1);
    e = baseline ();
    before = fluxacct_engine_query (e, &err);
    FUZZ_ASSERT (before != NULL);
    memset (&err, 0, sizeof (err));
    if (strcmp (name, "load") == 0)
        rc = fluxacct_engine_load (e, s, &err);
    else
        rc = fluxacct_engine_update (e, name, s, &err);
    if (rc < 0) {
        FUZZ_ASSERT (errno == EINVAL || errno == ENOMEM);
        FUZZ_ASSERT (memchr (err.text, '\0', sizeof (err.text)) != NULL);
        FUZZ_ASSERT (err.text[0] != '\0');
        after = fluxacct_engine_query (e, &err);
        FUZZ_ASSERT (after != NULL && strcmp (before, after) == 0);
        free (after);
    }
    else if (strcmp (name, "reprioritize") != 0) {
        /* Accepted text is JSON (jansson: NULs allowed in strings, big
         * integers read as reals, as the engine does). */
        json_t *o = json_loads (s, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL,
                                NULL);
        FUZZ_ASSERT (o != NULL);
        json_decref (o);
    }
    drain (e);
    exercise (e);
    fluxacct_engine_destroy (e);
    free (before);
    free (s);
    return 0;
}
