/* libfluxacct - every table to CSV (export-db) and tables from CSV
 * (pop-db).
 *
 * fluxacct_csv_export() writes every table to DIR/<table>.csv: a
 * header row with the column names, then one line per row, RFC 4180
 * quoting (fields holding a comma, quote, CR or LF are quoted, quotes
 * doubled).  NULL is an empty field; an empty string is "".  Reals are
 * written with enough digits to read back the same double.
 * fluxacct_csv_import() reads such a file into the table named by the
 * file's base name.
 */
#ifndef FLUXACCT_CSV_H
#define FLUXACCT_CSV_H

#include <stdint.h>
#include <fluxacct/error.h>
#include <fluxacct/db.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Counters of the CSV calls.  A versioned struct (libfluxacct(3), "API
 *  RULES"): initialise it with fluxacct_csv_stats_init(). */
typedef struct {
    int version;
    uint64_t tables;  /**< files written / read */
    uint64_t rows;    /**< data rows written / inserted */
    uint64_t bytes;   /**< bytes written / read */
} fluxacct_csv_stats_t;

#define FLUXACCT_CSV_STATS_VERSION 1

/** Set stats->version to `version` (pass FLUXACCT_CSV_STATS_VERSION) and
 *  every counter to 0.  @return 0, or -1 with errno EINVAL (NULL stats,
 *  unknown version). */
int fluxacct_csv_stats_init (fluxacct_csv_stats_t *stats, int version);

/**
 * Write tables to DIR/<table>.csv (DIR is created if missing; existing
 * files are replaced).  The tables are read in one read transaction, so the
 * files are a consistent snapshot.
 *
 * @param dir     directory, or NULL for the current directory
 * @param tables  NULL-terminated table names, or NULL for every table
 * @param stats   optional out
 * @return 0, or -1 with errno: ENOENT an unknown table; the file system's
 *   errno when a file cannot be written (the message names it).
 */
int fluxacct_csv_export (fluxacct_db_t *db, const char *dir,
                         const char *const *tables,
                         fluxacct_csv_stats_t *stats,
                         fluxacct_error_t *error);

/** Flags for fluxacct_csv_import(). */
enum {
    /** Delete the table's rows before loading (a restore); without it the
     *  rows are added to what the table holds. */
    FLUXACCT_CSV_REPLACE = 1,
};

/** Options for fluxacct_csv_import() and fluxacct_csv_import_dir().  A
 *  versioned struct: initialise it with fluxacct_csv_import_options_init().
 */
typedef struct {
    int version;
    /** 0 or FLUXACCT_CSV_REPLACE */
    int flags;
    /** fluxacct_csv_import(): a comma list of the file's columns to load
     *  (applies to every file), or NULL for all */
    const char *fields;
    /** optional: fluxacct_csv_import_dir() reports each file it leaves
     *  alone, with `arg` */
    fluxacct_report_f report;
    void *arg;
} fluxacct_csv_import_options_t;

#define FLUXACCT_CSV_IMPORT_OPTIONS_VERSION 1

/** Set opts->version to `version` (pass
 *  FLUXACCT_CSV_IMPORT_OPTIONS_VERSION) and every option to its default
 *  (0 / NULL).  @return 0, or -1 with errno EINVAL (NULL opts, unknown
 *  version). */
int fluxacct_csv_import_options_init (fluxacct_csv_import_options_t *opts,
                                      int version);

/**
 * Populate the table named by the base name of `path` (without ".csv")
 * from a CSV file whose first row names the columns.  An empty field
 * leaves the column out of the row, so it takes the column's default (NULL
 * when it has none); "" is an empty string.  With `fields` (a comma list
 * of column names), only those columns of the file are loaded, matched to
 * the header BY NAME; the file's other columns are ignored.
 *
 * Rows are checked before anything is written: every line must have as
 * many fields as the header; integer and real columns must hold numbers;
 * association rows must name an existing bank (loaded earlier or in the
 * same call), and existing queues and projects; bank rows must name an
 * existing parent.  Job rows without nnodes/ncores/ngpus, charge_bank or
 * seq get them as an import would (counted from R, the bank or the user's
 * default bank, the next sequence number).
 *
 * Several files load in one transaction when `paths` holds more than one:
 * they are loaded in dependency order (banks, queues and projects before
 * associations), and any error leaves the database unchanged.
 *
 * @param paths   NULL-terminated list of CSV files
 * @param opts    options (flags, fields), or NULL for the defaults
 * @param stats   optional out
 * @return 0, or -1 with errno: ENOENT unknown table or missing file;
 *   EINVAL malformed CSV, wrong field count, bad number, unknown column or
 *   field, unknown bank/queue/project (the message names the file and
 *   line); EEXIST a duplicate key (file and line); EROFS, EBUSY.
 */
int fluxacct_csv_import (fluxacct_db_t *db, const char *const *paths,
                         const fluxacct_csv_import_options_t *opts,
                         fluxacct_csv_stats_t *stats,
                         fluxacct_error_t *error);

/**
 * Load every DIR/<table>.csv whose base name is a table of the database,
 * as fluxacct_csv_import() does with the list of those files (one
 * transaction, dependency order).  Other files are left alone (each is
 * reported).  With FLUXACCT_CSV_REPLACE this restores what
 * fluxacct_csv_export() wrote: export, create a database, load the
 * directory with FLUXACCT_CSV_REPLACE, and the tables are equal.
 *
 * @param opts  options (flags, report, arg; fields must be NULL), or NULL
 *   for the defaults
 *
 * @return 0, or -1 with errno as fluxacct_csv_import(), or ENOENT when
 *   DIR holds no table file.
 */
int fluxacct_csv_import_dir (fluxacct_db_t *db, const char *dir,
                             const fluxacct_csv_import_options_t *opts,
                             fluxacct_csv_stats_t *stats,
                             fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_CSV_H */
