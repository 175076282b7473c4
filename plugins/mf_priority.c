/* mf_priority.so - the multi-factor priority and limits jobtap plugin.
 *
 * A thin adapter between the Flux job manager and libfluxacct's priority
 * engine (fluxacct/engine.h): each callback unpacks its arguments, makes
 * one engine call, and turns the answer into job-manager actions
 * (reject, priority, dependency add/remove, jobspec update, memo event,
 * exception).  No SQL and no accounting rules live here.
 *
 * Load it with its data:
 *     flux jobtap load mf_priority.so "config=$(flux account export-json)"
 * and keep it fed with `flux account priority-update`, which calls the
 * seven job-manager.mf_priority.* services below.
 *
 * Load-time conf keys: "config" (the export-json object, or its text) and
 * "owner_userid" (the instance owner; default: the job manager's uid, which
 * is the instance owner's). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <flux/core.h>
#include <flux/jobtap.h>
#include <fluxacct/engine.h>
#include <fluxacct/json.h>

/* Globals may survive dlclose and a reload: flux_plugin_init resets them. */
static fluxacct_engine_t *engine;

/* One a service of fluxacct_engine_services(), filled at init. */
static struct service {
    const char *name;
    flux_plugin_t *p;
} services[16];

/* ----------------------------------------------------------------------
 * Helpers
 */

/* The IN object of a callback, then plain lookups: a jansson unpack
 * format is parsed anew on every call, and these run for every job event
 * (several times per job). */
static json_t *in_object (flux_plugin_arg_t *args)
{
    json_t *in = NULL;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "o", &in) < 0)
        return NULL;
    return in;
}

static int get_int (json_t *o, const char *key, json_int_t *v)
{
    json_t *x = json_object_get (o, key);

    if (!json_is_integer (x))
        return -1;
    *v = json_integer_value (x);
    return 0;
}

/* attributes.system.{bank,queue,project}: each absent or a string; -1 for
 * anything else, or when attributes / attributes.system are not objects. */
static int get_system_strings (json_t *jobspec, fluxacct_engine_jobdesc_t *desc)
{
    static const char *const keys[3] = { "bank", "queue", "project" };
    const char **out[3] = { &desc->bank, &desc->queue, &desc->project };
    json_t *attrs = json_object_get (jobspec, "attributes");
    json_t *sys, *v;

    if (!attrs)
        return 0;
    if (!json_is_object (attrs))
        return -1;
    if (!(sys = json_object_get (attrs, "system")))
        return 0;
    if (!json_is_object (sys))
        return -1;
    for (int i = 0; i < 3; i++) {
        if (!(v = json_object_get (sys, keys[i])))
            continue;
        if (!json_is_string (v))
            return -1;
        *out[i] = json_string_value (v);
    }
    /* the requested wall time (RFC 14: seconds, 0 = none) */
    if ((v = json_object_get (sys, "duration"))) {
        if (!json_is_number (v) || !(json_number_value (v) >= 0))
            return -1;
        desc->duration = json_number_value (v);
    }
    return 0;
}

/* The job last validated: job.new follows job.validate of the same job at
 * submission, with the same jobspec, so the jobspec is read and counted
 * once.  The strings are copied (the validate arguments die with the
 * callback); one too long to copy is not kept, and the job is read anew.
 * A replayed job (no validate before) is read anew. */
#define KEPT_MAX 256
static struct {
    bool valid;
    flux_jobid_t id;
    fluxacct_engine_jobdesc_t desc;
    char bank[KEPT_MAX], queue[KEPT_MAX], project[KEPT_MAX];
} last_job;

/* Copy s into buf (NULL stays NULL); false if it does not fit. */
static bool keep_string (char *buf, const char *s, const char **out)
{
    size_t n;

    if (!s) {
        *out = NULL;
        return true;
    }
    if ((n = strlen (s)) >= KEPT_MAX)
        return false;
    memcpy (buf, s, n + 1);
    *out = buf;
    return true;
}

