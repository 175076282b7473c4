/* libfluxacct - query results as a table of typed cells.
 *
 * View and list calls return a fluxacct_rows_t: named columns (the SQLite
 * column names, so they match flux-accounting's --fields and JSON keys) and
 * rows of cells typed NULL, INT, REAL or TEXT.  Results are snapshots: they
 * stay valid after the database handle is closed.
 */
#ifndef FLUXACCT_ROWS_H
#define FLUXACCT_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <fluxacct/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fluxacct_rows fluxacct_rows_t;

/** Cell types. */
enum {
    FLUXACCT_TYPE_NULL = 0,
    FLUXACCT_TYPE_INT = 1,
    FLUXACCT_TYPE_REAL = 2,
    FLUXACCT_TYPE_TEXT = 3,
};

/** Flags for fluxacct_rows_to_json(). */
enum {
    FLUXACCT_JSON_UNLIMITED = 1, /**< print 2147483647 as "unlimited" */
    FLUXACCT_JSON_INDENT = 2,    /**< indent 2, one key per line */
};

/** Free a result.  Accepts NULL; preserves errno. */
void fluxacct_rows_destroy (fluxacct_rows_t *rows);

/** Number of rows (0 for NULL). */
size_t fluxacct_rows_count (const fluxacct_rows_t *rows);

/** Number of columns (0 for NULL). */
size_t fluxacct_rows_columns (const fluxacct_rows_t *rows);

/** Name of column `col`, or NULL (EINVAL) when out of range.  Borrowed;
 *  valid until the result is destroyed. */
const char *fluxacct_rows_column_name (const fluxacct_rows_t *rows,
                                       size_t col);

/** Index of the column called `name`, or -1 with errno ENOENT. */
int fluxacct_rows_column_index (const fluxacct_rows_t *rows,
                                const char *name);

/** Type of a cell (FLUXACCT_TYPE_*), or -1 with errno EINVAL when row or
 *  col is out of range. */
int fluxacct_rows_type (const fluxacct_rows_t *rows, size_t row, size_t col);

/** A cell as an integer (REAL is truncated, TEXT parsed, NULL is 0).  Out of
 *  range returns 0 with errno EINVAL. */
int64_t fluxacct_rows_int (const fluxacct_rows_t *rows, size_t row,
                           size_t col);

/** A cell as a double (TEXT parsed, NULL is 0).  Out of range returns 0
 *  with errno EINVAL. */
double fluxacct_rows_real (const fluxacct_rows_t *rows, size_t row,
                           size_t col);

/** A TEXT cell's string; NULL for other types or out of range.  Borrowed;
 *  valid until the result is destroyed. */
const char *fluxacct_rows_text (const fluxacct_rows_t *rows, size_t row,
                                size_t col);

/**
 * The result as a JSON array of objects keyed by column name, in column
 * order.  REAL cells print at full precision.
 * @param flags  FLUXACCT_JSON_* bits
 * @return a string the caller must free(), or NULL with errno ENOMEM/EINVAL.
 */
char *fluxacct_rows_to_json (const fluxacct_rows_t *rows, int flags,
                             fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_ROWS_H */
