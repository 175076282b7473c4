/* libfluxacct - the one double formatter and the one JSON string writer
 * (util/fmt.c).  Not API: the library's modules and the flux-account CLI
 * (which links the util module's archive for them) call them; nothing
 * else. */
#ifndef FLUXACCT_FMT_INTERNAL_H
#define FLUXACCT_FMT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

/* A buffer of this many bytes holds the text of every mode. */
#define FA_FMT_DOUBLE_MAX 48

/* What the text is for. */
enum fa_fmt {
    /* Machine text that reads back as the same double: "%.17g" (SQL,
     * stored configuration values, values named in messages). */
    FA_FMT_ROUNDTRIP,
    /* As Python's repr() shows a float: the shortest of 15, 16 or 17
     * significant digits that reads back, ".0" added when it would read
     * as an integer; "nan", "inf", "-inf". */
    FA_FMT_REPR,
    /* Plugin payload JSON (jansson's style): a multiple of 1/1024 below
     * 1e6 positionally and exactly, else "%.17g" with ".0" added to
     * integers and exponents without '+' or leading zeros ("1e5",
     * "1e-5").  Finite values only (the caller refuses the rest). */
    FA_FMT_JSON,
    /* export-db CSV: at most 6 decimals when that reads back exactly,
     * else 17 correctly rounded significant digits computed exactly, ".0"
     * on integers; "nan", "inf", "-inf", "-0.0".  buf of 48 bytes or
     * more (shorter: plain "%.17g"). */
    FA_FMT_CSV,
    /* flux-accounting's fixed decimals: "%.6f" (fair-share values,
     * normalised shares and usage), "%.3f" (bank-info's fair-share
     * column), "%.1f" (bank-info's raw usage). */
    FA_FMT_FIXED6,
    FA_FMT_FIXED3,
    FA_FMT_FIXED1,
    /* Six significant digits: "%.6g". */
    FA_FMT_SIG6,
    /* No decimals: "%.0f". */
    FA_FMT_INTEGRAL,
    /* Tables for people: six decimals with trailing zeros trimmed (at
     * least one kept); non-zero values under 1e-6 as "%.6g" so they do
     * not show as 0; non-finite and 1e15 or more as FA_FMT_REPR. */
    FA_FMT_DISPLAY,
};

/* Write v as mode says into buf (len bytes, NUL-terminated, cut if it
 * does not fit, as snprintf).  Returns the length of the text (as
 * snprintf, the length it would have had when cut). */
size_t fa_fmt_double (char *buf, size_t len, double v, enum fa_fmt mode);

/* Write s to f as a JSON string, always valid UTF-8 whatever s holds: a
 * byte that is not UTF-8 is written as U+FFFD, control characters (C0
 * and C1) as escapes.  The one JSON string writer of the library and
 * the CLI. */
void fa_fmt_json_string (FILE *f, const char *s);

#endif /* FLUXACCT_FMT_INTERNAL_H */
