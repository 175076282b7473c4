/* libfluxacct - internals of the admin module shared with its tests. */
#ifndef FLUXACCT_ADMIN_INTERNAL_H
#define FLUXACCT_ADMIN_INTERNAL_H

#include <stddef.h>

/* Write d as CSV text that strtod() reads back as exactly d: short
 * decimals as they are ("0.5", "3600.0"), others with 17 significant
 * digits, trailing zeros trimmed; always with a '.' or an exponent so it
 * reads back as a real.  len must be at least 48.  Returns the length. */
size_t csv_fmt_real (double d, char *buf, size_t len);

#endif /* FLUXACCT_ADMIN_INTERNAL_H */
