/* jobtap-host: the driver-facing operations of the job manager model
 * (submit, scheduler alloc, finish, exceptions, urgency, update) and job
 * inspection. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "host-internal.h"
#include "util.h"

static int errorf (jobtap_host_error_t *error, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int errorf (jobtap_host_error_t *error, int errnum, const char *fmt, ...)
{
    if (error) {
        va_list ap;
        va_start (ap, fmt);
        vsnprintf (error->text, sizeof (error->text), fmt, ap);
        va_end (ap);
    }
    errno = errnum;
    return -1;
}

static struct job *active_job (jobtap_host_t *h,
                               flux_jobid_t id,
                               jobtap_host_error_t *error)
{
    struct job *job = host_job_lookup (h, id);
    if (!job || job->state == FLUX_JOB_STATE_INACTIVE) {
        errorf (error, ENOENT, "job %ju: %s", (uintmax_t)id,
                job ? "job is inactive" : "unknown job");
        return NULL;
    }
    return job;
}

/* --- submit --- */

static json_t *system_attr (json_t *jobspec, const char *key)
{
    return json_object_get (
        json_object_get (json_object_get (jobspec, "attributes"), "system"), key);
}

/* The jobspec plugins see has no attributes.system.environment.  A shared
 * jobspec without one is referenced, not copied (benchmarks submit one
 * object many times; updates always copy). */
static json_t *redact_jobspec (json_t *jobspec)
{
    json_t *copy;

    if (!system_attr (jobspec, "environment"))
        return json_incref (jobspec);
    if (!(copy = json_deep_copy (jobspec)))
        oom ();
    json_object_del (json_object_get (json_object_get (copy, "attributes"), "system"),
                     "environment");
    return copy;
}

static int stack_or_reject (jobtap_host_t *h,
                            struct job *job,
                            const char *topic,
                            json_t *extra,
                            int *matched,
                            jobtap_host_error_t *error)
{
    flux_plugin_arg_t *args;
    int rc;

    if (!host_stack_matches (h, topic)) {
        if (matched)
            *matched = 0;
        return 0;
    }
    args = host_job_args (h, job);
    if (extra)
        json_object_update (args->in, extra);
    rc = host_call_stack (h, job, topic, args);
    if (matched)
        *matched = rc;
    if (rc < 0)
        errorf (error, EINVAL, "%s",
                host_errmsg (args, "rejected by job-manager plugin"));
    flux_plugin_arg_destroy (args);
    return rc < 0 ? -1 : 0;
}

/* job.dependency.SCHEME for each attributes.system.dependencies entry;
 * a scheme no plugin handles rejects the job. */
static int submit_dependencies (jobtap_host_t *h,
                                struct job *job,
                                jobtap_host_error_t *error)
{
    json_t *deps = system_attr (job->jobspec, "dependencies");
    size_t i;
    json_t *dep;

    json_array_foreach (deps, i, dep) {
        const char *scheme = NULL;
        char topic[128];
        int matched;
        json_t *extra;

        if (json_unpack (dep, "{s:s}", "scheme", &scheme) < 0)
            return errorf (error, EINVAL, "invalid dependency entry");
        snprintf (topic, sizeof (topic), "job.dependency.%s", scheme);
        if (!(extra = json_pack ("{s:O}", "dependency", dep)))
            oom ();
        int rc = stack_or_reject (h, job, topic, extra, &matched, error);
        json_decref (extra);
        if (rc < 0)
            return -1;
        if (matched == 0)
            return errorf (error, EINVAL, "dependency scheme \"%s\" not supported",
                           scheme);
    }
    return 0;
}

static int submit_checks (jobtap_host_t *h, struct job *job, jobtap_host_error_t *error)
{
    if (stack_or_reject (h, job, "job.create", NULL, NULL, error) < 0
        || stack_or_reject (h, job, "job.validate", NULL, NULL, error) < 0
        || submit_dependencies (h, job, error) < 0)
        return -1;
    return 0;
}

static void submit_reject (jobtap_host_t *h, struct job *job)
{
    if (host_stack_matches (h, "job.destroy")) {
        flux_plugin_arg_t *args = host_job_args (h, job);
        (void)host_call_stack (h, job, "job.destroy", args);
        flux_plugin_arg_destroy (args);
    }
    host_job_purge (h, job);
}

