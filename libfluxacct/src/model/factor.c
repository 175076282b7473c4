/* libfluxacct - priority factor weights. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/db_internal.h"
#include "core/schema_internal.h"
#include "model/model_internal.h"
#include "fluxacct/factor.h"

static const char *known_factors = "fairshare,queue,bank,urgency";

static int notfound (const char *factor, fluxacct_error_t *error)
{
    return errprintf (error, ENOENT, "factor %s not found in "
                      "priority_factor_weight_table; available factors are %s",
                      factor, known_factors);
}

FLUXACCT_EXPORT int fluxacct_factor_edit (fluxacct_db_t *db,
                                          const char *factor, int64_t weight,
                                          fluxacct_error_t *error)
{
    static const char *sql =
        "UPDATE priority_factor_weight_table SET weight=? WHERE factor=?";
    sqlite3_stmt *st;
    int rc = -1;

    if (!db || !factor)
        return errprintf (error, EINVAL, "invalid argument");
    if (validate_int ("priority_factor_weight_table", "weight", weight,
                      error) < 0)
        return -1;
    if (db_txn_begin (db, error) < 0)
        return -1;
    if ((st = db_prep (db, sql, error))) {
        sqlite3_bind_int64 (st, 1, weight);
        sqlite3_bind_text (st, 2, factor, -1, SQLITE_STATIC);
        rc = db_step_done (db, st, error);
        if (rc == 0 && sqlite3_changes (db->h) == 0)
            rc = notfound (factor, error);
    }
    return db_txn_end (db, rc, error);
}

FLUXACCT_EXPORT int fluxacct_factor_get (fluxacct_db_t *db,
                                         const char *factor, int64_t *weight,
                                         fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT weight FROM priority_factor_weight_table WHERE factor=?";
    sqlite3_stmt *st;
    int rc;

    if (!db || !factor || !weight)
        return errprintf (error, EINVAL, "invalid argument");
    if (!(st = db_prep (db, sql, error)))
        return -1;
    sqlite3_bind_text (st, 1, factor, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW)
        *weight = sqlite3_column_int64 (st, 0);
    sqlite3_reset (st);
    if (rc == SQLITE_DONE)
        return notfound (factor, error);
    return rc == SQLITE_ROW ? 0 : db_error (db, error, "factor");
}

FLUXACCT_EXPORT int fluxacct_factor_reset (fluxacct_db_t *db,
                                           fluxacct_error_t *error)
{
    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, db_exec (db,
        "DELETE FROM priority_factor_weight_table;"
        "INSERT INTO priority_factor_weight_table VALUES ('fairshare', 100000),"
        " ('queue', 10000), ('bank', 0), ('urgency', 1000);", error), error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_factor_view (fluxacct_db_t *db,
                                                       const char *factor,
                                                       const char *fields,
                                                       fluxacct_error_t *error)
{
    char msg[300];

    if (!db || !factor)
        return errprintf_null (error, EINVAL, "invalid argument");
    snprintf (msg, sizeof (msg), "factor %s not found in "
              "priority_factor_weight_table; available factors are %s",
              factor, known_factors);
    return db_select (db, schema_factor_columns, fields,
                      "priority_factor_weight_table WHERE factor=?", factor,
                      NULL, msg, error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_factor_list (fluxacct_db_t *db,
                                                       const char *fields,
                                                       fluxacct_error_t *error)
{
    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    return db_select (db, schema_factor_columns, fields,
                      "priority_factor_weight_table ORDER BY rowid", NULL,
                      NULL, NULL, error);
}
