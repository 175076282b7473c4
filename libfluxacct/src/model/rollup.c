/* libfluxacct - bank usage roll-up (semantics section 3): a bank's usage is
 * the sum of the usage of every association in its subtree, disabled
 * associations included. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

static int cmp_bank (const void *a, const void *b)
{
    return strcmp (((const struct bankrow *)a)->name,
                   ((const struct bankrow *)b)->name);
}

static int find_bank (struct bankrow *v, size_t n, const char *name)
{
    struct bankrow key = { .name = (char *)name };
    struct bankrow *b = bsearch (&key, v, n, sizeof (*v), cmp_bank);
    return b ? (int)(b - v) : -1;
}

/* Every bank, sorted by name, with its parent's index. */
static int load_banks (fluxacct_db_t *db, struct bankrow **out, size_t *np,
                       fluxacct_error_t *error)
{
    if (bankrows_load (db, out, np, error) < 0)
        return -1;
    if (*np > 1)
        qsort (*out, *np, sizeof (**out), cmp_bank);
    for (size_t i = 0; i < *np; i++)
        (*out)[i].parent_idx = *(*out)[i].parent
                                   ? find_bank (*out, *np, (*out)[i].parent)
                                   : -1;
    return 0;
}

static int load_direct (fluxacct_db_t *db, struct bankrow *v, size_t n,
                        fluxacct_error_t *error)
{
    static const char *sql = "SELECT bank, SUM(job_usage) FROM "
                             "association_table GROUP BY bank";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        int i = find_bank (v, n, (const char *)sqlite3_column_text (st, 0));
        if (i >= 0)
            v[i].direct += sqlite3_column_double (st, 1);
    }
    sqlite3_reset (st);
    return rc == SQLITE_DONE ? 0 : db_error (db, error, "roll-up");
}

static int store_totals (fluxacct_db_t *db, struct bankrow *v, size_t n,
                         fluxacct_error_t *error)
{
    static const char *sql =
        "UPDATE bank_table SET job_usage=? WHERE bank=? AND job_usage IS NOT ?";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!(v[i].total >= 0 && v[i].total <= USAGE_MAX))
            return errprintf (error, ERANGE, "the usage of bank %s would be "
                              "%g, beyond the limit of 1e300", v[i].name,
                              v[i].total);
        sqlite3_bind_double (st, 1, v[i].total);
        sqlite3_bind_text (st, 2, v[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_double (st, 3, v[i].total);
        if (db_step_done (db, st, error) < 0)
            return -1;
    }
    return 0;
}

int bank_rollup_usage (fluxacct_db_t *db, fluxacct_error_t *error)
{
    struct bankrow *v = NULL;
    size_t n = 0;
    int rc;

    if (load_banks (db, &v, &n, error) < 0)
        return -1;
    rc = load_direct (db, v, n, error);
    /* Add each bank's own sum to itself and every ancestor; the depth walk
     * is bounded by n so a corrupt parent cycle cannot loop forever. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t steps = 0;
        for (int k = (int)i; k >= 0 && steps <= n; k = v[k].parent_idx, steps++)
            v[k].total += v[i].direct;
    }
    if (rc == 0)
        rc = store_totals (db, v, n, error);
    bankrows_free (v, n);
    return rc;
}

