/* libfluxacct - result tables (fluxacct_rows_t). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"
#include "util/fmt_internal.h"

typedef struct {
    int type;
    union {
        int64_t i;
        double d;
        char *s;
    } v;
} cell_t;

struct fluxacct_rows {
    size_t ncols;
    size_t nrows;
    size_t cap;
    char **names;
    cell_t *cells; /* nrows * ncols, row-major */
};

FLUXACCT_EXPORT void fluxacct_rows_destroy (fluxacct_rows_t *r)
{
    int saved = errno;
    if (r) {
        for (size_t i = 0; i < r->nrows * r->ncols; i++)
            if (r->cells[i].type == FLUXACCT_TYPE_TEXT)
                free (r->cells[i].v.s);
        for (size_t c = 0; c < r->ncols; c++)
            free (r->names[c]);
        free (r->names);
        free (r->cells);
        free (r);
    }
    errno = saved;
}

static int grow (fluxacct_rows_t *r)
{
    size_t cap = r->cap ? r->cap * 2 : 16;
    cell_t *c = realloc (r->cells, cap * r->ncols * sizeof (*c));
    if (!c)
        return -1;
    r->cells = c;
    r->cap = cap;
    return 0;
}

static int add_row (fluxacct_rows_t *r, sqlite3_stmt *st)
{
    cell_t *row;

    if (r->nrows == r->cap && grow (r) < 0)
        return -1;
    row = r->cells + r->nrows * r->ncols;
    for (size_t c = 0; c < r->ncols; c++) {
        switch (sqlite3_column_type (st, c)) {
            case SQLITE_INTEGER:
                row[c].type = FLUXACCT_TYPE_INT;
                row[c].v.i = sqlite3_column_int64 (st, c);
                break;
            case SQLITE_FLOAT:
                row[c].type = FLUXACCT_TYPE_REAL;
                row[c].v.d = sqlite3_column_double (st, c);
                break;
            case SQLITE_NULL:
                row[c].type = FLUXACCT_TYPE_NULL;
                break;
            default:
                row[c].type = FLUXACCT_TYPE_TEXT;
                row[c].v.s = strdup ((const char *)sqlite3_column_text (st, c));
                if (!row[c].v.s) {
                    for (size_t k = 0; k < c; k++)
                        if (row[k].type == FLUXACCT_TYPE_TEXT)
                            free (row[k].v.s);
                    return -1;
                }
        }
    }
    r->nrows++;
    return 0;
}

fluxacct_rows_t *rows_from_stmt (fluxacct_db_t *db, sqlite3_stmt *st,
                                 fluxacct_error_t *error)
{
    fluxacct_rows_t *r = calloc (1, sizeof (*r));
    int rc;

    if (!r)
        goto nomem;
    r->ncols = sqlite3_column_count (st);
    if (!(r->names = calloc (r->ncols ? r->ncols : 1, sizeof (char *))))
        goto nomem;
    for (size_t c = 0; c < r->ncols; c++)
        if (!(r->names[c] = strdup (sqlite3_column_name (st, c))))
            goto nomem;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW)
        if (add_row (r, st) < 0)
            goto nomem;
    if (rc != SQLITE_DONE) {
        db_error (db, error, "query");
        goto fail;
    }
    sqlite3_reset (st);
    return r;
nomem:
    errprintf (error, ENOMEM, "out of memory");
fail:
    sqlite3_reset (st);
    fluxacct_rows_destroy (r);
    return NULL;
}

FLUXACCT_EXPORT size_t fluxacct_rows_count (const fluxacct_rows_t *r)
{
    return r ? r->nrows : 0;
}

FLUXACCT_EXPORT size_t fluxacct_rows_columns (const fluxacct_rows_t *r)
{
    return r ? r->ncols : 0;
}

FLUXACCT_EXPORT const char *fluxacct_rows_column_name (const fluxacct_rows_t *r,
                                                       size_t col)
{
    if (!r || col >= r->ncols) {
        errno = EINVAL;
        return NULL;
    }
    return r->names[col];
}

FLUXACCT_EXPORT int fluxacct_rows_column_index (const fluxacct_rows_t *r,
                                                const char *name)
{
    if (r && name)
        for (size_t c = 0; c < r->ncols; c++)
            if (!strcmp (r->names[c], name))
                return (int)c;
    errno = ENOENT;
    return -1;
}

static const cell_t *cell (const fluxacct_rows_t *r, size_t row, size_t col)
{
    if (!r || row >= r->nrows || col >= r->ncols) {
        errno = EINVAL;
        return NULL;
    }
    return &r->cells[row * r->ncols + col];
}

FLUXACCT_EXPORT int fluxacct_rows_type (const fluxacct_rows_t *r, size_t row,
                                        size_t col)
{
    const cell_t *c = cell (r, row, col);
    return c ? c->type : -1;
}

FLUXACCT_EXPORT int64_t fluxacct_rows_int (const fluxacct_rows_t *r,
                                           size_t row, size_t col)
{
    const cell_t *c = cell (r, row, col);
    if (!c)
        return 0;
    switch (c->type) {
        case FLUXACCT_TYPE_INT: return c->v.i;
        case FLUXACCT_TYPE_REAL: return (int64_t)c->v.d;
        case FLUXACCT_TYPE_TEXT: return strtoll (c->v.s, NULL, 10);
        default: return 0;
    }
}

