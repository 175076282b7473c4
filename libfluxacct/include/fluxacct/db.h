/* libfluxacct - the accounting database: create, open, close, transactions.
 *
 * One fluxacct_db_t wraps one SQLite connection.  A handle must not be used
 * from two threads at once; open one handle per thread instead (SQLite WAL
 * mode and the busy timeout make concurrent writers from several handles or
 * processes wait for each other instead of failing).
 *
 * Every mutating call of the library is one transaction: it either applies
 * completely or not at all.  Callers that want several calls to apply as one
 * unit wrap them in fluxacct_db_begin() / fluxacct_db_commit(); inside such
 * a batch each call still undoes its own partial work when it fails (a
 * SAVEPOINT), leaving the batch open for the caller to commit or roll back.
 */
#ifndef FLUXACCT_DB_H
#define FLUXACCT_DB_H

#include <stdint.h>
#include <fluxacct/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fluxacct_db fluxacct_db_t;

/** PRAGMA application_id of a libfluxacct database ("FXAC"). */
#define FLUXACCT_APPLICATION_ID 0x46584143
/** The schema version this library reads and writes (PRAGMA user_version).
 *  Values below 1000 are flux-accounting's own schema versions. */
#define FLUXACCT_SCHEMA_VERSION 1003

/** "No limit" as stored in limit columns (flux-accounting's INT_MAX). */
#define FLUXACCT_UNLIMITED 2147483647
/** Field value meaning "not given / leave unchanged" in *_fields_t structs. */
#define FLUXACCT_UNSET INT64_MIN
/** Field value meaning "reset to the column default" in edit calls. */
#define FLUXACCT_RESET (-1)

/* Limits (fluxacct-semantics(7) "Limits"); every writer checks them.  Usage
 * values are finite, from 0 to 1e300. */
/** Longest name (bank, user, queue, project, config key), in bytes.  Names
 *  are valid UTF-8 without control characters, '|' or ','. */
#define FLUXACCT_NAME_MAX 255
/** Deepest bank: the root is level 1, a bank at level 100 has no sub-banks. */
#define FLUXACCT_BANK_DEPTH_MAX 100
/** Most decay periods, N = ceil(reset period / half-life). */
#define FLUXACCT_PERIODS_MAX 1000
/** Shortest half-life, in seconds. */
#define FLUXACCT_HALF_LIFE_MIN 60
/** Longest half-life or reset period, in seconds (100 years). */
#define FLUXACCT_DURATION_MAX 3155760000LL
/** Latest time (epoch seconds; 9999-12-31T23:59:59Z): job times,
 *  ignore-older-than, the usage epoch are in [0, FLUXACCT_TIME_MAX]. */
#define FLUXACCT_TIME_MAX 253402300799LL
/** Largest resource weight (node_weight, core_weight, gpu_weight). */
#define FLUXACCT_WEIGHT_MAX 1000000
/** Largest magnitude of a bank priority. */
#define FLUXACCT_PRIORITY_ABS_MAX 1000000000

/** Flags for delete, scrub and list calls. */
enum {
    FLUXACCT_FORCE = 1,            /**< delete rows instead of disabling */
    FLUXACCT_INCLUDE_INACTIVE = 2, /**< list disabled rows too */
};

/** Flags for fluxacct_db_open(). */
enum {
    FLUXACCT_DB_READONLY = 1, /**< open read-only: every mutation fails EROFS */
};

/** Options for fluxacct_db_create().  A versioned struct (libfluxacct(3),
 *  "API RULES"): initialise it with fluxacct_db_create_options_init(). */
typedef struct {
    int version;
    /** seconds; 0 = default 604800 (1 week) */
    double priority_decay_half_life;
    /** seconds; 0 = default 2419200 (4 weeks); must be >= 0 */
    double priority_usage_reset_period;
    /** 0 < d < 1; 0 = default 0.5 */
    double decay_factor;
    /** file mode for a new database file; 0 = 0644 */
    int mode;
    /** usage epoch T0 (semantics section 2), epoch seconds; 0 = now */
    double usage_epoch;
} fluxacct_db_create_options_t;

#define FLUXACCT_DB_CREATE_OPTIONS_VERSION 1

/** Set opts->version to `version` (pass FLUXACCT_DB_CREATE_OPTIONS_VERSION)
 *  and every option of that version to its default (0: the default).
 *  @return 0, or -1 with errno EINVAL (NULL opts, unknown version). */
