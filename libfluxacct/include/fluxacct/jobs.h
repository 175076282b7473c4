/* libfluxacct - job records: import, list, scrub.
 *
 * Job records live in the `jobs` table (flux-accounting's columns plus
 * nnodes, ncores, ngpus counted from R at import, the bank the job is
 * charged to, and an import sequence number).  A record is charged to the
 * association (userid, bank) where bank is the jobspec's
 * attributes.system.bank or, when absent, the user's default bank at import
 * time (semantics section 1).  Records are never modified after import.
 */
#ifndef FLUXACCT_JOBS_H
#define FLUXACCT_JOBS_H

#include <stddef.h>
#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Counters filled by the import calls.  A versioned struct
 *  (libfluxacct(3), "API RULES"): initialise it with
 *  fluxacct_jobs_import_stats_init(). */
typedef struct {
    int version;
    uint64_t lines;        /**< non-empty input lines / archive rows read */
    uint64_t imported;     /**< new records stored */
    uint64_t duplicates;   /**< records whose id was already stored */
    uint64_t malformed;    /**< lines that are not a valid job: skipped */
    uint64_t no_resources; /**< stored; no R or R unparsable: usage 0 */
    uint64_t unknown;      /**< stored; no association for (userid, bank) yet */
} fluxacct_jobs_import_stats_t;

#define FLUXACCT_JOBS_IMPORT_STATS_VERSION 1

/** Set stats->version to `version` (pass FLUXACCT_JOBS_IMPORT_STATS_VERSION)
 *  and every counter to 0.  @return 0, or -1 with errno EINVAL (NULL
 *  stats, unknown version). */
int fluxacct_jobs_import_stats_init (fluxacct_jobs_import_stats_t *stats,
                                     int version);

/** Flags for the import calls. */
enum {
    FLUXACCT_IMPORT_STRICT = 1, /**< any malformed line refuses the import */
};

/** Options of the import calls.  A versioned struct: initialise it with
 *  fluxacct_jobs_import_options_init().  Progress comes from the handle
 *  (fluxacct_db_set_progress()). */
typedef struct {
    int version;
    /** 0 or FLUXACCT_IMPORT_STRICT */
    int flags;
    /** optional: called once per problem (line or record number and
     *  reason), with `arg` */
    fluxacct_report_f report;
    void *arg;
} fluxacct_jobs_import_options_t;

#define FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION 1

/** Set opts->version to `version` (pass
 *  FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION) and every option to its default
 *  (0 / NULL).  @return 0, or -1 with errno EINVAL (NULL opts, unknown
 *  version). */
int fluxacct_jobs_import_options_init (fluxacct_jobs_import_options_t *opts,
                                       int version);

/**
 * Import Flux jobs from JSON Lines, one job per line with job-list's keys:
 * "id" (integer, or any job id form of fluxacct_jobid_parse()), "userid",
 * "t_submit", "t_run", "t_inactive" (numbers), optional "ranks", "R" and
 * "jobspec" (objects or JSON strings).  Records already present are
 * skipped, so importing a file twice is harmless.  Malformed lines are
 * reported and skipped, or with FLUXACCT_IMPORT_STRICT the whole import
 * fails.  One transaction: all or nothing.
 *
 * @param path    file to read, or "-" for standard input
 * @param opts    options (flags, problem callback), or NULL for the
 *                defaults
 * @param stats   optional counters (zeroed first)
 * @return 0, or -1 with errno: EINVAL bad argument or (strict) a malformed
 *   line, named with its number; ENOENT/EACCES the file; EROFS, EBUSY.
 */
int fluxacct_jobs_import (fluxacct_db_t *db, const char *path,
                          const fluxacct_jobs_import_options_t *opts,
                          fluxacct_jobs_import_stats_t *stats,
                          fluxacct_error_t *error);

/** The same as fluxacct_jobs_import() from a buffer of len bytes. */
int fluxacct_jobs_import_buffer (fluxacct_db_t *db, const char *buf,
                                 size_t len,
                                 const fluxacct_jobs_import_options_t *opts,
                                 fluxacct_jobs_import_stats_t *stats,
                                 fluxacct_error_t *error);

/**
 * Import the jobs of a flux-core job-archive SQLite database (table jobs:
 * id, userid, ranks, t_submit, t_run, t_inactive, jobspec, R).  Jobs that
 * never ran (empty R) are skipped; the bank and project are read from the
 * jobspec.  opts as for fluxacct_jobs_import() (FLUXACCT_IMPORT_STRICT
 * is ignored: the archive's rows are Flux's own).  @return 0, or -1 with
 * errno: EPROTO the file is not a job-archive database; ENOENT missing
 * file; EROFS, EBUSY.
 */
int fluxacct_jobs_import_archive (fluxacct_db_t *db, const char *archive,
                                  const fluxacct_jobs_import_options_t *opts,
                                  fluxacct_jobs_import_stats_t *stats,
                                  fluxacct_error_t *error);

/** One job record as a running Flux instance describes it (job-list's
 *  keys, R and jobspec from job-info).  Strings are borrowed.  A versioned
 *  struct: initialise each with fluxacct_jobs_record_init(); in an array
 *  every element has the same version. */
typedef struct {
    int version;
    uint64_t id;          /**< the job id */
    int64_t userid;       /**< 0 .. 4294967295 */
    double t_submit;      /**< epoch seconds, >= 0 (0: unknown) */
    double t_run;         /**< >= t_submit, or 0: never ran */
    double t_inactive;    /**< >= t_run */
    const char *ranks;    /**< idset of the job's ranks, or NULL */
    const char *R;        /**< R as JSON text, or NULL: none */
    const char *jobspec;  /**< jobspec as JSON text, or NULL: none */
} fluxacct_jobs_record_t;