FLUXACCT_EXPORT double fluxacct_rows_real (const fluxacct_rows_t *r,
                                           size_t row, size_t col)
{
    const cell_t *c = cell (r, row, col);
    if (!c)
        return 0;
    switch (c->type) {
        case FLUXACCT_TYPE_INT: return (double)c->v.i;
        case FLUXACCT_TYPE_REAL: return c->v.d;
        case FLUXACCT_TYPE_TEXT: return strtod (c->v.s, NULL);
        default: return 0;
    }
}

FLUXACCT_EXPORT const char *fluxacct_rows_text (const fluxacct_rows_t *r,
                                                size_t row, size_t col)
{
    const cell_t *c = cell (r, row, col);
    return c && c->type == FLUXACCT_TYPE_TEXT ? c->v.s : NULL;
}

static void put_cell (FILE *f, const cell_t *c, int flags)
{
    char buf[64];

    switch (c->type) {
        case FLUXACCT_TYPE_INT:
            if ((flags & FLUXACCT_JSON_UNLIMITED)
                && c->v.i == FLUXACCT_UNLIMITED)
                fputs ("\"unlimited\"", f);
            else
                fprintf (f, "%lld", (long long)c->v.i);
            break;
        case FLUXACCT_TYPE_REAL:
            if (!isfinite (c->v.d))
                fputs ("null", f);
            else {
                fa_fmt_double (buf, sizeof (buf), c->v.d, FA_FMT_REPR);
                fputs (buf, f);
            }
            break;
        case FLUXACCT_TYPE_TEXT:
            fa_fmt_json_string (f, c->v.s);
            break;
        default:
            fputs ("null", f);
    }
}

/* JSON is written by hand rather than through jansson so that reals print
 * in their shortest exact form (0.1, not 0.10000000000000001). */
FLUXACCT_EXPORT char *fluxacct_rows_to_json (const fluxacct_rows_t *r,
                                             int flags,
                                             fluxacct_error_t *error)
{
    int indent = flags & FLUXACCT_JSON_INDENT;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    if (!r)
        return errprintf_null (error, EINVAL, "no result");
    if (!(f = open_memstream (&buf, &len)))
        return errprintf_null (error, ENOMEM, "out of memory");
    fputc ('[', f);
    for (size_t i = 0; i < r->nrows; i++) {
        fputs (i ? (indent ? ",\n  {" : ",{") : (indent ? "\n  {" : "{"), f);
        for (size_t c = 0; c < r->ncols; c++) {
            fputs (c ? (indent ? ",\n    " : ",") : (indent ? "\n    " : ""),
                   f);
            fa_fmt_json_string (f, r->names[c]);
            fputs (indent ? ": " : ":", f);
            put_cell (f, &r->cells[i * r->ncols + c], flags);
        }
        fputs (indent ? "\n  }" : "}", f);
    }
    fputs (indent && r->nrows ? "\n]" : "]", f);
    if (fclose (f) != 0 || !buf) {
        free (buf);
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    return buf;
}

/* Build "a, b, c" from the validated comma list. */
char *fields_sql (const char *fields, const char *const *columns,
                  fluxacct_error_t *error)
{
    size_t len = 1;
    char *out, *copy, *tok, *save, bad[160] = "";
    int nbad = 0;

    if (!fields || !*fields) {
        for (size_t i = 0; columns[i]; i++)
            len += strlen (columns[i]) + 2;
        if (!(out = calloc (1, len)))
            return errprintf_null (error, ENOMEM, "out of memory");
        for (size_t i = 0; columns[i]; i++) {
            if (i)
                strcat (out, ", ");
            strcat (out, columns[i]);
        }
        return out;
    }
    if (!(copy = strdup (fields)) || !(out = calloc (1, strlen (fields) * 2 + 2))) {
        free (copy);
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    for (tok = strtok_r (copy, ",", &save); tok;
         tok = strtok_r (NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t i;
        for (i = 0; columns[i]; i++)
            if (!strcmp (tok, columns[i]))
                break;
        if (!columns[i]) {
            size_t used = strlen (bad);
            snprintf (bad + used, sizeof (bad) - used, "%s%s",
                      nbad++ ? ", " : "", tok);
            continue;
        }
        if (*out)
            strcat (out, ", ");
        strcat (out, columns[i]);
    }
    free (copy);
    if (nbad || !*out) {
        free (out);
        return errprintf_null (error, EINVAL, "invalid fields: %s",
                               nbad ? bad : fields);
    }
    return out;
}

fluxacct_rows_t *db_select (fluxacct_db_t *db, const char *const *columns,
                            const char *fields, const char *from_where,
                            const char *arg1, const char *arg2,
                            const char *notfound, fluxacct_error_t *error)
{
    char *cols, *sql;
    sqlite3_stmt *st;
    fluxacct_rows_t *r;

    if (!(cols = fields_sql (fields, columns, error)))
        return NULL;
    if (asprintf (&sql, "SELECT %s FROM %s", cols, from_where) < 0) {
        free (cols);
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    free (cols);
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (sql);
        db_error (db, error, "query");
        return NULL;
    }
    free (sql);
    if (arg1)
        sqlite3_bind_text (st, 1, arg1, -1, SQLITE_STATIC);
    if (arg2)
        sqlite3_bind_text (st, 2, arg2, -1, SQLITE_STATIC);
    r = rows_from_stmt (db, st, error);
    sqlite3_finalize (st);
    if (r && notfound && r->nrows == 0) {
        fluxacct_rows_destroy (r);
        return errprintf_null (error, ENOENT, "%s", notfound);
    }
    return r;
}
