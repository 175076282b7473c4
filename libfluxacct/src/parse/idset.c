/* libfluxacct - strict RFC 22 idset decoding.
 *
 * flux-core's own decoder is lenient (it sorts, merges and accepts reversed
 * ranges); accounting only ever reads idsets that Flux itself encoded, so
 * anything that is not in canonical form is treated as a corrupt record and
 * rejected with the byte offset of the first problem.
 *
 * This file also holds fa_quote(), the value renderer every parser uses in
 * its messages. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/util_internal.h"
#include "parse/parse_internal.h"

#define QUOTE_MAX 40

/* Length of the well-formed UTF-8 sequence of a printable character at s
 * (2 to 4 bytes), or 0: a job id may legitimately start with "ƒ", and the
 * message should show it as typed. */
static size_t utf8_len (const unsigned char *s)
{
    return s[0] >= 0x80 ? utf8_seq_len (s, 4) : 0;
}

/* One input character rendered into tmp (at least 5 bytes); returns the
 * rendered length and sets *used to the input bytes consumed. */
static size_t quote_char (const char *s, char *tmp, size_t *used)
{
    unsigned char c = (unsigned char)s[0];
    size_t n;

    *used = 1;
    if (c == '"' || c == '\\')
        return (size_t)snprintf (tmp, 5, "\\%c", c);
    if (c >= 0x20 && c < 0x7f)
        return (size_t)snprintf (tmp, 5, "%c", c);
    if ((n = utf8_len ((const unsigned char *)s)) > 0) {
        memcpy (tmp, s, n);
        *used = n;
        return n;
    }
    return (size_t)snprintf (tmp, 5, "\\x%02x", c);
}

const char *fa_quote (const char *s, char *buf, size_t size)
{
    size_t used = 0;

    if (size == 0)
        return buf;
    while (*s != '\0') {
        char tmp[5];
        size_t step;
        size_t n = quote_char (s, tmp, &step);

        /* Stop early enough to leave room for "..." and the NUL. */
        if (used + n > QUOTE_MAX || used + n + 4 > size) {
            snprintf (buf + used, size - used, "...");
            return buf;
        }
        memcpy (buf + used, tmp, n);
        used += n;
        s += step;
    }
    buf[used] = '\0';
    return buf;
}

/* Decoder state: the string, the end of the element list (before a closing
 * ']'), and where error messages go. */
struct dec {
    const char *s;
    size_t end;
    fluxacct_error_t *error;
};

static int dec_error (struct dec *d, int errnum, size_t off, const char *what)
{
    char q[FA_QUOTE_SZ];
    return errprintf (d->error, errnum, "idset \"%s\": %s at offset %zu",
                      fa_quote (d->s, q, sizeof (q)), what, off);
}

static int dec_badchar (struct dec *d, size_t off)
{
    unsigned char c = (unsigned char)d->s[off];
    char what[48];

    if (c >= 0x20 && c < 0x7f)
        snprintf (what, sizeof (what), "unexpected '%c'", c);
    else
        snprintf (what, sizeof (what), "unexpected byte 0x%02x", c);
    return dec_error (d, EINVAL, off, what);
}

/* Parse one id at *pos.  start_of_element says whether a missing number
 * means an empty element ("1,,2") or a missing range end ("1-,2"). */
static int dec_id (struct dec *d, size_t *pos, bool start_of_element,
                   uint32_t *id)
{
    size_t i = *pos;
    uint64_t v = 0;

    if (i == d->end || d->s[i] == ',') {
        if (start_of_element)
            return dec_error (d, EINVAL, i, "empty element");
        return dec_error (d, EINVAL, i, "missing range end");
    }
    if (d->s[i] < '0' || d->s[i] > '9')
        return dec_badchar (d, i);
    if (d->s[i] == '0' && i + 1 < d->end && d->s[i + 1] >= '0'
        && d->s[i + 1] <= '9')
        return dec_error (d, EINVAL, i, "leading zero");
    while (i < d->end && d->s[i] >= '0' && d->s[i] <= '9') {
        v = v * 10 + (uint64_t)(d->s[i] - '0');
        if (v > UINT32_MAX)
            return dec_error (d, ERANGE, *pos, "id larger than 4294967295");
        i++;
    }
    *id = (uint32_t)v;
    *pos = i;
    return 0;
}