#define FLUXACCT_JOBS_RECORD_VERSION 1

/** Set rec->version to `version` (pass FLUXACCT_JOBS_RECORD_VERSION) and
 *  every member to 0 / NULL.  @return 0, or -1 with errno EINVAL (NULL
 *  rec, unknown version). */
int fluxacct_jobs_record_init (fluxacct_jobs_record_t *rec, int version);

/**
 * Import records already read (fetch-job-records from a running instance)
 * through the same path as fluxacct_jobs_import(): the record normaliser
 * works out the counts from R, the durations, the charged bank (the
 * jobspec's, else the user's default bank: README "Job records") and the
 * sequence number.  Records already present are skipped; a record that is
 * not a valid job (a value that breaks the rule of its jobs column, as
 * pop-db applies it: userid, times, names, durations; fluxacct-semantics(7)
 * "Limits"; times out of order, a jobspec that is not JSON or whose
 * attributes.system.bank or .project is not a string) is reported
 * ("record N: jobs.<column> ...") and skipped, or with FLUXACCT_IMPORT_STRICT fails the whole
 * import.  One transaction: all or nothing.
 *
 * @param recs   n records (may be NULL when n is 0), all of one version
 * @param opts   options (flags, problem callback: "record N: ..."), or
 *               NULL for the defaults
 * @param stats  optional counters (zeroed first; lines counts records)
 * @return 0, or -1 with errno: EINVAL bad argument or (strict) an invalid
 *   record, named with its position (from 1); EROFS, EBUSY.
 */
int fluxacct_jobs_import_records (fluxacct_db_t *db,
                                  const fluxacct_jobs_record_t *recs, size_t n,
                                  const fluxacct_jobs_import_options_t *opts,
                                  fluxacct_jobs_import_stats_t *stats,
                                  fluxacct_error_t *error);

/**
 * Seconds by which a fetch from a running Flux instance looks back before
 * its mark.  job-list can list a job as inactive later than another that
 * ended after it (it reads each job's records from the KVS on its own
 * schedule), so each fetch asks again for the last minute before the
 * newest job the previous one saw; jobs already stored are skipped
 * (fluxacct_jobs_known()).
 */
#define FLUXACCT_FETCH_OVERLAP 60

/**
 * Where the next fetch from a running instance starts: job-list's `since`
 * (it lists the jobs with t_inactive > since).  That is the fetch mark
 * (fluxacct_jobs_fetch_mark()) minus FLUXACCT_FETCH_OVERLAP; in a
 * database no fetch has marked yet, the newest stored t_inactive
 * (flux-accounting's rule) minus the overlap; 0 (every job) when there are
 * no records either.  Records imported from files or a job-archive do not
 * move the mark.
 *
 * @param since  out: epoch seconds, >= 0
 * @return 0, or -1 with errno EINVAL (bad argument) or an SQLite error.
 */
int fluxacct_jobs_fetch_since (fluxacct_db_t *db, double *since,
                               fluxacct_error_t *error);

/**
 * Record that a fetch from a running instance saw the inactive jobs up to
 * t_inactive `newest`: raises the fetch mark to newest, never lowers it.
 * Call it inside the batch (fluxacct_db_begin()) that imports the fetched
 * records, so the records and the mark are stored together or not at all.
 *
 * @return 0, or -1 with errno: EINVAL newest is not a finite time >= 0;
 *   EROFS, EBUSY.
 */
int fluxacct_jobs_fetch_mark (fluxacct_db_t *db, double newest,
                              fluxacct_error_t *error);

/**
 * Which job ids are stored already: known[i] is set to 1 when a record
 * with id ids[i] exists, else 0.  A fetch asks the instance only for the
 * others.  One query per 32,768 ids (fewer lookups than one per id).
 *
 * @param ids    n job ids (borrowed)
 * @param known  n bytes, filled by the call (caller-owned)
 * @return 0, or -1 with errno EINVAL (bad argument), ENOMEM, or an SQLite
 *   error.
 */
int fluxacct_jobs_known (fluxacct_db_t *db, const uint64_t *ids, size_t n,
                         unsigned char *known, fluxacct_error_t *error);

/**
 * Job records matching every filter, by t_inactive then id.  Columns: id
 * (decimal), userid, username (of an association with that userid, or
 * NULL), t_submit, t_run, t_inactive, nnodes, ncores, ngpus, project, bank,
 * requested_duration, actual_duration, duration_delta (requested - actual).
 *
 * @param filters NULL-terminated "key=value" strings, or NULL: userid=N,
 *   id=JOBID (any form), after_start=T (t_run > T), before_end=T
 *   (t_inactive < T), project=P, bank=B, and requested_duration,
 *   actual_duration, duration_delta with a value "<op> <number>", op one of
 *   < <= = >= > (repeatable; all must hold).  T is epoch seconds.
 * @return a result the caller must destroy, or NULL with errno EINVAL (a
 *   filter is malformed; the message names it).
 */
fluxacct_rows_t *fluxacct_jobs_list (fluxacct_db_t *db,
                                     const char *const *filters,
                                     fluxacct_error_t *error);

/**
 * Delete job records with t_inactive < older_than.  Usage is computed from
 * the records, so records younger than the usage reset period (their usage
 * still counts) are only deleted with FLUXACCT_FORCE.
 *
 * @param deleted  optional out: number of records deleted
 * @return 0, or -1 with errno: EPERM older_than is within the reset period
 *   and FLUXACCT_FORCE is not given; EINVAL bad argument.
 */
int fluxacct_jobs_scrub (fluxacct_db_t *db, double older_than, int flags,
                         int64_t *deleted, fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_JOBS_H */
