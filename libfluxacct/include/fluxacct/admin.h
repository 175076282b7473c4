/* libfluxacct - database administration: migrating a flux-accounting
 * database (update-db), exporting every table to CSV (export-db) and
 * populating tables from CSV (pop-db).
 *
 * Migration.  fluxacct_db_migrate() takes a flux-accounting database of any
 * release (0.10 .. 0.60, schema versions 0 .. 38) and rewrites it in place
 * into the current libfluxacct schema, after writing PATH.backup, a byte
 * copy of the file.  Everything keeps its meaning:
 *
 * - association_table: every row; `deleted` (<= 0.14) becomes
 *   active = !deleted; a missing active column means active; the single
 *   `max_jobs` limit (<= 0.13) becomes both max_running_jobs and
 *   max_active_jobs; `qos` lists (<= 0.13) become `queues` lists;
 *   admin_level (<= 0.12) is dropped; absent columns take their defaults.
 *   shares, job_usage, fairshare and every limit are copied unchanged.
 * - qos_table (<= 0.13): each QOS becomes a queue of the same name with the
 *   QOS priority (queues replaced QOS in flux-accounting 0.14).
 * - bank_table, queue_table, project_table, priority_factor_weight_table,
 *   config_table, job_usage_factor_table, t_half_life_period_table: every
 *   row and column; ids and AUTOINCREMENT counters are kept.  Bank names
 *   must be unique: a database with duplicate bank names is refused (the
 *   message lists them) and not changed.  Duplicate project names are
 *   merged (the lowest project_id is kept) and reported.  A bank's
 *   ignore_older_than stored as a date string is converted to epoch seconds.
 * - config_table: old values are kept as they are (half-life, reset period,
 *   decay factor, weights); missing protected keys get the defaults;
 *   decay_mode is "binned" and usage_epoch is flux-accounting's current
 *   period start (t_half_life_period_table.end_half_life_period; for a
 *   database younger than two half-lives, whose first bin is still open,
 *   that time moved back by whole half-lives to the period holding now),
 *   so that libfluxacct's periods line up with flux-accounting's bins.
 * - usage_factor_period_N columns (<= 0.58) become
 *   job_usage_per_association_table rows (period N).
 * - jobs: every record, with nnodes/ncores/ngpus counted from R, the
 *   charged bank (the record's bank, else the jobspec's, else the user's
 *   default bank) and an import sequence number.
 * - usage: association_table.job_usage and bank_table.job_usage stay as
 *   stored.  Each association's bins become the per-period sums the usage
 *   engine works from (bin k = the period k before the current one), and
 *   the records flux-accounting had already charged are marked charged, so
 *   the next update-usage decays the old usage from where flux-accounting
 *   left it and charges only the records it had not charged yet.
 *
 * The migration is one SQLite transaction: a crash or kill leaves either
 * the old database or the migrated one.  It is idempotent: a libfluxacct
 * database of the current schema is left untouched (stats->migrated = 0).
 *
 * CSV.  fluxacct_db_export_csv() writes every table to DIR/<table>.csv: a
 * header row with the column names, then one line per row, RFC 4180
 * quoting (fields holding a comma, quote, CR or LF are quoted, quotes
 * doubled).  NULL is an empty field; an empty string is "".  Reals are
 * written with enough digits to read back the same double.
 * fluxacct_db_import_csv() reads such a file into the table named by the
 * file's base name.
 */
#ifndef FLUXACCT_ADMIN_H
#define FLUXACCT_ADMIN_H

#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/jobs.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags for fluxacct_db_migrate(). */
enum {
    /** Do the whole migration, then roll it back: nothing is written (no
     *  backup either); stats tell what would be migrated. */
    FLUXACCT_MIGRATE_DRY_RUN = 1,
    /** After the migration, VACUUM the file: the old tables' pages are
     *  free pages after the migration (the file is about twice the size of
     *  its data); VACUUM gives them back to the file system.  It rewrites
     *  the whole file, a second transaction; if it fails the migrated
     *  database stays as it is and the failure is reported. */
    FLUXACCT_MIGRATE_VACUUM = 2,
};

