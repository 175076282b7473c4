/* libfluxacct - export-db and pop-db: the tables a CSV file is read into
 * or written from, as the database describes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/csv_internal.h"

/* SQLite's affinity rules (https://sqlite.org/datatype3.html 3.1). */
static enum aff affinity (const char *type)
{
    if (!type || !*type)
        return A_NONE;
    if (strcasestr (type, "INT"))
        return A_INT;
    if (strcasestr (type, "CHAR") || strcasestr (type, "CLOB")
        || strcasestr (type, "TEXT"))
        return A_TEXT;
    if (strcasestr (type, "BLOB"))
        return A_NONE;
    return A_REAL; /* REAL, FLOA, DOUB and NUMERIC: numbers */
}


void csv_table_free (struct table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        free (t->cols[i].name);
    free (t->cols);
    free (t->name);
    memset (t, 0, sizeof (*t));
}

/* Columns of `name`; 0, or -1 with ENOENT when there is no such table. */
int csv_table_load (fluxacct_db_t *db, const char *name, struct table *t,
                       fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT p.name, p.type FROM sqlite_master s, pragma_table_info(s.name)"
        " p WHERE s.type = 'table' AND s.name = ? AND s.name NOT LIKE "
        "'sqlite_%'";
    sqlite3_stmt *st;
    int rc;

    memset (t, 0, sizeof (*t));
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error (db, error, "csv");
    sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
    if (!(t->name = strdup (name)))
        goto nomem;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        struct column *v = realloc (t->cols, (t->ncols + 1) * sizeof (*v));
        if (!v)
            goto nomem;
        t->cols = v;
        if (!(v[t->ncols].name = strdup ((const char *)
                                         sqlite3_column_text (st, 0))))
            goto nomem;
        v[t->ncols].aff = affinity ((const char *)sqlite3_column_text (st, 1));
        t->ncols++;
    }
    sqlite3_finalize (st);
    if (rc != SQLITE_DONE) {
        csv_table_free (t);
        return db_error (db, error, "csv");
    }
    if (t->ncols == 0) {
        csv_table_free (t);
        return errprintf (error, ENOENT, "table \"%s\" does not exist in the "
                          "database", name);
    }
    return 0;
nomem:
    sqlite3_finalize (st);
    csv_table_free (t);
    return errprintf (error, ENOMEM, "out of memory");
}

int csv_table_col (const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp (t->cols[i].name, name))
            return (int)i;
    return -1;
}

/* Every user table of the database, sorted by name. */
char **csv_all_tables (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const char *sql = "SELECT name FROM sqlite_master WHERE type = "
                             "'table' AND name NOT LIKE 'sqlite_%' ORDER BY "
                             "name";
    sqlite3_stmt *st;
    char **v = calloc (1, sizeof (char *));
    size_t n = 0;
    int rc;

    if (!v)
        return errprintf_null (error, ENOMEM, "out of memory");
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (v);
        db_error (db, error, "csv");
        return NULL;
    }
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        char **nv = realloc (v, (n + 2) * sizeof (char *));
        if (!nv)
            break;
        v = nv;
        if (!(v[n] = strdup ((const char *)sqlite3_column_text (st, 0))))
            break;
        v[++n] = NULL;
    }
    sqlite3_finalize (st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < n; i++)
            free (v[i]);
        free (v);
        return errprintf_null (error, ENOMEM, "cannot list the tables");
    }
    return v;
}

void csv_strv_free (char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free (v[i]);
    free (v);
}

/* The table a file loads: its base name without ".csv". */
char *csv_table_of_path (const char *path)
{
    const char *base = strrchr (path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen (base);
    if (n > 4 && !strcmp (base + n - 4, ".csv"))
        n -= 4;
    return strndup (base, n);
}

const struct fa_vtype csv_stats_type =
    FA_VTYPE1 (fluxacct_csv_stats_t, fluxacct_csv_stats_init);
const fluxacct_csv_stats_t csv_stats_zero = {
    .version = FLUXACCT_CSV_STATS_VERSION,
};

FLUXACCT_EXPORT int fluxacct_csv_stats_init (fluxacct_csv_stats_t *stats,
                                             int version)
{
    return fa_vinit (&csv_stats_type, stats, version, &csv_stats_zero);
}
