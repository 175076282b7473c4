/* libfluxacct - job ids in the Flux FLUID text forms.
 *
 * A FLUID is a 64-bit number; flux prints it as decimal, f58 (base58 with
 * an "ƒ" prefix, the default), hex, dothex (four 16-bit groups) or kvs
 * (the job's KVS directory).  Accounting stores ids as decimal and accepts
 * any of these on the command line. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "util/util_internal.h"
#include "parse/parse_internal.h"

static const char f58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
#define F58_PREFIX "\xc6\x92" /* U+0192 LATIN SMALL LETTER F WITH HOOK */

/* Longest accepted input after trimming; far above any valid id, it only
 * bounds the copy. */
#define JOBID_MAXLEN 63

static int f58_value (char c)
{
    const char *p = c != '\0' ? strchr (f58_alphabet, c) : NULL;
    return p ? (int)(p - f58_alphabet) : -1;
}

/* The parsers below return 0, or -1 with errno EINVAL (not this form) or
 * ERANGE (this form, but more than 64 bits). */
static int fail (int errnum)
{
    errno = errnum;
    return -1;
}

static int parse_dec (const char *s, uint64_t *id)
{
    uint64_t v = 0;

    if (*s == '\0')
        return fail (EINVAL);
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return fail (EINVAL);
        if (__builtin_mul_overflow (v, 10, &v)
            || __builtin_add_overflow (v, (uint64_t)(*s - '0'), &v))
            return fail (ERANGE);
    }
    *id = v;
    return 0;
}

static int parse_hex (const char *s, uint64_t *id)
{
    uint64_t v = 0;
    int d;

    if (*s == '\0')
        return fail (EINVAL);
    for (; *s; s++) {
        if ((d = fa_hex_digit ((unsigned char)*s)) < 0)
            return fail (EINVAL);
        if (v >> 60)
            return fail (ERANGE);
        v = (v << 4) | (uint64_t)d;
    }
    *id = v;
    return 0;
}

static int parse_f58 (const char *s, uint64_t *id)
{
    uint64_t v = 0;
    int d;

    if (*s == '\0')
        return fail (EINVAL);
    for (; *s; s++) {
        if ((d = f58_value (*s)) < 0)
            return fail (EINVAL);
        if (__builtin_mul_overflow (v, 58, &v)
            || __builtin_add_overflow (v, (uint64_t)d, &v))
            return fail (ERANGE);
    }
    *id = v;
    return 0;
}

/* Exactly "xxxx.xxxx.xxxx.xxxx". */
static int parse_dothex (const char *s, uint64_t *id)
{
    uint64_t v = 0;
    int i, d;

    if (strlen (s) != 19)
        return fail (EINVAL);
    for (i = 0; i < 19; i++) {
        if (i % 5 == 4) {
            if (s[i] != '.')
                return fail (EINVAL);
            continue;
        }
        if ((d = fa_hex_digit ((unsigned char)s[i])) < 0)
            return fail (EINVAL);
        v = (v << 4) | (uint64_t)d;
    }
    *id = v;
    return 0;
}

/* The mnemonic form is lowercase words joined by '-' ("--" between the
 * two halves). */
static bool looks_like_words (const char *s)
{
    bool dash = false;

    for (; *s; s++) {
        if (*s == '-')
            dash = true;
        else if (*s < 'a' || *s > 'z')
            return false;
    }
    return dash;
}

/* Pick the form from the prefix, as flux does, then parse it.  dothex
 * comes before f58 because "ffff.0000.0000.0000" starts with an 'f'. */
static int parse_any (const char *s, const char **form, uint64_t *id)
{
    *form = "decimal";
    if (strncmp (s, "job.", 4) == 0) {
        *form = "kvs";
        return parse_dothex (s + 4, id);
    }
    if (strchr (s, '.')) {
        *form = "dothex";
        return parse_dothex (s, id);
    }
    if (strncmp (s, "0x", 2) == 0) {
        *form = "hex";
        return parse_hex (s + 2, id);
    }
    if (strncmp (s, F58_PREFIX, 2) == 0 || s[0] == 'f') {
        *form = "f58";
        return parse_f58 (s[0] == 'f' ? s + 1 : s + 2, id);
    }
    if (looks_like_words (s))
        *form = "words";
    else if ((unsigned char)s[0] >= 0x80)
        *form = "emoji";
    else
        return parse_dec (s, id);
    return fail (EINVAL);
}

