/* bench_fairshare - time the fair-share engine.
 *
 *   bench_fairshare [-u USERS] [-b BANKS] [-s SEED] [-r RUNS]
 *       Build a 3-level bank tree (root, top banks, sub-banks) holding USERS
 *       users (default 100000) under BANKS banks in all (default 1000), with
 *       shares and usage drawn from SEED; report the build time and the best
 *       of RUNS (default 5) computes.
 *
 *   bench_fairshare -j FILE [-r RUNS]
 *       Load a fairshare-emulate JSON file, compute, write the results as
 *       JSON; report the seconds of each, the best of RUNS - 1 further
 *       computes, and the peak RSS.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <fluxacct/fairshare.h>

static double now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die (const char *what, const fluxacct_error_t *e)
{
    fprintf (stderr, "bench_fairshare: %s: %s\n", what, e ? e->text : "failed");
    exit (1);
}

/* xorshift64*: small, seeded, the same on every machine. */
static uint64_t rng_state;

static uint64_t rng (void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static double rng_unit (void)
{
    return (rng () >> 11) * (1.0 / 9007199254740992.0);
}

/* Usage spread over nine decades, with some zeros (infinite weights) and
 * some repeated round values (ties), as real clusters have. */
static double draw_usage (void)
{
    double r = rng_unit ();
    if (r < 0.05)
        return 0;
    if (r < 0.15)
        return (double)(1 + rng () % 10) * 3600;
    return pow (10, rng_unit () * 9) * (1 + rng_unit ());
}

static uint64_t draw_shares (void)
{
    return rng_unit () < 0.8 ? 1 : 1 + rng () % 100;
}

/* root -> ntop top banks -> the other banks -> users. */
static fluxacct_fstree_t *build (int nusers, int nbanks)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_create (&e);
    int ntop = (int)sqrt (nbanks);
    int nsub = nbanks - 1 - ntop;
    char name[32], parent[32];

    if (!t)
        die ("create", &e);
    if (ntop < 1 || nsub < 1) {
        fprintf (stderr, "bench_fairshare: need at least 3 banks\n");
        exit (1);
    }
    if (fluxacct_fstree_add_bank (t, "root", NULL, 1, NAN, &e) < 0)
        die ("add root", &e);
    for (int i = 0; i < ntop; i++) {
        snprintf (name, sizeof (name), "top%d", i);
        if (fluxacct_fstree_add_bank (t, name, "root", draw_shares (), NAN, &e) < 0)
            die ("add bank", &e);
    }
    for (int i = 0; i < nsub; i++) {
        snprintf (name, sizeof (name), "bank%d", i);
        snprintf (parent, sizeof (parent), "top%d", (int)(rng () % ntop));
        if (fluxacct_fstree_add_bank (t, name, parent, draw_shares (), NAN, &e) < 0)
            die ("add bank", &e);
    }
    for (int i = 0; i < nusers; i++) {
        snprintf (name, sizeof (name), "user%d", i);
        snprintf (parent, sizeof (parent), "bank%d", (int)(rng () % nsub));
        if (fluxacct_fstree_add_user (t, name, parent, draw_shares (), draw_usage (), &e) < 0)
            die ("add user", &e);
    }
    return t;
}

static long peak_rss_kb (void)
{
    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A sum over the results, so two runs can be compared at a glance. */
static double checksum (const fluxacct_fstree_t *t)
{
    int n = fluxacct_fstree_user_count (t, NULL);
    fluxacct_fstree_node_t u;
    double sum = 0;

    if (fluxacct_fstree_node_init (&u, FLUXACCT_FSTREE_NODE_VERSION) < 0)
        return NAN;
    for (int i = 0; i < n; i++) {
        fluxacct_fstree_user (t, i, &u, NULL);
        sum += u.fairshare * (i % 7 + 1);
    }
    return sum;
}

static int bench_generated (int nusers, int nbanks, uint64_t seed, int runs)
{
    fluxacct_error_t e;
    double best = INFINITY;

    rng_state = seed ? seed : 1;
    double t0 = now ();
    fluxacct_fstree_t *t = build (nusers, nbanks);
    double t_build = now () - t0;
    for (int i = 0; i < runs; i++) {
        t0 = now ();
        if (fluxacct_fstree_compute (t, &e) < 0)
            die ("compute", &e);
        double dt = now () - t0;
        if (dt < best)
            best = dt;
    }
    printf ("users %d banks %d seed %llu\n", nusers, nbanks, (unsigned long long)seed);
    printf ("build %.1f ms\n", t_build * 1e3);
    printf ("compute best of %d: %.1f ms\n", runs, best * 1e3);
    printf ("checksum %.9f\n", checksum (t));
    printf ("peak rss %ld KiB\n", peak_rss_kb ());
    fluxacct_fstree_destroy (t);
    return 0;
}

static int bench_json (const char *path, int runs)
{
    fluxacct_error_t e;

    double t0 = now ();
    fluxacct_fstree_t *t = fluxacct_fstree_load_json_file (path, &e);
    if (!t)
        die ("load", &e);
    double t_load = now () - t0;
    t0 = now ();
    if (fluxacct_fstree_compute (t, &e) < 0)
        die ("compute", &e);
    double t_compute = now () - t0;
    /* Later computes reuse memory the first one faulted in. */
    double best = INFINITY;
    for (int i = 1; i < runs; i++) {
        t0 = now ();
        if (fluxacct_fstree_compute (t, &e) < 0)
            die ("compute", &e);
        if (now () - t0 < best)
            best = now () - t0;
    }
    t0 = now ();
    char *json = fluxacct_fstree_results_json (t, &e);
    if (!json)
        die ("results", &e);
    double t_write = now () - t0;
    printf ("file %s\n", path);
    printf ("users %d nodes %d\n", fluxacct_fstree_user_count (t, NULL),
            fluxacct_fstree_node_count (t, NULL));
    printf ("load %.3f s\n", t_load);
    printf ("compute %.3f s\n", t_compute);
    if (runs > 1)
        printf ("compute again, best of %d: %.3f s\n", runs - 1, best);
    printf ("results json %.3f s (%zu bytes)\n", t_write, strlen (json));
    printf ("checksum %.9f\n", checksum (t));
    printf ("peak rss %ld KiB\n", peak_rss_kb ());
    free (json);
    fluxacct_fstree_destroy (t);
    return 0;
}

static void usage (void)
{
    fprintf (stderr, "usage: bench_fairshare [-u USERS] [-b BANKS] [-s SEED] [-r RUNS]\n"
                     "       bench_fairshare -j FILE [-r RUNS]\n");
    exit (1);
}

int main (int argc, char **argv)
{
    int nusers = 100000, nbanks = 1000, runs = 5, opt;
    uint64_t seed = 42;
    const char *json = NULL;

    while ((opt = getopt (argc, argv, "u:b:s:r:j:h")) != -1) {
        switch (opt) {
            case 'u': nusers = atoi (optarg); break;
            case 'b': nbanks = atoi (optarg); break;
            case 's': seed = strtoull (optarg, NULL, 10); break;
            case 'r': runs = atoi (optarg); break;
            case 'j': json = optarg; break;
            default: usage ();
        }
    }
    if (optind != argc || nusers < 0 || runs < 1)
        usage ();
    return json ? bench_json (json, runs) : bench_generated (nusers, nbanks, seed, runs);
}
