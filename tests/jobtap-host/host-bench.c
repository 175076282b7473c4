/* Host overhead benchmark: N jobs through submit -> alloc -> finish ->
 * inactive (purged at once) with one plugin loaded.
 *
 * Usage: host-bench PLUGIN.so|- [NJOBS]   ("-": the builtin plugin only) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host.h"

static double now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run_jobs (jobtap_host_t *h, long njobs, json_t *jobspec)
{
    jobtap_host_error_t error;

    for (long i = 1; i <= njobs; i++) {
        if (jobtap_host_submit (h, i, 5000 + i % 100, 16, jobspec, &error) < 0
            || jobtap_host_alloc (h, i, NULL, &error) < 0
            || jobtap_host_finish (h, i, 0, &error) < 0) {
            fprintf (stderr, "job %ld: %s\n", i, error.text);
            return -1;
        }
    }
    return 0;
}

int main (int argc, char *argv[])
{
    jobtap_host_error_t error;
    jobtap_host_t *h;
    json_t *jobspec;
    long njobs = argc > 2 ? strtol (argv[2], NULL, 10) : 100000;
    double t0, t;
    int rc = 1;

    if (argc < 2 || njobs <= 0) {
        fprintf (stderr, "Usage: host-bench PLUGIN.so|- [NJOBS]\n");
        return 2;
    }
    h = jobtap_host_create (JOBTAP_HOST_PURGE_INACTIVE | JOBTAP_HOST_QUIET
                            | JOBTAP_HOST_NO_LOG);
    jobspec = json_pack ("{s:i s:[{s:s s:i s:[{s:s s:i s:s s:[{s:s s:i}]}]}]"
                         " s:[{s:[s] s:s s:{s:i}}] s:{s:{s:f s:s}}}",
                         "version", 1,
                         "resources", "type", "node", "count", 1, "with",
                         "type", "slot", "count", 1, "label", "task", "with",
                         "type", "core", "count", 1,
                         "tasks", "command", "true", "slot", "task", "count",
                         "per_slot", 1,
                         "attributes", "system", "duration", 60.0, "bank", "A");
    if (strcmp (argv[1], "-") && jobtap_host_load (h, argv[1], NULL, &error) < 0) {
        fprintf (stderr, "%s\n", error.text);
        goto out;
    }
    t0 = now ();
    if (run_jobs (h, njobs, jobspec) < 0)
        goto out;
    t = now () - t0;
    if (jobtap_host_job_count (h) != 0) {
        fprintf (stderr, "%zu jobs left after purge\n", jobtap_host_job_count (h));
        goto out;
    }
    printf ("%ld jobs submit->run->inactive in %.3f s: %.0f jobs/s, %.2f us/job "
            "(plugin: %s)\n", njobs, t, njobs / t, t * 1e6 / njobs, argv[1]);
    rc = 0;
out:
    json_decref (jobspec);
    jobtap_host_destroy (h);
    return rc;
}
