/* libfluxacct - queues. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"
#include "core/schema_internal.h"
#include "model/model_internal.h"
#include "util/vstruct_internal.h"
#include "fluxacct/queue.h"

struct qfield {
    const char *column;
    size_t offset;
    int64_t def;
};

#define QF(name, def) { #name, offsetof (fluxacct_queue_fields_t, name), def }
static const struct qfield qfields[] = {
    QF (min_nodes_per_job, 1),
    QF (max_nodes_per_job, 1),
    QF (max_time_per_job, 60),
    QF (priority, 0),
    QF (max_running_jobs, 100),
    QF (max_nodes_per_assoc, FLUXACCT_UNLIMITED),
    QF (max_sched_jobs, FLUXACCT_UNLIMITED),
    QF (max_sched_nodes_per_assoc, FLUXACCT_UNLIMITED),
    QF (max_sched_cores_per_assoc, FLUXACCT_UNLIMITED),
    QF (max_nodes, FLUXACCT_UNLIMITED),
    QF (max_cores, FLUXACCT_UNLIMITED),
};
#define NQF (sizeof (qfields) / sizeof (qfields[0]))

static int64_t qvalue (const fluxacct_queue_fields_t *f, size_t i)
{
    return *(const int64_t *)((const char *)f + qfields[i].offset);
}

/* Value to store: the default for "not given" (add) or reset. */
static int64_t qstore (const fluxacct_queue_fields_t *f, size_t i)
{
    int64_t v = qvalue (f, i);
    return v == FLUXACCT_UNSET || v == FLUXACCT_RESET ? qfields[i].def : v;
}


static const fluxacct_queue_fields_t fields_defaults = {
    .version = FLUXACCT_QUEUE_FIELDS_VERSION,
    .min_nodes_per_job = FLUXACCT_UNSET,
    .max_nodes_per_job = FLUXACCT_UNSET,
    .max_time_per_job = FLUXACCT_UNSET,
    .priority = FLUXACCT_UNSET,
    .max_running_jobs = FLUXACCT_UNSET,
    .max_nodes_per_assoc = FLUXACCT_UNSET,
    .max_sched_jobs = FLUXACCT_UNSET,
    .max_sched_nodes_per_assoc = FLUXACCT_UNSET,
    .max_sched_cores_per_assoc = FLUXACCT_UNSET,
    .max_nodes = FLUXACCT_UNSET,
    .max_cores = FLUXACCT_UNSET,
};
FA_VSTRUCT1 (fields_type, fluxacct_queue_fields_t,
             fluxacct_queue_fields_init, fields_defaults);

/* The caller's fields (NULL refused) as the latest version, checked. */
static int check_queue_fields (const fluxacct_queue_fields_t *fields,
                               fluxacct_queue_fields_t *f,
                               fluxacct_error_t *error)
{
    if (!fields)
        return errprintf (error, EINVAL, "invalid argument");
    if (fa_vin (&fields_type, fields, f, &fields_defaults, error) < 0)
        return -1;
    /* the queue_table row rules (validate.c); -1 resets */
    for (size_t i = 0; i < NQF; i++) {
        int64_t v = qvalue (f, i);
        if (v != FLUXACCT_UNSET && v != FLUXACCT_RESET
            && validate_int ("queue_table", qfields[i].column, v, error) < 0)
            return -1;
    }
    return 0;
}

FLUXACCT_EXPORT int fluxacct_queue_add (fluxacct_db_t *db,
                                        const fluxacct_queue_fields_t *fields,
                                        fluxacct_error_t *error)
{
    fluxacct_queue_fields_t full, *f = &full;
    static const char *sql =
        "INSERT INTO queue_table (queue, min_nodes_per_job, max_nodes_per_job,"
        " max_time_per_job, priority, max_running_jobs, max_nodes_per_assoc,"
        " max_sched_jobs, max_sched_nodes_per_assoc, max_sched_cores_per_assoc,"
        " max_nodes, max_cores) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st;
    int rc = -1;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_queue_fields (fields, f, error) < 0
        || validate_text ("queue_table", "queue", f->queue, error) < 0)
        return -1;
    if (db_txn_begin (db, error) < 0)
        return -1;
    if (!(st = db_prep (db, "SELECT 1 FROM queue_table WHERE queue=?", error)))
        goto done;
    sqlite3_bind_text (st, 1, f->queue, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW) {
        sqlite3_reset (st);
        rc = errprintf (error, EEXIST, "queue %s already exists in "
                        "queue_table", f->queue);
        goto done;
    }
    sqlite3_reset (st);
    if (!(st = db_prep (db, sql, error)))
        goto done;
    sqlite3_bind_text (st, 1, f->queue, -1, SQLITE_STATIC);
    for (size_t i = 0; i < NQF; i++)
        sqlite3_bind_int64 (st, 2 + (int)i, qstore (f, i));
    rc = db_step_done (db, st, error);