/** What fluxacct_db_migrate() found and did. */
typedef struct {
    int migrated;            /**< 1 migrated from flux-accounting (or would,
                                  dry run); 2 a libfluxacct database of an
                                  older schema upgraded in place (or would;
                                  indexes only, no backup; the counts are
                                  the database's); 0 already current */
    int from_version;        /**< the source's PRAGMA user_version */
    uint64_t associations;   /**< association rows copied */
    uint64_t banks;          /**< bank rows copied */
    uint64_t queues;         /**< queue rows, QOS included */
    uint64_t qos;            /**< qos_table rows that became queues */
    uint64_t projects;       /**< project rows */
    uint64_t jobs;           /**< job records */
    uint64_t jobs_no_resources; /**< records whose R does not parse */
    uint64_t jobs_pending;   /**< records flux-accounting had not charged yet */
    uint64_t period_rows;    /**< job_usage_per_association_table rows */
    uint64_t config_keys;    /**< config keys after migration */
    uint64_t other_tables;   /**< tables unknown to flux-accounting, kept */
} fluxacct_migrate_stats_t;

/**
 * Migrate the flux-accounting database at `path` to the current libfluxacct
 * schema, in place (see the file comment for what maps to what).  The
 * write lock is taken first, then PATH.backup is written (a byte copy of
 * the file, replaced if present); if it cannot be written nothing is
 * changed.  A libfluxacct database of the current schema is not touched
 * (stats->migrated = 0, no backup); one of an older libfluxacct schema is
 * upgraded in place in one transaction (stats->migrated = 2; the upgrades
 * change indexes only, so no backup is written).
 *
 * @param flags   0, FLUXACCT_MIGRATE_DRY_RUN, FLUXACCT_MIGRATE_VACUUM
 * @param report  optional: called once per notable finding (merged
 *                duplicates, unparsable values, unknown tables kept)
 * @param stats   optional out (zeroed first)
 * @return 0, or -1 with errno: ENOENT no such file; EPROTO not a
 *   flux-accounting or libfluxacct database, or a newer libfluxacct schema;
 *   EEXIST duplicate bank names (the message lists them); EIO and others
 *   when the backup cannot be written (the message names it); EBUSY,
 *   EROFS, EACCES from SQLite.  On failure the database is unchanged.
 */
int fluxacct_db_migrate (const char *path, int flags,
                         fluxacct_report_f report, void *arg,
                         fluxacct_migrate_stats_t *stats,
                         fluxacct_error_t *error);

/**
 * The same as fluxacct_db_migrate(), also calling `progress` (with the same
 * `arg`) as job records are copied ("update-db", records so far, total 0:
 * unknown).  progress may be NULL.  Errors as fluxacct_db_migrate().
 */
int fluxacct_db_migrate_ex (const char *path, int flags,
                            fluxacct_report_f report,
                            fluxacct_progress_f progress, void *arg,
                            fluxacct_migrate_stats_t *stats,
                            fluxacct_error_t *error);

/** Counters of the CSV calls. */
typedef struct {
    uint64_t tables;  /**< files written / read */
    uint64_t rows;    /**< data rows written / inserted */
    uint64_t bytes;   /**< bytes written / read */
} fluxacct_csv_stats_t;

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
int fluxacct_db_export_csv (fluxacct_db_t *db, const char *dir,
                            const char *const *tables,
                            fluxacct_csv_stats_t *stats,
                            fluxacct_error_t *error);

/** Flags for fluxacct_db_import_csv(). */
enum {
    /** Delete the table's rows before loading (a restore); without it the
     *  rows are added to what the table holds. */
    FLUXACCT_CSV_REPLACE = 1,
};

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
 * @param fields  optional comma list (applies to every file), or NULL
 * @param flags   0 or FLUXACCT_CSV_REPLACE
 * @param stats   optional out
 * @return 0, or -1 with errno: ENOENT unknown table or missing file;
 *   EINVAL malformed CSV, wrong field count, bad number, unknown column or
 *   field, unknown bank/queue/project (the message names the file and
 *   line); EEXIST a duplicate key (file and line); EROFS, EBUSY.
 */
int fluxacct_db_import_csv (fluxacct_db_t *db, const char *const *paths,
                            const char *fields, int flags,
                            fluxacct_csv_stats_t *stats,
                            fluxacct_error_t *error);

/**
 * Load every DIR/<table>.csv whose base name is a table of the database,
 * as fluxacct_db_import_csv() does with the list of those files (one
 * transaction, dependency order).  Other files are left alone (each is
 * reported).  With FLUXACCT_CSV_REPLACE this restores what
 * fluxacct_db_export_csv() wrote: export, create a database, load the
 * directory with FLUXACCT_CSV_REPLACE, and the tables are equal.
 *
 * @return 0, or -1 with errno as fluxacct_db_import_csv(), or ENOENT when
 *   DIR holds no table file.
 */
int fluxacct_db_import_csv_dir (fluxacct_db_t *db, const char *dir,
                                int flags, fluxacct_report_f report,
                                void *arg, fluxacct_csv_stats_t *stats,
                                fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_ADMIN_H */
