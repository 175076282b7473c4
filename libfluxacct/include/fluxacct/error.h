/* libfluxacct - error reporting shared by every module.
 *
 * Conventions (all modules):
 * - Functions returning int return 0 on success, -1 on failure with errno set
 *   to the error *category*; functions returning a pointer return NULL on
 *   failure with errno set.
 * - Every function that can fail takes an optional `fluxacct_error_t *error`
 *   as its last argument.  When non-NULL it receives a one-line, human
 *   readable message naming the thing that is wrong.  The text is copied into
 *   the caller's buffer, never borrowed.
 * - Common errno categories: EINVAL (bad parameter or value), ENOENT (no such
 *   bank, association, queue, ...), EEXIST (already exists), EPERM (hierarchy
 *   or protection rule violated), EBUSY (database locked past the busy
 *   timeout), EROFS (database opened read-only or not writable), EPROTO
 *   (database file is not a database, or its schema is unknown), ENOMEM.
 * - Strings returned with ownership are malloc'd; release them with free().
 */
#ifndef FLUXACCT_ERROR_H
#define FLUXACCT_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Caller-allocated error text, the same shape as flux_error_t. */
typedef struct {
    char text[160];
} fluxacct_error_t;

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_ERROR_H */
