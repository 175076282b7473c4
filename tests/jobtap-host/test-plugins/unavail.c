/* Test plugin: priority unavailable until data arrives, and the rest of
 * the jobtap calls a plugin makes from services.
 *
 * - job.state.priority / job.priority.get: priority unavailable until the
 *   "ready" service gives a value (then reprioritize all); "bad-type"
 *   makes the next answer a real instead of an integer
 * - services: ready {"priority"}, set {"id", "priority"}
 *   (reprioritize_job), raise {"id", "type", "severity", "note"}, post
 *   {"id", "name", "context"?}, lookup {"id"}, bad-type, no-response,
 *   fail {"errnum"}
 * - job.new subscribes to the job's events; job.event.* are counted
 * - plugin.query: {"ready", "events_seen": {name: count}} */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <flux/core.h>
#include <flux/jobtap.h>

static struct {
    int ready;
    json_int_t priority;
    int bad_type;
    json_t *events_seen;
} ctx;

static int priority_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                        void *data)
{
    if (ctx.bad_type) {
        ctx.bad_type = 0;
        return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:f}", "priority",
                                     1.5);
    }
    if (!ctx.ready)
        return flux_jobtap_priority_unavail (p, args);
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}", "priority",
                                 ctx.priority);
}

static int new_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                   void *data)
{
    return flux_jobtap_job_subscribe (p, FLUX_JOBTAP_CURRENT_JOB);
}

static int event_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    const char *name;
    json_t *count;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:{s:s}}", "entry", "name",
                                &name) < 0)
        return -1;
    count = json_object_get (ctx.events_seen, name);
    json_object_set_new (ctx.events_seen, name,
                         json_integer (json_integer_value (count) + 1));
    return 0;
}

static int query_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:b s:O}", "ready",
                                 ctx.ready, "events_seen", ctx.events_seen);
}

static void respond_errno (flux_t *h, const flux_msg_t *msg, const char *what)
{
    flux_log_error (h, "unavail: %s", what);
    flux_respond_error (h, msg, errno, NULL);
}

static void ready_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                      void *arg)
{
    if (flux_request_unpack (msg, NULL, "{s:I}", "priority", &ctx.priority) < 0) {
        flux_log (h, LOG_ERR, "unavail unpack: %s", flux_msg_last_error (msg));
        flux_respond_error (h, msg, EPROTO, flux_msg_last_error (msg));
        return;
    }
    ctx.ready = 1;
    flux_respond (h, msg, NULL);
    flux_jobtap_reprioritize_all (arg);
}

static void set_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                    void *arg)
{
    json_int_t id, priority;

    if (flux_request_unpack (msg, NULL, "{s:I s:I}", "id", &id, "priority",
                             &priority) < 0)
        return respond_errno (h, msg, "set");
    if (flux_jobtap_reprioritize_job (arg, id, (unsigned int)priority) < 0)
        return respond_errno (h, msg, "reprioritize_job");
    flux_respond (h, msg, NULL);
}

static void raise_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                      void *arg)
{
    json_int_t id;
    const char *type, *note;
    int severity;

    if (flux_request_unpack (msg, NULL, "{s:I s:s s:i s:s}", "id", &id, "type", &type,
                             "severity", &severity, "note", &note) < 0)
        return respond_errno (h, msg, "raise");
    if (flux_jobtap_raise_exception (arg, id, type, severity, "%s", note) < 0)
        return respond_errno (h, msg, "raise_exception");
    flux_respond (h, msg, NULL);
}

static void post_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                     void *arg)
{
    json_int_t id;
    const char *name;
    json_t *context = NULL;
    int rc;

    if (flux_request_unpack (msg, NULL, "{s:I s:s s?o}", "id", &id, "name", &name,
                             "context", &context) < 0)
        return respond_errno (h, msg, "post");
    if (context)
        rc = flux_jobtap_event_post_pack (arg, id, name, "O", context);
    else
        rc = flux_jobtap_event_post_pack (arg, id, name, NULL);
    if (rc < 0)
        return respond_errno (h, msg, "event_post_pack");
    flux_respond (h, msg, NULL);
}

static void lookup_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                       void *arg)
{
    json_int_t id, priority, userid;
    flux_plugin_arg_t *args;
    int state;
    json_t *jobspec;

    if (flux_request_unpack (msg, NULL, "{s:I}", "id", &id) < 0)
        return respond_errno (h, msg, "lookup");
    if (!(args = flux_jobtap_job_lookup (arg, id)))
        return respond_errno (h, msg, "job_lookup");
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i s:I s:I s:o}",
                                "state", &state, "priority", &priority, "userid",
                                &userid, "jobspec", &jobspec) < 0)
        flux_respond_error (h, msg, EPROTO, flux_plugin_arg_strerror (args));
    else
        flux_respond_pack (h, msg, "{s:i s:I s:I s:b}", "state", state, "priority",
                           priority, "userid", userid, "environment",
                           json_object_get (json_object_get (json_object_get (jobspec,
                                                                              "attributes"),
                                                             "system"),
                                            "environment")
                               != NULL);
    flux_plugin_arg_destroy (args);
}

static void bad_type_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                         void *arg)
{
    ctx.bad_type = 1;
    flux_respond (h, msg, NULL);
}

static void no_response_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                            void *arg)
{
}

static void fail_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                     void *arg)
{
    int errnum = EINVAL;
    (void)flux_request_unpack (msg, NULL, "{s?i}", "errnum", &errnum);
    flux_respond_error (h, msg, errnum, NULL);
}

static void ctx_free (void *arg)
{
    json_decref (ctx.events_seen);
    memset (&ctx, 0, sizeof (ctx));
}

static const struct flux_plugin_handler tab[] = {
    { "job.state.priority", priority_cb, NULL },
    { "job.priority.get", priority_cb, NULL },
    { "job.new", new_cb, NULL },
    { "job.event.*", event_cb, NULL },
    { "plugin.query", query_cb, NULL },
    { NULL, NULL, NULL },
};

static const struct {
    const char *method;
    flux_msg_handler_f cb;
} services[] = {
    { "ready", ready_cb }, { "set", set_cb }, { "raise", raise_cb },
    { "post", post_cb }, { "lookup", lookup_cb }, { "bad-type", bad_type_cb },
    { "no-response", no_response_cb }, { "fail", fail_cb }, { NULL, NULL },
};

/* flux-core declares no prototype for the entry point. */
int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    memset (&ctx, 0, sizeof (ctx));
    ctx.events_seen = json_object ();
    if (flux_plugin_aux_set (p, NULL, &ctx, ctx_free) < 0
        || flux_plugin_register (p, "unavail", tab) < 0)
        return -1;
    for (int i = 0; services[i].method; i++) {
        if (flux_jobtap_service_register (p, services[i].method, services[i].cb, p) < 0)
            return -1;
    }
    return 0;
}
