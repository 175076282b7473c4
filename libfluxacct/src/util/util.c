/* Module util: error formatting, version, hash tables; calls nothing of
 * the library's. */
/* libfluxacct - small helpers: error formatting and version. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "util/util_internal.h"
#include "fluxacct/version.h"

size_t utf8_decode (const unsigned char *p, size_t n, unsigned *cpout)
{
    unsigned c = p[0];
    size_t len, k;
    unsigned cp;

    if (c < 0x80) {
        if (cpout)
            *cpout = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (k = 1; k < len; k++) { /* stops at a NUL too */
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (cpout)
        *cpout = cp;
    return len;
}

size_t utf8_seq_len (const unsigned char *p, size_t n)
{
    unsigned cp;
    size_t len = utf8_decode (p, n, &cp);

    if (len == 0 || (cp >= 0x80 && cp < 0xa0))
        return 0; /* C1 control characters */
    return len;
}

size_t escape_text (const char *s, size_t n, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (outlen == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[5];
        size_t k;
        size_t u = c >= 0x80 ? utf8_seq_len ((const unsigned char *)s + i,
                                             n - i) : 1;
        if (c >= 0x80 && u > 1) {
            if (o + u + 4 >= outlen) {
                if (o + 3 < outlen) {
                    memcpy (out + o, "...", 3);
                    o += 3;
                }
                break;
            }
            memcpy (out + o, s + i, u);
            o += u;
            i += u - 1;
            continue;
        }
        if (c < 0x20 || c == 0x7f || c >= 0x80) {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : 'x';
            k = 2;
            if (esc[1] == 'x') {
                esc[2] = hex[c >> 4];
                esc[3] = hex[c & 15];
                k = 4;
            }
        }
        else {
            esc[0] = (char)c;
            k = 1;
        }
        if (o + k + 4 >= outlen) {
            if (o + 3 < outlen) {
                memcpy (out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy (out + o, esc, k);
        o += k;
    }
    out[o] = '\0';
    return o;
}

__attribute__ ((format (printf, 2, 0)))
static void verr (fluxacct_error_t *error, const char *fmt, va_list ap)
{
    char raw[sizeof (error->text)];
    int unsafe = 0;

    if (!error)
        return;
    vsnprintf (raw, sizeof (raw), fmt, ap);
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            unsafe = 1;
    if (unsafe)
        escape_text (raw, strlen (raw), error->text, sizeof (error->text));
    else
        memcpy (error->text, raw, sizeof (raw));
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
