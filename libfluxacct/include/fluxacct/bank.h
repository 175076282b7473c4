/* libfluxacct - banks: a tree with exactly one root, shares at every node.
 *
 * Rules the library enforces (flux-accounting's, plus bank names unique):
 * exactly one root (parent ""); a parent must exist and be active; a bank
 * holds either sub-banks or associations, never both; no cycles.
 */
#ifndef FLUXACCT_BANK_H
#define FLUXACCT_BANK_H

#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A bank's fields.  A versioned struct (libfluxacct(3), "API RULES"):
 *  initialise it with fluxacct_bank_fields_init(): every
 *  field starts "not given" (NULL, FLUXACCT_UNSET or NaN). */
typedef struct {
    int version;
    const char *bank;         /**< name (required) */
    const char *parent_bank;  /**< add: NULL or "" makes the root */
    int64_t shares;           /**< 0..2147483647; add: default 1 */
    double priority;          /**< bank priority factor; add: default 0.0 */
    double ignore_older_than; /**< epoch seconds; add: default 0 */
    /* version 2: the bank's allocation (fluxacct-semantics(7)
     * "Allocations").  Read only when version >= 2. */
    double allocation;        /**< A, weighted usage units (node-seconds with
                                   the default weights), 0 .. 1e300; 0 = no
                                   allocation; add: default 0 */
    double allocation_start;  /**< S, whole epoch seconds; add: default 0 */
    double allocation_period; /**< P, whole seconds 0 .. 100 years; 0 = one
                                   window [S, inf) that never resets;
                                   add: default 0 */
} fluxacct_bank_fields_t;

#define FLUXACCT_BANK_FIELDS_VERSION 2

/** Set f->version to `version` (pass FLUXACCT_BANK_FIELDS_VERSION) and every field of that
 *  version to "not given".  @return 0, or -1 with errno EINVAL (NULL f,
 *  unknown version). */
int fluxacct_bank_fields_init (fluxacct_bank_fields_t *f, int version);

/**
 * Add a bank, or re-enable a disabled bank of the same name and parent.
 * A name must not contain a comma (filters take comma lists).
 * @return 0, or -1 with errno: EINVAL bad name or value; EEXIST the bank
 *   exists (or a second root was asked for); ENOENT unknown parent; EPERM
 *   the parent holds associations or is disabled.
 */
int fluxacct_bank_add (fluxacct_db_t *db, const fluxacct_bank_fields_t *f,
                       fluxacct_error_t *error);

/**
 * Change the given fields of bank f->bank (shares, parent_bank, priority,
 * ignore_older_than, and with version 2 allocation, allocation_start,
 * allocation_period); fields left "not given" keep their values.  Setting
 * allocation to 0 clears the allocation.  Changing any allocation field
 * marks the bank's used amount for recomputation: the next
 * fluxacct_usage_update() recomputes it from the job records of the
 * current window (until then the stored used amount is kept).
 * @return 0, or -1 with errno: EINVAL nothing to change or a bad value;
 *   ENOENT unknown bank or parent; EPERM the move would make a cycle, move
 *   the root, or put the bank beside associations.
 */
int fluxacct_bank_edit (fluxacct_db_t *db, const fluxacct_bank_fields_t *f,
                        fluxacct_error_t *error);

/**
 * Disable a bank, its sub-banks and their associations (recursively), or
 * with FLUXACCT_FORCE delete those rows (their stored usage is then dropped
 * from the roll-up).  @return 0, or -1 with errno: ENOENT unknown bank.
 */
int fluxacct_bank_delete (fluxacct_db_t *db, const char *bank, int flags,
                          fluxacct_error_t *error);

/**
 * One bank's row: bank_table's columns (bank_id, bank, active,
 * parent_bank, shares, job_usage, priority, ignore_older_than, allocation,
 * allocation_used, allocation_start, allocation_period, allocation_window)
 * and the computed allocation_remaining (allocation - allocation_used) and
 * allocation_percent (100 * allocation_used / allocation), both NULL for a
 * bank without an allocation; the allocation columns follow
 * ignore_older_than.  @param fields  comma-separated column names, or NULL
 * for all.  @return a result the caller must destroy, or NULL with errno:
 * ENOENT unknown bank; EINVAL invalid fields (named in the message).
 */
fluxacct_rows_t *fluxacct_bank_view (fluxacct_db_t *db, const char *bank,
                                     const char *fields,
                                     fluxacct_error_t *error);

/**
 * All active banks (FLUXACCT_INCLUDE_INACTIVE: all banks), ordered by
 * bank_id, with the columns of fluxacct_bank_view().  @return a result the caller must destroy, or NULL with errno
 * EINVAL (invalid fields).
 */
fluxacct_rows_t *fluxacct_bank_list (fluxacct_db_t *db, int flags,
                                     const char *fields,
                                     fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_BANK_H */
