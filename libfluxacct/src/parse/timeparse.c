/* libfluxacct - Flux Standard Durations (RFC 23) and timestamps.
 *
 * Numbers are converted with strtod_l() and printed under uselocale() with
 * a private "C" locale: the jobtap plugin runs inside a broker that may have
 * called setlocale(), and "1.5h" must not become 1 hour there (or print as
 * "1,5h"). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l */
#endif
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util/util_internal.h"
#include "parse/parse_internal.h"

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void c_locale_init (void)
{
    c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Free it at unload so valgrind and dlclose() see no leftovers. */
__attribute__ ((destructor)) static void c_locale_fini (void)
{
    if (c_locale != (locale_t)0)
        freelocale (c_locale);
    c_locale = (locale_t)0;
}

static locale_t get_c_locale (void)
{
    pthread_once (&c_locale_once, c_locale_init);
    return c_locale;
}

static bool is_digit (char c)
{
    return c >= '0' && c <= '9';
}

static size_t skip_digits (const char *s, size_t i)
{
    while (is_digit (s[i]))
        i++;
    return i;
}

size_t fa_parse_decimal (const char *s, double *value, int *overflow)
{
    size_t i = skip_digits (s, 0);
    size_t ndigits = i;
    locale_t loc;
    double v;

    if (s[i] == '.') {
        size_t j = skip_digits (s, i + 1);
        ndigits += j - (i + 1);
        i = j;
    }
    if (ndigits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (is_digit (s[j]))
            i = skip_digits (s, j);
    }
    /* strtod would read "0x1p3" as hex; our grammar stops at the 'x'. */
    if (i == 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        *value = 0.;
        *overflow = 0;
        return 1;
    }
    /* At most 15 digits and no exponent (every time stamp a job record
     * carries): the digits are an integer below 2^53 and the scale a power
     * of ten up to 1e15, both exact in a double, so the one division is
     * correctly rounded, the value strtod gives, at a tenth of its cost. */
    if (ndigits <= 15) {
        static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
                                      1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                      1e13, 1e14, 1e15 };
        size_t end = i, frac = 0;
        int seen_dot = 0, plain = 1;
        uint64_t m = 0;
        for (size_t k = 0; k < end && plain; k++) {
            if (s[k] == '.')
                seen_dot = 1;
            else if (is_digit (s[k])) {
                m = m * 10 + (uint64_t)(s[k] - '0');
                frac += (size_t)seen_dot;
            }
            else
                plain = 0; /* an exponent: leave it to strtod */
        }
        if (plain) {
            *value = (double)m / p10[frac];
            *overflow = 0;
            return i;
        }
    }
    loc = get_c_locale ();
    v = loc != (locale_t)0 ? strtod_l (s, NULL, loc) : strtod (s, NULL);
    *overflow = isinf (v) ? 1 : 0;
    *value = v;
    return i;
}

/* ----------------------------------------------------------------------
 * FSD
 */

/* ASCII-only strcasecmp() == 0: the locale's case rules (Turkish dotless
 * i) must not decide whether "INF" is infinity. */
