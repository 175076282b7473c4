/* libfluxacct - the mf_priority data feed read from the database:
 * `flux account export-json` and the service payloads (fluxacct/export.h).
 *
 * Field names are flux-accounting's payload names, which differ from the
 * column names in three places: default_bank -> def_bank, default_project
 * -> def_project, and queue_table has no "name" but "queue". */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "core/db_internal.h"
#include "fluxacct/export.h"

/* Column types for building JSON objects from a SELECT. */
enum { C_INT, C_REAL, C_TEXT };

struct column {
    const char *name;   /* JSON key */
    int type;
};

/* Run sql and return an array of objects, one per row, keyed by cols. */
static json_t *select_array (fluxacct_db_t *db, const char *sql,
                             const struct column *cols, int ncols,
                             fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, sql, error);
    json_t *a = json_array ();
    int rc;

    if (!st || !a)
        goto fail;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        json_t *o = json_object ();
        if (!o || json_array_append_new (a, o) < 0)
            goto nomem;
        for (int i = 0; i < ncols; i++) {
            json_t *v;
            const unsigned char *t;
            switch (cols[i].type) {
                case C_INT:
                    v = json_integer (sqlite3_column_int64 (st, i));
                    break;
                case C_REAL:
                    v = json_real (sqlite3_column_double (st, i));
                    break;
                default:
                    t = sqlite3_column_text (st, i);
                    v = json_string (t ? (const char *)t : "");
                    break;
            }
            if (!v || json_object_set_new (o, cols[i].name, v) < 0)
                goto nomem;
        }
    }
    if (rc != SQLITE_DONE) {
        db_error (db, error, "export");
        goto fail;
    }
    sqlite3_reset (st);
    return a;
nomem:
    errprintf (error, ENOMEM, "out of memory");
fail:
    if (st)
        sqlite3_reset (st);
    json_decref (a);
    if (!a)
        errprintf (error, ENOMEM, "out of memory");
    return NULL;
}

static json_t *associations (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT userid, bank, default_bank, fairshare, max_running_jobs,"
        " max_active_jobs, queues, active, projects, default_project,"
        " max_nodes, max_cores, max_sched_jobs, max_wall_pj"
        " FROM association_table ORDER BY rowid";
    static const struct column cols[] = {
        { "userid", C_INT },         { "bank", C_TEXT },
        { "def_bank", C_TEXT },      { "fairshare", C_REAL },
        { "max_running_jobs", C_INT }, { "max_active_jobs", C_INT },
        { "queues", C_TEXT },        { "active", C_INT },
        { "projects", C_TEXT },      { "def_project", C_TEXT },
        { "max_nodes", C_INT },      { "max_cores", C_INT },
        { "max_sched_jobs", C_INT },
        /* libfluxacct's extra key (flux-accounting's plugin ignores it) */
        { "max_wall_pj", C_INT },
    };
    return select_array (db, sql, cols, 14, error);
}

static json_t *queues (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT queue, min_nodes_per_job, max_nodes_per_job,"
        " max_time_per_job, priority, max_running_jobs, max_nodes_per_assoc,"
        " max_sched_jobs, max_sched_nodes_per_assoc, max_sched_cores_per_assoc"
        " FROM queue_table ORDER BY rowid";
    static const struct column cols[] = {
        { "queue", C_TEXT },
        { "min_nodes_per_job", C_INT },
        { "max_nodes_per_job", C_INT },
        { "max_time_per_job", C_INT },
        { "priority", C_INT },
        { "max_running_jobs", C_INT },
        { "max_nodes_per_assoc", C_INT },
        { "max_sched_jobs", C_INT },
        { "max_sched_nodes_per_assoc", C_INT },
        { "max_sched_cores_per_assoc", C_INT },
    };
    return select_array (db, sql, cols, 10, error);
}

static json_t *projects (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const struct column cols[] = { { "project", C_TEXT } };
    return select_array (db, "SELECT project FROM project_table"
                         " ORDER BY project_id", cols, 1, error);
}

