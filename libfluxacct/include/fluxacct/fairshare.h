/* libfluxacct - fair-share over the accounting database (semantics.md
 * section 5): the database's bank tree as a fluxacct_fstree_t, and the
 * update of every association's stored fair-share.
 *
 * Errors follow fluxacct/error.h: -1 or NULL with errno set, and a one-line
 * message in the optional fluxacct_error_t.
 */
#ifndef FLUXACCT_FAIRSHARE_H
#define FLUXACCT_FAIRSHARE_H

#include <stdint.h>
#include <fluxacct/error.h>
#include <fluxacct/db.h>
#include <fluxacct/fstree.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Build the fair-share tree of a database: active banks (from the root
 * down) and active associations, with their shares and usage.  A bank's
 * usage is its stored roll-up (bank_table.job_usage), which includes
 * disabled associations (semantics section 3).  The tree is not computed.
 * @return a tree the caller must destroy with fluxacct_fstree_destroy(), or
 *   NULL with errno ENOENT (no root bank) or as the database calls fail.
 */
fluxacct_fstree_t *fluxacct_fairshare_tree (fluxacct_db_t *db,
                                            fluxacct_error_t *error);

/**
 * Compute fair-share over the database's tree and write every active
 * association's association_table.fairshare (full precision), in one
 * transaction.  Rows whose value is unchanged are not rewritten.
 * @param updated  optional out: number of associations whose value changed
 * @return 0, or -1 with errno: ENOENT no root bank; EROFS, EBUSY.
 */
int fluxacct_fairshare_update (fluxacct_db_t *db, int64_t *updated,
                               fluxacct_error_t *error);

/**
 * The database's tree as fairshare-emulate input JSON ({"root": {...}}),
 * active banks and associations with shares and usage, so that
 * fairshare-emulate on it gives what fluxacct_fairshare_update() writes.
 * @return the text (caller must free()), or NULL with errno as
 *   fluxacct_fairshare_tree().
 */
char *fluxacct_fairshare_export_json (fluxacct_db_t *db,
                                      fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FAIRSHARE_H */
