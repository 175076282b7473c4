/* jobtap-host: the flux_jobtap_* functions a plugin calls (spec §4), each
 * finding its job manager through the plugin aux key "flux::jobtap". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host-internal.h"
#include "util.h"

static struct hplugin *hp_get (flux_plugin_t *p)
{
    struct hplugin *hp = p ? flux_plugin_aux_get (p, JOBTAP_AUX_KEY) : NULL;
    if (!hp)
        errno = EINVAL;
    return hp;
}

/* The job for id (FLUX_JOBTAP_CURRENT_JOB allowed), active or cached
 * inactive; NULL with errno set. */
static struct job *job_get (flux_plugin_t *p, flux_jobid_t id, struct hplugin **hpp)
{
    struct hplugin *hp = hp_get (p);
    if (!hp)
        return NULL;
    if (hpp)
        *hpp = hp;
    return host_job_resolve (hp->host, id);
}

static struct job *active_job_get (flux_plugin_t *p,
                                   flux_jobid_t id,
                                   struct hplugin **hpp)
{
    struct job *job = job_get (p, id, hpp);
    if (job && job->state == FLUX_JOB_STATE_INACTIVE) {
        errno = ENOENT;
        return NULL;
    }
    return job;
}

static int stub (flux_plugin_t *p, const char *func)
{
    struct hplugin *hp = hp_get (p);
    flux_log (hp ? &hp->host->handle : NULL, LOG_ERR,
              "%s: not implemented by jobtap-host", func);
    errno = ENOSYS;
    return -1;
}

flux_t *flux_jobtap_get_flux (flux_plugin_t *p)
{
    struct hplugin *hp = hp_get (p);
    return hp ? &hp->host->handle : NULL;
}

int flux_jobtap_service_register_ex (flux_plugin_t *p,
                                     const char *method,
                                     uint32_t rolemask,
                                     flux_msg_handler_f cb,
                                     void *arg)
{
    struct hplugin *hp = hp_get (p);
    const char *name;
    char topic[256];

    if (!hp || !cb)
        return -1;
    /* During init the name is still the DSO path until the plugin sets it. */
    name = flux_plugin_get_name (p);
    if (!name || strchr (name, '/')) {
        errno = EINVAL;
        return -1;
    }
    if (*name == '.')
        name++;
    if (method)
        snprintf (topic, sizeof (topic), "job-manager.%s.%s", name, method);
    else
        snprintf (topic, sizeof (topic), "job-manager.%s", name);
    return host_service_add (hp->host, hp, topic, rolemask, cb, arg);
}

int flux_jobtap_service_register (flux_plugin_t *p,
                                  const char *method,
                                  flux_msg_handler_f cb,
                                  void *arg)
{
    return flux_jobtap_service_register_ex (p, method, 0, cb, arg);
}

int flux_jobtap_set_load_sort_order (flux_plugin_t *p, const char *sort_order)
{
    struct hplugin *hp = hp_get (p);

    if (!hp || !sort_order)
        return -1;
    if (streq (sort_order, "none"))
        hp->sort = 0;
    else if (streq (sort_order, "state"))
        hp->sort = 1;
    else if (streq (sort_order, "-state"))
        hp->sort = -1;
    else {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static void set_errmsg (flux_plugin_arg_t *args, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 2, 0)));

static void set_errmsg (flux_plugin_arg_t *args, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf (buf, sizeof (buf), fmt, ap);
    flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:s}", "errmsg", buf);
}

int flux_jobtap_reject_job (flux_plugin_t *p,
                            flux_plugin_arg_t *args,
                            const char *fmt,
                            ...)
{
    if (!args)
        return -1;
    if (fmt) {
        va_list ap;
        va_start (ap, fmt);
        set_errmsg (args, fmt, ap);
        va_end (ap);
    }
    else {
        const char *name = flux_plugin_get_name (p);
        char buf[256];
        snprintf (buf, sizeof (buf), "rejected by job-manager plugin '%s'",
                  name ? name : "unknown");
        flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:s}", "errmsg", buf);
    }
    return -1;
}

int flux_jobtap_error (flux_plugin_t *p, flux_plugin_arg_t *args, const char *fmt, ...)
{
    if (args && fmt) {
        va_list ap;
        va_start (ap, fmt);
        set_errmsg (args, fmt, ap);
        va_end (ap);
    }
    return -1;
}

int flux_jobtap_priority_unavail (flux_plugin_t *p, flux_plugin_arg_t *args)
{
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}", "priority",
                                 (json_int_t)PRIORITY_UNAVAIL);
}

