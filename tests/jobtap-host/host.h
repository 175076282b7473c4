/* jobtap-host: a stand-in for the Flux job manager that loads jobtap
 * plugins with dlopen and drives them through job lifecycles, for tests and
 * benchmarks of plugins such as mf_priority.so.
 *
 * The host implements the flux_plugin_*, flux_jobtap_* and the few flux_*
 * messaging functions a plugin calls; a program linking this library must
 * export them (the jobtap_host_dep meson dependency takes care of it).
 *
 * Functions returning int return 0 on success, or -1 with errno set and, if
 * error is non-NULL, a message in error->text.  Jobs are identified by the
 * caller's ids.  No function may be called from inside a plugin callback.
 * See README.md for the model of the job manager that is reproduced. */
#ifndef JOBTAP_HOST_H
#define JOBTAP_HOST_H

#include <stdint.h>
#include <jansson.h>
#include <flux/core.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jobtap_host jobtap_host_t;

typedef struct {
    char text[256];
} jobtap_host_error_t;

/* The job manager's "priority unavailable" value.  flux-core keeps it out
 * of the public <flux/jobtap.h>; plugins use flux_jobtap_priority_unavail. */
#define JOBTAP_HOST_PRIORITY_UNAVAIL (-2)

enum {
    /* Do not load the builtin .priority-default (priority = urgency). */
    JOBTAP_HOST_NO_DEFAULT_PRIORITY = 1,
    /* Purge jobs as soon as they are inactive (job.inactive-remove), so
     * that memory stays flat over millions of jobs. */
    JOBTAP_HOST_PURGE_INACTIVE = 2,
    /* Do not print plugin log messages on stderr (they are still kept). */
    JOBTAP_HOST_QUIET = 4,
    /* Do not keep plugin log messages. */
    JOBTAP_HOST_NO_LOG = 8,
};

jobtap_host_t *jobtap_host_create (int flags);
/* Purges every job, then unloads every plugin in reverse load order. */
void jobtap_host_destroy (jobtap_host_t *h);

/* Load the plugin at path with an optional load-time conf (a JSON object
 * string or NULL), as `flux jobtap load` does: init, name fix-up,
 * conf.update, replay of active jobs, reprioritize all. */
int jobtap_host_load (jobtap_host_t *h,
                      const char *path,
                      const char *conf,
                      jobtap_host_error_t *error);

/* Remove a plugin by name ("mf_priority"), list name ("mf_priority.so")
 * or builtin name (".priority-default"). */
int jobtap_host_unload (jobtap_host_t *h, const char *name, jobtap_host_error_t *error);

/* Unload the plugin with path's name and load path again.  conf NULL
 * reuses the conf of the unloaded plugin. */
int jobtap_host_reload (jobtap_host_t *h,
                        const char *path,
                        const char *conf,
                        jobtap_host_error_t *error);

/* Number of loaded plugins and the list name of the i-th, in load order. */
int jobtap_host_plugin_count (jobtap_host_t *h);
const char *jobtap_host_plugin_name (jobtap_host_t *h, int i);

/* Replace the instance config and call conf.update on every plugin. */
int jobtap_host_set_config (jobtap_host_t *h,
                            const char *json_str,
                            jobtap_host_error_t *error);

/* Submit a job.  jobspec is borrowed (the host keeps a reference or a
 * copy without attributes.system.environment).  Returns 0 if accepted,
 * -1 if rejected (error->text holds the plugin's message). */
int jobtap_host_submit (jobtap_host_t *h,
                        flux_jobid_t id,
                        uint32_t userid,
                        int urgency,
                        json_t *jobspec,
                        jobtap_host_error_t *error);

/* Scheduler: allocate a SCHED job with priority > 0 (R may be NULL for a
 * one-node default; borrowed). */
int jobtap_host_alloc (jobtap_host_t *h,
                       flux_jobid_t id,
                       json_t *R,
                       jobtap_host_error_t *error);

/* Execution: a RUN job finishes with a wait status; it then goes through
 * CLEANUP to INACTIVE. */
int jobtap_host_finish (jobtap_host_t *h,
                        flux_jobid_t id,
                        int status,
                        jobtap_host_error_t *error);

