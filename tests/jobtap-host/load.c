/* jobtap-host: the host object, plugin loading and removal (spec §8.3.1),
 * the builtin .priority-default, conf.update, plugin.query and services. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const char *basename_of (const char *path)
{
    const char *s = strrchr (path, '/');
    return s ? s + 1 : path;
}

static struct hplugin *hplugin_create (jobtap_host_t *h,
                                      flux_plugin_t *p,
                                      const char *listname,
                                      const char *conf)
{
    struct hplugin *hp = xzalloc (sizeof (*hp));

    hp->host = h;
    hp->p = p;
    hp->listname = xstrdup (listname);
    hp->conf = conf ? xstrdup (conf) : NULL;
    /* The jobtap functions find their job manager through this key. */
    if (flux_plugin_aux_set (p, JOBTAP_AUX_KEY, hp, NULL) < 0)
        oom ();
    return hp;
}

static void services_remove (jobtap_host_t *h, struct hplugin *hp)
{
    struct flux_msg_handler **pp = &h->services;

    while (*pp) {
        struct flux_msg_handler *mh = *pp;
        if (mh->owner == hp) {
            *pp = mh->next;
            free (mh->topic);
            free (mh);
        }
        else
            pp = &mh->next;
    }
}

/* Job aux and subscriptions of hp go before the plugin: their destructors
 * are plugin code, which dlclose unmaps. */
static void forget_plugin_jobs (jobtap_host_t *h, struct hplugin *hp)
{
    for (size_t i = 0; i < h->nslots; i++) {
        struct job *job = h->slots[i];
        if (!job)
            continue;
        aux_destroy (&job->aux, hp, false);
        for (int j = 0; j < job->nsubs; j++) {
            if (job->subs[j] == hp) {
                job->subs[j] = job->subs[--job->nsubs];
                j--;
            }
        }
    }
}

static void hplugin_destroy (jobtap_host_t *h, struct hplugin *hp)
{
    services_remove (h, hp);
    forget_plugin_jobs (h, hp);
    flux_plugin_destroy (hp->p);
    free (hp->listname);
    free (hp->conf);
    free (hp);
}

static void plugin_list_append (jobtap_host_t *h, struct hplugin *hp)
{
    struct hplugin **pp = &h->plugins;
    while (*pp)
        pp = &(*pp)->next;
    *pp = hp;
}

static void plugin_list_remove (jobtap_host_t *h, struct hplugin *hp)
{
    for (struct hplugin **pp = &h->plugins; *pp; pp = &(*pp)->next) {
        if (*pp == hp) {
            *pp = hp->next;
            return;
        }
    }
}

/* By plugin name, list name, or list name without its suffix. */
struct hplugin *host_plugin_find (jobtap_host_t *h, const char *name)
{
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next) {
        const char *pname = flux_plugin_get_name (hp->p);
        size_t n = strcspn (hp->listname + 1, ".") + 1;
        if (streq_safe (pname, name) || streq (hp->listname, name)
            || (strlen (name) == n && strncmp (hp->listname, name, n) == 0))
            return hp;
    }
    return NULL;
}

/* --- builtin .priority-default: priority = urgency --- */

static int priority_default_cb (flux_plugin_t *p,
                                const char *topic,
                                flux_plugin_arg_t *args,
                                void *data)
{
    int urgency;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "urgency",
                                &urgency) < 0)
        return -1;
    return flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}", "priority",
                                 (json_int_t)urgency);
}

static void load_priority_default (jobtap_host_t *h)
{
    static const struct flux_plugin_handler tab[] = {
        { "job.state.priority", priority_default_cb, NULL },
        { "job.priority.get", priority_default_cb, NULL },
        { NULL, NULL, NULL },
    };
    flux_plugin_t *p = flux_plugin_create ();

    if (!p || flux_plugin_register (p, ".priority-default", tab) < 0)
        oom ();
    plugin_list_append (h, hplugin_create (h, p, ".priority-default", NULL));
}

/* --- host object --- */

jobtap_host_t *jobtap_host_create (int flags)
{
    jobtap_host_t *h = xzalloc (sizeof (*h));

    h->handle.host = h;
    h->flags = flags;
    if (!(h->config = json_object ()))
        oom ();
    if (!(flags & JOBTAP_HOST_NO_DEFAULT_PRIORITY))
        load_priority_default (h);
    return h;
}

static struct hplugin *last_plugin (jobtap_host_t *h)
{
    struct hplugin *hp = h->plugins;
    while (hp && hp->next)
        hp = hp->next;
    return hp;
}