int flux_jobtap_reprioritize_job (flux_plugin_t *p,
                                  flux_jobid_t id,
                                  unsigned int priority)
{
    struct hplugin *hp;
    struct job *job = active_job_get (p, id, &hp);

    if (!job)
        return -1;
    host_reprioritize_job (hp->host, job, priority);
    return 0;
}

int flux_jobtap_reprioritize_all (flux_plugin_t *p)
{
    struct hplugin *hp = hp_get (p);
    if (!hp)
        return -1;
    host_reprioritize_all (hp->host);
    return 0;
}

int flux_jobtap_raise_exception (flux_plugin_t *p,
                                 flux_jobid_t id,
                                 const char *type,
                                 int severity,
                                 const char *fmt,
                                 ...)
{
    struct hplugin *hp;
    struct job *job;
    char note[1024] = "";

    if (!type || severity < 0 || severity > 7) {
        errno = EINVAL;
        return -1;
    }
    if (!(job = active_job_get (p, id, &hp)))
        return -1;
    if (fmt) {
        va_list ap;
        va_start (ap, fmt);
        vsnprintf (note, sizeof (note), fmt, ap);
        va_end (ap);
    }
    return host_raise (hp->host, job, type, severity, note);
}

static json_t *description_ctx (const char *description)
{
    json_t *ctx = json_pack ("{s:s}", "description", description);
    if (!ctx)
        oom ();
    return ctx;
}

int flux_jobtap_dependency_add (flux_plugin_t *p,
                                flux_jobid_t id,
                                const char *description)
{
    struct hplugin *hp;
    struct job *job;

    if (!description) {
        errno = EINVAL;
        return -1;
    }
    if (!(job = active_job_get (p, id, &hp)))
        return -1;
    if (job->state != FLUX_JOB_STATE_NEW && job->state != FLUX_JOB_STATE_DEPEND) {
        errno = EINVAL;
        return -1;
    }
    /* Held already: no-op; removed before: ignored (spec §6). */
    if (job_has_dep (job, description) || job_has_grudge (job, description))
        return 0;
    return host_post (hp->host, job, "dependency-add", description_ctx (description));
}

int flux_jobtap_dependency_remove (flux_plugin_t *p,
                                   flux_jobid_t id,
                                   const char *description)
{
    struct hplugin *hp;
    struct job *job;

    if (!description) {
        errno = EINVAL;
        return -1;
    }
    if (!(job = active_job_get (p, id, &hp)))
        return -1;
    /* As for add: a job past DEPEND holds nothing (flux-core refuses with
     * EINVAL, e.g. a second removal after the last one released it). */
    if (job->state != FLUX_JOB_STATE_NEW && job->state != FLUX_JOB_STATE_DEPEND) {
        errno = EINVAL;
        return -1;
    }
    /* Only an idle job can tell that the description is not held. */
    if (host_job_idle (job) && !job_has_dep (job, description)) {
        errno = ENOENT;
        return -1;
    }
    return host_post (hp->host, job, "dependency-remove",
                      description_ctx (description));
}

int flux_jobtap_job_aux_set (flux_plugin_t *p,
                             flux_jobid_t id,
                             const char *name,
                             void *val,
                             flux_free_f free_fn)
{
    struct hplugin *hp;
    struct job *job = job_get (p, id, &hp);

    if (!job)
        return -1;
    return aux_set (&job->aux, hp, name, val, free_fn);
}

void *flux_jobtap_job_aux_get (flux_plugin_t *p, flux_jobid_t id, const char *name)
{
    struct hplugin *hp;
    struct job *job = job_get (p, id, &hp);

    if (!job)
        return NULL;
    return aux_get (job->aux, hp, name);
}

int flux_jobtap_job_aux_delete_value (flux_plugin_t *p, flux_jobid_t id, void *val)
{
    struct hplugin *hp;
    struct job *job = job_get (p, id, &hp);

    if (!job)
        return -1;
    aux_delete_value (&job->aux, hp, val);
    return 0;
}

int flux_jobtap_job_aux_delete (flux_plugin_t *p, flux_jobid_t id, void *val)
{
    return flux_jobtap_job_aux_delete_value (p, id, val);
}

flux_plugin_arg_t *flux_jobtap_job_lookup (flux_plugin_t *p, flux_jobid_t id)
{
    struct hplugin *hp;
    struct job *job = job_get (p, id, &hp);

    if (!job)
        return NULL;
    return host_job_args (hp->host, job);
}

int flux_jobtap_job_event_posted (flux_plugin_t *p, flux_jobid_t id, const char *name)
{
    struct job *job = job_get (p, id, NULL);

    if (!job)
        return -1;
    if (!name) {
        errno = EINVAL;
        return -1;
    }
    return host_event_posted (job, name) ? 1 : 0;
}