/* Raise an exception on an active job (severity 0 is fatal). */
int jobtap_host_raise (jobtap_host_t *h,
                       flux_jobid_t id,
                       const char *type,
                       int severity,
                       const char *note,
                       jobtap_host_error_t *error);

/* `flux cancel`: a fatal "cancel" exception. */
int jobtap_host_cancel (jobtap_host_t *h, flux_jobid_t id, jobtap_host_error_t *error);

/* `flux job urgency`. */
int jobtap_host_urgency (jobtap_host_t *h,
                         flux_jobid_t id,
                         int urgency,
                         jobtap_host_error_t *error);

/* `flux update`: updates is an object of dotted jobspec keys
 * ("attributes.system.queue") to new values, sent with credential
 * (userid, rolemask). */
int jobtap_host_update (jobtap_host_t *h,
                        flux_jobid_t id,
                        json_t *updates,
                        uint32_t userid,
                        uint32_t rolemask,
                        jobtap_host_error_t *error);

/* Recompute every PRIORITY/SCHED job's priority (job.priority.get). */
void jobtap_host_reprioritize_all (jobtap_host_t *h);

/* Remove an inactive job (job.inactive-remove). */
int jobtap_host_purge (jobtap_host_t *h, flux_jobid_t id, jobtap_host_error_t *error);

/* Send a request to a plugin service ("job-manager.NAME.METHOD") with a
 * JSON payload (may be NULL) and a credential.  On a successful response
 * *response (if non-NULL) receives its payload (caller frees; "" when
 * empty).  On an error response returns -1 with errno = the error number
 * and error->text = its text. */
int jobtap_host_rpc (jobtap_host_t *h,
                     const char *topic,
                     const char *payload,
                     uint32_t userid,
                     uint32_t rolemask,
                     char **response,
                     jobtap_host_error_t *error);

/* `flux jobtap query NAME`: the plugin.query reply (caller frees). */
int jobtap_host_query (jobtap_host_t *h,
                       const char *name,
                       char **response,
                       jobtap_host_error_t *error);

/* Inspecting a job (active or inactive, not purged).  Errors: ENOENT. */
int jobtap_host_job_state (jobtap_host_t *h, flux_jobid_t id, flux_job_state_t *state);
/* -1 unset, -2 never used here (unavailable leaves the value unchanged). */
int jobtap_host_job_priority (jobtap_host_t *h, flux_jobid_t id, int64_t *priority);
int jobtap_host_job_urgency (jobtap_host_t *h, flux_jobid_t id, int *urgency);
int jobtap_host_job_userid (jobtap_host_t *h, flux_jobid_t id, uint32_t *userid);
/* Result: 0 while the job has none. */
int jobtap_host_job_result (jobtap_host_t *h, flux_jobid_t id, int *result);
/* Held dependency descriptions, in order added; NULL past the end. */
const char *jobtap_host_job_dep (jobtap_host_t *h, flux_jobid_t id, int i);
/* Borrowed current jobspec (with updates applied). */
json_t *jobtap_host_job_jobspec (jobtap_host_t *h, flux_jobid_t id);
/* Number of events called name applied to the job (name NULL: all). */
int jobtap_host_job_event_count (jobtap_host_t *h, flux_jobid_t id, const char *name);
/* Context of the latest event called name (borrowed; NULL if none or the
 * event had no context). */
json_t *jobtap_host_job_event_context (jobtap_host_t *h,
                                       flux_jobid_t id,
                                       const char *name);
/* Name of the i-th applied event; NULL past the end. */
const char *jobtap_host_job_event_name (jobtap_host_t *h, flux_jobid_t id, int i);

/* Plugin log messages kept so far ("LEVEL: text"), and forgetting them. */
size_t jobtap_host_log_count (jobtap_host_t *h);
const char *jobtap_host_log_entry (jobtap_host_t *h, size_t i);
void jobtap_host_log_clear (jobtap_host_t *h);

/* Number of jobs known (active and inactive not purged). */
size_t jobtap_host_job_count (jobtap_host_t *h);

const char *jobtap_host_state_name (flux_job_state_t state);
int jobtap_host_state_parse (const char *s, flux_job_state_t *state);
const char *jobtap_host_result_name (int result);

#ifdef __cplusplus
}
#endif

#endif /* JOBTAP_HOST_H */
