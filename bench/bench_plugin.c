/* mf_priority.so benchmark through the job-manager host (tests/jobtap-host).
 *
 *   bench_plugin MF_PRIORITY.so NULL_PLUGIN.so [NJOBS [NASSOC [NPENDING]]]
 *
 * defaults 1000000 jobs, 10000 associations, 100000 pending jobs.  Reports:
 *   - NJOBS jobs through submit -> priority -> run -> inactive with NASSOC
 *     associations loaded, with mf_priority and with the null plugin (same
 *     topics, no work): the difference is the plugin's own work;
 *   - the same job sequence through the engine's library API alone;
 *   - ns per priority calculation (engine alone, and through the host);
 *   - a rec_update of NPENDING associations (through the service, from the
 *     request text);
 *   - a reprioritize of NPENDING pending jobs (unchanged and all changed
 *     priorities), with the null plugin's time for the same walk.
 * Times are the process's CPU time (less disturbed by other processes on a
 * shared machine than wall-clock); the job phase is run ROUNDS times (3,
 * or $BENCH_ROUNDS), alternating mf_priority and the null plugin, and the
 * best time of each is kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <fluxacct/engine.h>
#include "host.h"

static double now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die (const char *what, const char *text)
{
    fprintf (stderr, "bench_plugin: %s: %s\n", what, text);
    exit (1);
}

/* {"data": [...]} (or the bare array) of n associations, uid 10000+i in
 * bank A, limits high enough that no job is held. */
static char *associations (long n, double fs, int wrap)
{
    size_t size = (size_t)n * 330 + 64, len = 0;
    char *s = malloc (size);

    if (!s)
        die ("malloc", "out of memory");
    len += (size_t)sprintf (s + len, wrap ? "{\"data\":[" : "[");
    for (long i = 0; i < n; i++)
        len += (size_t)sprintf (s + len,
                                "%s{\"userid\":%ld,\"bank\":\"A\",\"def_bank\":"
                                "\"A\",\"fairshare\":%.6f,\"max_running_jobs\":"
                                "100000,\"max_active_jobs\":100000,\"queues\":"
                                "\"batch,debug\",\"active\":1,\"projects\":"
                                "\"*\",\"def_project\":\"*\",\"max_nodes\":"
                                "2147483647,\"max_cores\":2147483647,"
                                "\"max_sched_jobs\":2147483647}",
                                i ? "," : "", 10000 + i,
                                fs + (double)(i % 1000) * 1e-4);
    len += (size_t)sprintf (s + len, wrap ? "]}" : "]");
    return s;
}

static char *config (long nassoc)
{
    char *a = associations (nassoc, 0.5, 0);
    char *s = malloc (strlen (a) + 1024);

    sprintf (s, "{\"owner_userid\":1,\"config\":{\"associations\":%s,"
             "\"queues\":[{\"queue\":\"batch\",\"min_nodes_per_job\":1,"
             "\"max_nodes_per_job\":1,\"max_time_per_job\":60,\"priority\":1,"
             "\"max_running_jobs\":100000,\"max_nodes_per_assoc\":2147483647,"
             "\"max_sched_jobs\":2147483647,\"max_sched_nodes_per_assoc\":"
             "2147483647,\"max_sched_cores_per_assoc\":2147483647}]}}", a);
    free (a);
    return s;
}

static json_t *jobspec (void)
{
    return json_pack ("{s:i s:[{s:s s:i s:[{s:s s:i s:s s:[{s:s s:i}]}]}]"
                      " s:[{s:[s] s:s s:{s:i}}] s:{s:{s:f s:s s:s}}}",
                      "version", 1,
                      "resources", "type", "node", "count", 1, "with",
                      "type", "slot", "count", 1, "label", "task", "with",
                      "type", "core", "count", 1,
                      "tasks", "command", "true", "slot", "task", "count",
                      "per_slot", 1,
                      "attributes", "system", "duration", 60.0, "bank", "A",
                      "queue", "batch");
}

static jobtap_host_t *host (const char *plugin, const char *conf)
{
    jobtap_host_error_t error;
    jobtap_host_t *h = jobtap_host_create (JOBTAP_HOST_PURGE_INACTIVE
                                           | JOBTAP_HOST_QUIET
                                           | JOBTAP_HOST_NO_LOG);
    if (jobtap_host_load (h, plugin, conf, &error) < 0)
        die (plugin, error.text);
    return h;
}

