/* libfluxacct - private helpers shared by the library's modules.  Nothing
 * here is API; nothing here is exported. */
#ifndef FLUXACCT_INTERNAL_H
#define FLUXACCT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include "fluxacct/error.h"

#define FLUXACCT_EXPORT __attribute__ ((visibility ("default")))

/* Format a message into error (if non-NULL), set errno to errnum, return -1.
 * errno is set last, so the caller can `return errprintf (...)`. */
int errprintf (fluxacct_error_t *error, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* The same, returning NULL, for functions that return a pointer. */
void *errprintf_null (fluxacct_error_t *error, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif /* FLUXACCT_INTERNAL_H */