int jobtap_host_submit (jobtap_host_t *h,
                        flux_jobid_t id,
                        uint32_t userid,
                        int urgency,
                        json_t *jobspec,
                        jobtap_host_error_t *error)
{
    struct job *job;
    flux_plugin_arg_t *args;
    json_t *ctx;

    if (!h || !json_is_object (jobspec) || id == FLUX_JOBID_ANY)
        return errorf (error, EINVAL, "invalid argument");
    if (urgency < FLUX_JOB_URGENCY_MIN || urgency > FLUX_JOB_URGENCY_MAX)
        return errorf (error, EINVAL, "urgency must be in 0-31");
    if (host_job_lookup (h, id))
        return errorf (error, EEXIST, "job %ju already exists", (uintmax_t)id);
    job = host_job_create (h, id);
    job->userid = userid;
    job->urgency = urgency;
    job->t_submit = host_now ();
    job->jobspec = redact_jobspec (jobspec);
    /* Events are held until the submit batch is done (spec §3.3). */
    job->hold_events = true;
    if (!(ctx = json_pack ("{s:I s:i s:i s:i}", "userid", (json_int_t)userid,
                           "urgency", urgency, "flags", 0, "version", 1)))
        oom ();
    host_post (h, job, "submit", ctx);
    if (submit_checks (h, job, error) < 0) {
        submit_reject (h, job);
        return -1;
    }
    /* job.new cannot reject: a failure is only logged. */
    if (host_stack_matches (h, "job.new")) {
        args = host_job_args (h, job);
        if (host_call_stack (h, job, "job.new", args) < 0)
            host_logf (h, LOG_DEBUG, "job.new: plugin failed for job %ju",
                       (uintmax_t)id);
        flux_plugin_arg_destroy (args);
    }
    host_post (h, job, "validate", NULL);
    job->hold_events = false;
    host_job_process (h, job);
    return 0;
}

/* --- scheduler and execution model --- */

static json_t *default_R (void)
{
    double now = host_now ();
    json_t *R = json_pack ("{s:i s:{s:[{s:s s:{s:s}}] s:[s] s:f s:f}}",
                           "version", 1,
                           "execution",
                           "R_lite", "rank", "0", "children", "core", "0",
                           "nodelist", "node0",
                           "starttime", now,
                           "expiration", now + 3600.);
    if (!R)
        oom ();
    return R;
}

int jobtap_host_alloc (jobtap_host_t *h,
                       flux_jobid_t id,
                       json_t *R,
                       jobtap_host_error_t *error)
{
    struct job *job;

    if (!h)
        return errorf (error, EINVAL, "invalid argument");
    if (!(job = active_job (h, id, error)))
        return -1;
    if (job->state != FLUX_JOB_STATE_SCHED)
        return errorf (error, EINVAL, "job %ju is in %s state, not SCHED",
                       (uintmax_t)id, jobtap_host_state_name (job->state));
    /* Priority 0 jobs are never sent to the scheduler. */
    if (job->priority == 0)
        return errorf (error, EINVAL, "job %ju is held (priority 0)", (uintmax_t)id);
    json_decref (job->R);
    job->R = R ? json_incref (R) : default_R ();
    return host_post (h, job, "alloc", NULL);
}

int jobtap_host_finish (jobtap_host_t *h,
                        flux_jobid_t id,
                        int status,
                        jobtap_host_error_t *error)
{
    struct job *job;
    json_t *ctx;

    if (!h)
        return errorf (error, EINVAL, "invalid argument");
    if (!(job = active_job (h, id, error)))
        return -1;
    if (job->state != FLUX_JOB_STATE_RUN)
        return errorf (error, EINVAL, "job %ju is in %s state, not RUN",
                       (uintmax_t)id, jobtap_host_state_name (job->state));
    if (!(ctx = json_pack ("{s:i}", "status", status)))
        oom ();
    return host_post (h, job, "finish", ctx);
}

int jobtap_host_raise (jobtap_host_t *h,
                       flux_jobid_t id,
                       const char *type,
                       int severity,
                       const char *note,
                       jobtap_host_error_t *error)
{
    struct job *job;

    if (!h || !type || severity < 0 || severity > 7)
        return errorf (error, EINVAL, "invalid argument");
    if (!(job = active_job (h, id, error)))
        return -1;
    return host_raise (h, job, type, severity, note);
}

int jobtap_host_cancel (jobtap_host_t *h, flux_jobid_t id, jobtap_host_error_t *error)
{
    return jobtap_host_raise (h, id, "cancel", 0, "", error);
}

int jobtap_host_urgency (jobtap_host_t *h,
                         flux_jobid_t id,
                         int urgency,
                         jobtap_host_error_t *error)
{
    struct job *job;
    json_t *ctx;

    if (!h)
        return errorf (error, EINVAL, "invalid argument");
    if (urgency < FLUX_JOB_URGENCY_MIN || urgency > FLUX_JOB_URGENCY_MAX)
        return errorf (error, EINVAL, "urgency must be in 0-31");
    if (!(job = active_job (h, id, error)))
        return -1;
    if (job->state >= FLUX_JOB_STATE_RUN)
        return errorf (error, EINVAL, "urgency cannot be changed after allocation");
    if (!(ctx = json_pack ("{s:I s:i}", "userid", (json_int_t)job->userid,
                           "urgency", urgency)))
        oom ();
    return host_post (h, job, "urgency", ctx);
}