static bool ascii_caseeq (const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool fsd_unit (const char *u, double *mult, bool *divide)
{
    static const struct {
        const char *name;
        double mult;
        bool divide;
    } units[] = {
        { "", 1., false },     { "s", 1., false },     { "ms", 1000., true },
        { "m", 60., false },   { "h", 3600., false },  { "d", 86400., false },
    };
    size_t i;

    for (i = 0; i < sizeof (units) / sizeof (units[0]); i++) {
        if (strcmp (u, units[i].name) == 0) {
            *mult = units[i].mult;
            *divide = units[i].divide;
            return true;
        }
    }
    return false;
}

FLUXACCT_EXPORT int fluxacct_fsd_parse (const char *s, double *seconds,
                                        fluxacct_error_t *error)
{
    char q[FA_QUOTE_SZ];
    double v, mult;
    bool divide;
    int overflow;
    size_t n;

    if (!s || !seconds)
        return errprintf (error, EINVAL, "FSD: %s is NULL",
                          !s ? "string" : "seconds");
    if (ascii_caseeq (s, "inf") || ascii_caseeq (s, "infinity")) {
        *seconds = INFINITY;
        return 0;
    }
    fa_quote (s, q, sizeof (q));
    if (s[0] == '\0')
        return errprintf (error, EINVAL, "FSD \"\": empty string");
    if (s[0] == '-')
        return errprintf (error, EINVAL, "FSD \"%s\": negative duration", q);
    if ((n = fa_parse_decimal (s, &v, &overflow)) == 0)
        return errprintf (error, EINVAL,
                          "FSD \"%s\": expected a non-negative number", q);
    if (!fsd_unit (s + n, &mult, &divide))
        return errprintf (error, EINVAL,
                          "FSD \"%s\": unknown unit or trailing characters"
                          " (units: ms, s, m, h, d)", q);
    /* Divide for ms: 1500 / 1000. is exact where 1500 * 0.001 is not. */
    v = divide ? v / mult : v * mult;
    if (overflow || isinf (v))
        return errprintf (error, ERANGE, "FSD \"%s\": duration too large", q);
    *seconds = v;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_fsd_format (double seconds, char *buf,
                                         size_t len)
{
    static const struct {
        double limit; /* use this unit below limit seconds */
        double scale;
        const char *unit;
    } units[] = {
        { 1., 1e-3, "ms" }, { 60., 1., "s" }, { 3600., 60., "m" },
        { 86400., 3600., "h" }, { INFINITY, 86400., "d" },
    };
    locale_t loc, old = (locale_t)0;
    size_t i = 0;
    int n;

    if (!buf || isnan (seconds) || seconds < 0) {
        errno = EINVAL;
        return -1;
    }
    if (isinf (seconds))
        n = snprintf (buf, len, "infinity");
    else if (seconds == 0)
        n = snprintf (buf, len, "0s");
    else {
        while (seconds >= units[i].limit)
            i++;
        if ((loc = get_c_locale ()) != (locale_t)0)
            old = uselocale (loc);
        n = snprintf (buf, len, "%g%s", seconds / units[i].scale,
                      units[i].unit);
        if (old != (locale_t)0)
            uselocale (old);
    }
    if (n < 0 || (size_t)n >= len) {
        errno = EOVERFLOW;
        return -1;
    }
    return 0;
}

/* ----------------------------------------------------------------------
 * Timestamps
 */

/* Exactly n digits at s. */
static bool fixed_digits (const char *s, size_t n, int *v)
{
    size_t i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (!is_digit (s[i]))
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

/* One or two digits at *s; advances *s. */
static bool short_digits (const char **s, int *v)
{
    if (!is_digit ((*s)[0]))
        return false;
    *v = (*s)[0] - '0';
    (*s)++;
    if (is_digit ((*s)[0])) {
        *v = *v * 10 + ((*s)[0] - '0');
        (*s)++;
    }
    return true;
}

/* "HH:MM" or "HH:MM:SS" and nothing after. */
static bool parse_clock (const char *s, struct tm *tm)
{
    size_t len = strlen (s);

    if (len != 5 && len != 8)
        return false;
    if (!fixed_digits (s, 2, &tm->tm_hour) || s[2] != ':'
        || !fixed_digits (s + 3, 2, &tm->tm_min))
        return false;
    if (len == 8 && (s[5] != ':' || !fixed_digits (s + 6, 2, &tm->tm_sec)))
        return false;
    return true;
}

/* Optional time after a date: "" or <sep>clock. */
static bool parse_time_suffix (const char *s, const char *seps, struct tm *tm)
{
    if (s[0] == '\0')
        return true;
    if (!strchr (seps, s[0]))
        return false;
    return parse_clock (s + 1, tm);
}

/* YYYY-MM-DD[(T| )HH:MM[:SS]] */
static bool parse_iso (const char *s, struct tm *tm)
{
    if (!fixed_digits (s, 4, &tm->tm_year) || s[4] != '-'
        || !fixed_digits (s + 5, 2, &tm->tm_mon) || s[7] != '-'
        || !fixed_digits (s + 8, 2, &tm->tm_mday))
        return false;
    return parse_time_suffix (s + 10, "T ", tm);
}

/* M[M]/D[D]/YYYY[ HH:MM[:SS]] */
static bool parse_us (const char *s, struct tm *tm)
{
    if (!short_digits (&s, &tm->tm_mon) || *s++ != '/'
        || !short_digits (&s, &tm->tm_mday) || *s++ != '/'
        || !fixed_digits (s, 4, &tm->tm_year))
        return false;
    return parse_time_suffix (s + 4, " ", tm);
}

static int days_in_month (int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* tm holds calendar values as written (year 2025, month 1-12). */
static int check_fields (const struct tm *tm, const char *q,
                         fluxacct_error_t *error)
{
    if (tm->tm_year < 1900)
        return errprintf (error, EINVAL,
                          "timestamp \"%s\": year %d before 1900", q,
                          tm->tm_year);
    if (tm->tm_mon < 1 || tm->tm_mon > 12)
        return errprintf (error, EINVAL,
                          "timestamp \"%s\": month %d out of range", q,
                          tm->tm_mon);
    if (tm->tm_mday < 1 || tm->tm_mday > days_in_month (tm->tm_year,
                                                         tm->tm_mon))
        return errprintf (error, EINVAL,
                          "timestamp \"%s\": day %d out of range for"
                          " %04d-%02d", q, tm->tm_mday, tm->tm_year,
                          tm->tm_mon);
    if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 59)
        return errprintf (error, EINVAL,
                          "timestamp \"%s\": time %02d:%02d:%02d out of"
                          " range", q, tm->tm_hour, tm->tm_min, tm->tm_sec);
    return 0;
}

static int date_to_epoch (struct tm *tm, const char *q, double *t,
                          fluxacct_error_t *error)
{
    time_t result;

    if (check_fields (tm, q, error) < 0)
        return -1;
    tm->tm_year -= 1900;
    tm->tm_mon -= 1;
    tm->tm_isdst = -1;
    /* mktime() may return -1 for a valid time (one second before the
     * epoch); only an untouched tm_wday tells that it failed. */
    tm->tm_wday = -1;
    result = mktime (tm);
    if (result == (time_t)-1 && tm->tm_wday == -1)
        return errprintf (error, EINVAL,
                          "timestamp \"%s\": not representable", q);
    *t = (double)result;
    return 0;
}

/* digits, optionally "." and more digits, nothing else */
static bool is_epoch (const char *s)
{
    size_t i = skip_digits (s, 0);

    if (i == 0)
        return false;
    if (s[i] == '.') {
        size_t j = skip_digits (s, i + 1);
        if (j == i + 1)
            return false;
        i = j;
    }
    return s[i] == '\0';
}

FLUXACCT_EXPORT int fluxacct_time_parse (const char *s, double *t,
                                         fluxacct_error_t *error)
{
    char q[FA_QUOTE_SZ];
    struct tm tm;
    int overflow;
    double v;

    if (!s || !t)
        return errprintf (error, EINVAL, "timestamp: %s is NULL",
                          !s ? "string" : "result");
    fa_quote (s, q, sizeof (q));
    if (is_epoch (s)) {
        fa_parse_decimal (s, &v, &overflow);
        if (overflow)
            return errprintf (error, ERANGE,
                              "timestamp \"%s\": too large", q);
        *t = v;
        return 0;
    }
    memset (&tm, 0, sizeof (tm));
    if (parse_iso (s, &tm))
        return date_to_epoch (&tm, q, t, error);
    memset (&tm, 0, sizeof (tm));
    if (parse_us (s, &tm))
        return date_to_epoch (&tm, q, t, error);
    return errprintf (error, EINVAL,
                      "timestamp \"%s\": expected epoch seconds,"
                      " YYYY-MM-DD[THH:MM[:SS]] or MM/DD/YYYY", q);
}
