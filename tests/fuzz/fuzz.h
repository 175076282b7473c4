/* Shared bits of the fuzz targets: each target defines
 * LLVMFuzzerTestOneInput(), which libFuzzer drives, and replay.c drives
 * over the seed corpus in ordinary builds.  A broken invariant aborts, so
 * both libFuzzer and the replay test report it. */
#ifndef FLUXACCT_FUZZ_H
#define FLUXACCT_FUZZ_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fluxacct/error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                 \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf (stderr, "%s:%d: invariant failed: %s\n", __FILE__,   \
                     __LINE__, #cond);                                    \
            abort ();                                                     \
        }                                                                 \
    } while (0)

/* The parsers take C strings: fuzz bytes up to the first NUL. */
static inline char *fuzz_string (const uint8_t *data, size_t size)
{
    char *s = malloc (size + 1);

    FUZZ_ASSERT (s != NULL);
    memcpy (s, data, size);
    s[size] = '\0';
    return s;
}

/* A failure sets a documented errno and a message with the right prefix. */
static inline void fuzz_check_failure (int errnum, const fluxacct_error_t *err,
                                       const char *prefix, bool erange_ok)
{
    FUZZ_ASSERT (errnum == EINVAL || errnum == ENOMEM
                 || (erange_ok && errnum == ERANGE));
    FUZZ_ASSERT (strncmp (err->text, prefix, strlen (prefix)) == 0);
    FUZZ_ASSERT (memchr (err->text, '\0', sizeof (err->text)) != NULL);
}

#endif /* FLUXACCT_FUZZ_H */
