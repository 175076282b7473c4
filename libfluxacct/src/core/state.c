/* libfluxacct - the usage_state_table: small persistent counters and
 * markers of the usage engine (import sequence, charged watermark, last
 * evaluation time, configuration fingerprint). */
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"

int db_state_get (fluxacct_db_t *db, const char *key, sqlite3_int64 *i,
                  double *d, char **s, fluxacct_error_t *error)
{
    static const char *sql = "SELECT value FROM usage_state_table WHERE key=?";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW) {
        if (i)
            *i = sqlite3_column_int64 (st, 0);
        if (d)
            *d = sqlite3_column_double (st, 0);
        if (s) {
            const char *t = (const char *)sqlite3_column_text (st, 0);
            *s = strdup (t ? t : "");
        }
    }
    else {
        if (i)
            *i = 0;
        if (d)
            *d = 0;
        if (s)
            *s = strdup ("");
    }
    sqlite3_reset (st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error (db, error, "usage state");
    return 0;
}

static sqlite3_stmt *state_set_stmt (fluxacct_db_t *db, const char *key,
                                     fluxacct_error_t *error)
{
    static const char *sql =
        "INSERT INTO usage_state_table VALUES (?1, ?2) ON CONFLICT (key) "
        "DO UPDATE SET value = excluded.value";
    sqlite3_stmt *st = db_prep (db, sql, error);
    if (st)
        sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
    return st;
}

int db_state_set_int (fluxacct_db_t *db, const char *key, sqlite3_int64 v,
                      fluxacct_error_t *error)
{
    sqlite3_stmt *st = state_set_stmt (db, key, error);
    if (!st)
        return -1;
    sqlite3_bind_int64 (st, 2, v);
    return db_step_done (db, st, error);
}

int db_state_set_real (fluxacct_db_t *db, const char *key, double v,
                       fluxacct_error_t *error)
{
    sqlite3_stmt *st = state_set_stmt (db, key, error);
    if (!st)
        return -1;
    sqlite3_bind_double (st, 2, v);
    return db_step_done (db, st, error);
}

int db_state_set_text (fluxacct_db_t *db, const char *key, const char *v,
                       fluxacct_error_t *error)
{
    sqlite3_stmt *st = state_set_stmt (db, key, error);
    if (!st)
        return -1;
    sqlite3_bind_text (st, 2, v, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}