void jobtap_host_destroy (jobtap_host_t *h)
{
    struct hplugin *hp;

    if (!h)
        return;
    int saved_errno = errno;
    /* Jobs first: their aux destructors live in the plugins.  Removal may
     * shift a later job into slot i, so look at slot i again. */
    for (size_t i = 0; i < h->nslots;) {
        if (h->slots[i])
            host_job_purge (h, h->slots[i]);
        else
            i++;
    }
    while ((hp = last_plugin (h))) {
        plugin_list_remove (h, hp);
        hplugin_destroy (h, hp);
    }
    free (h->slots);
    free (h->frames);
    json_decref (h->config);
    jobtap_host_log_clear (h);
    free (h->log);
    free (h);
    errno = saved_errno;
}

/* --- loading --- */

/* After init, a name that is unset or looks like a path or file name
 * becomes the basename up to its first '.' (spec §1.3). */
static void fix_name (flux_plugin_t *p, const char *path)
{
    const char *name = flux_plugin_get_name (p);

    if (!name || strchr (name, '/') || strchr (name, '.')) {
        char *s = xstrdup (basename_of (path));
        s[strcspn (s, ".")] = '\0';
        if (flux_plugin_set_name (p, s) < 0)
            oom ();
        free (s);
    }
}

static int conf_update (jobtap_host_t *h,
                        struct hplugin *hp,
                        json_t *config,
                        jobtap_host_error_t *error)
{
    flux_plugin_arg_t *args = flux_plugin_arg_create ();
    int rc = 0;

    if (!args || !(args->in = json_pack ("{s:O}", "conf", config)))
        oom ();
    /* OUT is not pre-set here; errmsg is read if the plugin set it. */
    if (host_call_one (h, hp, NULL, "conf.update", args) < 0) {
        rc = errorf (error, EINVAL, "%s: conf.update: %s", hp->listname,
                     host_errmsg (args, "plugin failed"));
    }
    flux_plugin_arg_destroy (args);
    return rc;
}

static int state_cmp (const void *a, const void *b)
{
    const struct job *ja = *(struct job *const *)a;
    const struct job *jb = *(struct job *const *)b;
    return (ja->state > jb->state) - (ja->state < jb->state);
}

static int state_cmp_rev (const void *a, const void *b)
{
    return state_cmp (b, a);
}

/* Active jobs in the plugin's replay order; submit order within a state
 * (qsort is not stable, so the order is fixed up by a stable insertion). */
static struct job **replay_order (jobtap_host_t *h, struct hplugin *hp, size_t *np)
{
    struct job **jobs = xzalloc ((h->njobs + 1) * sizeof (*jobs));
    size_t n = 0;

    for (struct job *job = h->active_head; job; job = job->next)
        jobs[n++] = job;
    if (hp->sort != 0) {
        int (*cmp) (const void *, const void *) = hp->sort > 0 ? state_cmp
                                                                : state_cmp_rev;
        for (size_t i = 1; i < n; i++) {
            struct job *job = jobs[i];
            size_t j = i;
            while (j > 0 && cmp (&jobs[j - 1], &job) > 0) {
                jobs[j] = jobs[j - 1];
                j--;
            }
            jobs[j] = job;
        }
    }
    *np = n;
    return jobs;
}

static void replay_call (jobtap_host_t *h,
                         struct hplugin *hp,
                         struct job *job,
                         const char *topic,
                         json_t *extra_key_val)
{
    flux_plugin_arg_t *args = host_job_args (h, job);
    if (extra_key_val)
        json_object_update (args->in, extra_key_val);
    /* Replay results and OUT are ignored (spec §3.2). */
    (void)host_call_one (h, hp, job, topic, args);
    flux_plugin_arg_destroy (args);
}

static void replay_dependencies (jobtap_host_t *h, struct hplugin *hp, struct job *job)
{
    json_t *deps = json_object_get (
        json_object_get (json_object_get (job->jobspec, "attributes"), "system"),
        "dependencies");
    size_t i;
    json_t *dep;

    json_array_foreach (deps, i, dep) {
        const char *scheme = NULL;
        char topic[128];
        if (json_unpack (dep, "{s:s}", "scheme", &scheme) < 0)
            continue;
        snprintf (topic, sizeof (topic), "job.dependency.%s", scheme);
        json_t *extra = json_pack ("{s:O}", "dependency", dep);
        replay_call (h, hp, job, topic, extra);
        json_decref (extra);
    }
}

