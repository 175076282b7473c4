/* bench_db: build a database of 100 banks and 100,000 associations through
 * the public API, then time view and list calls.
 *
 * usage: bench_db [DBPATH] [NASSOC]
 * Prints associations/s for the batch call (fluxacct_assoc_add_many), for
 * per-call adds inside one batch, and for per-call adds each in its own
 * transaction (on a sample), then ms per view/list call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fluxacct/fluxacct.h>

static double now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die (const char *what, fluxacct_error_t *e)
{
    fprintf (stderr, "bench_db: %s: %s\n", what, e->text);
    exit (1);
}

/* The *_init() functions take no error buffer. */
static void init_check (int rc, const char *what)
{
    if (rc < 0) {
        fprintf (stderr, "bench_db: %s: %s\n", what, strerror (errno));
        exit (1);
    }
}

static fluxacct_db_t *fresh (const char *path, int nbanks)
{
    fluxacct_error_t e;
    fluxacct_db_t *db;
    char cmd[600];

    snprintf (cmd, sizeof (cmd), "rm -f '%s' '%s-wal' '%s-shm'", path, path,
              path);
    if (system (cmd) != 0 || fluxacct_db_create (path, NULL, &e) < 0
        || !(db = fluxacct_db_open (path, 0, &e)))
        die ("create", &e);
    fluxacct_bank_fields_t b;
    init_check (fluxacct_bank_fields_init (&b, FLUXACCT_BANK_FIELDS_VERSION),
                "fluxacct_bank_fields_init");
    b.bank = "root";
    if (fluxacct_bank_add (db, &b, &e) < 0)
        die ("add root", &e);
    for (int i = 0; i < nbanks; i++) {
        char name[32];
        snprintf (name, sizeof (name), "bank%03d", i);
        b.bank = name;
        b.parent_bank = "root";
        if (fluxacct_bank_add (db, &b, &e) < 0)
            die ("add bank", &e);
    }
    return db;
}

static void fill (fluxacct_assoc_fields_t *v, char (*names)[32],
                  char (*banks)[32], int n, int nbanks)
{
    for (int i = 0; i < n; i++) {
        init_check (fluxacct_assoc_fields_init (&v[i],
                                                FLUXACCT_ASSOC_FIELDS_VERSION),
                    "fluxacct_assoc_fields_init");
        snprintf (names[i], 32, "user%06d", i);
        snprintf (banks[i], 32, "bank%03d", i % nbanks);
        v[i].username = names[i];
        v[i].bank = banks[i];
        v[i].userid = 100000 + i;
    }
}

int main (int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/tmp/bench_db.db";
    int n = argc > 2 ? atoi (argv[2]) : 100000, nbanks = 100, sample = 2000;
    fluxacct_assoc_fields_t *v = calloc (n, sizeof (*v));
    char (*names)[32] = calloc (n, 32), (*banks)[32] = calloc (n, 32);
    fluxacct_error_t e;
    fluxacct_db_t *db;
    double t;

    fill (v, names, banks, n, nbanks);

    db = fresh (path, nbanks);
    t = now ();
    if (fluxacct_assoc_add_many (db, v, n, &e) < 0)
        die ("add_many", &e);
    t = now () - t;
    printf ("add_many: %d associations in %.3f s: %.0f assoc/s, %.2f us each\n",
            n, t, n / t, t / n * 1e6);
    fluxacct_db_close (db);

    db = fresh (path, nbanks);
    t = now ();
    if (fluxacct_db_begin (db, &e) < 0)
        die ("begin", &e);
    for (int i = 0; i < n; i++)
        if (fluxacct_assoc_add (db, &v[i], &e) < 0)
            die ("add", &e);
    if (fluxacct_db_commit (db, &e) < 0)
        die ("commit", &e);
    t = now () - t;
    printf ("per-call add in one batch: %.3f s: %.0f assoc/s\n", t, n / t);
    fluxacct_db_close (db);

    db = fresh (path, nbanks);
    t = now ();
    for (int i = 0; i < sample; i++)
        if (fluxacct_assoc_add (db, &v[i], &e) < 0)
            die ("add", &e);
    t = now () - t;
    printf ("per-call add, one transaction each: %d in %.3f s: %.0f assoc/s\n",
            sample, t, sample / t);
    fluxacct_db_close (db);

    /* the full database again for the read timings */
    db = fresh (path, nbanks);
    if (fluxacct_assoc_add_many (db, v, n, &e) < 0)
        die ("add_many", &e);
    fluxacct_db_close (db);
    if (!(db = fluxacct_db_open (path, FLUXACCT_DB_READONLY, &e)))
        die ("open", &e);
    int reps = 1000;
    t = now ();
    for (int i = 0; i < reps; i++) {
        fluxacct_rows_t *r = fluxacct_assoc_view (db, names[(i * 7919) % n],
                                                  NULL, &e);
        if (!r)
            die ("view", &e);
        fluxacct_rows_destroy (r);
    }
    t = now () - t;
    printf ("view-user (library): %.4f ms per call\n", t / reps * 1e3);
    reps = 100;
    t = now ();
    for (int i = 0; i < reps; i++) {
        char f[64];
        const char *filters[] = { f, NULL };
        snprintf (f, sizeof (f), "bank=bank%03d", i % nbanks);
        fluxacct_rows_t *r = fluxacct_assoc_list (db, filters, NULL, &e);
        if (!r)
            die ("list", &e);
        fluxacct_rows_destroy (r);
    }
    t = now () - t;
    printf ("list-users --bank B (library, %d rows): %.4f ms per call\n",
            n / nbanks, t / reps * 1e3);
    fluxacct_db_close (db);
    free (v);
    free (names);
    free (banks);
    return 0;
}
