/* libfluxacct - strict JSON scanning over byte spans (see jsonspan.h).
 *
 * The library's second JSON scanner, kept beside jsonpull.c because it
 * pays: import-jobs reads a few keys out of every line several times, and
 * these skips cost about two thirds of the instructions of the same reads
 * done over jsonpull (bench/bench_json, phases span and pspan; numbers in
 * doc/benchmarks.md).  Strings are checked with the library's UTF-8 rule and
 * refused where jansson refuses them (lone surrogates, \u0000), so that a
 * line reads the same on the fast path and on the jansson path. */
#include <math.h>
#include <string.h>

#include "parse/jsonpull_internal.h"
#include "parse/jsonspan_internal.h"
#include "parse/parse_internal.h"
#include "util/util_internal.h"

#define MAX_DEPTH 64

static const char *ws (const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hex (char c)
{
    return fa_hex_digit ((unsigned char)c) >= 0;
}

/* Bytes that end a run of plain string characters: '"', '\\', control
 * characters and the bytes of multi-byte UTF-8. */
static unsigned char special[256];

static void init_special (void)
{
    for (int c = 0; c < 0x20; c++)
        special[c] = 1;
    for (int c = 0x80; c < 0x100; c++)
        special[c] = 1;
    special['"'] = 1;
    special['\\'] = 1;
}

static unsigned hex4 (const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++)
        v = v * 16 + (unsigned)fa_hex_digit ((unsigned char)p[i]);
    return v;
}

/* After "\\u" at p: the escape is 4 hex digits, not U+0000, and a
 * surrogate only as a high-low pair (as jansson reads it).  Returns the
 * last byte used, NULL if refused. */
static const char *check_u (const char *p, const char *end)
{
    unsigned cp, lo;

    if (end - p < 5 || !hex (p[1]) || !hex (p[2]) || !hex (p[3])
        || !hex (p[4]))
        return NULL;
    cp = hex4 (p + 1);
    if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
        return NULL;
    if (cp < 0xd800 || cp > 0xdbff)
        return p + 4;
    if (end - p < 11 || p[5] != '\\' || p[6] != 'u' || !hex (p[7])
        || !hex (p[8]) || !hex (p[9]) || !hex (p[10]))
        return NULL;
    lo = hex4 (p + 7);
    return lo >= 0xdc00 && lo <= 0xdfff ? p + 10 : NULL;
}

static const char *skip_string (const char *p, const char *end)
{
    if (!special['"'])
        init_special ();
    p++; /* opening quote */
    while (p < end) {
        while (p < end && !special[(unsigned char)*p])
            p++;
        if (p >= end)
            return NULL;
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c >= 0x80) {
            size_t n = utf8_decode ((const unsigned char *)p,
                                    (size_t)(end - p), NULL);
            if (n == 0)
                return NULL;
            p += n;
            continue;
        }
        if (c == '\\') {
            if (++p >= end)
                return NULL;
            if (*p == 'u') {
                if (!(p = check_u (p, end)))
                    return NULL;
                p++;
                continue;
            }
            if (!strchr ("\"\\/bfnrt", *p) || !*p)
                return NULL;
        }
        p++;
    }
    return NULL;
}

