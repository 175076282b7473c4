/* Test plugin: priority = urgency * factor + offset.
 *
 * - load-time conf {"factor": N} (default 10); instance config
 *   {"prio-urgency": {"offset": N, "reject": bool}} through conf.update
 * - job.validate rejects userid 666 (own text), 667 (default text) and
 *   queue "forbidden"
 * - job.new keeps per-job aux and sets attributes.system.bank to "default"
 *   when the job names none (jobspec-update)
 * - job.state.sched posts memo {"prio": P}
 * - job.update.attributes.system.{queue,bank} handlers; bank adds an extra
 *   project update and leaves validation to job.validate
 * - service set-factor {"factor": N}: reprioritize all
 * - plugin.query reports counters */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <flux/core.h>
#include <flux/jobtap.h>

struct state {
    int factor;
    int offset;
    int jobs_new;
    int aux_destroyed;
    int inactive_ran;
    int inactive_not_ran;
    int completed;
    int canceled;
    int failed;
    int job_updates;
    int validate_calls;
};

/* Same name as a function inside jobtap-host: must bind to this one. */
double host_now (void);
double host_now (void)
{
    return 42.;
}

static struct state *state_get (flux_plugin_t *p)
{
    return flux_plugin_aux_get (p, "prio-urgency::state");
}

static void job_data_destroy (void *arg)
{
    struct state *s = *(struct state **)arg;
    s->aux_destroyed++;
    free (arg);
}

static int validate_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                        void *data)
{
    json_int_t userid;
    const char *queue = NULL;

    state_get (p)->validate_calls++;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN,
                                "{s:I s:{s?{s?{s?s}}}}",
                                "userid", &userid,
                                "jobspec", "attributes", "system", "queue", &queue) < 0)
        return flux_jobtap_reject_job (p, args, "unpack: %s",
                                       flux_plugin_arg_strerror (args));
    if (userid == 666)
        return flux_jobtap_reject_job (p, args, "user %d is not allowed", (int)userid);
    if (userid == 667)
        return flux_jobtap_reject_job (p, args, NULL);
    if (queue && strcmp (queue, "forbidden") == 0)
        return flux_jobtap_reject_job (p, args, "queue %s is forbidden", queue);
    return 0;
}

static int new_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                   void *data)
{
    struct state *s = state_get (p);
    struct state **jd = malloc (sizeof (*jd));
    const char *bank = NULL;

    if (!jd)
        return -1;
    *jd = s;
    if (flux_jobtap_job_aux_set (p, FLUX_JOBTAP_CURRENT_JOB, "prio-urgency::job", jd,
                                 job_data_destroy) < 0) {
        free (jd);
        return -1;
    }
    s->jobs_new++;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:{s?{s?{s?s}}}}",
                                "jobspec", "attributes", "system", "bank", &bank) < 0)
        return -1;
    if (!bank)
        return flux_jobtap_jobspec_update_pack (p, "{s:s}", "attributes.system.bank",
                                                "default");
    return 0;
}

static int priority_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                        void *data)
{
    struct state *s = state_get (p);
    int urgency;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "urgency",
                                &urgency) < 0)
        return -1;
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}", "priority",
                                 (json_int_t)urgency * s->factor + s->offset);
}

static int sched_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    json_int_t priority;

    if (!flux_jobtap_job_aux_get (p, FLUX_JOBTAP_CURRENT_JOB, "prio-urgency::job"))
        return -1;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:I}", "priority",
                                &priority) < 0)
        return -1;
    return flux_jobtap_event_post_pack (p, FLUX_JOBTAP_CURRENT_JOB, "memo", "{s:I}",
                                        "prio", priority);
}

static int inactive_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                        void *data)
{
    struct state *s = state_get (p);
    flux_job_result_t result;

    if (flux_jobtap_job_event_posted (p, FLUX_JOBTAP_CURRENT_JOB, "alloc") == 1)
        s->inactive_ran++;
    else
        s->inactive_not_ran++;
    if (flux_jobtap_get_job_result (p, FLUX_JOBTAP_CURRENT_JOB, &result) < 0)
        return -1;
    if (result == FLUX_JOB_RESULT_COMPLETED)
        s->completed++;
    else if (result == FLUX_JOB_RESULT_CANCELED)
        s->canceled++;
    else
        s->failed++;
    return 0;
}