static void keep_job (flux_jobid_t id, const fluxacct_engine_jobdesc_t *desc)
{
    last_job.valid = false;
    last_job.desc = *desc;
    if (!keep_string (last_job.bank, desc->bank, &last_job.desc.bank)
        || !keep_string (last_job.queue, desc->queue, &last_job.desc.queue)
        || !keep_string (last_job.project, desc->project,
                         &last_job.desc.project))
        return;
    last_job.id = id;
    last_job.valid = true;
}

/* The job as the engine sees it: ids, and bank/queue/project and size from
 * the jobspec (counted into info, which holds no strings). */
static int unpack_job (flux_plugin_arg_t *args, flux_jobid_t *id,
                       int *state, fluxacct_engine_jobdesc_t *desc,
                       fluxacct_jobspec_info_t *info,
                       fluxacct_error_t *size_error)
{
    json_int_t jid, userid, st;
    json_t *in, *jobspec;

    fluxacct_engine_jobdesc_init (desc, FLUXACCT_ENGINE_JOBDESC_VERSION);
    fluxacct_jobspec_info_init (info, FLUXACCT_JOBSPEC_INFO_VERSION);
    if (!(in = in_object (args)) || get_int (in, "id", &jid) < 0
        || get_int (in, "state", &st) < 0)
        return -1;
    *id = (flux_jobid_t)jid;
    *state = (int)st;
    if (last_job.valid && last_job.id == *id
        && *state == FLUX_JOB_STATE_NEW) {
        *desc = last_job.desc;
        last_job.valid = false;
        return 0;
    }
    if (get_int (in, "userid", &userid) < 0
        || !json_is_object (jobspec = json_object_get (in, "jobspec"))
        || get_system_strings (jobspec, desc) < 0)
        return -1;
    desc->userid = (uint32_t)userid;
    if (fluxacct_jobspec_count_json (jobspec, info, size_error) < 0) {
        desc->nnodes = desc->ncores = -1;
        desc->size_error = size_error->text;
        last_job.valid = false;
        return 0;
    }
    desc->nnodes = (int64_t)info->nnodes;
    desc->ncores = (int64_t)info->ncores;
    desc->ngpus = (int64_t)info->ngpus;
    keep_job (*id, desc);
    return 0;
}

static int update_jobspec (flux_plugin_t *p,
                           const fluxacct_engine_jobspec_update_t *u)
{
    int rc = 0;

    if (u->bank
        && flux_jobtap_jobspec_update_pack (p, "{s:s}",
                                            "attributes.system.bank",
                                            u->bank) < 0)
        rc = -1;
    if (u->project
        && flux_jobtap_jobspec_update_pack (p, "{s:s}",
                                            "attributes.system.project",
                                            u->project) < 0)
        rc = -1;
    if (rc < 0)
        flux_log_error (flux_jobtap_get_flux (p), "mf_priority: jobspec update");
    return rc;
}

static void post_memo (flux_plugin_t *p, flux_jobid_t id, double fairshare)
{
    if (flux_jobtap_event_post_pack (p, id, "memo", "{s:f}", "fairshare",
                                     fairshare) < 0)
        flux_log_error (flux_jobtap_get_flux (p), "mf_priority: memo");
}

/* 1 if job id is still in NEW or DEPEND (it may hold dependencies),
 * 0 if it has moved on or is gone, -1 if that cannot be told. */
static int job_may_hold (flux_plugin_t *p, flux_jobid_t id)
{
    flux_plugin_arg_t *args = flux_jobtap_job_lookup (p, id);
    int state, rc = -1;

    if (!args)
        return errno == ENOENT ? 0 : -1;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "state",
                                &state) == 0)
        rc = state == FLUX_JOB_STATE_NEW || state == FLUX_JOB_STATE_DEPEND;
    flux_plugin_arg_destroy (args);
    return rc;
}