int flux_jobtap_get_job_result (flux_plugin_t *p,
                                flux_jobid_t id,
                                flux_job_result_t *resultp)
{
    struct job *job = job_get (p, id, NULL);

    if (!job)
        return -1;
    if (!resultp || (job->state != FLUX_JOB_STATE_CLEANUP
                     && job->state != FLUX_JOB_STATE_INACTIVE)) {
        errno = EINVAL;
        return -1;
    }
    *resultp = (flux_job_result_t)job->result;
    return 0;
}

int flux_jobtap_event_post_pack (flux_plugin_t *p,
                                 flux_jobid_t id,
                                 const char *name,
                                 const char *fmt,
                                 ...)
{
    struct hplugin *hp;
    struct job *job;
    json_t *ctx = NULL;

    if (!name) {
        errno = EINVAL;
        return -1;
    }
    if (!(job = active_job_get (p, id, &hp)))
        return -1;
    if (fmt) {
        va_list ap;
        va_start (ap, fmt);
        ctx = json_vpack_ex (NULL, 0, fmt, ap);
        va_end (ap);
        if (!ctx) {
            errno = EINVAL;
            return -1;
        }
    }
    return host_post (hp->host, job, name, ctx);
}

static bool valid_update_key (const char *key)
{
    static const char *prefixes[] = { "attributes", "resources", "tasks", NULL };
    for (int i = 0; prefixes[i]; i++) {
        size_t n = strlen (prefixes[i]);
        if (strncmp (key, prefixes[i], n) == 0 && (key[n] == '\0' || key[n] == '.'))
            return true;
    }
    return false;
}

int flux_jobtap_jobspec_update_pack (flux_plugin_t *p, const char *fmt, ...)
{
    struct hplugin *hp = hp_get (p);
    struct frame *f;
    json_t *o;
    const char *key;
    json_t *val;
    va_list ap;

    if (!hp || !fmt)
        return -1;
    f = host_current_frame (hp->host);
    if (!f || !f->job || f->job->state >= FLUX_JOB_STATE_RUN) {
        errno = EINVAL;
        return -1;
    }
    va_start (ap, fmt);
    o = json_vpack_ex (NULL, 0, fmt, ap);
    va_end (ap);
    if (!json_is_object (o)) {
        json_decref (o);
        errno = EINVAL;
        return -1;
    }
    json_object_foreach (o, key, val) {
        if (!valid_update_key (key)) {
            json_decref (o);
            errno = EINVAL;
            return -1;
        }
    }
    /* Accumulated, and posted after the plugin returns (spec §3.3). */
    if (!f->updates)
        f->updates = o;
    else {
        json_object_update (f->updates, o);
        json_decref (o);
    }
    return 0;
}

int flux_jobtap_jobspec_update_id_pack (flux_plugin_t *p,
                                        flux_jobid_t id,
                                        const char *fmt,
                                        ...)
{
    return stub (p, __func__);
}

int flux_jobtap_job_set_flag (flux_plugin_t *p, flux_jobid_t id, const char *flag)
{
    return stub (p, __func__);
}

int flux_jobtap_job_subscribe (flux_plugin_t *p, flux_jobid_t id)
{
    struct hplugin *hp;
    struct job *job = active_job_get (p, id, &hp);

    if (!job)
        return -1;
    for (int i = 0; i < job->nsubs; i++) {
        if (job->subs[i] == hp)
            return 0;
    }
    job->subs = xrealloc (job->subs, (job->nsubs + 1) * sizeof (*job->subs));
    job->subs[job->nsubs++] = hp;
    return 0;
}

void flux_jobtap_job_unsubscribe (flux_plugin_t *p, flux_jobid_t id)
{
    struct hplugin *hp;
    struct job *job = job_get (p, id, &hp);

    for (int i = 0; job && i < job->nsubs; i++) {
        if (job->subs[i] == hp) {
            job->subs[i] = job->subs[--job->nsubs];
            return;
        }
    }
}

int flux_jobtap_prolog_start (flux_plugin_t *p, const char *description)
{
    return stub (p, __func__);
}

int flux_jobtap_prolog_finish (flux_plugin_t *p,
                               flux_jobid_t id,
                               const char *description,
                               int status)
{
    return stub (p, __func__);
}

int flux_jobtap_epilog_start (flux_plugin_t *p, const char *description)
{
    return stub (p, __func__);
}

int flux_jobtap_epilog_finish (flux_plugin_t *p,
                               flux_jobid_t id,
                               const char *description,
                               int status)
{
    return stub (p, __func__);
}

int flux_jobtap_call (flux_plugin_t *p,
                      flux_jobid_t id,
                      const char *topic,
                      flux_plugin_arg_t *args)
{
    return stub (p, __func__);
}
