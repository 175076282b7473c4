/* libfluxacct - decayed job usage (semantics sections 1-4).
 *
 * Usage per association is computed from the job records: each job
 * contributes (nnodes*node_weight + ncores*core_weight + ngpus*gpu_weight)
 * * (t_inactive - t_run), decayed by period (decay_mode "binned", the
 * default: D^k for a job k periods of length H old, dropped after N =
 * max(1, ceil(R/H)) periods) or continuously ("continuous": 2^(-age/H),
 * dropped after R).  Periods follow the clock from the database's
 * usage_epoch, so the result depends only on the records and `now`.
 */
#ifndef FLUXACCT_USAGE_H
#define FLUXACCT_USAGE_H

#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Counters filled by fluxacct_usage_update().  A versioned struct
 *  (libfluxacct(3), "API RULES"): initialise it with
 *  fluxacct_usage_stats_init(). */
typedef struct {
    int version;
    uint64_t new_jobs;      /**< records charged for the first time */
    uint64_t uncharged;     /**< new records that contribute nothing */
    uint64_t associations;  /**< associations whose values were rewritten */
    int full_recompute;     /**< 1 if all records were re-read */
    double now;             /**< the evaluation time used */
} fluxacct_usage_stats_t;

#define FLUXACCT_USAGE_STATS_VERSION 1

/** Set stats->version to `version` (pass FLUXACCT_USAGE_STATS_VERSION) and
 *  every counter to 0.  @return 0, or -1 with errno EINVAL (NULL stats,
 *  unknown version). */
int fluxacct_usage_stats_init (fluxacct_usage_stats_t *stats, int version);

/**
 * Charge new job records and write every association's decayed usage
 * (association_table.job_usage, job_usage_per_association_table with
 * period 0 = the current period) and every bank's roll-up
 * (bank_table.job_usage), in one transaction.  Idempotent: the same `now`
 * gives the same values.  Incremental: each record is read once, unless the
 * decay or weight configuration changed since the last run, when all are
 * re-read.
 *
 * @param now    evaluation time in epoch seconds, or NAN for the current
 *               time
 * @param stats  optional counters
 * @return 0, or -1 with errno: EINVAL bad now or configuration; EROFS,
 *   EBUSY.
 */
int fluxacct_usage_update (fluxacct_db_t *db, double now,
                           fluxacct_usage_stats_t *stats,
                           fluxacct_error_t *error);

/**
 * Forget a bank's past: set its ignore_older_than to `t` (NAN: now), so
 * jobs that ended at or before t are never charged again, and recompute
 * the usage of the bank's subtree and the roll-up.  @return 0, or -1 with
 * errno ENOENT (unknown bank) or EINVAL.
 */
int fluxacct_usage_clear (fluxacct_db_t *db, const char *bank, double t,
                          fluxacct_error_t *error);

/**
 * An association's per-period usage: rows (username, bank, period, value)
 * for periods 0 (current) .. N-1, as last written by
 * fluxacct_usage_update().  @return a result the caller must destroy, or
 * NULL with errno ENOENT (no such user).
 */
fluxacct_rows_t *fluxacct_usage_periods (fluxacct_db_t *db,
                                         const char *username,
                                         fluxacct_error_t *error);

/** Grouping of fluxacct_usage_report(). */
enum {
    FLUXACCT_REPORT_BYASSOCIATION = 0, /**< key "bank:username" */
    FLUXACCT_REPORT_BYBANK = 1,        /**< key bank */
    FLUXACCT_REPORT_BYUSER = 2,        /**< key username */
};

/** What fluxacct_usage_report() reports.  A versioned struct
 *  (libfluxacct(3), "API RULES"): initialise it with
 *  fluxacct_usage_report_options_init(). */
typedef struct {
    int version;
    double start;          /**< the window: jobs that ended in [start, end], */
    double end;            /**< epoch seconds; default 0 ..
                                FLUXACCT_TIME_MAX */
    int by;                /**< FLUXACCT_REPORT_*; default BYASSOCIATION */
    const char *username;  /**< only this user's jobs, or NULL (default) */
    const char *bank;      /**< only this bank's jobs, or NULL (default) */
    const int64_t *bins;   /**< ascending lower bounds of job sizes (nodes),
                                or NULL (default) */
    size_t nbins;          /**< number of bounds (default 0: no split) */
    double unit;           /**< divide by this (1 seconds, the default; 60
                                minutes; 3600 hours) */
} fluxacct_usage_report_options_t;

#define FLUXACCT_USAGE_REPORT_OPTIONS_VERSION 1

/** Set opts->version to `version` (pass
 *  FLUXACCT_USAGE_REPORT_OPTIONS_VERSION) and every option to its default.
 *  @return 0, or -1 with errno EINVAL (NULL opts, unknown version). */
int fluxacct_usage_report_options_init (fluxacct_usage_report_options_t *opts,
                                        int version);

/**
 * Undecayed node-seconds of the jobs that ended in [start, end], grouped by
 * association, bank or user, optionally split by job size.  Columns: "key",
 * then one column per bin named "N+" (jobs with N <= nnodes < next bound)
 * when nbins > 0, then "total"; rows by total, largest first.  Usernames
 * come from the associations (the uid as text when none matches).  Jobs
 * without a bank are reported under their charged (default) bank.
 *
 * @param opts  what to report (NULL: every job, by association, seconds)
 * @return a result the caller must destroy, or NULL with errno EINVAL (bad
 *   window, grouping, unit or bins).
 */
fluxacct_rows_t *fluxacct_usage_report (fluxacct_db_t *db,
                                        const fluxacct_usage_report_options_t *opts,
                                        fluxacct_error_t *error);


#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_USAGE_H */
