/* <flux/jobtap.h>: the job manager's side of the jobtap plugin interface.
 *
 * libfluxacct's own declarations, written from the project's jobtap spec
 * (not copied from flux-core); prototypes and values match flux-core v0.88.
 * In Flux these functions live in the job-manager module; in tests the
 * jobtap-host program (tests/jobtap-host) provides them.
 *
 * Unless noted, functions return 0 on success or -1 with errno set, and
 * fail with EINVAL when p was not loaded by a job manager. */
#ifndef FLUXACCT_FLUX_JOBTAP_H
#define FLUXACCT_FLUX_JOBTAP_H

#include <stdint.h>
#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Job id meaning "the job whose callback is running". */
#define FLUX_JOBTAP_CURRENT_JOB FLUX_JOBID_ANY

/* The job manager's broker handle, for logging.  Do not destroy it. */
flux_t *flux_jobtap_get_flux (flux_plugin_t *p);

/* Register a request handler for topic "job-manager.<name>.<method>" (or
 * "job-manager.<name>" when method is NULL), with <name> the plugin name at
 * the time of the call, leading '.' removed.  Owner-only. */
int flux_jobtap_service_register (flux_plugin_t *p,
                                  const char *method,
                                  flux_msg_handler_f cb,
                                  void *arg);

/* The same with a rolemask (FLUX_ROLE_USER admits guests). */
int flux_jobtap_service_register_ex (flux_plugin_t *p,
                                     const char *method,
                                     uint32_t rolemask,
                                     flux_msg_handler_f cb,
                                     void *arg);

/* Order in which active jobs are replayed to this plugin when it is loaded:
 * "none" (default), "state" or "-state".  Call from flux_plugin_init(). */
int flux_jobtap_set_load_sort_order (flux_plugin_t *p, const char *sort_order);

/* Set the OUT "errmsg" of args (fmt NULL: a default naming the plugin) and
 * return -1, for use as `return flux_jobtap_reject_job (...)`. */
int flux_jobtap_reject_job (flux_plugin_t *p,
                            flux_plugin_arg_t *args,
                            const char *fmt,
                            ...)
    __attribute__ ((format (printf, 3, 4)));

/* As reject_job without a default text; for conf.update and job.update.*. */
int flux_jobtap_error (flux_plugin_t *p,
                       flux_plugin_arg_t *args,
                       const char *fmt,
                       ...)
    __attribute__ ((format (printf, 3, 4)));

/* Tell the job manager the job's priority is not available yet: the job
 * stays in PRIORITY until a reprioritize call gives it one. */
int flux_jobtap_priority_unavail (flux_plugin_t *p, flux_plugin_arg_t *args);

/* Set the priority of a job in PRIORITY or SCHED state (a no-op otherwise);
 * ENOENT if the job is not active. */
int flux_jobtap_reprioritize_job (flux_plugin_t *p,
                                  flux_jobid_t id,
                                  unsigned int priority);

/* Recompute the priority of every PRIORITY and SCHED job now, through the
 * job.priority.get topic. */
int flux_jobtap_reprioritize_all (flux_plugin_t *p);

/* Raise an exception on a job; severity 0 is fatal. */
int flux_jobtap_raise_exception (flux_plugin_t *p,
                                 flux_jobid_t id,
                                 const char *type,
                                 int severity,
                                 const char *fmt,
                                 ...)
    __attribute__ ((format (printf, 5, 6)));

/* Hold a job in DEPEND under a named dependency (NEW or DEPEND jobs only),
 * and release it.  A job leaves DEPEND when it holds no dependency. */
int flux_jobtap_dependency_add (flux_plugin_t *p,
                                flux_jobid_t id,
                                const char *description);
int flux_jobtap_dependency_remove (flux_plugin_t *p,
                                   flux_jobid_t id,
                                   const char *description);

/* Per-plugin, per-job storage, with the rules of flux_plugin_aux_set(). */
int flux_jobtap_job_aux_set (flux_plugin_t *p,
                             flux_jobid_t id,
                             const char *name,
                             void *val,
                             flux_free_f free_fn);
void *flux_jobtap_job_aux_get (flux_plugin_t *p, flux_jobid_t id, const char *name);
int flux_jobtap_job_aux_delete_value (flux_plugin_t *p, flux_jobid_t id, void *val);
FLUX_DEPRECATED (int flux_jobtap_job_aux_delete (flux_plugin_t *p,
                                                 flux_jobid_t id,
                                                 void *val));

/* A new argument container holding the job's callback IN keys; the caller
 * destroys it with flux_plugin_arg_destroy().  NULL with errno on error. */
flux_plugin_arg_t *flux_jobtap_job_lookup (flux_plugin_t *p, flux_jobid_t id);

/* 1 if an event called name was ever posted to the job, 0 if not, -1 on
 * error. */
int flux_jobtap_job_event_posted (flux_plugin_t *p,
                                  flux_jobid_t id,
                                  const char *name);

/* Result of a job in CLEANUP or INACTIVE state. */
int flux_jobtap_get_job_result (flux_plugin_t *p,
                                flux_jobid_t id,
                                flux_job_result_t *resultp);

/* Post an event to the job's eventlog with a context built from a jansson
 * pack format (fmt may be NULL for no context). */
int flux_jobtap_event_post_pack (flux_plugin_t *p,
                                 flux_jobid_t id,
                                 const char *name,
                                 const char *fmt,
                                 ...);

/* Update the current job's jobspec: fmt packs an object whose keys are
 * dotted paths starting with "attributes", "resources" or "tasks".  The
 * update is posted as a jobspec-update event after the callback returns. */
int flux_jobtap_jobspec_update_pack (flux_plugin_t *p, const char *fmt, ...);

/* The same for another, idle job; posted at once. */
int flux_jobtap_jobspec_update_id_pack (flux_plugin_t *p,
                                        flux_jobid_t id,
                                        const char *fmt,
                                        ...);

/* Set a job flag ("alloc-bypass", "debug", "immutable"). */
int flux_jobtap_job_set_flag (flux_plugin_t *p, flux_jobid_t id, const char *flag);

/* Receive (or stop receiving) job.event.<name> callbacks for a job. */
int flux_jobtap_job_subscribe (flux_plugin_t *p, flux_jobid_t id);
void flux_jobtap_job_unsubscribe (flux_plugin_t *p, flux_jobid_t id);

/* Prolog and epilog actions that block job start or resource release. */
int flux_jobtap_prolog_start (flux_plugin_t *p, const char *description);
int flux_jobtap_prolog_finish (flux_plugin_t *p,
                               flux_jobid_t id,
                               const char *description,
                               int status);
int flux_jobtap_epilog_start (flux_plugin_t *p, const char *description);
int flux_jobtap_epilog_finish (flux_plugin_t *p,
                               flux_jobid_t id,
                               const char *description,
                               int status);

/* Run the plugin stack for a custom topic (not starting with "job."). */
int flux_jobtap_call (flux_plugin_t *p,
                      flux_jobid_t id,
                      const char *topic,
                      flux_plugin_arg_t *args);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FLUX_JOBTAP_H */