/* njobs through submit -> alloc -> finish; returns seconds. */
static double run_jobs (jobtap_host_t *h, long njobs, long nassoc,
                        json_t *js)
{
    jobtap_host_error_t error;
    double t0 = now ();

    for (long i = 1; i <= njobs; i++) {
        if (jobtap_host_submit (h, i, 10000 + i % nassoc, 16, js, &error) < 0
            || jobtap_host_alloc (h, i, NULL, &error) < 0
            || jobtap_host_finish (h, i, 0, &error) < 0)
            die ("job", error.text);
    }
    return now () - t0;
}

/* The same job sequence through the engine's API: what the plugin's
 * callbacks call, without unpacking arguments. */
static double run_engine (long njobs, long nassoc, const char *conf_data)
{
    fluxacct_error_t error;
    fluxacct_engine_t *e = fluxacct_engine_create (&error);
    fluxacct_engine_jobdesc_t d;
    fluxacct_engine_jobspec_update_t u;
    fluxacct_engine_priority_t p;
    fluxacct_engine_release_t r;
    unsigned add;
    double t0;

    if (fluxacct_engine_jobdesc_init (&d, FLUXACCT_ENGINE_JOBDESC_VERSION) < 0
        || fluxacct_engine_jobspec_update_init (
               &u, FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION) < 0
        || fluxacct_engine_priority_init (&p, FLUXACCT_ENGINE_PRIORITY_VERSION)
               < 0
        || fluxacct_engine_release_init (&r, FLUXACCT_ENGINE_RELEASE_VERSION)
               < 0)
        die ("engine init", strerror (errno));
    if (fluxacct_engine_load (e, conf_data, &error) < 0)
        die ("engine load", error.text);
    d.bank = "A";
    d.queue = "batch";
    d.nnodes = d.ncores = 1;
    t0 = now ();
    for (long i = 1; i <= njobs; i++) {
        d.userid = (uint32_t)(10000 + i % nassoc);
        if (fluxacct_engine_validate (e, &d, FLUXACCT_VALIDATE_SUBMIT, &error)
                < 0
            || fluxacct_engine_job_new (e, i, &d, FLUXACCT_JOB_NEW, &u, &error)
                   < 0
            || fluxacct_engine_job_depend (e, i, &add, NULL, &error) < 0
            || fluxacct_engine_job_priority (e, i, 16, &p, &u, &error) < 0
            || fluxacct_engine_job_sched (e, i, &error) < 0
            || fluxacct_engine_job_run (e, i, &error) < 0
            || fluxacct_engine_job_inactive (e, i, &error) < 0)
            die ("engine", error.text);
        int rc;
        while ((rc = fluxacct_engine_next_release (e, &r)) == 1)
            ;
        if (rc < 0)
            die ("engine next_release", strerror (errno));
    }
    t0 = now () - t0;
    fluxacct_engine_destroy (e);
    return t0;
}

/* ns per fluxacct_engine_job_priority() over npending pending jobs. */
static double priority_ns (long npending, long nassoc, const char *conf_data)
{
    fluxacct_error_t error;
    fluxacct_engine_t *e = fluxacct_engine_create (&error);
    fluxacct_engine_jobdesc_t d;
    fluxacct_engine_priority_t p;
    int64_t sum = 0;
    double t0;
    int rounds = 20;

    if (fluxacct_engine_jobdesc_init (&d, FLUXACCT_ENGINE_JOBDESC_VERSION) < 0
        || fluxacct_engine_priority_init (&p, FLUXACCT_ENGINE_PRIORITY_VERSION)
               < 0)
        die ("engine init", strerror (errno));
    if (fluxacct_engine_load (e, conf_data, &error) < 0)
        die ("engine load", error.text);
    d.bank = "A";
    d.queue = "batch";
    d.nnodes = d.ncores = 1;
    for (long i = 1; i <= npending; i++) {
        d.userid = (uint32_t)(10000 + i % nassoc);
        if (fluxacct_engine_job_new (e, i, &d, FLUXACCT_JOB_NEW, NULL, &error)
            < 0)
            die ("engine", error.text);
    }
    t0 = now ();
    for (int r = 0; r < rounds; r++)
        for (long i = 1; i <= npending; i++) {
            fluxacct_engine_job_priority (e, i, 16 + r % 2, &p, NULL, &error);
            sum += p.priority;
        }
    t0 = now () - t0;
    fluxacct_engine_destroy (e);
    if (sum == 42)
        printf ("(unlikely)\n");
    return t0 * 1e9 / ((double)npending * rounds);
}

static double rpc_ms (jobtap_host_t *h, const char *topic, const char *payload)
{
    jobtap_host_error_t error;
    char *resp = NULL;
    double t0 = now ();

    if (jobtap_host_rpc (h, topic, payload, 0, FLUX_ROLE_OWNER, &resp, &error)
        < 0)
        die (topic, error.text);
    t0 = now () - t0;
    free (resp);
    return t0 * 1e3;
}

