/* libfluxacct - migrating a flux-accounting database (update-db).
 *
 * fluxacct_migrate_db() takes a flux-accounting database of any
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
 */
#ifndef FLUXACCT_MIGRATE_H
#define FLUXACCT_MIGRATE_H

#include <stdint.h>
#include <fluxacct/error.h>
#include <fluxacct/db.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags for fluxacct_migrate_db(). */
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

/** What fluxacct_migrate_db() found and did.  A versioned struct
 *  (libfluxacct(3), "API RULES"): initialise it with
 *  fluxacct_migrate_stats_init(). */
typedef struct {
    int version;
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

#define FLUXACCT_MIGRATE_STATS_VERSION 1

/** Set stats->version to `version` (pass FLUXACCT_MIGRATE_STATS_VERSION)
 *  and every counter to 0.  @return 0, or -1 with errno EINVAL (NULL
 *  stats, unknown version). */
int fluxacct_migrate_stats_init (fluxacct_migrate_stats_t *stats,
                                 int version);

/** Options for fluxacct_migrate_db().  A versioned struct: initialise it
 *  with fluxacct_migrate_options_init(). */
typedef struct {
    int version;
    /** 0, or FLUXACCT_MIGRATE_DRY_RUN, FLUXACCT_MIGRATE_VACUUM */
    int flags;
    /** optional: called once per notable finding (merged duplicates,
     *  unparsable values, unknown tables kept), with `arg` */
    fluxacct_report_f report;
    /** optional: called as job records are copied ("update-db", records
     *  so far, total 0: unknown), with `arg` */
    fluxacct_progress_f progress;
    void *arg;
} fluxacct_migrate_options_t;

#define FLUXACCT_MIGRATE_OPTIONS_VERSION 1

/** Set opts->version to `version` (pass FLUXACCT_MIGRATE_OPTIONS_VERSION)
 *  and every option to its default (0 / NULL).  @return 0, or -1 with
 *  errno EINVAL (NULL opts, unknown version). */
int fluxacct_migrate_options_init (fluxacct_migrate_options_t *opts,
                                   int version);

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
 * @param opts    options, or NULL for the defaults
 * @param stats   optional out (initialised by the caller; counters are
 *                zeroed first)
 * @return 0, or -1 with errno: ENOENT no such file; EPROTO not a
 *   flux-accounting or libfluxacct database, or a newer libfluxacct schema;
 *   EEXIST duplicate bank names (the message lists them); EIO and others
 *   when the backup cannot be written (the message names it); EBUSY,
 *   EROFS, EACCES from SQLite.  On failure the database is unchanged.
 */
int fluxacct_migrate_db (const char *path,
                         const fluxacct_migrate_options_t *opts,
                         fluxacct_migrate_stats_t *stats,
                         fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_MIGRATE_H */
