/* libfluxacct - hash tables for the priority engine (see hashmap.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "util/hashmap_internal.h"

/* splitmix64 finaliser: job ids and (uid, bank) keys are far from random
 * in their low bits, so every key is mixed before masking. */
static inline uint64_t mix64 (uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

void *u64map_get (const struct u64map *m, uint64_t key)
{
    size_t mask, i;

    if (m->cap == 0)
        return NULL;
    mask = m->cap - 1;
    for (i = mix64 (key) & mask; m->vals[i]; i = (i + 1) & mask)
        if (m->keys[i] == key)
            return m->vals[i];
    return NULL;
}

static void put_nogrow (struct u64map *m, uint64_t key, void *val)
{
    size_t mask = m->cap - 1;
    size_t i;

    for (i = mix64 (key) & mask; m->vals[i]; i = (i + 1) & mask) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return;
        }
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

static int rehash (struct u64map *m, size_t cap)
{
    uint64_t *okeys = m->keys;
    void **ovals = m->vals;
    size_t ocap = m->cap;
    uint64_t *keys = malloc (cap * sizeof (*keys));
    void **vals = calloc (cap, sizeof (*vals));

    if (!keys || !vals) {
        free (keys);
        free (vals);
        errno = ENOMEM;
        return -1;
    }
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    m->n = 0;
    for (size_t i = 0; i < ocap; i++)
        if (ovals[i])
            put_nogrow (m, okeys[i], ovals[i]);
    free (okeys);
    free (ovals);
    return 0;
}

/* Load factor at most 1/2: probes stay short even for clustered keys. */
int u64map_reserve (struct u64map *m, size_t extra)
{
    size_t need = m->n + extra;
    size_t cap = m->cap ? m->cap : 16;

    if (need > SIZE_MAX / 4) {
        errno = ENOMEM;
        return -1;
    }
    while (cap < need * 2)
        cap *= 2;
    if (cap == m->cap)
        return 0;
    return rehash (m, cap);
}

int u64map_put (struct u64map *m, uint64_t key, void *val)
{
    if (u64map_reserve (m, 1) < 0)
        return -1;
    put_nogrow (m, key, val);
    return 0;
}

void *u64map_del (struct u64map *m, uint64_t key)
{
    size_t mask, i, j;
    void *val;

    if (m->cap == 0)
        return NULL;
    mask = m->cap - 1;
    for (i = mix64 (key) & mask; m->vals[i]; i = (i + 1) & mask)
        if (m->keys[i] == key)
            break;
    if (!m->vals[i])
        return NULL;
    val = m->vals[i];
    /* Backward shift: move later members of the probe run into the hole
     * when their home slot is not between the hole and themselves. */
    for (j = (i + 1) & mask; m->vals[j]; j = (j + 1) & mask) {
        size_t home = mix64 (m->keys[j]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->vals[i] = NULL;
    m->n--;
    return val;
}

void *u64map_next (const struct u64map *m, size_t *pos, uint64_t *key)
{
    while (*pos < m->cap) {
        size_t i = (*pos)++;
        if (m->vals[i]) {
            if (key)
                *key = m->keys[i];
            return m->vals[i];
        }
    }
    return NULL;
}

void u64map_clear (struct u64map *m)
{
    free (m->keys);
    free (m->vals);
    memset (m, 0, sizeof (*m));
}

/* FNV-1a, 32 bits: names are short. */
static uint32_t strhash (const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int32_t slot_find (const struct strtab *t, const char *s, size_t len,
                          uint32_t h, size_t *slot)
{
    size_t mask = t->cap - 1;
    size_t i;

    for (i = h & mask; t->slots[i]; i = (i + 1) & mask) {
        uint32_t id = t->slots[i] - 1;
        if (t->hashes[id] == h && t->lens[id] == len
            && memcmp (t->strs[id], s, len) == 0)
            return (int32_t)id;
    }
    if (slot)
        *slot = i;
    return -1;
}

int32_t strtab_find (const struct strtab *t, const char *s, size_t len)
{
    if (t->cap == 0)
        return -1;
    return slot_find (t, s, len, strhash (s, len), NULL);
}

static int strtab_grow (struct strtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    uint32_t *slots = calloc (cap, sizeof (*slots));

    if (!slots)
        return -1;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = t->hashes[id] & (cap - 1);
        while (slots[i])
            i = (i + 1) & (cap - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free (t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

static int strtab_grow_ids (struct strtab *t)
{
    size_t alloc = t->alloc ? t->alloc * 2 : 64;
    char **strs = realloc (t->strs, alloc * sizeof (*strs));
    if (!strs)
        return -1;
    t->strs = strs;
    uint32_t *lens = realloc (t->lens, alloc * sizeof (*lens));
    if (!lens)
        return -1;
    t->lens = lens;
    uint32_t *hashes = realloc (t->hashes, alloc * sizeof (*hashes));
    if (!hashes)
        return -1;
    t->hashes = hashes;
    t->alloc = alloc;
    return 0;
}

int32_t strtab_intern (struct strtab *t, const char *s, size_t len)
{
    uint32_t h = strhash (s, len);
    size_t slot = 0;
    int32_t id;
    char *copy;

    if (len > UINT32_MAX || t->n >= INT32_MAX)
        goto nomem;
    if (t->cap && (id = slot_find (t, s, len, h, &slot)) >= 0)
        return id;
    if ((t->n + 1) * 2 > t->cap) {
        if (strtab_grow (t) < 0)
            goto nomem;
        (void)slot_find (t, s, len, h, &slot);
    }
    if (t->n == t->alloc && strtab_grow_ids (t) < 0)
        goto nomem;
    if (!(copy = malloc (len + 1)))
        goto nomem;
    memcpy (copy, s, len);
    copy[len] = '\0';
    id = (int32_t)t->n++;
    t->strs[id] = copy;
    t->lens[id] = (uint32_t)len;
    t->hashes[id] = h;
    t->slots[slot] = (uint32_t)id + 1;
    return id;
nomem:
    errno = ENOMEM;
    return -1;
}

void strtab_clear (struct strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free (t->strs[i]);
    free (t->strs);
    free (t->lens);
    free (t->hashes);
    free (t->slots);
    memset (t, 0, sizeof (*t));
}
