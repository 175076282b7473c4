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

/** Counters filled by fluxacct_usage_update(). */
typedef struct {
    uint64_t new_jobs;      /**< records charged for the first time */
    uint64_t uncharged;     /**< new records that contribute nothing */
    uint64_t associations;  /**< associations whose values were rewritten */
    int full_recompute;     /**< 1 if all records were re-read */
    double now;             /**< the evaluation time used */
} fluxacct_usage_stats_t;

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

/**
 * Undecayed node-seconds of the jobs that ended in [start, end], grouped by
 * association, bank or user, optionally split by job size.  Columns: "key",
 * then one column per bin named "N+" (jobs with N <= nnodes < next bound)
 * when nbins > 0, then "total"; rows by total, largest first.  Usernames
 * come from the associations (the uid as text when none matches).  Jobs
 * without a bank are reported under their charged (default) bank.
 *
 * @param by       FLUXACCT_REPORT_*
 * @param username only this user's jobs, or NULL
 * @param bank     only this bank's jobs, or NULL
 * @param bins     ascending lower bounds of job sizes (nodes), or NULL
 * @param nbins    number of bounds (0: no split)
 * @param unit     divide by this (1 seconds, 60 minutes, 3600 hours)
 * @return a result the caller must destroy, or NULL with errno EINVAL (bad
 *   window, grouping, unit or bins).
 */
fluxacct_rows_t *fluxacct_usage_report (fluxacct_db_t *db, double start,
                                        double end, int by,
                                        const char *username,
                                        const char *bank,
                                        const int64_t *bins, size_t nbins,
                                        double unit, fluxacct_error_t *error);

/**
 * The allocation of every bank that has one (allocation > 0), or of one
 * bank, as of the last fluxacct_usage_update() (fluxacct-semantics(7)
 * "Allocations").  Columns: "bank", "allocation" (A), "used" (U),
 * "remaining" (A - U, negative when overspent), "percent" (100 U / A),
 * "allocation_start", "allocation_period", "window_start" and
 * "window_end" (epoch seconds of the window U belongs to; NULL when there
 * is none, window_end NULL when the window never ends), "as_of" (the last
 * update-usage time, 0 if it never ran), "burn_rate" (U per second over
 * the window so far; NULL without a window), "projected_exhaustion"
 * (epoch seconds at which U reaches A at that rate; NULL when already
 * exhausted, when nothing was used yet, or when that falls at or after the
 * window's end), "state" ("ok", "exhausted", "not-started": now is before
 * the start, "pending": the allocation was set or edited since the last
 * update-usage); rows by bank_id.
 *
 * @param bank  only this bank, or NULL for all
 * @return a result the caller must destroy, or NULL with errno: ENOENT
 *   unknown bank, or the bank has no allocation; EINVAL bad name.
 */
fluxacct_rows_t *fluxacct_allocation_report (fluxacct_db_t *db,
                                             const char *bank,
                                             fluxacct_error_t *error);

/**
 * A bank's burn-down: the cumulative used amount of its current window
 * (jobs of the bank and its sub-banks, as U) at `npoints` evenly spaced
 * times from the window start to the last update-usage time (or the
 * window end, when earlier).  t[i] receives the time (epoch seconds),
 * used[i] the used amount of the jobs that ended at or before t[i]
 * (used[npoints - 1] includes every job of the window so far, = U).
 *
 * @param npoints  2 .. 100000; t and used are caller arrays of that size
 * @return 0, or -1 with errno: ENOENT unknown bank or no allocation;
 *   ENODATA no current window (before its start, or the allocation was
 *   set since the last update-usage); EINVAL bad argument.
 */
int fluxacct_allocation_series (fluxacct_db_t *db, const char *bank,
                                size_t npoints, double *t, double *used,
                                fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_USAGE_H */