/* Remove the dependencies in mask from job id.  The mask of a job held by
 * an earlier instance of the plugin (a reload) names every limit, held or
 * not: the job manager refuses one not held with ENOENT, and once the last
 * held one is gone the job leaves DEPEND and refuses any further removal
 * with EINVAL.  Both mean there is nothing left to remove. */
static int remove_holds (flux_plugin_t *p, flux_jobid_t id, unsigned mask)
{
    for (unsigned bit = 1; bit <= FLUXACCT_HOLD_ALL; bit <<= 1) {
        const char *name = fluxacct_engine_hold_name (bit);

        if (!(mask & bit) || flux_jobtap_dependency_remove (p, id, name) == 0
            || errno == ENOENT)
            continue;
        if (errno == EINVAL && job_may_hold (p, id) == 0)
            return 0;
        flux_log_error (flux_jobtap_get_flux (p),
                        "mf_priority: cannot remove dependency %s", name);
        flux_jobtap_raise_exception (p, id, "mf_priority", 0,
                                     "failed to remove dependency %s", name);
        return -1;
    }
    return 0;
}

/* Act on the jobs the engine released from their holds, oldest first.
 * Removing a job's last dependency runs its priority and sched callbacks
 * at once (nested), which may release more: the loop picks those up too. */
static void release_held (flux_plugin_t *p)
{
    fluxacct_engine_release_t r;
    fluxacct_engine_priority_t prio;
    fluxacct_error_t error;

    fluxacct_engine_release_init (&r, FLUXACCT_ENGINE_RELEASE_VERSION);
    fluxacct_engine_priority_init (&prio, FLUXACCT_ENGINE_PRIORITY_VERSION);
    while (fluxacct_engine_next_release (engine, &r) == 1) {
        if (r.reprioritize) {
            if (fluxacct_engine_job_priority (engine, r.id, -1, &prio, NULL,
                                              &error) < 0
                || prio.priority < 0)
                continue;
            if (prio.memo)
                post_memo (p, r.id, prio.fairshare);
            (void)flux_jobtap_reprioritize_job (p, r.id,
                                                (unsigned int)prio.priority);
            continue;
        }
        (void)remove_holds (p, r.id, r.remove);
    }
}

/* ----------------------------------------------------------------------
 * Job callbacks
 */

static int validate_cb (flux_plugin_t *p, const char *topic,
                        flux_plugin_arg_t *args, void *data)
{
    fluxacct_engine_jobdesc_t desc;
    fluxacct_jobspec_info_t info;
    fluxacct_error_t error, size_error;
    flux_jobid_t id;
    int state, rc;

    if (unpack_job (args, &id, &state, &desc, &info, &size_error) < 0)
        return flux_jobtap_reject_job (p, args, "unable to unpack bank arg");
    rc = fluxacct_engine_validate (engine, &desc,
                                   state == FLUX_JOB_STATE_NEW
                                       ? FLUXACCT_VALIDATE_SUBMIT : 0,
                                   &error);
    if (rc < 0)
        return flux_jobtap_reject_job (p, args, "%s", error.text);
    return 0;
}

