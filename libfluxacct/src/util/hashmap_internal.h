/* libfluxacct - small hash tables for the in-memory priority engine.
 * Not API; nothing here is exported.
 *
 * u64map: 64-bit key -> non-NULL pointer, open addressing with linear
 * probing and backward-shift deletion (no tombstones), so lookups stay
 * short however many jobs come and go.
 *
 * strtab: interned strings.  Each distinct string gets a small dense id
 * (0, 1, 2, ...) that never changes and is never reused; tables indexed
 * by id (queues, banks, projects) are then plain arrays. */
#ifndef FLUXACCT_HASHMAP_H
#define FLUXACCT_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
    uint64_t *keys;
    void **vals;    /* NULL marks an empty slot */
    size_t cap;     /* 0 or a power of two */
    size_t n;
};

/* Lookup; NULL when absent. */
void *u64map_get (const struct u64map *m, uint64_t key);

/* Make room for `extra` more entries without reallocating later, so a
 * following sequence of that many u64map_put() calls cannot fail.
 * Returns 0, or -1 with errno ENOMEM. */
int u64map_reserve (struct u64map *m, size_t extra);

/* Insert or replace.  Returns 0, or -1 with errno ENOMEM (the map is then
 * unchanged). */
int u64map_put (struct u64map *m, uint64_t key, void *val);

/* Remove; returns the removed value or NULL. */
void *u64map_del (struct u64map *m, uint64_t key);

/* Iterate: start with *pos = 0; returns the next value, NULL at the end.
 * The map must not change during the iteration. */
void *u64map_next (const struct u64map *m, size_t *pos, uint64_t *key);

void u64map_clear (struct u64map *m);

struct strtab {
    char **strs;        /* by id, NUL-terminated copies */
    uint32_t *lens;
    uint32_t *hashes;
    size_t n, alloc;
    uint32_t *slots;    /* id + 1, 0 for empty */
    size_t cap;         /* power of two */
};

/* The id of the string s (len bytes, need not be NUL-terminated), adding
 * it if new.  Returns the id, or -1 with errno ENOMEM. */
int32_t strtab_intern (struct strtab *t, const char *s, size_t len);

/* The id of s, or -1 if it was never interned. */
int32_t strtab_find (const struct strtab *t, const char *s, size_t len);

/* The string of an id (borrowed; valid until strtab_clear). */
static inline const char *strtab_str (const struct strtab *t, int32_t id)
{
    return t->strs[id];
}

void strtab_clear (struct strtab *t);

#endif /* FLUXACCT_HASHMAP_H */
