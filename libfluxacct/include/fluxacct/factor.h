/* libfluxacct - priority factor weights: fairshare, queue, bank, urgency. */
#ifndef FLUXACCT_FACTOR_H
#define FLUXACCT_FACTOR_H

#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Set a factor's integer weight.  @return 0, or -1 with errno: ENOENT
 *  unknown factor (the message lists the known ones); EINVAL NULL name. */
int fluxacct_factor_edit (fluxacct_db_t *db, const char *factor,
                          int64_t weight, fluxacct_error_t *error);

/** Read a factor's weight into *weight.  @return 0, or -1 with ENOENT. */
int fluxacct_factor_get (fluxacct_db_t *db, const char *factor,
                         int64_t *weight, fluxacct_error_t *error);

/** Restore the defaults: fairshare 100000, queue 10000, bank 0, urgency
 *  1000.  @return 0, or -1. */
int fluxacct_factor_reset (fluxacct_db_t *db, fluxacct_error_t *error);

/** One factor's row; NULL with ENOENT or EINVAL.  Caller destroys it. */
fluxacct_rows_t *fluxacct_factor_view (fluxacct_db_t *db, const char *factor,
                                       const char *fields,
                                       fluxacct_error_t *error);

/** All factors; NULL with EINVAL.  Caller destroys it. */
fluxacct_rows_t *fluxacct_factor_list (fluxacct_db_t *db, const char *fields,
                                       fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FACTOR_H */