/* The entry of the job's latest event called name, or NULL. */
static json_t *latest_entry (struct job *job, const char *name)
{
    for (int i = job->nevents - 1; i >= 0; i--) {
        if (streq (job->events[i].name, name))
            return host_event_entry (&job->events[i]);
    }
    return NULL;
}

static void replay_depend (jobtap_host_t *h, struct hplugin *hp, struct job *job)
{
    json_t *extra = json_pack ("{s:i}", "prev_state", FLUX_JOB_STATE_NEW);
    json_t *entry = latest_entry (job, "validate");

    if (!extra)
        oom ();
    if (entry)
        jset (extra, "entry", entry);
    replay_dependencies (h, hp, job);
    replay_call (h, hp, job, "job.state.depend", extra);
    json_decref (extra);
}

static void replay_jobs (jobtap_host_t *h, struct hplugin *hp)
{
    size_t n;
    struct job **jobs = replay_order (h, hp, &n);

    for (size_t i = 0; i < n; i++)
        host_job_ref (jobs[i]);
    for (size_t i = 0; i < n; i++) {
        struct job *job = jobs[i];
        if (!job->purged && job->state != FLUX_JOB_STATE_INACTIVE) {
            replay_call (h, hp, job, "job.create", NULL);
            replay_call (h, hp, job, "job.new", NULL);
            if (job->state == FLUX_JOB_STATE_DEPEND)
                replay_depend (h, hp, job);
        }
    }
    for (size_t i = 0; i < n; i++)
        host_job_unref (jobs[i]);
    free (jobs);
}

/* Create the plugin, attach conf, dlopen + init, fix up the name. */
static struct hplugin *open_plugin (jobtap_host_t *h,
                                    const char *path,
                                    const char *conf,
                                    jobtap_host_error_t *error)
{
    flux_plugin_t *p = flux_plugin_create ();
    struct hplugin *hp;

    if (!p || flux_plugin_set_flags (p, FLUX_PLUGIN_RTLD_NOW) < 0)
        oom ();
    hp = hplugin_create (h, p, basename_of (path), conf);
    if (conf && flux_plugin_set_conf (p, conf) < 0) {
        errorf (error, EINVAL, "%s: conf: %s", path, flux_plugin_strerror (p));
        goto error;
    }
    if (flux_plugin_load_dso (p, path) < 0) {
        errorf (error, errno, "%s", flux_plugin_strerror (p));
        goto error;
    }
    fix_name (p, path);
    return hp;
error:
    hplugin_destroy (h, hp);
    return NULL;
}

int jobtap_host_load (jobtap_host_t *h,
                      const char *path,
                      const char *conf,
                      jobtap_host_error_t *error)
{
    struct hplugin *hp;
    const char *name;

    if (!h || !path)
        return errorf (error, EINVAL, "invalid argument");
    /* Checked before dlopen: the same DSO would be re-initialised. */
    if (host_plugin_find (h, basename_of (path)))
        return errorf (error, EEXIST, "%s: plugin already loaded", basename_of (path));
    if (!(hp = open_plugin (h, path, conf, error)))
        return -1;
    name = flux_plugin_get_name (hp->p);
    if (host_plugin_find (h, name)) {
        hplugin_destroy (h, hp);
        return errorf (error, EEXIST, "%s: a plugin named %s is already loaded",
                       path, name);
    }
    plugin_list_append (h, hp);
    if (conf_update (h, hp, h->config, error) < 0) {
        plugin_list_remove (h, hp);
        hplugin_destroy (h, hp);
        return -1;
    }
    replay_jobs (h, hp);
    host_reprioritize_all (h);
    return 0;
}

int jobtap_host_unload (jobtap_host_t *h, const char *name, jobtap_host_error_t *error)
{
    struct hplugin *hp;

    if (!h || !name)
        return errorf (error, EINVAL, "invalid argument");
    if (!(hp = host_plugin_find (h, name)))
        return errorf (error, ENOENT, "%s: no such plugin", name);
    plugin_list_remove (h, hp);
    hplugin_destroy (h, hp);
    return 0;
}

int jobtap_host_reload (jobtap_host_t *h,
                        const char *path,
                        const char *conf,
                        jobtap_host_error_t *error)
{
    struct hplugin *hp;
    char *saved = NULL;
    int rc;

    if (!h || !path)
        return errorf (error, EINVAL, "invalid argument");
    if ((hp = host_plugin_find (h, basename_of (path)))) {
        if (!conf && hp->conf)
            conf = saved = xstrdup (hp->conf);
        plugin_list_remove (h, hp);
        hplugin_destroy (h, hp);
    }
    rc = jobtap_host_load (h, path, conf, error);
    free (saved);
    return rc;
}