static int update_queue_cb (flux_plugin_t *p, const char *topic,
                            flux_plugin_arg_t *args, void *data)
{
    const char *queue;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:s}", "value", &queue) < 0)
        return flux_jobtap_error (p, args, "queue must be a string");
    if (strcmp (queue, "forbidden") == 0)
        return flux_jobtap_error (p, args, "prio-urgency: queue %s not allowed", queue);
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:i}", "validated", 1);
}

/* Not validated here: job.validate runs on the updated jobspec. */
static int update_bank_cb (flux_plugin_t *p, const char *topic,
                           flux_plugin_arg_t *args, void *data)
{
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:{s:s}}", "updates",
                                 "attributes.system.project", "from-bank-update");
}

static int job_update_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                          void *data)
{
    json_t *updates;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:o}", "updates",
                                &updates) < 0)
        return -1;
    state_get (p)->job_updates += (int)json_object_size (updates);
    return 0;
}

static int conf_update_cb (flux_plugin_t *p, const char *topic,
                           flux_plugin_arg_t *args, void *data)
{
    struct state *s = state_get (p);
    int offset = 0;
    int reject = 0;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:{s?{s?i s?b}}}", "conf",
                                "prio-urgency", "offset", &offset, "reject",
                                &reject) < 0)
        return flux_jobtap_error (p, args, "prio-urgency: %s",
                                  flux_plugin_arg_strerror (args));
    if (reject)
        return flux_jobtap_error (p, args, "prio-urgency: config rejected");
    s->offset = offset;
    return 0;
}

static int query_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    struct state *s = state_get (p);

    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT,
                                 "{s:i s:i s:i s:i s:i s:i s:i s:i s:i s:i s:i s:f}",
                                 "factor", s->factor,
                                 "offset", s->offset,
                                 "jobs_new", s->jobs_new,
                                 "aux_destroyed", s->aux_destroyed,
                                 "inactive_ran", s->inactive_ran,
                                 "inactive_not_ran", s->inactive_not_ran,
                                 "completed", s->completed,
                                 "canceled", s->canceled,
                                 "failed", s->failed,
                                 "job_updates", s->job_updates,
                                 "validate_calls", s->validate_calls,
                                 "host_now", host_now ());
}

static void set_factor_cb (flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                           void *arg)
{
    flux_plugin_t *p = arg;
    int factor;

    if (flux_request_unpack (msg, NULL, "{s:i}", "factor", &factor) < 0) {
        flux_respond_error (h, msg, EPROTO, flux_msg_last_error (msg));
        return;
    }
    state_get (p)->factor = factor;
    flux_jobtap_reprioritize_all (p);
    flux_respond_pack (h, msg, "{s:i}", "factor", factor);
}

static const struct flux_plugin_handler tab[] = {
    { "job.validate", validate_cb, NULL },
    { "job.new", new_cb, NULL },
    { "job.state.priority", priority_cb, NULL },
    { "job.priority.get", priority_cb, NULL },
    { "job.state.sched", sched_cb, NULL },
    { "job.state.inactive", inactive_cb, NULL },
    { "job.update.attributes.system.queue", update_queue_cb, NULL },
    { "job.update.attributes.system.bank", update_bank_cb, NULL },
    { "job.update", job_update_cb, NULL },
    { "conf.update", conf_update_cb, NULL },
    { "plugin.query", query_cb, NULL },
    { NULL, NULL, NULL },
};

/* flux-core declares no prototype for the entry point. */
int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    struct state *s = calloc (1, sizeof (*s));

    if (!s || flux_plugin_aux_set (p, "prio-urgency::state", s, free) < 0) {
        free (s);
        return -1;
    }
    s->factor = 10;
    if (flux_plugin_conf_unpack (p, "{s?i}", "factor", &s->factor) < 0 && errno != ENOENT)
        return -1;
    if (flux_plugin_register (p, "prio-urgency", tab) < 0
        || flux_jobtap_service_register (p, "set-factor", set_factor_cb, p) < 0)
        return -1;
    return 0;
}
