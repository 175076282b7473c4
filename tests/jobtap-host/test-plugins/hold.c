/* Test plugin: dependencies.
 *
 * - job.state.depend holds jobs submitted with bank "hold" under
 *   "held-by-plugin" (and bank "hold2" also under "second-hold")
 * - job.dependency.test: value "reject" rejects, "hold" adds "test-dep"
 *   while the job is NEW
 * - services (owner-only): release/add {"id", "description"};
 *   job-manager.hold (method NULL) and guest-ping (guests allowed)
 * - load-time conf {"chain": true}: when a job becomes inactive, release the
 *   oldest held job from inside that callback (nested callbacks);
 *   {"sort": "state"|"-state"|"none"} sets the replay order (default -state)
 * - plugin.query: held ids, nested callback count, job.new order */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <flux/core.h>
#include <flux/jobtap.h>

static struct {
    json_t *held;           /* [id...] held by this plugin, oldest first */
    json_t *new_order;      /* [[id, state]...] as seen by job.new */
    int chain;
    int in_inactive;
    int nested_sched;
} ctx;

static int depend_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                      void *data)
{
    json_int_t id;
    const char *bank = NULL;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:I s:{s?{s?{s?s}}}}",
                                "id", &id, "jobspec", "attributes", "system", "bank",
                                &bank) < 0)
        return -1;
    if (!bank || strncmp (bank, "hold", 4) != 0)
        return 0;
    if (flux_jobtap_dependency_add (p, id, "held-by-plugin") < 0)
        return -1;
    if (strcmp (bank, "hold2") == 0
        && flux_jobtap_dependency_add (p, id, "second-hold") < 0)
        return -1;
    json_array_append_new (ctx.held, json_integer (id));
    return 0;
}

static int dependency_test_cb (flux_plugin_t *p, const char *topic,
                               flux_plugin_arg_t *args, void *data)
{
    const char *value;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:{s:s}}", "dependency",
                                "value", &value) < 0)
        return flux_jobtap_reject_job (p, args, "bad dependency");
    if (strcmp (value, "reject") == 0)
        return flux_jobtap_reject_job (p, args, "dependency test:%s rejected", value);
    if (strcmp (value, "hold") == 0)
        return flux_jobtap_dependency_add (p, FLUX_JOBTAP_CURRENT_JOB, "test-dep");
    return 0;
}

static void forget_held (json_int_t id)
{
    size_t i;
    json_t *v;

    json_array_foreach (ctx.held, i, v) {
        if (json_integer_value (v) == id) {
            json_array_remove (ctx.held, i);
            return;
        }
    }
}

static int new_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                   void *data)
{
    json_int_t id;
    int state;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:I s:i}", "id", &id,
                                "state", &state) < 0)
        return -1;
    json_array_append_new (ctx.new_order, json_pack ("[I,i]", id, state));
    return 0;
}

static int sched_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    if (ctx.in_inactive)
        ctx.nested_sched++;
    return 0;
}

/* Release the oldest held job from inside this job's callback. */
static int inactive_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                        void *data)
{
    json_int_t id;
    int rc = 0;

    if (!ctx.chain || json_array_size (ctx.held) == 0)
        return 0;
    id = json_integer_value (json_array_get (ctx.held, 0));
    forget_held (id);
    ctx.in_inactive++;
    if (flux_jobtap_dependency_remove (p, id, "held-by-plugin") < 0)
        rc = -1;
    ctx.in_inactive--;
    return rc;
}

static int query_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:O s:O s:i}",
                                 "held", ctx.held,
                                 "new_order", ctx.new_order,
                                 "nested_sched", ctx.nested_sched);
}

static void dep_request (flux_t *h, const flux_msg_t *msg, bool add, flux_plugin_t *p)
{
    json_int_t id;
    const char *desc;
    int rc;

    if (flux_request_unpack (msg, NULL, "{s:I s:s}", "id", &id, "description",
                             &desc) < 0) {
        flux_respond_error (h, msg, errno, flux_msg_last_error (msg));
        return;
    }
    if (add)
        rc = flux_jobtap_dependency_add (p, id, desc);
    else
        rc = flux_jobtap_dependency_remove (p, id, desc);
    if (rc < 0) {
        flux_log_error (h, "hold: %s %s", add ? "add" : "remove", desc);
        flux_respond_error (h, msg, errno, NULL);
        return;
    }
    if (!add && strcmp (desc, "held-by-plugin") == 0)
        forget_held (id);
    flux_respond (h, msg, NULL);
}

static void release_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                        void *arg)
{
    dep_request (h, msg, false, arg);
}

static void add_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                    void *arg)
{
    dep_request (h, msg, true, arg);
}

static void ping_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                     void *arg)
{
    flux_respond_pack (h, msg, "{s:b}", "pong", 1);
}

static void ctx_free (void *arg)
{
    json_decref (ctx.held);
    json_decref (ctx.new_order);
    memset (&ctx, 0, sizeof (ctx));
}

static const struct flux_plugin_handler tab[] = {
    { "job.state.depend", depend_cb, NULL },
    { "job.dependency.test", dependency_test_cb, NULL },
    { "job.new", new_cb, NULL },
    { "job.state.sched", sched_cb, NULL },
    { "job.state.inactive", inactive_cb, NULL },
    { "plugin.query", query_cb, NULL },
    { NULL, NULL, NULL },
};

/* flux-core declares no prototype for the entry point. */
int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    const char *sort = "-state";

    /* Globals may survive dlclose (see spec §8.4): start afresh. */
    memset (&ctx, 0, sizeof (ctx));
    ctx.held = json_array ();
    ctx.new_order = json_array ();
    if (flux_plugin_aux_set (p, NULL, &ctx, ctx_free) < 0)
        return -1;
    if (flux_plugin_conf_unpack (p, "{s?b s?s}", "chain", &ctx.chain, "sort", &sort) < 0
        && errno != ENOENT)
        return -1;
    if (flux_plugin_register (p, "hold", tab) < 0
        || flux_jobtap_set_load_sort_order (p, sort) < 0
        || flux_jobtap_service_register (p, "release", release_cb, p) < 0
        || flux_jobtap_service_register (p, "add", add_cb, p) < 0
        || flux_jobtap_service_register (p, NULL, ping_cb, p) < 0
        || flux_jobtap_service_register_ex (p, "guest-ping", FLUX_ROLE_USER, ping_cb,
                                            p) < 0)
        return -1;
    return 0;
}
