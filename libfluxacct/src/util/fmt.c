/* Module util: the one double formatter and JSON string writer (see
 * fmt_internal.h); calls nothing of the library's.  The flux-account CLI
 * links it too. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt_internal.h"
#include "util/util_internal.h"

/* r / 10^p positionally ("-" when neg), ".0" when p is 0. */
static size_t fmt_fixed (int neg, uint64_t r, int p, char *buf)
{
    char digits[32];
    size_t n = 0, k = 0;

    do {
        digits[n++] = (char)('0' + r % 10);
        r /= 10;
    } while (r || n <= (size_t)p);
    if (neg)
        buf[k++] = '-';
    while (n > 0) {
        buf[k++] = digits[--n];
        if (n == (size_t)p && p > 0)
            buf[k++] = '.';
    }
    if (p == 0) {
        buf[k++] = '.';
        buf[k++] = '0';
    }
    buf[k] = '\0';
    return k;
}

/* 10^k as a 128-bit integer, k <= 38. */
static unsigned __int128 pow10_u128 (int k)
{
    unsigned __int128 v = 1;
    while (k-- > 0)
        v *= 10;
    return v;
}

/* d > 0 correctly rounded to 17 significant digits, printed positionally
 * with trailing zeros trimmed: 17 correctly rounded digits always read back
 * as the same double.  Exact integer arithmetic: d = M * 2^e2 with M < 2^53,
 * so d * 10^k = M * 10^k / 2^-e2 fits 128 bits for 1e-6 <= d < 1e17.
 * Returns 0 outside that range. */
static size_t fmt_17 (double d, char *buf)
{
    const unsigned __int128 lo = pow10_u128 (16), hi = pow10_u128 (17);
    int e, q = (int)floor (log10 (d));
    double f = frexp (d, &e);
    uint64_t M = (uint64_t)ldexp (f, 53);
    int e2 = e - 53;
    unsigned __int128 N = 0;

    for (int tries = 0; tries < 3; tries++) {
        int k = 16 - q;
        if (k < 0 || k > 22 || e2 > 0 || -e2 > 120)
            return 0;
        unsigned __int128 P = (unsigned __int128)M * pow10_u128 (k);
        int sh = -e2;
        N = P >> sh;
        unsigned __int128 rem = P - (N << sh);
        unsigned __int128 half = (unsigned __int128)1 << (sh - 1);
        if (sh > 0 && (rem > half || (rem == half && (N & 1))))
            N++;
        if (N < lo)
            q--;
        else if (N >= hi)
            q++;
        else
            break;
    }
    if (N < lo || N >= hi)
        return 0;
    /* digits of N, q = position of the first one */
    char dig[17];
    for (int i = 16; i >= 0; i--) {
        dig[i] = (char)('0' + (int)(N % 10));
        N /= 10;
    }
    int last = 16;
    while (last > 0 && dig[last] == '0' && last > q)
        last--;
    size_t n = 0;
    if (q >= 0) {
        for (int i = 0; i <= q; i++)
            buf[n++] = dig[i];
        buf[n++] = '.';
        if (last <= q)
            buf[n++] = '0';
        for (int i = q + 1; i <= last; i++)
            buf[n++] = dig[i];
    }
    else {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = -1; i > q; i--)
            buf[n++] = '0';
        for (int i = 0; i <= last; i++)
            buf[n++] = dig[i];
    }
    buf[n] = '\0';
    return n;
}

/* Text that reads back as the same double, with ".0" when it would
 * otherwise read as an integer.  Short decimals (at most 6 places, below
 * 2^53: 0.5, 3600.0, 0.1) are printed from integers: if r / 10^p computed in
 * doubles is d, strtod of "r with p decimals" is d too (both are the
 * correctly rounded r / 10^p).  Other values get 17 correctly rounded
 * significant digits (trailing zeros trimmed), computed exactly; the rest
 * (huge, tiny, inf, nan) go through printf. */
static size_t fmt_csv (double d, char *buf, size_t len)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
    size_t n;

    if (len < 48)
        return (size_t)snprintf (buf, len, "%.17g", d);
    if (d == 0)
        return (size_t)snprintf (buf, len, signbit (d) ? "-0.0" : "0.0");
    if (isnan (d))
        return (size_t)snprintf (buf, len, "nan");
    if (isinf (d))
        return (size_t)snprintf (buf, len, d > 0 ? "inf" : "-inf");
    if (fabs (d) < 9007199254740992.0) {
        for (int p = 0; p <= 6; p++) {
            double m = d * pow10[p], r;
            if (!(fabs (m) < 9007199254740992.0))
                break;
            r = nearbyint (m);
            if (r / pow10[p] == d)
                return fmt_fixed (r < 0, (uint64_t)fabs (r), p, buf);
        }
    }
    if (d < 0) {
        buf[0] = '-';
        if ((n = fmt_17 (-d, buf + 1)) > 0)
            return n + 1;
    }
    else if ((n = fmt_17 (d, buf)) > 0)
        return n;
    snprintf (buf, len, "%.17g", d);
    if (!strpbrk (buf, ".e"))
        strncat (buf, ".0", len - strlen (buf) - 1);
    return strlen (buf);
}