static const char *skip_number (const char *p, const char *end)
{
    const char *s = p;
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return NULL;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (p < end && *p == '.') {
        const char *d = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    return p > s ? p : NULL;
}

static const char *skip_literal (const char *p, const char *end,
                                 const char *lit)
{
    size_t n = strlen (lit);
    return (size_t)(end - p) >= n && !memcmp (p, lit, n) ? p + n : NULL;
}

const char *jspan_skip (const char *p, const char *end, int depth)
{
    p = ws (p, end);
    if (p >= end || depth > MAX_DEPTH)
        return NULL;
    switch (*p) {
        case '"':
            return skip_string (p, end);
        case 't':
            return skip_literal (p, end, "true");
        case 'f':
            return skip_literal (p, end, "false");
        case 'n':
            return skip_literal (p, end, "null");
        case '{':
        case '[': {
            int obj = *p == '{';
            char close = obj ? '}' : ']';
            p = ws (p + 1, end);
            if (p < end && *p == close)
                return p + 1;
            for (;;) {
                if (obj) {
                    p = ws (p, end);
                    if (p >= end || *p != '"' || !(p = skip_string (p, end)))
                        return NULL;
                    p = ws (p, end);
                    if (p >= end || *p++ != ':')
                        return NULL;
                }
                if (!(p = jspan_skip (p, end, depth + 1)))
                    return NULL;
                p = ws (p, end);
                if (p >= end)
                    return NULL;
                if (*p == close)
                    return p + 1;
                if (*p++ != ',')
                    return NULL;
            }
        }
        default:
            return skip_number (p, end);
    }
}

int jspan_value (const char *p, const char *end, struct jspan *v)
{
    const char *s = ws (p, end), *e = jspan_skip (s, end, 0);
    if (!e || ws (e, end) != end)
        return -1;
    v->p = s;
    v->n = (size_t)(e - s);
    return 0;
}

int jspan_is_object (struct jspan v)
{
    return v.p && v.n && v.p[0] == '{';
}

int jspan_is_array (struct jspan v)
{
    return v.p && v.n && v.p[0] == '[';
}

int jspan_is_string (struct jspan v)
{
    return v.p && v.n && v.p[0] == '"';
}

int jspan_get (struct jspan obj, const char *key, struct jspan *v)
{
    const char *p, *end = obj.p + obj.n;
    size_t klen = strlen (key);

    if (!jspan_is_object (obj))
        return -1;
    p = ws (obj.p + 1, end);
    while (p < end && *p == '"') {
        const char *kend = skip_string (p, end), *vs, *ve;
        int match = kend && (size_t)(kend - p - 2) == klen
                    && !memcmp (p + 1, key, klen);
        /* a key with escapes: left to the jansson path, which reads it */
        if (!kend || memchr (p + 1, '\\', (size_t)(kend - p - 2)))
            return -1;
        p = ws (kend, end);
        if (p >= end || *p != ':')
            return -1;
        vs = ws (p + 1, end);
        if (!(ve = jspan_skip (vs, end, 1)))
            return -1;
        if (match) {
            v->p = vs;
            v->n = (size_t)(ve - vs);
            return 1;
        }
        p = ws (ve, end);
        if (p < end && *p == ',')
            p = ws (p + 1, end);
    }
    return 0;
}

int jspan_members (struct jspan obj, const char *const *keys, size_t n,
                   struct jspan *values)
{
    const char *p, *end = obj.p + obj.n;

    for (size_t i = 0; i < n; i++)
        values[i].p = NULL;
    if (!jspan_is_object (obj))
        return -1;
    p = ws (obj.p + 1, end);
    if (p < end && *p == '}')
        return 0;
    while (p < end && *p == '"') {
        const char *kend = skip_string (p, end), *vs, *ve;
        if (!kend || memchr (p + 1, '\\', (size_t)(kend - p - 2)))
            return -1; /* a key with escapes: as in jspan_get() */
        size_t klen = (size_t)(kend - p - 2);
        const char *k = p + 1;
        p = ws (kend, end);
        if (p >= end || *p != ':')
            return -1;
        vs = ws (p + 1, end);
        if (!(ve = jspan_skip (vs, end, 1)))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (strlen (keys[i]) == klen && !memcmp (keys[i], k, klen)) {
                values[i].p = vs;
                values[i].n = (size_t)(ve - vs);
            }
        p = ws (ve, end);
        if (p < end && *p == '}')
            return 0;
        if (p >= end || *p != ',')
            return -1;
        p = ws (p + 1, end);
    }
    return -1;
}

int jspan_plain_string (struct jspan v, const char **s, size_t *n)
{
    if (!jspan_is_string (v) || v.n < 2)
        return -1;
    if (memchr (v.p + 1, '\\', v.n - 2))
        return 0;
    *s = v.p + 1;
    *n = v.n - 2;
    return 1;
}

int jspan_number (struct jspan v, double *d)
{
    char buf[64];
    int overflow = 0;
    size_t used;
    int neg;

    if (!v.p || v.n == 0 || v.n >= sizeof (buf)
        || !(v.p[0] == '-' || (v.p[0] >= '0' && v.p[0] <= '9')))
        return -1;
    neg = v.p[0] == '-';
    memcpy (buf, v.p + neg, v.n - neg);
    buf[v.n - neg] = '\0';
    used = fa_parse_decimal (buf, d, &overflow);
    if (used != v.n - (size_t)neg || overflow)
        return -1;
    if (neg)
        *d = -*d;
    return 0;
}

int jspan_next (struct jspan arr, const char **it, struct jspan *elem)
{
    const char *end = arr.p + arr.n, *p, *e;

    if (!jspan_is_array (arr))
        return 0;
    p = *it ? *it : arr.p + 1;
    p = ws (p, end);
    if (p < end && *p == ',')
        p = ws (p + 1, end);
    if (p >= end || *p == ']')
        return 0;
    if (!(e = jspan_skip (p, end, 1)))
        return 0;
    elem->p = p;
    elem->n = (size_t)(e - p);
    *it = e;
    return 1;
}