int fluxacct_db_create_options_init (fluxacct_db_create_options_t *opts,
                                     int version);

/**
 * Create a new, empty accounting database at `path` (parent directories are
 * created), with the seed rows: the `*` project, the default priority factor
 * weights and the default configuration.  The file is created with WAL
 * journaling and mode opts->mode (0644 by default, umask not applied).
 *
 * @param path  file to create; must not exist, or be an empty file
 * @param opts  options, or NULL for the defaults
 * @return 0 on success, -1 with errno set: EEXIST the file exists and is not
 *   empty; EINVAL a bad option (the message names it); EACCES / ENOENT /
 *   EROFS from the file system.  On failure nothing is left behind.
 */
int fluxacct_db_create (const char *path,
                        const fluxacct_db_create_options_t *opts,
                        fluxacct_error_t *error);

/**
 * Open an existing accounting database.
 *
 * @param path   the database file (not created if missing)
 * @param flags  0 or FLUXACCT_DB_READONLY
 * @return a handle the caller must close with fluxacct_db_close(), or NULL
 *   with errno set: ENOENT the file does not exist; EACCES no permission;
 *   EPROTO the file is not an SQLite database, is not an accounting
 *   database, is a flux-accounting database that needs `flux-account
 *   update-db`, or has a schema newer than this library (the message says
 *   which).  A failed open changes nothing in the file.
 */
fluxacct_db_t *fluxacct_db_open (const char *path, int flags,
                                 fluxacct_error_t *error);

/** Close the handle, rolling back a batch left open.  Accepts NULL;
 *  preserves errno. */
void fluxacct_db_close (fluxacct_db_t *db);

/** The path the handle was opened with.  Borrowed; valid until close. */
const char *fluxacct_db_path (const fluxacct_db_t *db);

/** The database's schema version (PRAGMA user_version), or -1 (EINVAL). */
int fluxacct_db_schema_version (fluxacct_db_t *db);

/**
 * Set how long a call waits for another writer before failing with EBUSY.
 * The default is 30000 ms, or $FLUXACCT_BUSY_TIMEOUT_MS when set.
 * @return 0, or -1 with errno EINVAL (NULL db, negative ms).
 */
int fluxacct_db_set_busy_timeout (fluxacct_db_t *db, int ms,
                                  fluxacct_error_t *error);

/**
 * Start a batch: the following calls apply together at fluxacct_db_commit()
 * or not at all (fluxacct_db_rollback()).  Batches nest (inner ones are
 * savepoints).  The write lock is taken at once, so a batch never fails
 * half-way with EBUSY.
 * @return 0, or -1 with errno: EINVAL NULL db; EROFS read-only handle;
 *   EBUSY another writer held the lock past the busy timeout.
 */
int fluxacct_db_begin (fluxacct_db_t *db, fluxacct_error_t *error);

/** Commit the innermost batch.  @return 0, or -1 with errno: EINVAL no
 *  batch is open; EBUSY / EIO from SQLite (the batch is then rolled back). */
int fluxacct_db_commit (fluxacct_db_t *db, fluxacct_error_t *error);

/** Roll back the innermost batch.  @return 0, or -1 (EINVAL) when no batch
 *  is open. */
int fluxacct_db_rollback (fluxacct_db_t *db, fluxacct_error_t *error);

/**
 * Progress of a long operation, the library's one progress callback:
 * `what` names it ("import", "usage", "update-db", ...), `done` out of
 * `total` units (bytes, jobs, rows; total 0 when unknown).  Called from
 * within the operation, every few thousand units and once at the end; must
 * not call back into the library on the same handle.  Calls on a handle
 * take it from fluxacct_db_set_progress(); a call without a handle
 * (fluxacct_migrate_db()) takes it from its options struct.
 */
typedef void (*fluxacct_progress_f) (void *arg, const char *what,
                                     uint64_t done, uint64_t total);

/** Install (or with fn NULL remove) the progress callback of a handle.
 *  Never fails; NULL db is ignored. */
void fluxacct_db_set_progress (fluxacct_db_t *db, fluxacct_progress_f fn,
                               void *arg);

/**
 * The database path to use when none is given: $FLUXACCT_DB when set and
 * non-empty, else the compiled-in default ${prefix}/var/FluxAccounting.db.
 * Borrowed; static or environment storage.
 */
const char *fluxacct_db_default_path (void);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_DB_H */
