/* flux-account - libflux-core, opened at run time (see fluxcore.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fluxcore.h"

#define SONAME "libflux-core.so.2"

/* Where to look, in order: flux-core's libdir as pkg-config reported it
 * at build time, then the dynamic linker's default search path, then
 * beside the flux program on PATH (dlopen_beside_flux). */
static const char *const candidates[] = {
#ifdef FLUXCORE_LIBDIR
    FLUXCORE_LIBDIR "/" SONAME,
#endif
    SONAME,
    "libflux-core.so",
};
#define NCANDIDATES (sizeof (candidates) / sizeof (candidates[0]))

static int load_symbols (struct fluxcore *fc)
{
    static const struct {
        const char *name;
        size_t offset;
        int optional;
    } syms[] = {
        { "flux_open", offsetof (struct fluxcore, open), 0 },
        { "flux_close", offsetof (struct fluxcore, close), 0 },
        { "flux_rpc", offsetof (struct fluxcore, rpc), 0 },
        { "flux_rpc_get", offsetof (struct fluxcore, rpc_get), 0 },
        { "flux_future_then", offsetof (struct fluxcore, then), 0 },
        { "flux_future_reset", offsetof (struct fluxcore, future_reset), 0 },
        { "flux_future_destroy", offsetof (struct fluxcore, future_destroy),
          0 },
        { "flux_future_error_string",
          offsetof (struct fluxcore, future_error_string), 1 },
        { "flux_get_reactor", offsetof (struct fluxcore, get_reactor), 0 },
        { "flux_reactor_run", offsetof (struct fluxcore, reactor_run), 0 },
        { "flux_reactor_stop_error",
          offsetof (struct fluxcore, reactor_stop_error), 0 },
        { "flux_attr_get", offsetof (struct fluxcore, attr_get), 0 },
    };

    for (size_t i = 0; i < sizeof (syms) / sizeof (syms[0]); i++) {
        void *p = dlsym (fc->dso, syms[i].name);
        if (!p && !syms[i].optional)
            return fail ("no Flux instance is reachable: %s lacks %s (is it "
                         "flux-core's library?)", SONAME, syms[i].name);
        /* A data pointer to a function pointer, as dlsym() is meant to. */
        memcpy ((char *)fc + syms[i].offset, &p, sizeof (p));
    }
    return 0;
}

/* Last resort: beside the flux program found on PATH (PREFIX/bin/flux,
 * PREFIX/lib/libflux-core.so.2), for a flux-account built where
 * pkg-config did not see flux-core. */
static void *dlopen_beside_flux (void)
{
    const char *path = getenv ("PATH");
    char dir[4096], lib[4200];
    void *dso = NULL;

    while (path && *path && !dso) {
        size_t n = strcspn (path, ":");
        if (n > 0 && n < sizeof (dir)) {
            memcpy (dir, path, n);
            dir[n] = '\0';
            snprintf (lib, sizeof (lib), "%s/flux", dir);
            if (access (lib, X_OK) == 0) {
                char *slash = strrchr (dir, '/');
                if (slash)
                    *slash = '\0';
                snprintf (lib, sizeof (lib), "%s/lib/" SONAME, dir);
                dso = dlopen (lib, RTLD_NOW | RTLD_LOCAL);
                break; /* the flux that would run: only that one */
            }
        }
        path += n + (path[n] == ':');
    }
    return dso;
}

int fluxcore_open (struct fluxcore *fc, const char *hint)
{
    char why[512] = "";
    int rc;

    memset (fc, 0, sizeof (*fc));
    for (size_t i = 0; i < NCANDIDATES && !fc->dso; i++) {
        if (!(fc->dso = dlopen (candidates[i], RTLD_NOW | RTLD_LOCAL))
            && why[0] == '\0') {
            const char *s = dlerror ();
            snprintf (why, sizeof (why), "%s", s ? s : "dlopen failed");
        }
    }
    if (!fc->dso)
        fc->dso = dlopen_beside_flux ();
    if (!fc->dso) {
        rc = fail ("no Flux instance is reachable: flux-core's library (%s) "
                   "is not installed (%s)%s%s", SONAME, why,
                   hint ? "; " : "", hint ? hint : "");
        goto error;
    }
    if ((rc = load_symbols (fc)) != 0)
        goto error;
    if (!(fc->h = fc->open (NULL, 0))) {
        rc = fail ("no Flux instance is reachable: flux_open: %s (is "
                   "FLUX_URI set? run this inside the instance, e.g. as "
                   "'flux account ...', or under 'flux proxy')%s%s",
                   strerror (errno), hint ? "; " : "", hint ? hint : "");
        goto error;
    }
    return 0;
error:
    fluxcore_close (fc);
    return rc;
}

void fluxcore_close (struct fluxcore *fc)
{
    if (fc->h && fc->close)
        fc->close (fc->h);
    if (fc->dso)
        dlclose (fc->dso);
    memset (fc, 0, sizeof (*fc));
}

const char *fluxcore_error (struct fluxcore *fc, void *f, int errnum)
{
    const char *s = fc->future_error_string ? fc->future_error_string (f)
                                            : NULL;
    return s && *s ? s : strerror (errnum);
}
