/* libfluxacct - export-db: tables to CSV (RFC 4180).
 *
 * Export writes a header row and one record per row.  NULL is an empty
 * field and an empty string is "" (the distinction PostgreSQL's CSV makes),
 * reals are written with enough digits to read back the same double, and
 * in columns without a declared type (usage_state_table.value) a text that
 * reads as a number is quoted so it comes back as text.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/admin_internal.h"
#include "admin/csv_internal.h"
#include "util/fmt_internal.h"
#include "fluxacct/csv.h"

/* ---- export ---------------------------------------------------------- */

struct wbuf {
    FILE *f;
    char *b;
    size_t n, cap;
    uint64_t total;
    int err;
};

static void wb_flush (struct wbuf *w)
{
    if (w->n && !w->err && fwrite (w->b, 1, w->n, w->f) != w->n)
        w->err = errno ? errno : EIO;
    w->total += w->n;
    w->n = 0;
}

static inline void wb_put (struct wbuf *w, const char *s, size_t len)
{
    if (w->n + len > w->cap) {
        wb_flush (w);
        if (len > w->cap) {
            if (!w->err && fwrite (s, 1, len, w->f) != len)
                w->err = errno ? errno : EIO;
            w->total += len;
            return;
        }
    }
    memcpy (w->b + w->n, s, len);
    w->n += len;
}

static inline void wb_putc (struct wbuf *w, char c)
{
    if (w->n == w->cap)
        wb_flush (w);
    w->b[w->n++] = c;
}

/* Does s read back as a number (then text must be quoted in an untyped
 * column to stay text)? */
static int looks_numeric (const char *s)
{
    char *end;
    if (!*s)
        return 0;
    (void)strtod (s, &end);
    return *end == '\0';
}

static void put_text (struct wbuf *w, const char *s, size_t len, int force)
{
    int quote = force || len == 0;

    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        wb_put (w, s, len);
        return;
    }
    wb_putc (w, '"');
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i == len || s[i] == '"') {
            wb_put (w, s + start, i - start);
            if (i < len)
                wb_put (w, "\"\"", 2);
            start = i + 1;
        }
    }
    wb_putc (w, '"');
}

/* Text of a real that reads back as the same double (FA_FMT_CSV, in
 * util/fmt.c, says how). */
size_t csv_fmt_real (double d, char *buf, size_t len)
{
    return fa_fmt_double (buf, len, d, FA_FMT_CSV);
}

static int export_table (fluxacct_db_t *db, const char *dir,
                         const struct table *t, fluxacct_csv_stats_t *stats,
                         fluxacct_error_t *error)
{
    char *path = NULL, *tmp = NULL, *sql = NULL;
    struct wbuf w = { 0 };
    sqlite3_stmt *st = NULL;
    int rc = -1, step;

    if (asprintf (&path, "%s/%s.csv", dir, t->name) < 0
        || asprintf (&tmp, "%s/.%s.csv.tmp", dir, t->name) < 0) {
        free (path);
        return errprintf (error, ENOMEM, "out of memory");
    }
    /* Rows in rowid order (primary key order for WITHOUT ROWID tables). */
    if (asprintf (&sql, "SELECT * FROM \"%s\" ORDER BY rowid", t->name) < 0)
        goto nomem;
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (sql);
        if (asprintf (&sql, "SELECT * FROM \"%s\"", t->name) < 0)
            goto nomem;
        if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
            db_error (db, error, "export-db");
            goto done;
        }
    }
    w.cap = 1 << 20;
    if (!(w.b = malloc (w.cap)))
        goto nomem;
    if (!(w.f = fopen (tmp, "w"))) {
        errprintf (error, errno, "cannot write %s: %s", path, strerror (errno));
        goto done;
    }
    for (int c = 0; c < sqlite3_column_count (st); c++) {
        const char *name = sqlite3_column_name (st, c);
        if (c)
            wb_putc (&w, ',');
        put_text (&w, name, strlen (name), 0);
    }
    wb_put (&w, "\r\n", 2);
    while ((step = sqlite3_step (st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count (st); c++) {
            char num[64];
            if (c)
                wb_putc (&w, ',');
            switch (sqlite3_column_type (st, c)) {
                case SQLITE_NULL:
                    break;
                case SQLITE_INTEGER:
                    wb_put (&w, num, (size_t)snprintf (num, sizeof (num),
                                                       "%lld",
                                                       sqlite3_column_int64
                                                           (st, c)));
                    break;
                case SQLITE_FLOAT:
                    wb_put (&w, num, csv_fmt_real (sqlite3_column_double (st, c),
                                               num, sizeof (num)));
                    break;
                default: {
                    const char *s = (const char *)sqlite3_column_text (st, c);
                    size_t len = (size_t)sqlite3_column_bytes (st, c);
                    put_text (&w, s ? s : "", len,
                              (size_t)c < t->ncols
                                  && t->cols[c].aff == A_NONE
                                  && looks_numeric (s ? s : ""));
                }
            }
        }
        wb_put (&w, "\r\n", 2);
        stats->rows++;
    }
    if (step != SQLITE_DONE) {
        db_error (db, error, "export-db");
        goto done;
    }
    wb_flush (&w);
    if (w.err || fflush (w.f) != 0 || fsync (fileno (w.f)) < 0) {
        int e = w.err ? w.err : errno;
        errprintf (error, e, "cannot write %s: %s", path, strerror (e));
        goto done;
    }
    if (fclose (w.f) != 0) {
        w.f = NULL;
        errprintf (error, errno, "cannot write %s: %s", path, strerror (errno));
        goto done;
    }
    w.f = NULL;
    /* renamed to its name by the caller once every table is written */
    stats->tables++;
    stats->bytes += w.total;
    rc = 0;
    goto done;
nomem:
    errprintf (error, ENOMEM, "out of memory");
done:
    if (w.f) {
        fclose (w.f);
        unlink (tmp);
    }
    free (w.b);
    sqlite3_finalize (st);
    free (sql);
    free (path);
    free (tmp);
    return rc;
}

