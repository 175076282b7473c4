/* libfluxacct - versioned structs (libfluxacct(3), "API RULES").
 *
 * Every struct that crosses the API starts with `int version`.  A type is
 * described by a struct fa_vtype: its name, the name of its init function,
 * and the size of each of its versions (sizes[v - 1]).  The size of an
 * older version is the offset of the first member the next version added,
 * so a version's size never includes members the caller does not have.
 * The library never reads or writes past the caller's version.
 */
#ifndef FLUXACCT_VSTRUCT_INTERNAL_H
#define FLUXACCT_VSTRUCT_INTERNAL_H

#include <stddef.h>
#include "fluxacct/error.h"
#include "util/util_internal.h"

#define FA_VERSIONS_MAX 4

struct fa_vtype {
    const char *name;  /* "fluxacct_usage_stats_t" */
    const char *init;  /* "fluxacct_usage_stats_init" */
    int latest;        /* the header's FLUXACCT_..._VERSION */
    size_t sizes[FA_VERSIONS_MAX];
};

/* A type with one version. */
#define FA_VTYPE1(T, INIT) { #T, #INIT, 1, { sizeof (T) } }

/* For a type with one version: the descriptor `static const struct
 * fa_vtype VAR`, and the exported init function `int INIT (T *p, int
 * version)`, which copies DEFAULTS (a const T defined before). */
#define FA_VSTRUCT1(VAR, T, INIT, DEFAULTS)                                 \
    static const struct fa_vtype VAR = FA_VTYPE1 (T, INIT);                 \
    FLUXACCT_EXPORT int INIT (T *p, int version)                            \
    {                                                                       \
        return fa_vinit (&VAR, p, version, &(DEFAULTS));                    \
    }                                                                       \
    _Static_assert (1, #INIT)

/* The size of version `version` of type t, or 0 when t has no such
 * version. */
size_t fa_vsize (const struct fa_vtype *t, int version);

/* The size of the version p holds; 0 with errno EINVAL and a message
 * naming the type when p is NULL or its version is unknown. */
size_t fa_vcheck (const struct fa_vtype *t, const void *p,
                  fluxacct_error_t *error);

/* An init function: copy the first fa_vsize(version) bytes of `defaults`
 * (a full struct of the latest version holding the defaults) to p and set
 * p's version.  Returns 0, or -1 with errno EINVAL (NULL p, unknown
 * version). */
int fa_vinit (const struct fa_vtype *t, void *p, int version,
              const void *defaults);

/* An input struct: start `full` (the latest version) from `defaults`, then
 * copy the members of p's version over them; full's version becomes the
 * latest.  p NULL gives the defaults.  Returns 0, or -1 with errno EINVAL
 * (unknown version; the message names the type). */
int fa_vin (const struct fa_vtype *t, const void *p, void *full,
            const void *defaults, fluxacct_error_t *error);

/* An output struct, checked with fa_vcheck() before the work: copy the
 * members of p's version from `full`, keeping p's version. */
void fa_vout (const struct fa_vtype *t, void *p, const void *full);

/* Zero the members of p's version (p checked), keeping the version. */
void fa_vzero (const struct fa_vtype *t, void *p);

#endif /* FLUXACCT_VSTRUCT_INTERNAL_H */
