/* bank-usage: a small program that uses only libfluxacct's public headers.
 *
 * It creates a scratch accounting database, gives it a bank tree and two
 * users, imports three job records, computes usage and fair-share at a
 * fixed time, and prints one line per association.
 *
 *   cc -o bank-usage bank-usage.c $(pkg-config --cflags --libs fluxacct)
 *   ./bank-usage /tmp/example.db
 *
 * The tests build it exactly this way (tests/check_example.sh) and compare
 * its output with doc/examples/bank-usage.out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fluxacct/fluxacct.h>

/* Job records as `flux-account import-jobs` reads them: one JSON object a
 * line.  Each ran on one node for an hour; the bank is in the jobspec. */
static const char jobs[] =
    "{\"id\": 1, \"userid\": 5001, \"t_submit\": 0, \"t_run\": 1000,"
    " \"t_inactive\": 4600, \"R\": {\"version\": 1, \"execution\":"
    " {\"R_lite\": [{\"rank\": \"0\", \"children\": {\"core\": \"0-3\"}}]}},"
    " \"jobspec\": {\"attributes\": {\"system\": {\"bank\": \"physics\"}}}}\n"
    "{\"id\": 2, \"userid\": 5001, \"t_submit\": 0, \"t_run\": 2000,"
    " \"t_inactive\": 5600, \"R\": {\"version\": 1, \"execution\":"
    " {\"R_lite\": [{\"rank\": \"0-1\", \"children\": {\"core\": \"0-3\"}}]}},"
    " \"jobspec\": {\"attributes\": {\"system\": {\"bank\": \"physics\"}}}}\n"
    "{\"id\": 3, \"userid\": 5002, \"t_submit\": 0, \"t_run\": 3000,"
    " \"t_inactive\": 6600, \"R\": {\"version\": 1, \"execution\":"
    " {\"R_lite\": [{\"rank\": \"0\", \"children\": {\"core\": \"0-3\"}}]}},"
    " \"jobspec\": {\"attributes\": {\"system\": {\"bank\": \"physics\"}}}}\n";

/* The *_init() functions take no error buffer: say which one failed. */
static int init_failed (const char *what, fluxacct_error_t *error)
{
    snprintf (error->text, sizeof (error->text), "%s: %s", what,
              strerror (errno));
    return -1;
}

static int add_bank (fluxacct_db_t *db, const char *name, const char *parent,
                     int64_t shares, fluxacct_error_t *error)
{
    fluxacct_bank_fields_t f;

    /* fails only when the library is older than this header */
    if (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION) < 0)
        return init_failed ("fluxacct_bank_fields_init", error);
    f.bank = name;
    f.parent_bank = parent;
    f.shares = shares;
    return fluxacct_bank_add (db, &f, error);
}

static int add_user (fluxacct_db_t *db, const char *name, int64_t userid,
                     const char *bank, fluxacct_error_t *error)
{
    fluxacct_assoc_fields_t f;

    /* fails only when the library is older than this header */
    if (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION) < 0)
        return init_failed ("fluxacct_assoc_fields_init", error);
    f.username = name;
    f.userid = userid;
    f.bank = bank;
    return fluxacct_assoc_add (db, &f, error);
}

/* Everything in one batch: one transaction, all or nothing. */
static int populate (fluxacct_db_t *db, fluxacct_error_t *error)
{
    if (fluxacct_db_begin (db, error) < 0)
        return -1;
    if (add_bank (db, "root", NULL, 1, error) < 0
        || add_bank (db, "physics", "root", 3, error) < 0
        || add_bank (db, "chemistry", "root", 1, error) < 0
        || add_user (db, "alice", 5001, "physics", error) < 0
        || add_user (db, "bob", 5002, "physics", error) < 0
        || add_user (db, "carol", 5003, "chemistry", error) < 0
        || fluxacct_jobs_import_buffer (db, jobs, strlen (jobs), NULL, NULL,
                                        error) < 0
        || fluxacct_usage_update (db, 7200, NULL, error) < 0
        || fluxacct_fairshare_update (db, NULL, error) < 0) {
        fluxacct_db_rollback (db, NULL);
        return -1;
    }
    return fluxacct_db_commit (db, error);
}

static int print_associations (fluxacct_db_t *db, fluxacct_error_t *error)
{
    fluxacct_rows_t *rows;

    if (!(rows = fluxacct_assoc_list (db, NULL,
                                      "username,bank,job_usage,fairshare",
                                      error)))
        return -1;
    for (size_t i = 0; i < fluxacct_rows_count (rows); i++)
        printf ("%-8s %-10s %10.1f %.6f\n",
                fluxacct_rows_text (rows, i, 0),
                fluxacct_rows_text (rows, i, 1),
                fluxacct_rows_real (rows, i, 2),
                fluxacct_rows_real (rows, i, 3));
    fluxacct_rows_destroy (rows);
    return 0;
}

int main (int argc, char **argv)
{
    fluxacct_error_t error;
    fluxacct_db_t *db;
    int rc = 1;

    if (argc != 2) {
        fprintf (stderr, "usage: %s NEW-DATABASE\n", argv[0]);
        return 2;
    }
    if (fluxacct_db_create (argv[1], NULL, &error) < 0) {
        fprintf (stderr, "%s: %s\n", argv[1], error.text);
        return 1;
    }
    if (!(db = fluxacct_db_open (argv[1], 0, &error))) {
        fprintf (stderr, "%s: %s\n", argv[1], error.text);
        return 1;
    }
    if (populate (db, &error) < 0 || print_associations (db, &error) < 0)
        fprintf (stderr, "%s: %s\n", argv[1], error.text);
    else
        rc = 0;
    fluxacct_db_close (db);
    return rc;
}