int jobtap_host_plugin_count (jobtap_host_t *h)
{
    int n = 0;
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next)
        n++;
    return n;
}

const char *jobtap_host_plugin_name (jobtap_host_t *h, int i)
{
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next) {
        if (i-- == 0)
            return hp->listname;
    }
    return NULL;
}

int jobtap_host_set_config (jobtap_host_t *h,
                            const char *json_str,
                            jobtap_host_error_t *error)
{
    json_error_t jerr;
    json_t *config;

    if (!h || !json_str)
        return errorf (error, EINVAL, "invalid argument");
    if (!(config = json_loads (json_str, 0, &jerr)) || !json_is_object (config)) {
        json_decref (config);
        return errorf (error, EINVAL, "config: %s", config ? "not an object"
                                                           : jerr.text);
    }
    /* A failing plugin fails the reload; the old config stays. */
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next) {
        if (conf_update (h, hp, config, error) < 0) {
            json_decref (config);
            return -1;
        }
    }
    json_decref (h->config);
    h->config = config;
    return 0;
}

int jobtap_host_query (jobtap_host_t *h,
                       const char *name,
                       char **response,
                       jobtap_host_error_t *error)
{
    flux_plugin_arg_t *args;
    struct hplugin *hp;
    const char *path;
    int rc = 0;

    if (!h || !name || !response)
        return errorf (error, EINVAL, "invalid argument");
    if (!(hp = host_plugin_find (h, name)))
        return errorf (error, ENOENT, "%s: no such plugin", name);
    path = flux_plugin_get_path (hp->p);
    if (!(args = flux_plugin_arg_create ())
        || !(args->out = json_pack ("{s:s s:s}", "name", hp->listname,
                                    "path", path ? path : "builtin")))
        oom ();
    if (host_call_one (h, hp, NULL, "plugin.query", args) < 0)
        rc = errorf (error, EINVAL, "plugin.query failed");
    else if (!(*response = json_dumps (args->out, JSON_COMPACT)))
        oom ();
    flux_plugin_arg_destroy (args);
    return rc;
}

/* --- services --- */

int host_service_add (jobtap_host_t *h,
                      struct hplugin *hp,
                      const char *topic,
                      uint32_t rolemask,
                      flux_msg_handler_f cb,
                      void *arg)
{
    struct flux_msg_handler *mh;

    for (mh = h->services; mh; mh = mh->next) {
        if (streq (mh->topic, topic)) {
            errno = EEXIST;
            return -1;
        }
    }
    mh = xzalloc (sizeof (*mh));
    mh->topic = xstrdup (topic);
    mh->cb = cb;
    mh->arg = arg;
    mh->rolemask = rolemask;
    mh->owner = hp;
    mh->next = h->services;
    h->services = mh;
    return 0;
}

static struct flux_msg_handler *service_find (jobtap_host_t *h, const char *topic)
{
    for (struct flux_msg_handler *mh = h->services; mh; mh = mh->next) {
        if (streq (mh->topic, topic))
            return mh;
    }
    return NULL;
}

static int rpc_result (flux_msg_t *msg, char **response, jobtap_host_error_t *error)
{
    if (msg->responses == 0)
        return errorf (error, ETIMEDOUT, "no response");
    if (msg->errnum)
        return errorf (error, msg->errnum, "%s", msg->errstr);
    if (response) {
        *response = msg->response;
        msg->response = NULL;
    }
    return 0;
}

int jobtap_host_rpc (jobtap_host_t *h,
                     const char *topic,
                     const char *payload,
                     uint32_t userid,
                     uint32_t rolemask,
                     char **response,
                     jobtap_host_error_t *error)
{
    struct flux_msg_handler *mh;
    flux_msg_t msg = { 0 };
    int rc;

    if (!h || !topic)
        return errorf (error, EINVAL, "invalid argument");
    if (!(mh = service_find (h, topic)))
        return errorf (error, ENOSYS, "No service matching %s is registered", topic);
    /* The owner is always allowed; others need a role in the mask. */
    if (!(rolemask & FLUX_ROLE_OWNER) && !(rolemask & mh->rolemask))
        return errorf (error, EPERM, "Request requires owner credentials");
    msg.topic = mh->topic;
    msg.payload = payload;
    msg.userid = userid;
    msg.rolemask = rolemask;
    mh->cb (&h->handle, mh, &msg, mh->arg);
    rc = rpc_result (&msg, response, error);
    json_decref (msg.obj);
    free (msg.errstr);
    free (msg.response);
    return rc;
}
