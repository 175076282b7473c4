/* libfluxacct - strict pull reader for JSON text (see jsonpull.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse/jsonpull_internal.h"
#include "parse/parse_internal.h"
#include "util/util_internal.h"

void jp_init (struct jp *jp, const char *text, size_t len)
{
    memset (jp, 0, sizeof (*jp));
    jp->p = jp->start = text;
    jp->end = text + len;
}

void jp_fini (struct jp *jp)
{
    free (jp->buf);
    jp->buf = NULL;
    jp->bufsize = 0;
}

int jp_fail (struct jp *jp, const char *fmt, ...)
{
    char msg[80];
    va_list ap;

    if (jp->failed)
        return -1;
    va_start (ap, fmt);
    vsnprintf (msg, sizeof (msg), fmt, ap);
    va_end (ap);
    snprintf (jp->error, sizeof (jp->error), "invalid JSON at byte %zu: %s",
              (size_t)(jp->p - jp->start), msg);
    jp->failed = true;
    return -1;
}

const char *jp_typename (enum jp_type t)
{
    switch (t) {
        case JP_OBJECT: return "object";
        case JP_ARRAY: return "array";
        case JP_STRING: return "string";
        case JP_NUMBER: return "number";
        case JP_TRUE: return "true";
        case JP_FALSE: return "false";
        case JP_NULL: return "null";
        case JP_NONE: break;
    }
    return "nothing";
}

static void skip_ws (struct jp *jp)
{
    while (jp->p < jp->end
           && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n'
               || *jp->p == '\r'))
        jp->p++;
}

/* A printable rendering of the byte at p for messages. */
static const char *show_byte (struct jp *jp, char *buf, size_t size)
{
    if (jp->p >= jp->end)
        return "end of input";
    unsigned char c = (unsigned char)*jp->p;
    if (c >= 0x20 && c < 0x7f)
        snprintf (buf, size, "'%c'", c);
    else
        snprintf (buf, size, "byte 0x%02x", c);
    return buf;
}

enum jp_type jp_peek (struct jp *jp)
{
    if (jp->failed)
        return JP_NONE;
    skip_ws (jp);
    if (jp->p >= jp->end)
        return JP_NONE;
    switch (*jp->p) {
        case '{': return JP_OBJECT;
        case '[': return JP_ARRAY;
        case '"': return JP_STRING;
        case 't': return JP_TRUE;
        case 'f': return JP_FALSE;
        case 'n': return JP_NULL;
        default:
            if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9'))
                return JP_NUMBER;
    }
    return JP_NONE;
}

static int expect_value (struct jp *jp, enum jp_type want)
{
    enum jp_type t = jp_peek (jp);
    char b[16];

    if (jp->failed)
        return -1;
    if (t == JP_NONE)
        return jp_fail (jp, "expected a value, got %s",
                        show_byte (jp, b, sizeof (b)));
    if (t != want)
        return jp_fail (jp, "expected %s, got %s", jp_typename (want),
                        jp_typename (t));
    return 0;
}

static void set_first (struct jp *jp, bool v)
{
    jp->first[jp->depth] = v;
}

static bool get_first (struct jp *jp)
{
    return jp->first[jp->depth];
}

/* Enter the container whose opening byte is at jp->p. */
static int open_at (struct jp *jp)
{
    if (jp->depth >= JP_MAX_DEPTH)
        return jp_fail (jp, "nested deeper than %d levels", JP_MAX_DEPTH);
    jp->p++;
    jp->depth++;
    set_first (jp, true);
    return 0;
}

static int open_container (struct jp *jp, enum jp_type t)
{
    if (expect_value (jp, t) < 0)
        return -1;
    return open_at (jp);
}

int jp_object_begin (struct jp *jp)
{
    return open_container (jp, JP_OBJECT);
}

int jp_array_begin (struct jp *jp)
{
    return open_container (jp, JP_ARRAY);
}

/* Before the next member: "}" / "]" ends the container (0); otherwise a
 * "," is required except before the first member (1). */
static int next_member (struct jp *jp, char close)
{
    char b[16];

    if (jp->failed)
        return -1;
    skip_ws (jp);
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        jp->depth--;
        return 0;
    }
    if (!get_first (jp)) {
        if (jp->p >= jp->end || *jp->p != ',')
            return jp_fail (jp, "expected ',' or '%c', got %s", close,
                            show_byte (jp, b, sizeof (b)));
        jp->p++;
        skip_ws (jp);
        /* A trailing comma is not JSON. */
        if (jp->p < jp->end && *jp->p == close)
            return jp_fail (jp, "trailing ',' before '%c'", close);
    }
    set_first (jp, false);
    return 1;
}

static int string_at (struct jp *jp, struct jp_str *out);

