/* flux-account - libflux-core, opened at run time.
 *
 * The commands that talk to a running Flux instance (priority-update,
 * fetch-job-records) reach it through libflux-core, loaded with dlopen()
 * when they run: flux-account links nothing of flux-core, builds without
 * it, and runs its other commands where it is absent.  The library is
 * looked for first in the directory where pkg-config found flux-core when
 * flux-account was built (FLUXCORE_LIBDIR), then on the default search
 * path, then in PREFIX/lib for the PREFIX/bin/flux found on PATH.  This
 * is the only place that opens it.
 *
 * The declarations are flux-core's (flux/core.h), with the handle, future
 * and reactor types opaque.
 */
#ifndef FLUX_ACCOUNT_FLUXCORE_H
#define FLUX_ACCOUNT_FLUXCORE_H

#include <stdint.h>

#define FLUXCORE_NODEID_ANY 0xFFFFFFFFu
#define FLUXCORE_RPC_STREAMING 2

typedef void (*fluxcore_continuation_f) (void *f, void *arg);

struct fluxcore {
    void *dso;
    void *h;                /* the open handle */
    void *(*open) (const char *uri, int flags);
    void (*close) (void *h);
    void *(*rpc) (void *h, const char *topic, const char *s, uint32_t nodeid,
                  int flags);
    int (*rpc_get) (void *f, const char **s);
    int (*then) (void *f, double timeout, fluxcore_continuation_f cb,
                 void *arg);
    void (*future_reset) (void *f);
    void (*future_destroy) (void *f);
    const char *(*future_error_string) (void *f);
    void *(*get_reactor) (void *h);
    int (*reactor_run) (void *r, int flags);
    void (*reactor_stop_error) (void *r);
    const char *(*attr_get) (void *h, const char *name);
};

/* Load libflux-core and open a handle to the enclosing instance (FLUX_URI).
 * On failure print "flux-account: ERROR: no Flux instance is reachable:
 * WHY" followed by hint (when not NULL) and return the exit status (1);
 * *fc is then closed.  0 on success. */
int fluxcore_open (struct fluxcore *fc, const char *hint);

/* Close the handle and unload the library; *fc may be zeroed or half
 * opened. */
void fluxcore_close (struct fluxcore *fc);

/* The error text of a failed future: the server's message, else
 * strerror (errnum). */
const char *fluxcore_error (struct fluxcore *fc, void *f, int errnum);

#endif /* FLUX_ACCOUNT_FLUXCORE_H */
