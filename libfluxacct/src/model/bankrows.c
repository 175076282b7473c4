/* libfluxacct - bank table queries below both bank.c and assoc.c (so
 * neither calls the other back), and the bank table read into memory for
 * the code that walks the tree outside SQL: the usage roll-up and the
 * fair-share tree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

int bank_has_assocs (fluxacct_db_t *db, const char *bank,
                     fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT COUNT(*) FROM (SELECT 1 FROM association_table WHERE bank=? "
        "LIMIT 1)";
    return db_query_int (db, sql, bank, error);
}

int bank_has_children (fluxacct_db_t *db, const char *bank,
                       fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT COUNT(*) FROM (SELECT 1 FROM bank_table WHERE parent_bank=? "
        "LIMIT 1)";
    return db_query_int (db, sql, bank, error);
}

void bankrows_free (struct bankrow *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free (v[i].name);
        free (v[i].parent);
    }
    free (v);
}

int bankrows_load (fluxacct_db_t *db, struct bankrow **out, size_t *np,
                   fluxacct_error_t *error)
{
    static const char *sql = "SELECT bank, parent_bank, shares, job_usage, "
                             "active FROM bank_table ORDER BY bank_id";
    sqlite3_stmt *st = db_prep (db, sql, error);
    struct bankrow *v = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct bankrow *nv = realloc (v, cap * sizeof (*v));
            if (!nv)
                goto nomem;
            v = nv;
        }
        const char *p = (const char *)sqlite3_column_text (st, 1);
        memset (&v[n], 0, sizeof (v[n]));
        v[n].name = strdup ((const char *)sqlite3_column_text (st, 0));
        v[n].parent = strdup (p ? p : "");
        v[n].shares = sqlite3_column_int64 (st, 2);
        v[n].usage = sqlite3_column_double (st, 3);
        v[n].active = sqlite3_column_int (st, 4);
        v[n].parent_idx = -1;
        n++;
        if (!v[n - 1].name || !v[n - 1].parent)
            goto nomem;
    }
    sqlite3_reset (st);
    if (rc != SQLITE_DONE) {
        bankrows_free (v, n);
        return db_error (db, error, "bank_table");
    }
    *out = v;
    *np = n;
    return 0;
nomem:
    sqlite3_reset (st);
    bankrows_free (v, n);
    return errprintf (error, ENOMEM, "out of memory");
}