static int new_cb (flux_plugin_t *p, const char *topic,
                   flux_plugin_arg_t *args, void *data)
{
    fluxacct_engine_jobdesc_t desc;
    fluxacct_engine_jobspec_update_t update;
    fluxacct_jobspec_info_t info;
    fluxacct_error_t error, size_error;
    flux_jobid_t id;
    int state, rc;

    fluxacct_engine_jobspec_update_init (&update,
                                         FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION);
    if (unpack_job (args, &id, &state, &desc, &info, &size_error) < 0) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR,
                  "mf_priority: job.new: cannot unpack the job's arguments");
        return -1;
    }
    /* Replayed at load: a job in CLEANUP still holds what it ran on. */
    if (state == FLUX_JOB_STATE_CLEANUP
        && flux_jobtap_job_event_posted (p, id, "alloc") == 1)
        state = FLUX_JOB_STATE_RUN;
    rc = fluxacct_engine_job_new (engine, id, &desc, state, &update, &error);
    if (rc < 0) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: job.new: %s",
                  error.text);
        return -1;
    }
    /* A job that requests no wall time gets its association's max_wall_pj
     * as its duration, as Slurm applies MaxWall (a longer request was
     * rejected in job.validate). */
    if (state == FLUX_JOB_STATE_NEW && desc.duration == 0) {
        int64_t limit = fluxacct_engine_max_wall (engine, &desc);
        if (limit > 0
            && flux_jobtap_jobspec_update_pack (p, "{s:f}",
                                                "attributes.system.duration",
                                                (double)limit) < 0) {
            flux_log_error (flux_jobtap_get_flux (p), "mf_priority: jobspec "
                            "update of the duration");
            rc = -1;
        }
    }
    return update_jobspec (p, &update) < 0 || rc < 0 ? -1 : 0;
}

static int unpack_id (flux_plugin_t *p, flux_plugin_arg_t *args,
                      const char *topic, flux_jobid_t *id)
{
    json_t *in = in_object (args);
    json_int_t v;

    if (!in || get_int (in, "id", &v) < 0) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: %s: no job "
                  "id", topic);
        return -1;
    }
    *id = (flux_jobid_t)v;
    return 0;
}

static int depend_cb (flux_plugin_t *p, const char *topic,
                      flux_plugin_arg_t *args, void *data)
{
    fluxacct_error_t error;
    unsigned int add, remove;
    flux_jobid_t id;
    int rc = 0;

    if (unpack_id (p, args, topic, &id) < 0)
        return -1;
    if (fluxacct_engine_job_depend (engine, id, &add, &remove, &error) < 0) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: %s: %s",
                  topic, error.text);
        return -1;
    }
    /* Add first: removing a (replayed) job's last old hold before its new
     * ones are added would let it leave DEPEND past its limits. */
    for (unsigned bit = 1; bit <= FLUXACCT_HOLD_ALL; bit <<= 1) {
        const char *name = fluxacct_engine_hold_name (bit);
        if ((add & bit) && flux_jobtap_dependency_add (p, id, name) < 0) {
            flux_log_error (flux_jobtap_get_flux (p),
                            "mf_priority: cannot add dependency %s", name);
            rc = -1;
        }
    }
    if (remove && remove_holds (p, id, remove) < 0)
        rc = -1;
    return rc;
}

/* job.state.priority and job.priority.get.  .priority-default runs first
 * and packs priority = urgency, so every path here packs a value or
 * "unavailable". */
static int priority_cb (flux_plugin_t *p, const char *topic,
                        flux_plugin_arg_t *args, void *data)
{
    fluxacct_engine_priority_t prio;
    fluxacct_engine_jobspec_update_t update;
    fluxacct_error_t error;
    json_int_t jid, urgency;
    flux_jobid_t id;
    json_t *in = in_object (args);

    fluxacct_engine_priority_init (&prio, FLUXACCT_ENGINE_PRIORITY_VERSION);
    fluxacct_engine_jobspec_update_init (&update,
                                         FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION);
    if (!in || get_int (in, "id", &jid) < 0
        || get_int (in, "urgency", &urgency) < 0) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: %s: no job "
                  "id or urgency", topic);
        return flux_jobtap_priority_unavail (p, args);
    }
    id = (flux_jobid_t)jid;
    if (fluxacct_engine_job_priority (engine, id, (int)urgency, &prio,
                                      &update, &error) < 0) {
        flux_jobtap_raise_exception (p, id, "mf_priority", 0, "%s",
                                     error.text);
        (void)flux_jobtap_priority_unavail (p, args);
        return -1;
    }
    (void)update_jobspec (p, &update);
    if (prio.priority == FLUXACCT_PRIORITY_UNAVAILABLE)
        return flux_jobtap_priority_unavail (p, args);
    if (prio.memo)
        post_memo (p, id, prio.fairshare);
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}",
                                 "priority", (json_int_t)prio.priority);
}

