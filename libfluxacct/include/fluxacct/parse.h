/* libfluxacct - parsers for the text formats Flux hands to accounting:
 * idsets (RFC 22), R (RFC 20 version 1), jobspec job size (RFC 14/25),
 * Flux Standard Durations (RFC 23), timestamps and job ids (FLUIDs).
 *
 * Every parser is strict: input that does not match the format exactly is
 * rejected with errno EINVAL (ERANGE when a number is too large), and the
 * optional error buffer names the offending value, e.g.
 *     idset "0-3,,5": empty element at offset 4
 * Each format is a module of its own, named after the format: fluxacct_idset_,
 * fluxacct_r_, fluxacct_jobspec_ (also in fluxacct/json.h), fluxacct_fsd_,
 * fluxacct_time_, fluxacct_jobid_ (libfluxacct(3), "API RULES").
 *
 * All functions are thread-safe and independent of the process locale
 * (LC_NUMERIC, LC_CTYPE); only fluxacct_time_parse() reads the environment
 * (TZ, for dates in local time).
 */
#ifndef FLUXACCT_PARSE_H
#define FLUXACCT_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <fluxacct/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------------------
 * Idsets (RFC 22)
 */

/** Count the ids in an idset string.
 *
 * Accepted: comma-separated elements in strictly ascending order, each a
 * decimal id (no sign, no leading zeros, at most 4294967295) or a range
 * "a-b" with a < b; the whole list may be wrapped in "[" "]".  "" and "[]"
 * are the empty set.  Consecutive elements may touch ("1,2" or "0-3,4") but
 * not overlap or go backwards.  Rejected: empty elements, trailing
 * separators, reversed or equal-bound ranges, leading zeros, any character
 * other than digits, ',', '-', '[' and ']' (including whitespace).
 *
 * @param s      the idset string
 * @param count  out: number of ids in the set
 * @param error  optional: message naming the string and the byte offset
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL  s or count is NULL, or s is malformed
 *         ERANGE  an id exceeds 4294967295
 */
int fluxacct_idset_count (const char *s, uint64_t *count,
                          fluxacct_error_t *error);

/* --------------------------------------------------------------------------
 * R (RFC 20 version 1)
 */

/** Resources counted from R.  A versioned struct (libfluxacct(3), "API
 *  RULES"): initialise it with fluxacct_r_count_init(). */
typedef struct {
    int version;
    uint64_t nnodes; /**< distinct ranks over all R_lite entries */
    uint64_t ncores; /**< sum over entries of |rank| x |children.core| */
    uint64_t ngpus;  /**< sum over entries of |rank| x |children.gpu| */
} fluxacct_r_count_t;

#define FLUXACCT_R_COUNT_VERSION 1

/** Set out->version to `version` (pass FLUXACCT_R_COUNT_VERSION) and the
 *  counts to 0.  @return 0, or -1 with errno EINVAL (NULL out, unknown
 *  version). */
int fluxacct_r_count_init (fluxacct_r_count_t *out, int version);

/** Count nodes, cores and GPUs in an R document.
 *
 * R must be a JSON object with "version": 1 and "execution.R_lite" a
 * non-empty array.  Each entry is an object with "rank" (a non-empty idset)
 * and "children", an object with "core" (idset, required) and "gpu" (idset,
 * optional).  Other keys (nodelist, properties, starttime, other child
 * types, ...) are ignored.  A rank listed in several entries counts once
 * towards nnodes; cores and GPUs are summed per entry.
 *
 * @param R      R as JSON text
 * @param out    out: the counts (an initialised fluxacct_r_count_t);
 *               untouched on failure
 * @param error  optional: message naming the failing key, e.g.
 *               "R: execution.R_lite[1].children.core: idset ..."
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL  R or out is NULL, out->version is unknown, R is not
 *                 JSON, or R is malformed
 *         ERANGE  a count overflows 64 bits, or an id exceeds 4294967295
 *         ENOMEM  out of memory
 */
int fluxacct_r_count (const char *R, fluxacct_r_count_t *out,
                      fluxacct_error_t *error);

/* --------------------------------------------------------------------------
 * Jobspec (RFC 14, version 1)
 */

