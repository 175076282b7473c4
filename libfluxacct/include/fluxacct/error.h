/* libfluxacct - error reporting and the callback types shared by every
 * module.  The API rules (naming, ownership, errors, versioned structs,
 * callbacks, threads) are written out in libfluxacct(3), "API RULES".
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
 * - The *_init() functions and the accessors of results, which fail only for
 *   a NULL pointer, an out-of-range index or an unknown struct version,
 *   take no error buffer: -1 (or NULL) with errno EINVAL.
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

/**
 * Called once per problem found by a long operation that goes on past it
 * (an import skipping a malformed line, a migration merging duplicates):
 * `msg` is one line naming the thing (file and line, record, table), and
 * is borrowed for the duration of the call.  The callback must not call
 * back into the library on the same handle.
 */
typedef void (*fluxacct_report_f) (void *arg, const char *msg);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_ERROR_H */