static int sched_cb (flux_plugin_t *p, const char *topic,
                     flux_plugin_arg_t *args, void *data)
{
    flux_jobid_t id;

    if (unpack_id (p, args, topic, &id) < 0)
        return -1;
    return fluxacct_engine_job_sched (engine, id, NULL);
}

static int run_cb (flux_plugin_t *p, const char *topic,
                   flux_plugin_arg_t *args, void *data)
{
    flux_jobid_t id;
    int rc;

    if (unpack_id (p, args, topic, &id) < 0)
        return -1;
    rc = fluxacct_engine_job_run (engine, id, NULL);
    release_held (p);
    return rc;
}

static int inactive_cb (flux_plugin_t *p, const char *topic,
                        flux_plugin_arg_t *args, void *data)
{
    flux_jobid_t id;
    int rc;

    if (unpack_id (p, args, topic, &id) < 0)
        return -1;
    /* A job rejected in validate never reached the engine: not an error. */
    rc = fluxacct_engine_job_inactive (engine, id, NULL);
    release_held (p);
    return rc < 0 && errno != ENOENT ? -1 : 0;
}

/* job.update.attributes.system.bank / .queue: may the pending job move? */
static int update_check_cb (flux_plugin_t *p, const char *topic,
                            flux_plugin_arg_t *args, void *data)
{
    fluxacct_error_t error;
    flux_jobid_t id;
    const char *key, *value;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:I s:s s:s}",
                                "id", &id, "key", &key, "value", &value) < 0)
        return flux_jobtap_error (p, args, "mf_priority: %s: %s", topic,
                                  flux_plugin_arg_strerror (args));
    if (fluxacct_engine_job_check_update (engine, id, key, value, &error) < 0)
        return flux_jobtap_error (p, args, "%s", error.text);
    return 0;
}

/* job.update: the jobspec changed; follow a bank or queue change. */
static int update_cb (flux_plugin_t *p, const char *topic,
                      flux_plugin_arg_t *args, void *data)
{
    const char *bank = NULL, *queue = NULL;
    fluxacct_error_t error;
    flux_jobid_t id;
    int rc = 0;

    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:I s:{s?s s?s}}",
                                "id", &id, "updates",
                                "attributes.system.bank", &bank,
                                "attributes.system.queue", &queue) < 0)
        return 0; /* updates of other keys (or non-string values) */
    if ((bank || queue)
        && fluxacct_engine_job_update (engine, id, bank, queue, &error) < 0) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: %s: %s",
                  topic, error.text);
        rc = -1;
    }
    release_held (p);
    return rc;
}

static int query_cb (flux_plugin_t *p, const char *topic,
                     flux_plugin_arg_t *args, void *data)
{
    fluxacct_error_t error;
    char *s = fluxacct_engine_query (engine, &error);
    int rc;

    if (!s) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: query: %s",
                  error.text);
        return -1;
    }
    rc = flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_OUT, s);
    free (s);
    return rc;
}

/* ----------------------------------------------------------------------
 * Services: job-manager.mf_priority.<name>, request {"data": ...}
 */