/** What accounting needs from a jobspec.
 *
 * Job size: the "resources" tree is walked with the product of the counts
 * along the path from the root (a count is an integer >= 1, or an object
 * whose "min" is used).  Each vertex then contributes that product to the
 * total for its type:
 *   - nnodes = sum over "node" vertices, ncores over "core" vertices,
 *     ngpus over "gpu" vertices, nslots over "slot" vertices;
 *   - "slot" and unknown types contribute to no total but multiply the
 *     counts below them;
 *   - if no node is requested but cores are, nnodes is 1.
 * This differs from flux-accounting, which multiplies the slot count by the
 * node count even when the slot sits above the node (its quirk #22): here
 * slot[2]->node[1]->core[4] is 2 nodes and 8 cores, not 16 cores, while
 * node[2]->slot[3]->core[4] is 2 nodes and 24 cores in both.
 *
 * The strings are malloc'd copies owned by the struct: release them with
 * fluxacct_jobspec_info_clear().  Absent strings are NULL.  A versioned
 * struct (libfluxacct(3), "API RULES"): initialise it with
 * fluxacct_jobspec_info_init().
 */
typedef struct {
    int version;
    uint64_t nnodes;
    uint64_t ncores;
    uint64_t ngpus;
    uint64_t nslots;
    double duration; /**< attributes.system.duration in seconds, 0 if absent */
    char *bank;      /**< attributes.system.bank, or NULL */
    char *queue;     /**< attributes.system.queue, or NULL */
    char *project;   /**< attributes.system.project, or NULL */
} fluxacct_jobspec_info_t;

#define FLUXACCT_JOBSPEC_INFO_VERSION 1

/** Set info->version to `version` (pass FLUXACCT_JOBSPEC_INFO_VERSION) and
 *  every member to 0 / NULL (nothing to free).  @return 0, or -1 with
 *  errno EINVAL (NULL info, unknown version). */
int fluxacct_jobspec_info_init (fluxacct_jobspec_info_t *info, int version);

/** Parse a jobspec into a fluxacct_jobspec_info_t.
 *
 * Required: a JSON object with "version": 1 and "resources", a non-empty
 * array of vertices, each an object with a string "type", a "count" and an
 * optional array "with".  Optional: "attributes.system" with "duration" (a
 * number >= 0) and "bank", "queue", "project" (strings).  A request for
 * neither nodes nor cores is rejected.
 *
 * @param jobspec  jobspec as JSON text
 * @param out      out: an initialised fluxacct_jobspec_info_t, overwritten
 *                 (not freed) on entry, its version kept; on success the
 *                 caller must release it with fluxacct_jobspec_info_clear();
 *                 on failure it is left zeroed with nothing to free
 * @param error    optional: message naming the failing key, e.g.
 *                 "jobspec: resources[0].with[0].count: must be >= 1, got 0"
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL  jobspec or out is NULL, out->version is unknown, or
 *                 jobspec is not valid JSON or not a valid jobspec
 *         ERANGE  the job size overflows 64 bits
 *         ENOMEM  out of memory
 */
int fluxacct_jobspec_parse (const char *jobspec, fluxacct_jobspec_info_t *out,
                            fluxacct_error_t *error);

/** Free the strings of a fluxacct_jobspec_info_t and zero it, keeping its
 * version (it can be passed to fluxacct_jobspec_parse() again).
 *
 * @param info  may be NULL; safe to call twice.  Preserves errno.
 */
void fluxacct_jobspec_info_clear (fluxacct_jobspec_info_t *info);

/* --------------------------------------------------------------------------
 * Flux Standard Duration (RFC 23)
 */

/** Parse a Flux Standard Duration.
 *
 * A non-negative decimal number (digits with optional fraction and optional
 * exponent, e.g. "1.5", ".5", "2e3") followed by an optional unit: "ms",
 * "s", "m", "h" or "d"; no unit means seconds.  "inf" and "infinity" (any
 * case, no unit) mean forever.  No sign, no whitespace.
 *
 * @param s        the duration string
 * @param seconds  out: the duration in seconds (INFINITY for "inf")
 * @param error    optional: message naming the string
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL  s or seconds is NULL, s is empty, negative, NaN, or has an
 *                 unknown unit or trailing characters
 *         ERANGE  the value is finite as written but overflows a double
 */
