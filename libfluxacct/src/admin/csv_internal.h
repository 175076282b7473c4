/* libfluxacct - internals shared by the CSV files of the admin module:
 * the tables as the database describes them (csv_table.c) and the CSV
 * record reader (csv_read.c), used by export (csv_write.c) and import
 * (csv_import.c).
 */
#ifndef FLUXACCT_CSV_INTERNAL_H
#define FLUXACCT_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/db_internal.h"
#include "util/vstruct_internal.h"
#include "fluxacct/csv.h"

enum aff { A_INT, A_REAL, A_TEXT, A_NONE };

struct column {
    char *name;
    enum aff aff;
};

struct table {
    char *name;
    struct column *cols;
    size_t ncols;
};

/* Columns of `name`; 0, or -1 with ENOENT when there is no such table. */
int csv_table_load (fluxacct_db_t *db, const char *name, struct table *t,
                    fluxacct_error_t *error);
void csv_table_free (struct table *t);

/* fluxacct_csv_stats_t, shared by export-db and pop-db (csv_table.c). */
extern const struct fa_vtype csv_stats_type;
extern const fluxacct_csv_stats_t csv_stats_zero;
/* Index of column `name` in t, or -1. */
int csv_table_col (const struct table *t, const char *name);
/* Every user table of the database, sorted by name; NULL-terminated, free
 * with csv_strv_free(). */
char **csv_all_tables (fluxacct_db_t *db, fluxacct_error_t *error);
void csv_strv_free (char **v);
/* The table a file loads: its base name without ".csv" (malloc'd). */
char *csv_table_of_path (const char *path);

/* A CSV file being read (buffer of 1 MiB, owned by the caller). */
struct rd {
    FILE *f;
    const char *path;
    char *buf;
    size_t pos, len;
    uint64_t line;
    uint64_t bytes;
};

struct field {
    size_t off, len;
    int quoted;
};

struct rec {
    char *data;
    size_t dlen, dcap;
    struct field *f;
    size_t nf, fcap;
    uint64_t line;
};

/* Read one record into rec.  1: read; 0: end of file; -1: malformed
 * (message names the file and line). */
int csv_read_record (struct rd *r, struct rec *rec, fluxacct_error_t *error);
void csv_rec_free (struct rec *rec);

static inline const char *csv_rec_text (const struct rec *rec, size_t i)
{
    return rec->data + rec->f[i].off;
}

#endif /* FLUXACCT_CSV_INTERNAL_H */