static int ranges_append (struct idset_ranges *r, uint32_t lo, uint32_t hi)
{
    if (r->n == r->alloc) {
        size_t alloc = r->alloc ? r->alloc * 2 : 8;
        struct idset_range *v = realloc (r->v, alloc * sizeof (*v));
        if (!v)
            return -1;
        r->v = v;
        r->alloc = alloc;
    }
    r->v[r->n].lo = lo;
    r->v[r->n].hi = hi;
    r->n++;
    return 0;
}

/* Parse "a" or "a-b" at *pos and check it lies above the previous element
 * (prev_hi is -1 before the first one). */
static int dec_element (struct dec *d, size_t *pos, int64_t prev_hi,
                        uint32_t *lo, uint32_t *hi)
{
    size_t start = *pos;

    if (dec_id (d, pos, true, lo) < 0)
        return -1;
    *hi = *lo;
    if (*pos < d->end && d->s[*pos] == '-') {
        (*pos)++;
        if (dec_id (d, pos, false, hi) < 0)
            return -1;
        if (*hi < *lo)
            return dec_error (d, EINVAL, start, "reversed range");
        if (*hi == *lo)
            return dec_error (d, EINVAL, start, "range with equal bounds");
    }
    if ((int64_t)*lo <= prev_hi)
        return dec_error (d, EINVAL, start,
                          "element not above the previous one");
    return 0;
}

/* Strip an optional pair of surrounding brackets; sets *start and d->end. */
static int dec_brackets (struct dec *d, size_t len, size_t *start)
{
    *start = 0;
    d->end = len;
    if (len > 0 && d->s[0] == '[') {
        if (len < 2 || d->s[len - 1] != ']')
            return dec_error (d, EINVAL, len, "missing ']'");
        *start = 1;
        d->end = len - 1;
    }
    return 0;
}

int idset_decode_ranges (const char *s, struct idset_ranges *ranges,
                         uint64_t *count, fluxacct_error_t *error)
{
    struct dec d = { .s = s, .error = error };
    uint64_t total = 0;
    int64_t prev_hi = -1;
    size_t pos;

    if (!s)
        return errprintf (error, EINVAL, "idset: string is NULL");
    if (dec_brackets (&d, strlen (s), &pos) < 0)
        return -1;
    while (pos < d.end) {
        uint32_t lo, hi;

        if (dec_element (&d, &pos, prev_hi, &lo, &hi) < 0)
            return -1;
        if (ranges && ranges_append (ranges, lo, hi) < 0)
            return errprintf (error, ENOMEM, "idset: out of memory");
        total += (uint64_t)hi - lo + 1;
        prev_hi = hi;
        if (pos == d.end)
            break;
        if (s[pos] != ',')
            return dec_badchar (&d, pos);
        if (++pos == d.end)
            return dec_error (&d, EINVAL, pos - 1, "trailing ','");
    }
    if (count)
        *count = total;
    return 0;
}

static int range_cmp (const void *a, const void *b)
{
    const struct idset_range *x = a;
    const struct idset_range *y = b;

    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

uint64_t idset_ranges_union_count (struct idset_ranges *ranges)
{
    uint64_t total = 0;
    int64_t covered = -1; /* highest id counted so far */
    size_t i;

    if (ranges->n == 0)
        return 0;
    qsort (ranges->v, ranges->n, sizeof (ranges->v[0]), range_cmp);
    for (i = 0; i < ranges->n; i++) {
        int64_t lo = ranges->v[i].lo;
        int64_t hi = ranges->v[i].hi;

        if (hi <= covered)
            continue;
        if (lo <= covered)
            lo = covered + 1;
        total += (uint64_t)(hi - lo + 1);
        covered = hi;
    }
    return total;
}

void idset_ranges_clear (struct idset_ranges *ranges)
{
    if (ranges) {
        free (ranges->v);
        memset (ranges, 0, sizeof (*ranges));
    }
}

FLUXACCT_EXPORT int fluxacct_idset_count (const char *s, uint64_t *count,
                                          fluxacct_error_t *error)
{
    if (!count)
        return errprintf (error, EINVAL, "idset: count is NULL");
    return idset_decode_ranges (s, NULL, count, error);
}