int jp_object_next (struct jp *jp, struct jp_str *key)
{
    char b[16];
    int rc;

    if ((rc = next_member (jp, '}')) <= 0)
        return rc;
    if (jp_peek (jp) != JP_STRING)
        return jp_fail (jp, "expected an object key (a string), got %s",
                        show_byte (jp, b, sizeof (b)));
    if (string_at (jp, key) < 0)
        return -1;
    skip_ws (jp);
    if (jp->p >= jp->end || *jp->p != ':')
        return jp_fail (jp, "expected ':' after an object key, got %s",
                        show_byte (jp, b, sizeof (b)));
    jp->p++;
    return 1;
}

int jp_array_next (struct jp *jp)
{
    return next_member (jp, ']');
}

static int read_hex4 (struct jp *jp, const char *p, unsigned *out)
{
    unsigned v = 0;

    if (jp->end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int h = fa_hex_digit ((unsigned char)p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 0;
}

static int buf_reserve (struct jp *jp, size_t size)
{
    if (size <= jp->bufsize)
        return 0;
    size_t n = jp->bufsize ? jp->bufsize : 64;
    while (n < size)
        n *= 2;
    char *buf = realloc (jp->buf, n);
    if (!buf)
        return jp_fail (jp, "out of memory");
    jp->buf = buf;
    jp->bufsize = n;
    return 0;
}

static size_t put_utf8 (char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* One escape sequence at p (just after the backslash); appends its UTF-8
 * to jp->buf at *n.  Returns the number of input bytes used, 0 on error. */
static size_t unescape_one (struct jp *jp, const char *p, size_t *n,
                            bool *has_nul)
{
    unsigned cp, lo;
    size_t used = 1;

    switch (*p) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (read_hex4 (jp, p + 1, &cp) < 0)
                return 0;
            used = 5;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return 0;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (jp->end - (p + 5) < 6 || p[5] != '\\' || p[6] != 'u'
                    || read_hex4 (jp, p + 7, &lo) < 0 || lo < 0xdc00
                    || lo > 0xdfff)
                    return 0;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                used = 11;
            }
            break;
        default:
            return 0;
    }
    if (cp == 0)
        *has_nul = true;
    *n += put_utf8 (jp->buf + *n, cp);
    return used;
}

/* Bytes that may stand for themselves in a string run: printable ASCII
 * but '"' and '\\' (the rest ends the run and is looked at one by one). */
static const unsigned char plain_byte[256] = {
    [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

/* The string at jp->p, which is a '"'. */
static int string_at (struct jp *jp, struct jp_str *out)
{
    const char *p, *s, *end = jp->end;
    size_t n = 0;
    bool escaped = false;

    s = p = jp->p + 1;
    out->has_nul = false;
    for (;;) {
        /* Fast path: a run of plain bytes; copied only after an escape. */
        const char *run = p;
        while (p < end && plain_byte[(unsigned char)*p])
            p++;
        if (escaped && p > run) {
            if (buf_reserve (jp, n + (size_t)(p - run)) < 0)
                return -1;
            memcpy (jp->buf + n, run, (size_t)(p - run));
            n += (size_t)(p - run);
        }
        if (p >= end)
            break;
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20) {
            jp->p = p;
            return jp_fail (jp, "control character in a string");
        }
        if (c == '\\') {
            if (!escaped) {
                if (buf_reserve (jp, (size_t)(p - s) + 8) < 0)
                    return -1;
                memcpy (jp->buf, s, (size_t)(p - s));
                n = (size_t)(p - s);
                escaped = true;
            }
            /* One escape yields at most 4 bytes. */
            if (buf_reserve (jp, n + 4) < 0)
                return -1;
            size_t used = unescape_one (jp, p + 1, &n, &out->has_nul);
            if (used == 0) {
                jp->p = p;
                return jp_fail (jp, "invalid escape in a string");
            }
            p += 1 + used;
            continue;
        }
        size_t len = utf8_decode ((const unsigned char *)p,
                                  (size_t)(end - p), NULL);
        if (len == 0) {
            jp->p = p;
            return jp_fail (jp, "invalid UTF-8 in a string");
        }
        if (escaped) {
            if (buf_reserve (jp, n + len) < 0)
                return -1;
            memcpy (jp->buf + n, p, len);
            n += len;
        }
        p += len;
    }
    if (p >= end) {
        jp->p = p;
        return jp_fail (jp, "unterminated string");
    }
    jp->p = p + 1;
    if (escaped) {
        out->s = jp->buf;
        out->len = n;
    }
    else {
        out->s = s;
        out->len = (size_t)(p - s);
    }
    return 0;
}

int jp_string (struct jp *jp, struct jp_str *out)
{
    if (expect_value (jp, JP_STRING) < 0)
        return -1;
    return string_at (jp, out);
}

static const char *skip_digits (const char *p, const char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

int jp_number (struct jp *jp, struct jp_num *out)
{
    const char *p, *digits;
    bool neg = false, frac = false, fits = true;
    uint64_t v = 0;
    char local[64];
    char *text = local;
    size_t len;
    int overflow = 0;

    if (expect_value (jp, JP_NUMBER) < 0)
        return -1;
    p = jp->p;
    if (*p == '-') {
        neg = true;
        p++;
    }
    digits = p;
    if (p < jp->end && *p == '0')
        p++;
    else if (p < jp->end && *p >= '1' && *p <= '9') {
        /* Integers are the common case: accumulate while scanning. */
        for (; p < jp->end && *p >= '0' && *p <= '9'; p++) {
            unsigned d = (unsigned)(*p - '0');
            if (v > (UINT64_MAX - d) / 10)
                fits = false;
            else
                v = v * 10 + d;
        }
    }
    else
        return jp_fail (jp, "invalid number");
    if (p < jp->end && *p == '.') {
        const char *q = skip_digits (p + 1, jp->end);
        if (q == p + 1)
            return jp_fail (jp, "invalid number: no digits after '.'");
        p = q;
        frac = true;
    }
    if (p < jp->end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < jp->end && (*q == '+' || *q == '-'))
            q++;
        const char *r = skip_digits (q, jp->end);
        if (r == q)
            return jp_fail (jp, "invalid number: no digits in the exponent");
        p = r;
        frac = true;
    }
    out->is_int = false;
    if (!frac && fits
        && (neg ? v <= (uint64_t)INT64_MAX + 1 : v <= (uint64_t)INT64_MAX)) {
        out->is_int = true;
        out->i = neg ? (int64_t)(0 - v) : (int64_t)v;
        out->d = (double)out->i;
        jp->p = p;
        return 0;
    }
    /* Reals: convert from a NUL-terminated copy of the unsigned part (the
     * input need not be terminated), independent of the locale. */
    len = (size_t)(p - digits);
    if (len >= sizeof (local)) {
        if (buf_reserve (jp, len + 1) < 0)
            return -1;
        text = jp->buf;
    }
    memcpy (text, digits, len);
    text[len] = '\0';
    (void)fa_parse_decimal (text, &out->d, &overflow);
    if (overflow)
        return jp_fail (jp, "number out of range");
    if (neg)
        out->d = -out->d;
    jp->p = p;
    return 0;
}

/* Skip a number: its syntax only, as jp_number() checks it, without
 * converting it when the conversion cannot fail (no exponent and at most
 * 308 integer digits: below DBL_MAX).  Anything else goes through
 * jp_number(), which converts and words any error. */
static int skip_number (struct jp *jp)
{
    const char *p = jp->p, *digits;
    struct jp_num num;

    if (*p == '-')
        p++;
    digits = p;
    if (p < jp->end && *p == '0')
        p++;
    else if (p < jp->end && *p >= '1' && *p <= '9')
        p = skip_digits (p, jp->end);
    else
        return jp_number (jp, &num);
    if (p - digits > 308)
        return jp_number (jp, &num);
    if (p < jp->end && *p == '.') {
        const char *q = skip_digits (p + 1, jp->end);
        if (q == p + 1)
            return jp_number (jp, &num);
        p = q;
    }
    if (p < jp->end && (*p == 'e' || *p == 'E'))
        return jp_number (jp, &num);
    jp->p = p;
    return 0;
}

static int literal (struct jp *jp, const char *word)
{
    size_t n = strlen (word);

    if ((size_t)(jp->end - jp->p) < n || memcmp (jp->p, word, n) != 0)
        return jp_fail (jp, "invalid literal");
    jp->p += n;
    return 0;
}

int jp_bool (struct jp *jp, bool *out)
{
    enum jp_type t = jp_peek (jp);

    if (t == JP_TRUE || t == JP_FALSE) {
        *out = t == JP_TRUE;
        return literal (jp, t == JP_TRUE ? "true" : "false");
    }
    if (t == JP_NONE)
        return expect_value (jp, JP_TRUE);
    return jp_fail (jp, "expected true or false, got %s", jp_typename (t));
}

int jp_skip (struct jp *jp)
{
    struct jp_str s;
    char b[16];
    int rc;

    switch (jp_peek (jp)) {
        case JP_OBJECT:
            if (open_at (jp) < 0)
                return -1;
            while ((rc = jp_object_next (jp, &s)) == 1)
                if (jp_skip (jp) < 0)
                    return -1;
            return rc;
        case JP_ARRAY:
            if (open_at (jp) < 0)
                return -1;
            while ((rc = jp_array_next (jp)) == 1)
                if (jp_skip (jp) < 0)
                    return -1;
            return rc;
        case JP_STRING:
            return string_at (jp, &s);
        case JP_NUMBER:
            return skip_number (jp);
        case JP_TRUE:
            return literal (jp, "true");
        case JP_FALSE:
            return literal (jp, "false");
        case JP_NULL:
            return literal (jp, "null");
        case JP_NONE:
            break;
    }
    if (jp->failed)
        return -1;
    return jp_fail (jp, "expected a value, got %s",
                    show_byte (jp, b, sizeof (b)));
}

int jp_finish (struct jp *jp)
{
    char b[16];

    if (jp->failed)
        return -1;
    skip_ws (jp);
    if (jp->p != jp->end)
        return jp_fail (jp, "unexpected %s after the value",
                        show_byte (jp, b, sizeof (b)));
    return 0;
}
