/* flux-account - the mf_priority plugin's data feed: export-json and
 * priority-update.
 *
 * priority-update talks to a running Flux instance through libflux-core,
 * opened with dlopen() at run time: flux-account does not need flux-core
 * to build or to run its other commands, and where flux-core is missing
 * this command says so and fails. */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* At most this many services (fluxacct_plugin_services() has seven). */
#define MAX_PAYLOADS 16

static int cmd_export_json (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    const char *name = arg_str (a, "payload");
    int flags = arg_flag (a, "indent") ? FLUXACCT_EXPORT_INDENT : 0;
    char *s;

    if (arg_flag (a, "replace"))
        flags |= FLUXACCT_EXPORT_REPLACE;
    if (name)
        s = fluxacct_export_payload (ctx->db, name, flags, &error);
    else
        s = fluxacct_export_json (ctx->db, flags, &error);
    if (!s)
        return fail_error (&error);
    fprintf (ctx->out, "%s\n", s);
    free (s);
    return 0;
}

/* The part of libflux-core's API priority-update uses (flux-core's
 * prototypes; the handles are opaque here). */
struct fluxcore {
    void *dso;
    void *(*open) (const char *uri, int flags);
    void (*close) (void *h);
    void *(*rpc) (void *h, const char *topic, const char *s, uint32_t nodeid,
                  int flags);
    int (*rpc_get) (void *f, const char **s);
    void (*future_destroy) (void *f);
    const char *(*future_error_string) (void *f); /* may be absent */
};

#define FLUX_NODEID_ANY 0xFFFFFFFFu

static int fluxcore_load (struct fluxcore *fc)
{
    static const char *const names[] = { "libflux-core.so.2",
                                          "libflux-core.so" };
    char why[256] = "";

    for (size_t i = 0; i < 2 && !fc->dso; i++) {
        if (!(fc->dso = dlopen (names[i], RTLD_NOW | RTLD_LOCAL)) && i == 0) {
            const char *s = dlerror ();
            snprintf (why, sizeof (why), "%s", s ? s : "dlopen failed");
        }
    }
    if (!fc->dso)
        return fail ("no Flux instance is reachable: flux-core's library "
                     "(libflux-core.so.2) is not installed (%s)", why);
    *(void **)&fc->open = dlsym (fc->dso, "flux_open");
    *(void **)&fc->close = dlsym (fc->dso, "flux_close");
    *(void **)&fc->rpc = dlsym (fc->dso, "flux_rpc");
    *(void **)&fc->rpc_get = dlsym (fc->dso, "flux_rpc_get");
    *(void **)&fc->future_destroy = dlsym (fc->dso, "flux_future_destroy");
    *(void **)&fc->future_error_string = dlsym (fc->dso,
                                                "flux_future_error_string");
    if (!fc->open || !fc->close || !fc->rpc || !fc->rpc_get
        || !fc->future_destroy)
        return fail ("no Flux instance is reachable: %s lacks the flux_rpc "
                     "API", names[0]);
    return 0;
}

/* Send one payload and wait for the answer. */
static int send_payload (struct fluxcore *fc, void *h, const char *name,
                         const char *payload)
{
    char topic[64];
    void *f;
    int rc = 0;

    snprintf (topic, sizeof (topic), "job-manager.mf_priority.%s", name);
    if (!(f = fc->rpc (h, topic, payload, FLUX_NODEID_ANY, 0)))
        return fail ("%s: %s", topic, strerror (errno));
    if (fc->rpc_get (f, NULL) < 0) {
        int errnum = errno;
        const char *text = fc->future_error_string
                               ? fc->future_error_string (f) : NULL;
        if (errnum == ENOSYS)
            rc = fail ("mf_priority.so is not loaded in this Flux instance "
                       "(%s: %s)", topic, text ? text : strerror (errnum));
        else
            rc = fail ("%s: %s", topic, text ? text : strerror (errnum));
    }
    fc->future_destroy (f);
    return rc;
}

static int cmd_priority_update (struct ctx *ctx, struct args *a)
{
    /* the plugin's services, in the order they are sent */
    const char *const *payload_names = fluxacct_plugin_services ();
    char *payloads[MAX_PAYLOADS] = { NULL };
    size_t npayloads = 0;
    struct fluxcore fc = { 0 };
    fluxacct_error_t error;
    void *h = NULL;
    int rc = 0;

    while (payload_names[npayloads] && npayloads < MAX_PAYLOADS)
        npayloads++;
    /* Read everything first: nothing is sent from a half-read database. */
    for (size_t i = 0; i < npayloads && rc == 0; i++)
        if (!(payloads[i] = fluxacct_export_payload (ctx->db, payload_names[i],
                                                     FLUXACCT_EXPORT_REPLACE,
                                                     &error)))
            rc = fail_error (&error);
    if (rc == 0 && arg_flag (a, "dry-run")) {
        for (size_t i = 0; i < npayloads; i++)
            fprintf (ctx->out, "job-manager.mf_priority.%s %s\n",
                     payload_names[i], payloads[i]);
        goto out;
    }
    if (rc != 0 || (rc = fluxcore_load (&fc)) != 0)
        goto out;
    if (!(h = fc.open (NULL, 0))) {
        rc = fail ("no Flux instance is reachable: flux_open: %s (is "
                   "FLUX_URI set? run this under `flux proxy` or inside the "
                   "instance)", strerror (errno));
        goto out;
    }
    /* In flux-accounting's order: the data, then reprioritize. */
    for (size_t i = 0; i < npayloads && rc == 0; i++)
        rc = send_payload (&fc, h, payload_names[i], payloads[i]);
    if (rc == 0 && ctx->verbose)
        fprintf (stderr, "flux-account: sent %zu payloads to mf_priority\n",
                 npayloads);
out:
    if (h)
        fc.close (h);
    if (fc.dso)
        dlclose (fc.dso);
    for (size_t i = 0; i < npayloads; i++)
        free (payloads[i]);
    return rc;
}

static const struct optdef export_opts[] = {
    { "payload", 0, 1, "NAME", "print one service payload instead: rec_update, rec_q_update, rec_proj_update, rec_bank_update, rec_fac_update, rec_config_update or reprioritize" },
    { "replace", 0, 0, NULL, "rec_update: mark the list as the complete set (\"replace\": true)" },
    { "indent", 0, 0, NULL, "indent the JSON" },
    { NULL },
};
static const struct optdef priority_update_opts[] = {
    { "dry-run", 'n', 0, NULL, "print the requests (TOPIC PAYLOAD per line) instead of sending them" },
    { NULL },
};

const struct cmd plugin_cmds[] = {
    { "export-json", cmd_export_json, CMD_READ, NULL, 0, 0,
      "Print mf_priority's data: flux jobtap load mf_priority.so "
      "\"config=$(flux account export-json)\".", export_opts },
    { "priority-update", cmd_priority_update, CMD_READ, NULL, 0, 0,
      "Send the database's limits, fair-share and factors to mf_priority in "
      "the running Flux instance.", priority_update_opts },
    { NULL },
};
