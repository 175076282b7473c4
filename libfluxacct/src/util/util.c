/* Module util: error formatting, version, hash tables; calls nothing of
 * the library's. */
/* libfluxacct - small helpers: error formatting and version. */
#include <errno.h>
#include <stdio.h>
#include "util/util_internal.h"
#include "fluxacct/version.h"

static void verr (fluxacct_error_t *error, const char *fmt, va_list ap)
{
    if (error)
        vsnprintf (error->text, sizeof (error->text), fmt, ap);
}

int errprintf (fluxacct_error_t *error, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    verr (error, fmt, ap);
    va_end (ap);
    errno = errnum;
    return -1;
}

void *errprintf_null (fluxacct_error_t *error, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    verr (error, fmt, ap);
    va_end (ap);
    errno = errnum;
    return NULL;
}

FLUXACCT_EXPORT const char *fluxacct_version (void)
{
    return FLUXACCT_VERSION_STRING;
}

FLUXACCT_EXPORT int fluxacct_version_number (void)
{
    return FLUXACCT_VERSION_MAJOR * 10000 + FLUXACCT_VERSION_MINOR * 100
           + FLUXACCT_VERSION_MICRO;
}