static bool is_space (char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
           || c == '\f';
}

FLUXACCT_EXPORT int fluxacct_jobid_parse (const char *s, uint64_t *id,
                                          fluxacct_error_t *error)
{
    char q[FA_QUOTE_SZ];
    char buf[JOBID_MAXLEN + 1];
    const char *form;
    size_t len;

    if (!s || !id)
        return errprintf (error, EINVAL, "jobid: %s is NULL",
                          !s ? "string" : "id");
    fa_quote (s, q, sizeof (q));
    while (is_space (*s))
        s++;
    len = strlen (s);
    while (len > 0 && is_space (s[len - 1]))
        len--;
    if (len == 0)
        return errprintf (error, EINVAL, "jobid \"%s\": empty", q);
    if (len > JOBID_MAXLEN)
        return errprintf (error, EINVAL, "jobid \"%s\": too long", q);
    memcpy (buf, s, len);
    buf[len] = '\0';
    if (parse_any (buf, &form, id) == 0)
        return 0;
    if (errno == ERANGE)
        return errprintf (error, ERANGE,
                          "jobid \"%s\": %s value exceeds 64 bits", q, form);
    if (strcmp (form, "words") == 0 || strcmp (form, "emoji") == 0)
        return errprintf (error, EINVAL,
                          "jobid \"%s\": the %s form is not supported", q,
                          form);
    return errprintf (error, EINVAL, "jobid \"%s\": not a valid %s job id", q,
                      form);
}

/* Base58, most significant digit first; 0 is "1". */
static void f58_encode (uint64_t id, const char *prefix, char *out)
{
    char rev[16];
    size_t n = 0;

    do {
        rev[n++] = f58_alphabet[id % 58];
        id /= 58;
    } while (id > 0);
    out += sprintf (out, "%s", prefix);
    while (n > 0)
        *out++ = rev[--n];
    *out = '\0';
}

static void dothex_encode (uint64_t id, const char *prefix, char *out)
{
    sprintf (out, "%s%04x.%04x.%04x.%04x", prefix,
             (unsigned)(id >> 48) & 0xffff, (unsigned)(id >> 32) & 0xffff,
             (unsigned)(id >> 16) & 0xffff, (unsigned)id & 0xffff);
}

/* Encode into tmp (FLUXACCT_JOBID_STRSZ bytes); -1 if type is not ours. */
static int encode_any (uint64_t id, const char *type, char *tmp)
{
    if (strcmp (type, "dec") == 0)
        sprintf (tmp, "%" PRIu64, id);
    else if (strcmp (type, "hex") == 0)
        sprintf (tmp, "0x%" PRIx64, id);
    else if (strcmp (type, "dothex") == 0)
        dothex_encode (id, "", tmp);
    else if (strcmp (type, "kvs") == 0)
        dothex_encode (id, "job.", tmp);
    else if (strcmp (type, "f58") == 0)
        f58_encode (id, F58_PREFIX, tmp);
    else if (strcmp (type, "f58plain") == 0)
        f58_encode (id, "f", tmp);
    else
        return -1;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_jobid_encode (uint64_t id, const char *type,
                                           char *buf, size_t len,
                                           fluxacct_error_t *error)
{
    char tmp[FLUXACCT_JOBID_STRSZ];
    char q[FA_QUOTE_SZ];
    size_t n;

    if (!type || !buf)
        return errprintf (error, EINVAL, "jobid encode: %s is NULL",
                          !type ? "type" : "buffer");
    if (encode_any (id, type, tmp) < 0) {
        fa_quote (type, q, sizeof (q));
        if (strcmp (type, "words") == 0 || strcmp (type, "emoji") == 0)
            return errprintf (error, EINVAL,
                              "jobid encode: type \"%s\" is not supported",
                              q);
        return errprintf (error, EINVAL,
                          "jobid encode: unknown type \"%s\" (expected dec,"
                          " hex, dothex, kvs, f58 or f58plain)", q);
    }
    n = strlen (tmp);
    if (n >= len)
        return errprintf (error, EOVERFLOW,
                          "jobid encode: %s needs %zu bytes, buffer has %zu",
                          type, n + 1, len);
    memcpy (buf, tmp, n + 1);
    return 0;
}
