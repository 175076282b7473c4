/* libfluxacct - a strict, allocation-light pull reader for JSON text
 * (RFC 8259), used for the priority engine's data payloads.  Not API.
 *
 * Why not jansson: a rec_update of 100,000 associations is ~25 MB of JSON;
 * building a jansson tree of it takes about half a second and several
 * hundred MB, while reading it token by token into the engine's own
 * structures takes a small fraction of that.
 *
 * The reader walks the text once.  The caller asks for what it expects
 * next (an object key, an array element, a string, a number, ...) and
 * skips what it does not want with jp_skip(), which still checks the
 * skipped value fully: any malformed JSON anywhere is an error.  The first
 * error is sticky: every later call fails too, and jp->error says where
 * (byte offset) and what. */
#ifndef FLUXACCT_JSONPULL_H
#define FLUXACCT_JSONPULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting deeper than this is refused (jp_skip recurses). */
#define JP_MAX_DEPTH 64

enum jp_type {
    JP_NONE = 0, /* end of input or error */
    JP_OBJECT,
    JP_ARRAY,
    JP_STRING,
    JP_NUMBER,
    JP_TRUE,
    JP_FALSE,
    JP_NULL,
};

struct jp {
    const char *p;      /* next byte */
    const char *start;
    const char *end;
    int depth;
    bool failed;
    char error[120];
    bool first[JP_MAX_DEPTH + 1]; /* per level: no member yet */
    char *buf;          /* unescaped string scratch space */
    size_t bufsize;
};

/* A string value or key.  s points into the input when the string had no
 * escapes, else into the reader's scratch buffer (valid until the next
 * string is read).  Never NUL-terminated: use len.  has_nul: the string
 * contains an escaped U+0000. */
struct jp_str {
    const char *s;
    size_t len;
    bool has_nul;
};

/* A number: is_int when written without fraction or exponent and it fits
 * in int64_t; d is always set. */
struct jp_num {
    bool is_int;
    int64_t i;
    double d;
};

void jp_init (struct jp *jp, const char *text, size_t len);
void jp_fini (struct jp *jp);

/* Type of the next value, without consuming it (JP_NONE on error or at the
 * end of the text). */
enum jp_type jp_peek (struct jp *jp);

/* Name of a type for messages ("object", "string", ...). */
const char *jp_typename (enum jp_type t);

/* Objects: jp_object_begin() consumes "{"; then jp_object_next() returns 1
 * with the next key in *key (positioned before its value), 0 after
 * consuming the closing "}", -1 on error. */
int jp_object_begin (struct jp *jp);
int jp_object_next (struct jp *jp, struct jp_str *key);

/* Arrays: jp_array_begin() consumes "["; jp_array_next() returns 1 when
 * another element follows (positioned before it), 0 after "]", -1. */
int jp_array_begin (struct jp *jp);
int jp_array_next (struct jp *jp);

/* Scalars: each fails (-1) if the next value is of another type. */
int jp_string (struct jp *jp, struct jp_str *out);
int jp_number (struct jp *jp, struct jp_num *out);
int jp_bool (struct jp *jp, bool *out);

/* Consume and check the next value, whatever it is. */
int jp_skip (struct jp *jp);

/* After the top-level value: only whitespace may remain.  0 or -1. */
int jp_finish (struct jp *jp);

/* Record an error (if none yet) at the current offset; returns -1. */
int jp_fail (struct jp *jp, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Compare a key or string with a C string. */
static inline bool jp_streq (const struct jp_str *a, const char *b)
{
    size_t n = 0;
    while (n < a->len && b[n] && a->s[n] == b[n])
        n++;
    return n == a->len && b[n] == '\0';
}

#endif /* FLUXACCT_JSONPULL_H */