/* --- flux update --- */

/* job.update.KEY for one key: accumulates extra updates into all and
 * clears *validated unless the handler set OUT validated. */
static int update_key (jobtap_host_t *h,
                       struct job *job,
                       const char *key,
                       json_t *value,
                       json_t *cred,
                       json_t *all,
                       bool *validated,
                       jobtap_host_error_t *error)
{
    flux_plugin_arg_t *args = host_job_args (h, job);
    char topic[256];
    int valid = 0;
    json_t *extra = NULL;
    int rc;

    snprintf (topic, sizeof (topic), "job.update.%s", key);
    jset (args->in, "cred", json_incref (cred));
    jset (args->in, "key", json_string (key));
    jset (args->in, "value", json_incref (value));
    rc = host_call_stack (h, job, topic, args);
    if (rc < 0)
        errorf (error, EINVAL, "%s", host_errmsg (args, "update rejected by plugin"));
    else if (rc == 0)
        rc = errorf (error, EINVAL, "update of %s not supported", key);
    else {
        rc = 0;
        (void)flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s?i s?o}",
                                      "validated", &valid, "updates", &extra);
        if (!valid)
            *validated = false;
        if (json_is_object (extra))
            json_object_update (all, extra);
    }
    flux_plugin_arg_destroy (args);
    return rc < 0 ? -1 : 0;
}

/* job.validate on the updated jobspec (not for a job still in NEW). */
static int update_validate (jobtap_host_t *h,
                            struct job *job,
                            json_t *all,
                            jobtap_host_error_t *error)
{
    json_t *updated = host_jobspec_apply (job->jobspec, all);
    json_t *extra;
    int rc;

    if (!updated)
        return errorf (error, EINVAL, "invalid update");
    if (!(extra = json_pack ("{s:o}", "jobspec", updated)))
        oom ();
    rc = stack_or_reject (h, job, "job.validate", extra, NULL, error);
    json_decref (extra);
    return rc;
}

int jobtap_host_update (jobtap_host_t *h,
                        flux_jobid_t id,
                        json_t *updates,
                        uint32_t userid,
                        uint32_t rolemask,
                        jobtap_host_error_t *error)
{
    struct job *job;
    json_t *all, *cred;
    const char *key;
    json_t *value;
    bool validated = true;
    int rc = -1;

    if (!h || !json_is_object (updates) || json_object_size (updates) == 0)
        return errorf (error, EINVAL, "invalid argument");
    if (!(job = active_job (h, id, error)))
        return -1;
    if (job->state >= FLUX_JOB_STATE_RUN)
        return errorf (error, EINVAL, "job %ju is not pending", (uintmax_t)id);
    if (!(all = json_deep_copy (updates))
        || !(cred = json_pack ("{s:I s:I}", "userid", (json_int_t)userid,
                               "rolemask", (json_int_t)rolemask)))
        oom ();
    host_job_ref (job);
    json_object_foreach (updates, key, value) {
        if (update_key (h, job, key, value, cred, all, &validated, error) < 0)
            goto out;
    }
    if (!validated && job->state != FLUX_JOB_STATE_NEW
        && update_validate (h, job, all, error) < 0)
        goto out;
    host_post (h, job, "jobspec-update", json_incref (all));
    rc = 0;
out:
    host_job_unref (job);
    json_decref (all);
    json_decref (cred);
    return rc;
}

void jobtap_host_reprioritize_all (jobtap_host_t *h)
{
    if (h)
        host_reprioritize_all (h);
}

int jobtap_host_purge (jobtap_host_t *h, flux_jobid_t id, jobtap_host_error_t *error)
{
    struct job *job;

    if (!h)
        return errorf (error, EINVAL, "invalid argument");
    if (!(job = host_job_lookup (h, id)))
        return errorf (error, ENOENT, "job %ju: unknown job", (uintmax_t)id);
    if (job->state != FLUX_JOB_STATE_INACTIVE)
        return errorf (error, EINVAL, "job %ju is still active", (uintmax_t)id);
    host_job_inactive_remove (h, job);
    return 0;
}

/* --- inspection --- */

static struct job *known_job (jobtap_host_t *h, flux_jobid_t id)
{
    struct job *job = h ? host_job_lookup (h, id) : NULL;
    if (!job)
        errno = ENOENT;
    return job;
}