static json_t *banks (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const struct column cols[] = {
        { "bank", C_TEXT }, { "priority", C_REAL },
    };
    return select_array (db, "SELECT bank, priority FROM bank_table"
                         " ORDER BY bank_id", cols, 2, error);
}

static json_t *factors (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const struct column cols[] = {
        { "factor", C_TEXT }, { "weight", C_INT },
    };
    return select_array (db, "SELECT factor, weight FROM"
                         " priority_factor_weight_table ORDER BY rowid",
                         cols, 2, error);
}

/* config_table keeps text; the plugin wants a boolean. */
static json_t *config (fluxacct_db_t *db, fluxacct_error_t *error)
{
    char *v = db_config_text (db, "deny_unknown_queues");
    bool deny = v && (strcasecmp (v, "true") == 0 || strcmp (v, "1") == 0);
    json_t *o;

    free (v);
    if (!(o = json_pack ("{s:b}", "deny_unknown_queues", deny)))
        errprintf (error, ENOMEM, "out of memory");
    return o;
}

static char *dump (json_t *o, int flags, fluxacct_error_t *error)
{
    char *s;

    if (!o)
        return NULL;
    s = json_dumps (o, (flags & FLUXACCT_EXPORT_INDENT) ? JSON_INDENT (2)
                                                         : JSON_COMPACT);
    json_decref (o);
    if (!s)
        return errprintf_null (error, ENOMEM, "out of memory");
    return s;
}

FLUXACCT_EXPORT char *fluxacct_export_json (fluxacct_db_t *db, int flags,
                                            fluxacct_error_t *error)
{
    json_t *parts[6] = { NULL };
    json_t *o;

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    /* One read transaction (unless the caller has a batch open): the
     * pieces are consistent with each other. */
    bool txn = db->depth == 0;
    if (txn && db_exec (db, "BEGIN", error) < 0)
        return NULL;
    if ((parts[0] = associations (db, error)) && (parts[1] = queues (db, error))
        && (parts[2] = projects (db, error)) && (parts[3] = banks (db, error))
        && (parts[4] = config (db, error)))
        parts[5] = factors (db, error);
    if (txn)
        (void)db_exec (db, "ROLLBACK", NULL);
    if (!parts[5]) {
        for (int i = 0; i < 5; i++)
            json_decref (parts[i]);
        return NULL;
    }
    o = json_pack ("{s:o s:o s:o s:o s:o s:o}", "associations", parts[0],
                   "queues", parts[1], "projects", parts[2], "banks", parts[3],
                   "config", parts[4], "priority_factors", parts[5]);
    if (!o)
        return errprintf_null (error, ENOMEM, "out of memory");
    return dump (o, flags, error);
}

FLUXACCT_EXPORT char *fluxacct_export_payload (fluxacct_db_t *db,
                                               const char *name, int flags,
                                               fluxacct_error_t *error)
{
    static const struct {
        const char *name;
        json_t *(*fn) (fluxacct_db_t *, fluxacct_error_t *);
    } pieces[] = {
        { "rec_update", associations },   { "rec_q_update", queues },
        { "rec_proj_update", projects },  { "rec_bank_update", banks },
        { "rec_fac_update", factors },    { "rec_config_update", config },
    };
    json_t *data, *o;

    if (!db || !name)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (strcmp (name, "reprioritize") == 0)
        return dump (json_object (), flags, error);
    for (size_t i = 0; i < sizeof (pieces) / sizeof (pieces[0]); i++) {
        if (strcmp (name, pieces[i].name) != 0)
            continue;
        if (!(data = pieces[i].fn (db, error)))
            return NULL;
        if (i == 0 && (flags & FLUXACCT_EXPORT_REPLACE))
            o = json_pack ("{s:o s:b}", "data", data, "replace", 1);
        else
            o = json_pack ("{s:o}", "data", data);
        if (!o)
            return errprintf_null (error, ENOMEM, "out of memory");
        return dump (o, flags, error);
    }
    return errprintf_null (error, EINVAL, "unknown payload \"%s\" (expected "
                           "rec_update, rec_q_update, rec_proj_update, "
                           "rec_bank_update, rec_fac_update, "
                           "rec_config_update or reprioritize)", name);
}