static void service_cb (flux_t *h, flux_msg_handler_t *mh,
                        const flux_msg_t *msg, void *arg)
{
    struct service *svc = arg;
    bool reprioritize = strcmp (svc->name, "reprioritize") == 0;
    fluxacct_error_t error;
    const char *payload = NULL;

    if (flux_request_decode (msg, NULL, &payload) < 0
        || (!payload && !reprioritize)) {
        flux_log (h, LOG_ERR, "failed to unpack custom_priority.trigger msg: "
                  "Protocol error");
        flux_respond_error (h, msg, EPROTO, "mf_priority: request has no "
                            "payload (expected {\"data\": ...})");
        return;
    }
    if (fluxacct_engine_update (engine, svc->name, payload, &error) < 0) {
        int errnum = errno;
        flux_log (h, LOG_ERR, "mf_priority unpack: %s", error.text);
        flux_respond_error (h, msg, errnum, error.text);
        return;
    }
    if (flux_respond (h, msg, NULL) < 0)
        flux_log_error (h, "mf_priority: %s: respond", svc->name);
    if (reprioritize)
        (void)flux_jobtap_reprioritize_all (svc->p);
    release_held (svc->p);
}

/* ----------------------------------------------------------------------
 * Loading
 */

static const struct flux_plugin_handler tab[] = {
    { "job.validate", validate_cb, NULL },
    { "job.new", new_cb, NULL },
    { "job.state.depend", depend_cb, NULL },
    { "job.state.priority", priority_cb, NULL },
    { "job.priority.get", priority_cb, NULL },
    { "job.state.sched", sched_cb, NULL },
    { "job.state.run", run_cb, NULL },
    { "job.state.inactive", inactive_cb, NULL },
    { "job.update.attributes.system.bank", update_check_cb, NULL },
    { "job.update.attributes.system.queue", update_check_cb, NULL },
    { "job.update", update_cb, NULL },
    { "plugin.query", query_cb, NULL },
    { NULL, NULL, NULL },
};

static void engine_free (void *arg)
{
    fluxacct_engine_destroy (arg);
    if (engine == arg)
        engine = NULL;
}

/* The load-time "config" object (or its JSON text). */
static int load_config (flux_plugin_t *p, json_t *config)
{
    fluxacct_error_t error;
    char *s = NULL;
    int rc;

    if (json_is_string (config))
        rc = fluxacct_engine_load (engine, json_string_value (config), &error);
    else if (!(s = json_dumps (config, JSON_COMPACT | JSON_ENCODE_ANY))) {
        flux_log (NULL, LOG_ERR, "mf_priority: config: out of memory");
        return -1;
    }
    else
        rc = fluxacct_engine_load (engine, s, &error);
    free (s);
    if (rc < 0)
        flux_log (flux_jobtap_get_flux (p), LOG_ERR,
                  "mf_priority: config: %s", error.text);
    return rc;
}

/* flux-core declares no prototype for the entry point. */
int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    fluxacct_error_t error;
    json_t *config = NULL;
    json_int_t owner = (json_int_t)getuid ();

    memset (&last_job, 0, sizeof (last_job));
    if (flux_plugin_conf_unpack (p, "{s?o s?I}", "config", &config,
                                 "owner_userid", &owner) < 0
        && errno != ENOENT) {
        flux_log (flux_jobtap_get_flux (p), LOG_ERR, "mf_priority: conf: %s",
                  flux_plugin_strerror (p));
        return -1;
    }
    if (!(engine = fluxacct_engine_create (&error))
        || flux_plugin_aux_set (p, "mf_priority::engine", engine, engine_free)
               < 0) {
        fluxacct_engine_destroy (engine);
        engine = NULL;
        return -1;
    }
    if (fluxacct_engine_set_owner (engine, (uint32_t)owner, &error) < 0
        || (config && load_config (p, config) < 0))
        return -1;
    if (flux_plugin_register (p, "mf_priority", tab) < 0
        || flux_jobtap_set_load_sort_order (p, "-state") < 0)
        return -1;
    const char *const *names = fluxacct_engine_services ();
    for (size_t i = 0; names[i]; i++) {
        if (i == sizeof (services) / sizeof (services[0]))
            return -1;
        services[i].name = names[i];
        services[i].p = p;
        if (flux_jobtap_service_register (p, services[i].name, service_cb,
                                          &services[i]) < 0)
            return -1;
    }
    return 0;
}
