/* Module parse (parse.h, json.h): job ids, idsets, times, R, jobspec, JSON
 * scanning; may call util. */
/* libfluxacct - parser helpers shared with other modules (the job importer,
 * the jobtap plugin glue).  Not API; nothing here is exported. */
#ifndef FLUXACCT_PARSE_INTERNAL_H
#define FLUXACCT_PARSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "fluxacct/error.h"
#include "fluxacct/parse.h"

/* A decoded idset: closed ranges [lo, hi].  One idset decodes to ranges in
 * strictly ascending, non-overlapping order; several idsets appended to the
 * same list may overlap (idset_ranges_union_count() handles that). */
struct idset_range {
    uint32_t lo;
    uint32_t hi;
};

struct idset_ranges {
    struct idset_range *v;
    size_t n;
    size_t alloc;
};

/* Decode idset s (grammar as fluxacct_idset_count()).  If ranges is
 * non-NULL the decoded ranges are appended to it.  If count is non-NULL it
 * receives the number of ids in s.  Returns 0, or -1 with errno EINVAL,
 * ERANGE or ENOMEM and a message in error.  On failure ranges may hold
 * part of s: release it with idset_ranges_clear(). */
int idset_decode_ranges (const char *s, struct idset_ranges *ranges,
                         uint64_t *count, fluxacct_error_t *error);

/* Number of distinct ids covered by the ranges (they are sorted in place). */
uint64_t idset_ranges_union_count (struct idset_ranges *ranges);

/* Free the range array and zero the struct. */
void idset_ranges_clear (struct idset_ranges *ranges);

/* Count R given either as a JSON object or as a JSON string holding R's
 * text (the job-list / KVS / archive sources differ).  Semantics, errors
 * and messages as fluxacct_r_count(). */
int r_count_json (const json_t *R, fluxacct_r_count_t *out,
                  fluxacct_error_t *error);

/* Count R text without building a JSON tree (rcount_fast.c).  Returns 1
 * with *out filled when R is plain JSON (ASCII, no escapes, no exponents,
 * no repeated key among those read) and a well-formed R; the counts are
 * then those of fluxacct_r_count().  Returns 0 otherwise: ask
 * fluxacct_r_count(), which also words the error. */
int r_count_fast (const char *R, fluxacct_r_count_t *out);

/* Parse a jobspec given as a JSON object (or a JSON string holding its
 * text).  Semantics, ownership, errors and messages as
 * fluxacct_jobspec_parse(). */
int jobspec_parse_json (const json_t *jobspec, fluxacct_jobspec_info_t *out,
                        fluxacct_error_t *error);

/* Render s for an error message into buf: printable ASCII kept, '"' and
 * '\\' escaped, other bytes as \xNN, cut to about 40 characters with "..."
 * so the reason after it still fits in a fluxacct_error_t.  Returns buf. */
#define FA_QUOTE_SZ 64
const char *fa_quote (const char *s, char *buf, size_t size);

/* Name of a JSON value's type for messages ("object", "integer", ...). */
const char *fa_json_typename (const json_t *o);

/* Convert the decimal floating point number at the start of s (digits with
 * optional "." fraction and optional exponent, at least one digit before
 * the exponent; no sign, no "inf", no hex) to a double, rounded exactly as
 * strtod does, whatever the process locale.  Returns the number of
 * characters consumed, 0 if s does not start with such a number.
 * *overflow is set to 1 when the value is too large for a double (then
 * *value is HUGE_VAL), else 0. */
size_t fa_parse_decimal (const char *s, double *value, int *overflow);

/* The value of the hex digit c (0-9, a-f, A-F), or -1: the library's one
 * hex decoder (job ids, JSON \u escapes). */
static inline int fa_hex_digit (int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif /* FLUXACCT_PARSE_INTERNAL_H */
