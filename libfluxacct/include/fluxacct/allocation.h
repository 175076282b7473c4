/* libfluxacct - bank allocations: a budget A of weighted usage per window
 * (fluxacct-semantics(7) "Allocations"), set with fluxacct_bank_add() /
 * fluxacct_bank_edit() (fluxacct_bank_fields_t version 2) and brought up
 * to date by fluxacct_usage_update().
 */
#ifndef FLUXACCT_ALLOCATION_H
#define FLUXACCT_ALLOCATION_H

#include <stddef.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

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

#endif /* FLUXACCT_ALLOCATION_H */
