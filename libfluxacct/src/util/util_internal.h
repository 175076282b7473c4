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

/* The library's one UTF-8 decoder.  Length of the UTF-8 sequence at p (at
 * most n bytes; a NUL ends it early), 0 if it is not valid UTF-8
 * (overlong, surrogate, above U+10FFFF, truncated); its code point in *cp
 * when cp is not NULL.  JSON text takes every valid sequence. */
size_t utf8_decode (const unsigned char *p, size_t n, unsigned *cp);

/* utf8_decode() for names and messages: C1 control characters (U+0080 to
 * U+009F) are refused too (0). */
size_t utf8_seq_len (const unsigned char *p, size_t n);

/* Copy n bytes of s to out (outlen bytes, NUL terminated) with control
 * characters and bytes that are not UTF-8 written as \n, \t, \r or \xNN, so that text from users can
 * be shown safely; cut with "..." when it does not fit.  Returns the
 * length written. */
size_t escape_text (const char *s, size_t n, char *out, size_t outlen);

#endif /* FLUXACCT_INTERNAL_H */
