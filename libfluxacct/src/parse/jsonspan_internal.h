/* libfluxacct - a small strict JSON scanner over byte spans (private).
 *
 * It validates JSON and finds values without building a document or
 * allocating, for hot paths that read a few keys out of large objects (job
 * import).  Anything it cannot answer simply (escaped keys, say) is left to
 * the caller's jansson fallback. */
#ifndef FLUXACCT_JSONSPAN_H
#define FLUXACCT_JSONSPAN_H

#include <stddef.h>
#include <stdint.h>

struct jspan {
    const char *p;  /* first byte of the value (NULL: absent) */
    size_t n;       /* its length */
};

/* Skip one JSON value starting at p (after white space), validating it.
 * Returns the first byte after it, or NULL if it is not valid JSON. */
const char *jspan_skip (const char *p, const char *end, int depth);

/* Validate that [p, end) is exactly one JSON value (white space around it
 * allowed) and return its span in *v.  0 or -1. */
int jspan_value (const char *p, const char *end, struct jspan *v);

/* In object span obj, find member key (compared byte for byte with the raw
 * key text).  1 found (*v set; the first of repeated keys), 0 absent, -1
 * obj is not an object or a key before the match has escapes (the caller
 * then reads the text with jansson). */
int jspan_get (struct jspan obj, const char *key, struct jspan *v);

/* One pass over object obj: for each of the n keys, values[i] gets the
 * member's span (p NULL when absent).  0, or -1 obj is not a valid
 * object or has a key with escapes. */
int jspan_members (struct jspan obj, const char *const *keys, size_t n,
                   struct jspan *values);

/* The characters of a string value without its quotes, if it holds no
 * escapes: 1 and *s and *n set; 0 if it has escapes; -1 if not a string. */
int jspan_plain_string (struct jspan v, const char **s, size_t *n);

/* Type tests on a value span. */
int jspan_is_object (struct jspan v);
int jspan_is_array (struct jspan v);
int jspan_is_string (struct jspan v);

/* A number value as a double (locale-independent): 0 ok, -1 not a
 * number. */
int jspan_number (struct jspan v, double *d);

/* Array iteration: *it starts as NULL; each call sets *elem to the next
 * element and returns 1, or returns 0 at the end. */
int jspan_next (struct jspan arr, const char **it, struct jspan *elem);

#endif /* FLUXACCT_JSONSPAN_H */
