/* libfluxacct - the key/value configuration table.
 *
 * Protected keys (they always exist, are validated, and cannot be deleted):
 *   priority_usage_reset_period  FSD, >= 0, stored as seconds
 *   priority_decay_half_life     FSD, > 0, stored as seconds
 *   decay_factor                 0 < d < 1
 *   node_weight, core_weight, gpu_weight   floats >= 0
 *   deny_unknown_queues          true or false (any case)
 *   decay_mode                   binned or continuous
 *   usage_epoch                  epoch seconds (T0 of usage periods)
 */
#ifndef FLUXACCT_CONFIG_H
#define FLUXACCT_CONFIG_H

#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Add a new key.  @return 0, or -1 with errno: EINVAL empty key or value;
 *  EEXIST the key exists. */
int fluxacct_config_add (fluxacct_db_t *db, const char *key,
                         const char *value, fluxacct_error_t *error);

/** Change a key's value (validated for protected keys; stored normalised).
 *  @return 0, or -1 with errno: ENOENT unknown key; EINVAL bad value. */
int fluxacct_config_edit (fluxacct_db_t *db, const char *key,
                          const char *value, fluxacct_error_t *error);

/** Delete a key.  @return 0, or -1 with errno: ENOENT unknown key; EPERM a
 *  protected key. */
int fluxacct_config_delete (fluxacct_db_t *db, const char *key,
                            fluxacct_error_t *error);

/** A key's value as a string the caller must free(), or NULL with ENOENT. */
char *fluxacct_config_get (fluxacct_db_t *db, const char *key,
                           fluxacct_error_t *error);

/** One key's row; NULL with ENOENT or EINVAL.  Caller destroys it. */
fluxacct_rows_t *fluxacct_config_view (fluxacct_db_t *db, const char *key,
                                       const char *fields,
                                       fluxacct_error_t *error);

/** All keys; NULL with EINVAL.  Caller destroys it. */
fluxacct_rows_t *fluxacct_config_list (fluxacct_db_t *db, const char *fields,
                                       fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_CONFIG_H */
