/* jobtap-host internals shared by its source files.  Nothing here is seen
 * by plugins: only flux_* symbols are exported from the host executable
 * (flux-api.dynlist), everything else stays private to it. */
#ifndef JOBTAP_HOST_INTERNAL_H
#define JOBTAP_HOST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include <flux/core.h>
#include <flux/jobtap.h>
#include "host.h"

/* Priority sentinels the job manager keeps in its int64 priority. */
#define PRIORITY_UNSET (-1)
#define PRIORITY_UNAVAIL JOBTAP_HOST_PRIORITY_UNAVAIL

static inline bool streq (const char *a, const char *b)
{
    return strcmp (a, b) == 0;
}

static inline bool streq_safe (const char *a, const char *b)
{
    return a && b && strcmp (a, b) == 0;
}

/* Plugin aux key under which a jobtap plugin finds its job manager. */
#define JOBTAP_AUX_KEY "flux::jobtap"

/* A list of (owner, key, value) items with destructors: plugin aux uses
 * owner NULL, job aux uses the owning plugin so names do not collide. */
struct aux_item {
    struct aux_item *next;
    const void *owner;
    char *key;
    void *val;
    flux_free_f free_fn;
};

int aux_set (struct aux_item **head,
             const void *owner,
             const char *key,
             void *val,
             flux_free_f free_fn);
void *aux_get (struct aux_item *head, const void *owner, const char *key);
int aux_delete_value (struct aux_item **head, const void *owner, const void *val);
/* Destroy the items of owner (all items when all is true). */
void aux_destroy (struct aux_item **head, const void *owner, bool all);

struct handler {
    char *topic;
    flux_plugin_f cb;
    void *data;
};

struct flux_plugin {
    char *name;
    char *path;
    char uuid[37];
    int flags;
    struct handler *handlers;
    size_t nhandlers;
    size_t handlers_cap;
    struct aux_item *aux;
    char *conf;
    json_t *conf_obj;
    void *dso;
    char error[256];
};

struct flux_plugin_arg {
    json_t *in;
    json_t *out;
    char error[200];
};

struct flux_handle {
    jobtap_host_t *host;
};

/* A registered service; the plugin sees it as its flux_msg_handler_t. */
struct flux_msg_handler {
    struct flux_msg_handler *next;
    char *topic;
    flux_msg_handler_f cb;
    void *arg;
    uint32_t rolemask;
    struct hplugin *owner;
};

/* A request being delivered to a service, and what the service answered. */
struct flux_msg {
    const char *topic;
    const char *payload;
    json_t *obj;
    uint32_t userid;
    uint32_t rolemask;
    int responses;
    int errnum;
    char *errstr;
    char *response;
    char lasterr[200];
};

/* The job manager's record of one loaded plugin. */
struct hplugin {
    struct hplugin *next;
    jobtap_host_t *host;
    flux_plugin_t *p;
    char *listname;     /* "mf_priority.so", or ".priority-default" */
    char *conf;         /* load-time conf, kept for reload */
    int sort;           /* replay order: 0 none, 1 state, -1 -state */
};

/* An applied event, kept for job_event_posted and expectations. */
struct event {
    const char *name;   /* static for well-known names, else owned */
    bool name_owned;
    json_t *context;    /* may be NULL */
    double timestamp;
};

/* An event posted but not yet applied. */
struct pending {
    struct pending *next;
    char *name;
    json_t *context;
};

struct job {
    flux_jobid_t id;
    uint32_t userid;
    int urgency;
    flux_job_state_t state;
    int64_t priority;
    double t_submit;
    json_t *jobspec;
    json_t *R;
    json_t *end_event;
    int result;
    bool has_exception;

    char **deps;        /* held dependency descriptions */
    int ndeps;
    char **grudge;      /* descriptions removed once: never held again */
    int ngrudge;

    struct event *events;
    int nevents;
    int events_cap;

    struct pending *head;
    struct pending *tail;
    bool hold_events;   /* submit batch: queue posts, apply later */

    int refs;           /* frames and loops using the job */
    bool purged;        /* removed from the hash; freed at refs == 0 */

    struct aux_item *aux;
    struct hplugin **subs;
    int nsubs;

    struct job *prev;   /* active list, in submit order */
    struct job *next;
};

/* The "current job" stack entry pushed around every plugin call. */
struct frame {
    struct job *job;
    json_t *updates;    /* jobspec_update_pack accumulated by one plugin */
};

struct jobtap_host {
    struct flux_handle handle;
    int flags;
    struct hplugin *plugins;        /* load order */

    struct job **slots;             /* open-addressing hash by job id */
    size_t nslots;
    size_t njobs;
    struct job *active_head;
    struct job *active_tail;

    struct flux_msg_handler *services;

    struct frame *frames;
    int nframes;
    int frames_cap;

    json_t *config;                 /* instance config for conf.update */

    char **log;
    size_t nlog;
    size_t log_cap;
};

/* host.c */
struct job *host_job_create (jobtap_host_t *h, flux_jobid_t id);
void host_job_purge (jobtap_host_t *h, struct job *job);
void host_job_ref (struct job *job);
void host_job_unref (struct job *job);
void host_job_inactive_remove (jobtap_host_t *h, struct job *job);
void host_job_process (jobtap_host_t *h, struct job *job);
int host_call_one (jobtap_host_t *h,
                   struct hplugin *hp,
                   struct job *job,
                   const char *topic,
                   flux_plugin_arg_t *args);
int host_call_stack (jobtap_host_t *h,
                     struct job *job,
                     const char *topic,
                     flux_plugin_arg_t *args);
bool host_stack_matches (jobtap_host_t *h, const char *topic);
const char *host_errmsg (flux_plugin_arg_t *args, const char *dflt);
void host_logf (jobtap_host_t *h, int level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
double host_now (void);
json_t *host_event_entry (const struct event *ev);
json_t *host_jobspec_apply (json_t *jobspec, json_t *updates);
bool host_event_posted (struct job *job, const char *name);
struct job *host_job_lookup (jobtap_host_t *h, flux_jobid_t id);
struct job *host_job_resolve (jobtap_host_t *h, flux_jobid_t id);
struct job *host_current_job (jobtap_host_t *h);
struct frame *host_current_frame (jobtap_host_t *h);
flux_plugin_arg_t *host_job_args (jobtap_host_t *h, struct job *job);
int host_post (jobtap_host_t *h, struct job *job, const char *name, json_t *context);
bool host_job_idle (struct job *job);
void host_reprioritize_job (jobtap_host_t *h, struct job *job, int64_t priority);
void host_reprioritize_all (jobtap_host_t *h);
int host_raise (jobtap_host_t *h,
                struct job *job,
                const char *type,
                int severity,
                const char *note);
void host_log (jobtap_host_t *h, int level, const char *text);
bool job_has_dep (struct job *job, const char *desc);
bool job_has_grudge (struct job *job, const char *desc);
bool job_pending_has (struct job *job, const char *name);

/* load.c */
struct hplugin *host_plugin_find (jobtap_host_t *h, const char *name);
int host_service_add (jobtap_host_t *h,
                      struct hplugin *hp,
                      const char *topic,
                      uint32_t rolemask,
                      flux_msg_handler_f cb,
                      void *arg);

/* plugin.c */
void plugin_set_error (flux_plugin_t *p, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

#endif /* JOBTAP_HOST_INTERNAL_H */