done:
    return db_txn_end (db, rc, error);
}

static int queue_update (fluxacct_db_t *db, const fluxacct_queue_fields_t *f,
                         fluxacct_error_t *error)
{
    char sql[1024] = "UPDATE queue_table SET ";
    sqlite3_stmt *st;
    int k = 1, n = 0, rc;

    for (size_t i = 0; i < NQF; i++)
        if (qvalue (f, i) != FLUXACCT_UNSET)
            snprintf (sql + strlen (sql), sizeof (sql) - strlen (sql),
                      "%s%s=?", n++ ? ", " : "", qfields[i].column);
    if (n == 0)
        return errprintf (error, EINVAL, "no fields provided for update");
    strcat (sql, " WHERE queue=?");
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error (db, error, "edit-queue");
    for (size_t i = 0; i < NQF; i++)
        if (qvalue (f, i) != FLUXACCT_UNSET)
            sqlite3_bind_int64 (st, k++, qstore (f, i));
    sqlite3_bind_text (st, k, f->queue, -1, SQLITE_STATIC);
    rc = db_step_done (db, st, error);
    if (rc == 0 && sqlite3_changes (db->h) == 0)
        rc = errprintf (error, ENOENT, "queue %s not found in queue_table",
                        f->queue);
    sqlite3_finalize (st);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_queue_edit (fluxacct_db_t *db,
                                         const fluxacct_queue_fields_t *fields,
                                         fluxacct_error_t *error)
{
    fluxacct_queue_fields_t f;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_queue_fields (fields, &f, error) < 0
        || check_name (f.queue, "queue", error) < 0
        || db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, queue_update (db, &f, error), error);
}


static int queue_delete (fluxacct_db_t *db, const char *queue,
                         fluxacct_error_t *error)
{
    static const char *sql = "DELETE FROM queue_table WHERE queue=?";
    static const char *refs =
        "SELECT COUNT(*) FROM association_table WHERE "
        "instr(',' || queues || ',', ',' || ?1 || ',') > 0";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, queue, -1, SQLITE_STATIC);
    if (db_step_done (db, st, error) < 0)
        return -1;
    if (sqlite3_changes (db->h) == 0)
        return errprintf (error, ENOENT, "queue %s not found in queue_table",
                          queue);
    return db_query_int (db, refs, queue, error);
}

FLUXACCT_EXPORT int fluxacct_queue_delete (fluxacct_db_t *db,
                                           const char *queue,
                                           fluxacct_error_t *error)
{
    int n;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (queue, "queue", error) < 0 || db_txn_begin (db, error) < 0)
        return -1;
    n = queue_delete (db, queue, error);
    if (db_txn_end (db, n < 0 ? -1 : 0, error) < 0)
        return -1;
    return n;
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_queue_view (fluxacct_db_t *db,
                                                      const char *queue,
                                                      const char *fields,
                                                      fluxacct_error_t *error)
{
    char notfound[300];

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (check_name (queue, "queue", error) < 0)
        return NULL;
    snprintf (notfound, sizeof (notfound), "queue %s not found in "
              "queue_table", queue);
    return db_select (db, schema_queue_columns, fields,
                      "queue_table WHERE queue=?", queue, NULL, notfound,
                      error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_queue_list (fluxacct_db_t *db,
                                                      const char *fields,
                                                      fluxacct_error_t *error)
{
    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    return db_select (db, schema_queue_columns, fields,
                      "queue_table ORDER BY queue", NULL, NULL, NULL, error);
}
