/* libfluxacct - projects. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/db_internal.h"
#include "core/schema_internal.h"
#include "model/model_internal.h"
#include "fluxacct/project.h"

FLUXACCT_EXPORT int fluxacct_project_add (fluxacct_db_t *db,
                                          const char *project,
                                          fluxacct_error_t *error)
{
    static const char *find = "SELECT 1 FROM project_table WHERE project=?";
    static const char *sql = "INSERT INTO project_table (project) VALUES (?)";
    sqlite3_stmt *st;
    int rc = -1;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (validate_text ("project_table", "project", project, error) < 0)
        return -1;
    if (db_txn_begin (db, error) < 0)
        return -1;
    if (!(st = db_prep (db, find, error)))
        goto done;
    sqlite3_bind_text (st, 1, project, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW) {
        sqlite3_reset (st);
        rc = errprintf (error, EEXIST, "project %s already exists in "
                        "project_table", project);
        goto done;
    }
    sqlite3_reset (st);
    if ((st = db_prep (db, sql, error))) {
        sqlite3_bind_text (st, 1, project, -1, SQLITE_STATIC);
        rc = db_step_done (db, st, error);
    }
done:
    return db_txn_end (db, rc, error);
}

static int project_delete (fluxacct_db_t *db, const char *project,
                           fluxacct_error_t *error)
{
    static const char *sql = "DELETE FROM project_table WHERE project=?";
    static const char *refs =
        "SELECT COUNT(*) FROM association_table WHERE "
        "instr(',' || projects || ',', ',' || ?1 || ',') > 0";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, project, -1, SQLITE_STATIC);
    if (db_step_done (db, st, error) < 0)
        return -1;
    if (sqlite3_changes (db->h) == 0)
        return errprintf (error, ENOENT, "project %s not found in "
                          "project_table", project);
    return db_query_int (db, refs, project, error);
}

FLUXACCT_EXPORT int fluxacct_project_delete (fluxacct_db_t *db,
                                             const char *project,
                                             fluxacct_error_t *error)
{
    int n;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (project, "project", error) < 0)
        return -1;
    if (!strcmp (project, "*"))
        return errprintf (error, EPERM, "the project * cannot be deleted");
    if (db_txn_begin (db, error) < 0)
        return -1;
    n = project_delete (db, project, error);
    if (db_txn_end (db, n < 0 ? -1 : 0, error) < 0)
        return -1;
    return n;
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_project_view (fluxacct_db_t *db,
                                                        const char *project,
                                                        const char *fields,
                                                        fluxacct_error_t *error)
{
    char notfound[300];

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (check_name (project, "project", error) < 0)
        return NULL;
    snprintf (notfound, sizeof (notfound), "project %s not found in "
              "project_table", project);
    return db_select (db, schema_project_columns, fields,
                      "project_table WHERE project=?", project, NULL,
                      notfound, error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_project_list (fluxacct_db_t *db,
                                                        const char *fields,
                                                        fluxacct_error_t *error)
{
    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    return db_select (db, schema_project_columns, fields,
                      "project_table ORDER BY project_id", NULL, NULL, NULL,
                      error);
}
