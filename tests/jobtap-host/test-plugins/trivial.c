/* Test plugin: the smallest useful one, for the benchmark and for loader
 * tests.  It sets no name (the host names it after the file), sets
 * priority = urgency, and fails init when its conf says {"fail": true}.
 * Registering a service during init must fail (EINVAL): the name is still
 * the file path then; the outcome is reported by plugin.query.  Jobs in
 * queue "bypass" get R from job.state.sched (no scheduler needed). */
#include <errno.h>
#include <string.h>
#include <jansson.h>
#include <flux/core.h>
#include <flux/jobtap.h>

static int early_service_errno;

static int priority_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                        void *data)
{
    int urgency;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "urgency",
                                &urgency) < 0)
        return -1;
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}", "priority",
                                 (json_int_t)urgency);
}

static int sched_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    const char *queue = NULL;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:{s?{s?{s?s}}}}",
                                "jobspec", "attributes", "system", "queue", &queue) < 0)
        return -1;
    if (!queue || strcmp (queue, "bypass") != 0)
        return 0;
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT,
                                 "{s:{s:i s:{s:[{s:s s:{s:s}}]}}}",
                                 "R", "version", 1, "execution", "R_lite",
                                 "rank", "0", "children", "core", "0-3");
}

static int query_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:i s:s}",
                                 "early_service_errno", early_service_errno,
                                 "uuid", flux_plugin_get_uuid (p));
}

static void nop_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg, void *arg)
{
    flux_respond (h, msg, NULL);
}

/* flux-core declares no prototype for the entry point. */
int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    int fail = 0;

    if (flux_plugin_conf_unpack (p, "{s?b}", "fail", &fail) < 0 && errno != ENOENT)
        return -1;
    if (fail)
        return -1;
    early_service_errno = 0;
    if (flux_jobtap_service_register (p, "nop", nop_cb, NULL) < 0)
        early_service_errno = errno;
    if (flux_plugin_add_handler (p, "job.state.priority", priority_cb, NULL) < 0
        || flux_plugin_add_handler (p, "job.priority.get", priority_cb, NULL) < 0
        || flux_plugin_add_handler (p, "job.state.sched", sched_cb, NULL) < 0
        || flux_plugin_add_handler (p, "plugin.query", query_cb, NULL) < 0)
        return -1;
    return 0;
}