static int csv_export (fluxacct_db_t *db, const char *dir,
                       const char *const *tables, fluxacct_csv_stats_t *stats,
                       fluxacct_error_t *error)
{
    char **all = NULL;
    struct stat sb;
    int own_txn = 0, rc = 0;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (!dir || !*dir)
        dir = ".";
    if (stat (dir, &sb) < 0) {
        if (errno != ENOENT || mkdir (dir, 0755) < 0)
            return errprintf (error, errno, "cannot create directory %s: %s",
                              dir, strerror (errno));
    }
    else if (!S_ISDIR (sb.st_mode))
        return errprintf (error, ENOTDIR, "%s is not a directory", dir);
    /* One read transaction: the files are one consistent snapshot. */
    if (db->depth == 0) {
        if (sqlite3_exec (db->h, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            return db_error (db, error, "export-db");
        own_txn = 1;
    }
    if (!tables) {
        if (!(all = csv_all_tables (db, error)))
            rc = -1;
        tables = (const char *const *)all;
    }
    size_t done = 0;
    for (size_t i = 0; rc == 0 && tables && tables[i]; i++) {
        struct table t;
        if ((rc = csv_table_load (db, tables[i], &t, error)) < 0)
            break;
        rc = export_table (db, dir, &t, stats, error);
        csv_table_free (&t);
        done = i + 1;
    }
    /* All or nothing: the files appear under their names only when every
     * table was written (a full disk leaves no partial set behind). */
    for (size_t i = 0; tables && i < done; i++) {
        char *tmp = NULL, *path = NULL;
        if (asprintf (&tmp, "%s/.%s.csv.tmp", dir, tables[i]) < 0)
            tmp = NULL;
        if (asprintf (&path, "%s/%s.csv", dir, tables[i]) < 0)
            path = NULL;
        if (tmp && path && rc == 0 && rename (tmp, path) < 0)
            rc = errprintf (error, errno, "cannot write %s: %s", path,
                            strerror (errno));
        if (tmp && rc != 0)
            unlink (tmp);
        free (tmp);
        free (path);
    }
    csv_strv_free (all);
    if (own_txn) {
        int saved = errno;
        sqlite3_exec (db->h, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL,
                      NULL);
        errno = saved;
    }
    return rc;
}

FLUXACCT_EXPORT int fluxacct_csv_export (fluxacct_db_t *db, const char *dir,
                                         const char *const *tables,
                                         fluxacct_csv_stats_t *stats,
                                         fluxacct_error_t *error)
{
    fluxacct_csv_stats_t local = csv_stats_zero;
    int rc;

    if (stats && fa_vcheck (&csv_stats_type, stats, error) == 0)
        return -1;
    rc = csv_export (db, dir, tables, &local, error);
    if (stats) {
        int saved = errno;
        fa_vout (&csv_stats_type, stats, &local);
        errno = saved;
    }
    return rc;
}