/* Submit npending jobs that stay in SCHED. */
static void submit_pending (jobtap_host_t *h, long npending, long nassoc,
                            json_t *js)
{
    jobtap_host_error_t error;

    for (long i = 1; i <= npending; i++)
        if (jobtap_host_submit (h, i, 10000 + i % nassoc, 16, js, &error) < 0)
            die ("submit", error.text);
}

int main (int argc, char *argv[])
{
    long njobs = argc > 3 ? strtol (argv[3], NULL, 10) : 1000000;
    long nassoc = argc > 4 ? strtol (argv[4], NULL, 10) : 10000;
    long npending = argc > 5 ? strtol (argv[5], NULL, 10) : 100000;
    jobtap_host_t *h;
    json_t *js = jobspec ();
    char *conf, *payload;
    double t, t_null, t_engine, t0;

    if (argc < 3 || njobs <= 0 || nassoc <= 0 || npending <= 0) {
        fprintf (stderr, "Usage: bench_plugin MF_PRIORITY.so NULL.so "
                 "[NJOBS [NASSOC [NPENDING]]]\n");
        return 2;
    }
    conf = config (nassoc);
    printf ("mf_priority through the job-manager host: %ld associations, "
            "%ld jobs\n", nassoc, njobs);

    int rounds = getenv ("BENCH_ROUNDS") ? atoi (getenv ("BENCH_ROUNDS")) : 3;
    t = t_null = 1e30;
    for (int r = 0; r < (rounds > 0 ? rounds : 1); r++) {
        double t1;
        t0 = now ();
        h = host (argv[1], conf);
        if (r == 0)
            printf ("  load with config= (%ld associations): %.1f ms\n",
                    nassoc, (now () - t0) * 1e3);
        if ((t1 = run_jobs (h, njobs, nassoc, js)) < t)
            t = t1;
        jobtap_host_destroy (h);
        h = host (argv[2], NULL);
        if ((t1 = run_jobs (h, njobs, nassoc, js)) < t_null)
            t_null = t1;
        jobtap_host_destroy (h);
    }
    printf ("  submit->priority->run->inactive: %.3f s with mf_priority "
            "(%.0f jobs/s), %.3f s with the null plugin\n", t, njobs / t,
            t_null);
    printf ("  plugin's own work: %.3f s = %.0f jobs/s (%.0f ns/job)\n",
            t - t_null, njobs / (t - t_null), (t - t_null) * 1e9 / njobs);
    /* The engine takes the "config" object alone. */
    char *data = strstr (conf, "\"config\":") + 9;
    data[strlen (data) - 1] = '\0';
    t_engine = run_engine (njobs, nassoc, data);
    printf ("  engine alone (library API, same calls): %.3f s = %.0f jobs/s "
            "(%.0f ns/job)\n", t_engine, njobs / t_engine,
            t_engine * 1e9 / njobs);
    printf ("  priority calculation, engine alone: %.1f ns\n",
            priority_ns (npending, nassoc, data));

    /* rec_update of npending associations (replaces fair-share values). */
    h = host (argv[1], NULL);
    payload = associations (npending, 0.25, 1);
    printf ("  rec_update of %ld associations (%.1f MB): %.1f ms (first), ",
            npending, strlen (payload) / 1e6,
            rpc_ms (h, "job-manager.mf_priority.rec_update", payload));
    printf ("%.1f ms (again)\n",
            rpc_ms (h, "job-manager.mf_priority.rec_update", payload));
    free (payload);

    /* reprioritize npending pending jobs. */
    submit_pending (h, npending, npending, js);
    double same = rpc_ms (h, "job-manager.mf_priority.reprioritize", NULL);
    payload = associations (npending, 0.75, 1);
    (void)rpc_ms (h, "job-manager.mf_priority.rec_update", payload);
    free (payload);
    double changed = rpc_ms (h, "job-manager.mf_priority.reprioritize", NULL);
    jobtap_host_destroy (h);
    h = host (argv[2], NULL);
    submit_pending (h, npending, npending, js);
    t0 = now ();
    jobtap_host_reprioritize_all (h);
    double null_ms = (now () - t0) * 1e3;
    jobtap_host_destroy (h);
    printf ("  reprioritize of %ld pending jobs: %.1f ms (priorities "
            "unchanged), %.1f ms (all changed: new priority and memo per "
            "job); null plugin walk: %.1f ms\n", npending, same, changed,
            null_ms);
    printf ("  reprioritize, plugin's own work: %.1f ms (unchanged), %.1f ms "
            "(all changed) = %.0f ns/job\n", same - null_ms, changed - null_ms,
            (same - null_ms) * 1e6 / npending);
    json_decref (js);
    free (conf);
    return 0;
}