/* Plugin payload JSON (export.c's writer). */
static size_t fmt_json (double v, char *buf, size_t len)
{
    char b[40];
    int n;

    /* Exact shortcut: a multiple of 1/1024 under 1e6 in magnitude has at
     * most 16 significant decimal digits, which "%.17g" prints as they are
     * (fixed notation, trailing zeros dropped): q / 1024 is q * 9765625
     * with 10 decimals. */
    double m = v * 1024.0;
    if (fabs (v) < 1e6 && m == floor (m)) {
        uint64_t q = (uint64_t)fabs (m);
        size_t k = fmt_fixed (signbit (v) != 0, q * 9765625ULL, 10, b);
        while (b[k - 1] == '0' && b[k - 2] != '.')
            k--;
        b[k] = '\0';
        return (size_t)snprintf (buf, len, "%s", b);
    }
    n = snprintf (b, sizeof (b) - 3, "%.17g", v);
    if (!strchr (b, '.') && !strchr (b, 'e')) {
        memcpy (b + n, ".0", 3);
        n += 2;
    }
    char *e = strchr (b, 'e');
    if (e) {
        char *start = e + 1, *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove (start, end, (size_t)(b + n - end) + 1);
            n -= (int)(end - start);
        }
    }
    return (size_t)snprintf (buf, len, "%s", b);
}

static size_t fmt_repr (double d, char *buf, size_t len)
{
    if (!isfinite (d))
        return (size_t)snprintf (buf, len, "%s", isnan (d) ? "nan"
                                                 : d > 0    ? "inf"
                                                            : "-inf");
    for (int prec = 15; prec <= 17; prec++) {
        snprintf (buf, len, "%.*g", prec, d);
        if (strtod (buf, NULL) == d)
            break;
    }
    if (len > 0 && !strpbrk (buf, ".en"))
        strncat (buf, ".0", len - strlen (buf) - 1);
    return strlen (buf);
}

static size_t fmt_display (double d, char *buf, size_t len)
{
    if (isfinite (d) && d != 0 && fabs (d) < 1e-6)
        return (size_t)snprintf (buf, len, "%.6g", d);
    if (!isfinite (d) || fabs (d) >= 1e15)
        return fmt_repr (d, buf, len);
    snprintf (buf, len, "%.6f", d);
    char *p = buf + strlen (buf) - 1;
    while (*p == '0' && p[-1] != '.')
        *p-- = '\0';
    return strlen (buf);
}

size_t fa_fmt_double (char *buf, size_t len, double v, enum fa_fmt mode)
{
    switch (mode) {
        case FA_FMT_ROUNDTRIP:
            break;
        case FA_FMT_REPR:
            return fmt_repr (v, buf, len);
        case FA_FMT_JSON:
            return fmt_json (v, buf, len);
        case FA_FMT_CSV:
            return fmt_csv (v, buf, len);
        case FA_FMT_FIXED6:
            return (size_t)snprintf (buf, len, "%.6f", v);
        case FA_FMT_FIXED3:
            return (size_t)snprintf (buf, len, "%.3f", v);
        case FA_FMT_FIXED1:
            return (size_t)snprintf (buf, len, "%.1f", v);
        case FA_FMT_SIG6:
            return (size_t)snprintf (buf, len, "%.6g", v);
        case FA_FMT_INTEGRAL:
            return (size_t)snprintf (buf, len, "%.0f", v);
        case FA_FMT_DISPLAY:
            return fmt_display (v, buf, len);
    }
    return (size_t)snprintf (buf, len, "%.17g", v);
}

/* Text from the database may have been written behind the library's back,
 * hence the checks. */
void fa_fmt_json_string (FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen (s), k;

    fputc ('"', f);
    for (size_t i = 0; i < n; i += k) {
        k = 1;
        switch (p[i]) {
            case '"': fputs ("\\\"", f); break;
            case '\\': fputs ("\\\\", f); break;
            case '\n': fputs ("\\n", f); break;
            case '\t': fputs ("\\t", f); break;
            case '\r': fputs ("\\r", f); break;
            default:
                if (p[i] < 0x20 || p[i] == 0x7f)
                    fprintf (f, "\\u%04x", p[i]);
                else if (p[i] < 0x80)
                    fputc (p[i], f);
                else if ((k = utf8_seq_len (p + i, n - i)) > 0)
                    fwrite (p + i, 1, k, f);
                else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80
                         && p[i + 1] < 0xa0) {
                    fprintf (f, "\\u%04x", p[i + 1]);   /* C1 control */
                    k = 2;
                }
                else {
                    fputs ("\\ufffd", f);
                    k = 1;
                }
        }
    }
    fputc ('"', f);
}
