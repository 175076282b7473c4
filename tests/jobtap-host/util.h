/* jobtap-host: allocation helpers.  The host is a test tool: running out of
 * memory aborts rather than threading ENOMEM through every path. */
#ifndef JOBTAP_HOST_UTIL_H
#define JOBTAP_HOST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

static inline void __attribute__ ((noreturn)) oom (void)
{
    fprintf (stderr, "jobtap-host: out of memory\n");
    abort ();
}

static inline void *xzalloc (size_t size)
{
    void *p = calloc (1, size);
    if (!p)
        oom ();
    return p;
}

static inline void *xrealloc (void *ptr, size_t size)
{
    void *p = realloc (ptr, size);
    if (!p)
        oom ();
    return p;
}

static inline char *xstrdup (const char *s)
{
    char *p = strdup (s);
    if (!p)
        oom ();
    return p;
}

/* json_object_set_new that treats a NULL value (a failed constructor) as
 * out of memory. */
static inline void jset (json_t *o, const char *key, json_t *val)
{
    if (!val || json_object_set_new (o, key, val) < 0)
        oom ();
}

#endif /* JOBTAP_HOST_UTIL_H */
