/* libfluxacct - versioned structs: see vstruct_internal.h. */
#include <errno.h>
#include <string.h>

#include "util_internal.h"
#include "vstruct_internal.h"

size_t fa_vsize (const struct fa_vtype *t, int version)
{
    if (version < 1 || version > t->latest || version > FA_VERSIONS_MAX)
        return 0;
    return t->sizes[version - 1];
}

size_t fa_vcheck (const struct fa_vtype *t, const void *p,
                  fluxacct_error_t *error)
{
    int version;
    size_t size;

    if (!p) {
        errprintf (error, EINVAL, "%s: NULL", t->name);
        return 0;
    }
    memcpy (&version, p, sizeof (version));
    if ((size = fa_vsize (t, version)) == 0) {
        errprintf (error, EINVAL,
                   "%s: unknown version %d (initialise it with %s())",
                   t->name, version, t->init);
        return 0;
    }
    return size;
}

int fa_vinit (const struct fa_vtype *t, void *p, int version,
              const void *defaults)
{
    size_t size = fa_vsize (t, version);

    if (!p || size == 0) {
        errno = EINVAL;
        return -1;
    }
    memcpy (p, defaults, size);
    memcpy (p, &version, sizeof (version));
    return 0;
}

int fa_vin (const struct fa_vtype *t, const void *p, void *full,
            const void *defaults, fluxacct_error_t *error)
{
    size_t size;

    memcpy (full, defaults, t->sizes[t->latest - 1]);
    if (!p)
        return 0;
    if ((size = fa_vcheck (t, p, error)) == 0)
        return -1;
    memcpy (full, p, size);
    memcpy (full, &t->latest, sizeof (int));
    return 0;
}

void fa_vout (const struct fa_vtype *t, void *p, const void *full)
{
    int version;

    memcpy (&version, p, sizeof (version));
    memcpy (p, full, fa_vsize (t, version));
    memcpy (p, &version, sizeof (version));
}

void fa_vzero (const struct fa_vtype *t, void *p)
{
    int version;

    memcpy (&version, p, sizeof (version));
    memset (p, 0, fa_vsize (t, version));
    memcpy (p, &version, sizeof (version));
}