int fluxacct_fsd_parse (const char *s, double *seconds,
                        fluxacct_error_t *error);

/** Format a duration as a compact Flux Standard Duration.
 *
 * Picks the largest unit among ms, s, m, h, d that keeps the number >= 1
 * and prints it with up to 6 significant digits ("%g"): 0.5 -> "500ms",
 * 90 -> "1.5m", 3600 -> "1h", 604800 -> "7d", 0 -> "0s", INFINITY ->
 * "infinity".  The result parses back with fluxacct_fsd_parse(), exactly
 * when the value has at most 6 significant digits in its unit.
 *
 * @param seconds  a duration >= 0, or INFINITY
 * @param buf      out: NUL-terminated result; 16 bytes are always enough
 * @param len      size of buf
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL     seconds is negative or NaN, or buf is NULL
 *         EOVERFLOW  buf is too small (buf then holds a truncated string
 *                    when len > 0)
 */
int fluxacct_fsd_format (double seconds, char *buf, size_t len);

/* --------------------------------------------------------------------------
 * Timestamps
 */

/** Parse a point in time into seconds since the epoch.
 *
 * Accepted forms:
 *   - epoch seconds: digits with an optional fraction ("1735718400",
 *     "1735718400.25")
 *   - "YYYY-MM-DD", local midnight
 *   - "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS", and the same with a space
 *     instead of "T"
 *   - "MM/DD/YYYY" (month and day may be one digit), optionally followed by
 *     " HH:MM" or " HH:MM:SS"
 * Dates are in the local time zone (TZ), DST decided by mktime(); a wall
 * time that falls in a DST gap is moved forward as mktime() does.  Fields
 * are range-checked: year 1900-9999, month 1-12, day within the month
 * (leap years included), hour 0-23, minute and second 0-59.  No time zone
 * suffixes, fractions of seconds in dates, or surrounding whitespace.
 *
 * @param s      the timestamp string
 * @param t      out: seconds since the epoch
 * @param error  optional: message naming the string
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL  s or t is NULL, s matches no accepted form, a field is out
 *                 of range, or the time is not representable
 *         ERANGE  epoch seconds too large for a double
 */
int fluxacct_time_parse (const char *s, double *t, fluxacct_error_t *error);

/* --------------------------------------------------------------------------
 * Job ids (FLUIDs)
 */

/** A buffer of this size holds any encoding made by fluxacct_jobid_encode(). */
#define FLUXACCT_JOBID_STRSZ 32

/** Parse a job id in any of the Flux FLUID text forms.
 *
 * Accepted, after dropping leading and trailing whitespace as flux does:
 *   - decimal: "1234"
 *   - f58: "ƒ" (U+0192 in UTF-8) or "f", then base58 digits from
 *     "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
 *   - hex: "0x" then 1 or more hex digits
 *   - dothex: "xxxx.xxxx.xxxx.xxxx" (exactly 4 groups of 4 hex digits)
 *   - kvs: "job." followed by dothex
 * The mnemonic ("words") and emoji forms are not supported.
 *
 * @param s      the job id string
 * @param id     out: the job id
 * @param error  optional: message naming the string
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL  s or id is NULL, or s is not a job id in a supported form
 *         ERANGE  the value does not fit in 64 bits
 */
int fluxacct_jobid_parse (const char *s, uint64_t *id,
                          fluxacct_error_t *error);

/** Encode a job id as text.
 *
 * Types: "dec" (1234), "hex" (0x4d2), "dothex" (0000.0000.0000.04d2),
 * "kvs" (job.0000.0000.0000.04d2), "f58" (ƒNH, with U+0192 in UTF-8),
 * "f58plain" (fNH, ASCII).  "words" and "emoji" are not supported.
 *
 * @param id     the job id
 * @param type   the encoding name
 * @param buf    out: NUL-terminated result; FLUXACCT_JOBID_STRSZ bytes
 *               are always enough
 * @param len    size of buf
 * @param error  optional: message naming the type
 * @return 0 on success, -1 on failure with errno set:
 *         EINVAL     type or buf is NULL, or type is unknown or unsupported
 *         EOVERFLOW  buf is too small
 */
int fluxacct_jobid_encode (uint64_t id, const char *type, char *buf,
                           size_t len, fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_PARSE_H */