int jobtap_host_job_state (jobtap_host_t *h, flux_jobid_t id, flux_job_state_t *state)
{
    struct job *job = known_job (h, id);
    if (!job)
        return -1;
    *state = job->state;
    return 0;
}

int jobtap_host_job_priority (jobtap_host_t *h, flux_jobid_t id, int64_t *priority)
{
    struct job *job = known_job (h, id);
    if (!job)
        return -1;
    *priority = job->priority;
    return 0;
}

int jobtap_host_job_urgency (jobtap_host_t *h, flux_jobid_t id, int *urgency)
{
    struct job *job = known_job (h, id);
    if (!job)
        return -1;
    *urgency = job->urgency;
    return 0;
}

int jobtap_host_job_userid (jobtap_host_t *h, flux_jobid_t id, uint32_t *userid)
{
    struct job *job = known_job (h, id);
    if (!job)
        return -1;
    *userid = job->userid;
    return 0;
}

int jobtap_host_job_result (jobtap_host_t *h, flux_jobid_t id, int *result)
{
    struct job *job = known_job (h, id);
    if (!job)
        return -1;
    *result = job->result;
    return 0;
}

const char *jobtap_host_job_dep (jobtap_host_t *h, flux_jobid_t id, int i)
{
    struct job *job = known_job (h, id);
    if (!job || i < 0 || i >= job->ndeps)
        return NULL;
    return job->deps[i];
}

json_t *jobtap_host_job_jobspec (jobtap_host_t *h, flux_jobid_t id)
{
    struct job *job = known_job (h, id);
    return job ? job->jobspec : NULL;
}

int jobtap_host_job_event_count (jobtap_host_t *h, flux_jobid_t id, const char *name)
{
    struct job *job = known_job (h, id);
    int count = 0;

    if (!job)
        return -1;
    for (int i = 0; i < job->nevents; i++) {
        if (!name || streq (job->events[i].name, name))
            count++;
    }
    return count;
}

json_t *jobtap_host_job_event_context (jobtap_host_t *h,
                                       flux_jobid_t id,
                                       const char *name)
{
    struct job *job = known_job (h, id);

    for (int i = job ? job->nevents - 1 : -1; i >= 0; i--) {
        if (streq (job->events[i].name, name))
            return job->events[i].context;
    }
    return NULL;
}

const char *jobtap_host_job_event_name (jobtap_host_t *h, flux_jobid_t id, int i)
{
    struct job *job = known_job (h, id);
    if (!job || i < 0 || i >= job->nevents)
        return NULL;
    return job->events[i].name;
}

size_t jobtap_host_log_count (jobtap_host_t *h)
{
    return h ? h->nlog : 0;
}

const char *jobtap_host_log_entry (jobtap_host_t *h, size_t i)
{
    return h && i < h->nlog ? h->log[i] : NULL;
}

void jobtap_host_log_clear (jobtap_host_t *h)
{
    for (size_t i = 0; h && i < h->nlog; i++)
        free (h->log[i]);
    if (h)
        h->nlog = 0;
}

size_t jobtap_host_job_count (jobtap_host_t *h)
{
    return h ? h->njobs : 0;
}

static const struct {
    flux_job_state_t state;
    const char *name;
} state_names[] = {
    { FLUX_JOB_STATE_NEW, "NEW" },
    { FLUX_JOB_STATE_DEPEND, "DEPEND" },
    { FLUX_JOB_STATE_PRIORITY, "PRIORITY" },
    { FLUX_JOB_STATE_SCHED, "SCHED" },
    { FLUX_JOB_STATE_RUN, "RUN" },
    { FLUX_JOB_STATE_CLEANUP, "CLEANUP" },
    { FLUX_JOB_STATE_INACTIVE, "INACTIVE" },
};

const char *jobtap_host_state_name (flux_job_state_t state)
{
    for (size_t i = 0; i < sizeof (state_names) / sizeof (state_names[0]); i++) {
        if (state_names[i].state == state)
            return state_names[i].name;
    }
    return "?";
}

int jobtap_host_state_parse (const char *s, flux_job_state_t *state)
{
    for (size_t i = 0; i < sizeof (state_names) / sizeof (state_names[0]); i++) {
        if (strcasecmp (state_names[i].name, s) == 0) {
            *state = state_names[i].state;
            return 0;
        }
    }
    errno = EINVAL;
    return -1;
}

const char *jobtap_host_result_name (int result)
{
    switch (result) {
    case FLUX_JOB_RESULT_COMPLETED: return "COMPLETED";
    case FLUX_JOB_RESULT_FAILED: return "FAILED";
    case FLUX_JOB_RESULT_CANCELED: return "CANCELED";
    case FLUX_JOB_RESULT_TIMEOUT: return "TIMEOUT";
    }
    return "NONE";
}
