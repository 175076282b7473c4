/* jobtap-host core: the job table, each job's event FIFO and state machine,
 * and calls into the plugin stack, following the job manager's behaviour as
 * described in the jobtap spec §3, §5, §6 and §8.3. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host-internal.h"
#include "util.h"

/* --- job table: open addressing by id, linear probing --- */

static size_t hash_id (flux_jobid_t id)
{
    /* splitmix64 finaliser: sequential ids spread over the table. */
    id ^= id >> 30;
    id *= 0xbf58476d1ce4e5b9ULL;
    id ^= id >> 27;
    id *= 0x94d049bb133111ebULL;
    id ^= id >> 31;
    return (size_t)id;
}

static void table_insert_slot (struct job **slots, size_t nslots, struct job *job)
{
    size_t i = hash_id (job->id) & (nslots - 1);
    while (slots[i])
        i = (i + 1) & (nslots - 1);
    slots[i] = job;
}

static void table_grow (jobtap_host_t *h)
{
    size_t nslots = h->nslots ? h->nslots * 2 : 1024;
    struct job **slots = xzalloc (nslots * sizeof (*slots));

    for (size_t i = 0; i < h->nslots; i++) {
        if (h->slots[i])
            table_insert_slot (slots, nslots, h->slots[i]);
    }
    free (h->slots);
    h->slots = slots;
    h->nslots = nslots;
}

static void table_insert (jobtap_host_t *h, struct job *job)
{
    if ((h->njobs + 1) * 2 > h->nslots)
        table_grow (h);
    table_insert_slot (h->slots, h->nslots, job);
    h->njobs++;
}

struct job *host_job_lookup (jobtap_host_t *h, flux_jobid_t id)
{
    if (h->nslots == 0)
        return NULL;
    size_t i = hash_id (id) & (h->nslots - 1);
    while (h->slots[i]) {
        if (h->slots[i]->id == id)
            return h->slots[i];
        i = (i + 1) & (h->nslots - 1);
    }
    return NULL;
}

/* Backward-shift deletion keeps probe sequences intact without tombstones. */
static void table_remove (jobtap_host_t *h, struct job *job)
{
    size_t mask = h->nslots - 1;
    size_t i = hash_id (job->id) & mask;

    while (h->slots[i] != job)
        i = (i + 1) & mask;
    h->slots[i] = NULL;
    h->njobs--;
    for (size_t j = (i + 1) & mask; h->slots[j]; j = (j + 1) & mask) {
        size_t home = hash_id (h->slots[j]->id) & mask;
        /* Move j back to the hole i if its home is not in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            h->slots[i] = h->slots[j];
            h->slots[j] = NULL;
            i = j;
        }
    }
}

/* --- job objects --- */

static void active_append (jobtap_host_t *h, struct job *job)
{
    job->prev = h->active_tail;
    job->next = NULL;
    if (h->active_tail)
        h->active_tail->next = job;
    else
        h->active_head = job;
    h->active_tail = job;
}

static void active_remove (jobtap_host_t *h, struct job *job)
{
    if (job->prev)
        job->prev->next = job->next;
    else if (h->active_head == job)
        h->active_head = job->next;
    else
        return; /* not on the list */
    if (job->next)
        job->next->prev = job->prev;
    else
        h->active_tail = job->prev;
    job->prev = job->next = NULL;
}

static void free_strv (char **v, int n)
{
    for (int i = 0; i < n; i++)
        free (v[i]);
    free (v);
}

static void job_free (struct job *job)
{
    json_decref (job->jobspec);
    json_decref (job->R);
    json_decref (job->end_event);
    free_strv (job->deps, job->ndeps);
    free_strv (job->grudge, job->ngrudge);
    for (int i = 0; i < job->nevents; i++) {
        if (job->events[i].name_owned)
            free ((char *)job->events[i].name);
        json_decref (job->events[i].context);
    }
    free (job->events);
    while (job->head) {
        struct pending *pe = job->head;
        job->head = pe->next;
        free (pe->name);
        json_decref (pe->context);
        free (pe);
    }
    aux_destroy (&job->aux, NULL, true);
    free (job->subs);
    free (job);
}

void host_job_ref (struct job *job)
{
    job->refs++;
}

void host_job_unref (struct job *job)
{
    if (--job->refs == 0)
        job_free (job);
}

struct job *host_job_create (jobtap_host_t *h, flux_jobid_t id)
{
    struct job *job = xzalloc (sizeof (*job));

    job->id = id;
    job->state = FLUX_JOB_STATE_NEW;
    job->priority = PRIORITY_UNSET;
    job->refs = 1; /* the table's reference, dropped by purge */
    table_insert (h, job);
    active_append (h, job);
    return job;
}

/* Remove the job from the table; it is freed once no frame uses it. */
void host_job_purge (jobtap_host_t *h, struct job *job)
{
    if (job->purged)
        return;
    active_remove (h, job);
    table_remove (h, job);
    job->purged = true;
    aux_destroy (&job->aux, NULL, true);
    host_job_unref (job);
}

struct job *host_job_resolve (jobtap_host_t *h, flux_jobid_t id)
{
    struct job *job;

    if (id == FLUX_JOBTAP_CURRENT_JOB)
        job = host_current_job (h);
    else
        job = host_job_lookup (h, id);
    if (!job)
        errno = ENOENT;
    return job;
}

bool job_has_dep (struct job *job, const char *desc)
{
    for (int i = 0; i < job->ndeps; i++) {
        if (streq (job->deps[i], desc))
            return true;
    }
    return false;
}

bool job_has_grudge (struct job *job, const char *desc)
{
    for (int i = 0; i < job->ngrudge; i++) {
        if (streq (job->grudge[i], desc))
            return true;
    }
    return false;
}

bool job_pending_has (struct job *job, const char *name)
{
    for (struct pending *pe = job->head; pe; pe = pe->next) {
        if (streq (pe->name, name))
            return true;
    }
    return false;
}

bool host_job_idle (struct job *job)
{
    return job->head == NULL && !job->hold_events;
}

static void strv_append (char ***v, int *n, const char *s)
{
    *v = xrealloc (*v, (*n + 1) * sizeof (**v));
    (*v)[(*n)++] = xstrdup (s);
}

static void strv_remove (char **v, int *n, const char *s)
{
    for (int i = 0; i < *n; i++) {
        if (streq (v[i], s)) {
            free (v[i]);
            memmove (&v[i], &v[i + 1], (*n - i - 1) * sizeof (*v));
            (*n)--;
            return;
        }
    }
}

/* --- current-job frames and plugin calls --- */

struct frame *host_current_frame (jobtap_host_t *h)
{
    return h->nframes > 0 ? &h->frames[h->nframes - 1] : NULL;
}

struct job *host_current_job (jobtap_host_t *h)
{
    struct frame *f = host_current_frame (h);
    return f ? f->job : NULL;
}

static void frame_push (jobtap_host_t *h, struct job *job)
{
    if (h->nframes == h->frames_cap) {
        h->frames_cap = h->frames_cap ? h->frames_cap * 2 : 16;
        h->frames = xrealloc (h->frames, h->frames_cap * sizeof (*h->frames));
    }
    h->frames[h->nframes].job = job;
    h->frames[h->nframes].updates = NULL;
    h->nframes++;
    if (job)
        host_job_ref (job);
}

/* Post the jobspec updates a plugin accumulated during its callback as one
 * jobspec-update event, right after it returns (spec §3.3). */
static void frame_flush (jobtap_host_t *h)
{
    struct frame *f = host_current_frame (h);
    json_t *updates = f->updates;

    f->updates = NULL;
    if (!updates)
        return;
    if (f->job && json_object_size (updates) > 0)
        host_post (h, f->job, "jobspec-update", updates);
    else
        json_decref (updates);
}

static void frame_pop (jobtap_host_t *h)
{
    struct frame *f = host_current_frame (h);
    struct job *job = f->job;

    json_decref (f->updates);
    h->nframes--;
    if (job)
        host_job_unref (job);
}

/* Call one plugin with the job as current job.  Returns as
 * flux_plugin_call: 0 no handler, 1 ok, -1 handler failed. */
int host_call_one (jobtap_host_t *h,
                   struct hplugin *hp,
                   struct job *job,
                   const char *topic,
                   flux_plugin_arg_t *args)
{
    int rc;

    frame_push (h, job);
    rc = flux_plugin_call (hp->p, topic, args);
    frame_flush (h);
    frame_pop (h);
    return rc;
}

/* Call the plugin stack in load order with shared args, stopping at the
 * first handler that fails.  Returns -1 if one failed, else the number of
 * plugins that had a matching handler. */
int host_call_stack (jobtap_host_t *h,
                     struct job *job,
                     const char *topic,
                     flux_plugin_arg_t *args)
{
    int total = 0;

    frame_push (h, job);
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next) {
        int rc = flux_plugin_call (hp->p, topic, args);
        frame_flush (h);
        if (rc < 0) {
            total = -1;
            break;
        }
        total += rc;
    }
    frame_pop (h);
    return total;
}

/* Whether any loaded plugin has a handler for topic: callers skip building
 * arguments nobody would see (most plugins handle few topics). */
bool host_stack_matches (jobtap_host_t *h, const char *topic)
{
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next) {
        if (flux_plugin_match_handler (hp->p, topic))
            return true;
    }
    return false;
}

/* The IN keys of every job callback (spec §2.3); OUT starts as {}. */
flux_plugin_arg_t *host_job_args (jobtap_host_t *h, struct job *job)
{
    flux_plugin_arg_t *args = flux_plugin_arg_create ();
    json_t *in = json_object ();

    if (!args || !in)
        oom ();
    jset (in, "jobspec", json_incref (job->jobspec));
    jset (in, "id", json_integer ((json_int_t)job->id));
    jset (in, "userid", json_integer ((json_int_t)job->userid));
    jset (in, "urgency", json_integer (job->urgency));
    jset (in, "state", json_integer (job->state));
    jset (in, "priority", json_integer (job->priority));
    jset (in, "t_submit", json_real (job->t_submit));
    if (job->R)
        jset (in, "R", json_incref (job->R));
    if (job->end_event)
        jset (in, "end_event", json_incref (job->end_event));
    args->in = in;
    if (!(args->out = json_object ()))
        oom ();
    return args;
}

/* OUT "errmsg", or a default. */
const char *host_errmsg (flux_plugin_arg_t *args, const char *dflt)
{
    const char *s = NULL;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:s}", "errmsg", &s) < 0)
        return dflt;
    return s;
}

void host_log (jobtap_host_t *h, int level, const char *text)
{
    if (!(h->flags & JOBTAP_HOST_QUIET))
        fprintf (stderr, "jobtap-host: %s\n", text);
    if (h->flags & JOBTAP_HOST_NO_LOG)
        return;
    if (h->nlog == h->log_cap) {
        h->log_cap = h->log_cap ? h->log_cap * 2 : 64;
        h->log = xrealloc (h->log, h->log_cap * sizeof (*h->log));
    }
    h->log[h->nlog++] = xstrdup (text);
}

void host_logf (jobtap_host_t *h, int level, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (buf, sizeof (buf), fmt, ap);
    va_end (ap);
    flux_log (&h->handle, level, "%s", buf);
}

/* --- events --- */

double host_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Well-known names are stored without a copy: most events are these. */
static const char *intern (const char *name)
{
    static const char *names[] = {
        "submit", "validate", "depend", "priority", "alloc", "finish",
        "free", "clean", "exception", "urgency", "memo", "dependency-add",
        "dependency-remove", "jobspec-update", "release", NULL,
    };
    for (int i = 0; names[i]; i++) {
        if (streq (names[i], name))
            return names[i];
    }
    return NULL;
}

static struct event *record_event (struct job *job, struct pending *pe)
{
    struct event *ev;

    if (job->nevents == job->events_cap) {
        job->events_cap = job->events_cap ? job->events_cap * 2 : 10;
        job->events = xrealloc (job->events, job->events_cap * sizeof (*ev));
    }
    ev = &job->events[job->nevents++];
    if ((ev->name = intern (pe->name)))
        ev->name_owned = false;
    else {
        ev->name = xstrdup (pe->name);
        ev->name_owned = true;
    }
    ev->context = pe->context;
    pe->context = NULL;
    ev->timestamp = host_now ();
    return ev;
}

/* The eventlog entry of an event, as state callbacks receive it. */
json_t *host_event_entry (const struct event *ev)
{
    json_t *o = json_object ();
    if (!o)
        oom ();
    jset (o, "timestamp", json_real (ev->timestamp));
    jset (o, "name", json_string (ev->name));
    if (ev->context)
        jset (o, "context", json_incref (ev->context));
    return o;
}

int host_post (jobtap_host_t *h, struct job *job, const char *name, json_t *context)
{
    struct pending *pe = xzalloc (sizeof (*pe));

    pe->name = xstrdup (name);
    pe->context = context;
    if (job->tail)
        job->tail->next = pe;
    else
        job->head = pe;
    job->tail = pe;
    /* A busy job (FIFO was not empty) or a held one applies it later. */
    if (job->head == pe && !job->hold_events)
        host_job_process (h, job);
    return 0;
}

static void apply_event (jobtap_host_t *h, struct job *job, struct pending *pe);

/* Apply queued events in order.  The event being applied stays at the
 * head of the FIFO so that posts made from its callbacks are queued. */
void host_job_process (jobtap_host_t *h, struct job *job)
{
    host_job_ref (job);
    while (job->head && !job->hold_events) {
        struct pending *pe = job->head;
        apply_event (h, job, pe);
        job->head = pe->next;
        if (!job->head)
            job->tail = NULL;
        free (pe->name);
        json_decref (pe->context);
        free (pe);
    }
    host_job_unref (job);
}

int host_raise (jobtap_host_t *h,
                struct job *job,
                const char *type,
                int severity,
                const char *note)
{
    json_t *ctx = json_pack ("{s:s s:i s:I s:s}",
                             "type", type,
                             "severity", severity,
                             "userid", (json_int_t)FLUX_USERID_UNKNOWN,
                             "note", note ? note : "");
    if (!ctx)
        oom ();
    return host_post (h, job, "exception", ctx);
}

/* --- state machine --- */

static const char *state_topic_name (flux_job_state_t state)
{
    switch (state) {
    case FLUX_JOB_STATE_NEW: return "new";
    case FLUX_JOB_STATE_DEPEND: return "depend";
    case FLUX_JOB_STATE_PRIORITY: return "priority";
    case FLUX_JOB_STATE_SCHED: return "sched";
    case FLUX_JOB_STATE_RUN: return "run";
    case FLUX_JOB_STATE_CLEANUP: return "cleanup";
    case FLUX_JOB_STATE_INACTIVE: return "inactive";
    }
    return "unknown";
}

static int64_t urgency_override (struct job *job, int64_t priority)
{
    if (job->urgency == FLUX_JOB_URGENCY_HOLD)
        return FLUX_JOB_PRIORITY_MIN;
    if (job->urgency == FLUX_JOB_URGENCY_EXPEDITE)
        return FLUX_JOB_PRIORITY_MAX;
    return priority;
}

static void post_priority (jobtap_host_t *h, struct job *job, int64_t priority)
{
    json_t *ctx = json_pack ("{s:I}", "priority", (json_int_t)priority);
    if (!ctx)
        oom ();
    host_post (h, job, "priority", ctx);
}

/* Acts only in PRIORITY (always posts, moving the job to SCHED) and SCHED
 * (posts if the value changed).  HOLD/EXPEDITE urgency overrides. */
void host_reprioritize_job (jobtap_host_t *h, struct job *job, int64_t priority)
{
    if (job->state != FLUX_JOB_STATE_PRIORITY && job->state != FLUX_JOB_STATE_SCHED)
        return;
    priority = urgency_override (job, priority);
    if (job->state == FLUX_JOB_STATE_SCHED && priority == job->priority)
        return;
    post_priority (h, job, priority);
}

/* Read OUT "priority"; a type error raises a non-fatal exception. */
static int out_priority (jobtap_host_t *h,
                         struct job *job,
                         const char *topic,
                         flux_plugin_arg_t *args,
                         json_int_t *priority)
{
    *priority = PRIORITY_UNSET;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s?I}",
                                "priority", priority) < 0) {
        char note[300];
        snprintf (note, sizeof (note),
                  "arg_unpack: %s (job may be stuck in PRIORITY state)",
                  flux_plugin_arg_strerror (args));
        host_raise (h, job, topic, 4, note);
        return -1;
    }
    return 0;
}

/* After a job topic: apply OUT priority >= 0; a negative value (the
 * unavailable sentinel) leaves the job where it is. */
static void check_priority (jobtap_host_t *h,
                            struct job *job,
                            const char *topic,
                            flux_plugin_arg_t *args)
{
    json_int_t priority;

    if (job->state != FLUX_JOB_STATE_PRIORITY && job->state != FLUX_JOB_STATE_SCHED)
        return;
    if (out_priority (h, job, topic, args, &priority) == 0 && priority >= 0)
        host_reprioritize_job (h, job, priority);
}

/* OUT "R" from job.state.sched forces R and bypasses the scheduler. */
static void check_sched_R (jobtap_host_t *h, struct job *job, flux_plugin_arg_t *args)
{
    json_t *R = NULL;

    if (job->state != FLUX_JOB_STATE_SCHED || job->R)
        return;
    if (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s?o}", "R", &R) < 0
        || !R)
        return;
    job->R = json_incref (R);
    host_post (h, job, "alloc", NULL);
}

static void state_callback (jobtap_host_t *h,
                            struct job *job,
                            flux_job_state_t prev,
                            const struct event *ev)
{
    char topic[64];
    flux_plugin_arg_t *args;

    snprintf (topic, sizeof (topic), "job.state.%s", state_topic_name (job->state));
    if (!host_stack_matches (h, topic))
        return;
    args = host_job_args (h, job);
    jset (args->in, "entry", host_event_entry (ev));
    jset (args->in, "prev_state", json_integer (prev));
    if (host_call_stack (h, job, topic, args) < 0)
        host_logf (h, LOG_ERR, "%s: plugin callback failed for job %ju", topic,
                   (uintmax_t)job->id);
    /* OUT is applied even when a plugin failed (spec §3.1). */
    check_priority (h, job, topic, args);
    if (job->state == FLUX_JOB_STATE_SCHED)
        check_sched_R (h, job, args);
    flux_plugin_arg_destroy (args);
}

static void call_stack_logged (jobtap_host_t *h, struct job *job, const char *topic)
{
    flux_plugin_arg_t *args;

    if (!host_stack_matches (h, topic))
        return;
    args = host_job_args (h, job);
    if (host_call_stack (h, job, topic, args) < 0)
        host_logf (h, LOG_DEBUG, "%s: plugin callback failed for job %ju", topic,
                   (uintmax_t)job->id);
    flux_plugin_arg_destroy (args);
}

/* INACTIVE: job.inactive-add, job.destroy, then the job aux goes. */
static void job_inactive (jobtap_host_t *h, struct job *job)
{
    call_stack_logged (h, job, "job.inactive-add");
    call_stack_logged (h, job, "job.destroy");
    aux_destroy (&job->aux, NULL, true);
    free (job->subs);
    job->subs = NULL;
    job->nsubs = 0;
    active_remove (h, job);
    if (h->flags & JOBTAP_HOST_PURGE_INACTIVE)
        host_job_inactive_remove (h, job);
}

void host_job_inactive_remove (jobtap_host_t *h, struct job *job)
{
    call_stack_logged (h, job, "job.inactive-remove");
    host_job_purge (h, job);
}

bool host_event_posted (struct job *job, const char *name)
{
    for (int i = 0; i < job->nevents; i++) {
        if (streq (job->events[i].name, name))
            return true;
    }
    return false;
}

static void set_state (jobtap_host_t *h,
                       struct job *job,
                       flux_job_state_t state,
                       const struct event *ev)
{
    flux_job_state_t prev = job->state;

    job->state = state;
    state_callback (h, job, prev, ev);
    switch (state) {
    case FLUX_JOB_STATE_DEPEND:
        /* Leave DEPEND only if no dependency is held or queued. */
        if (job->ndeps == 0 && !job_pending_has (job, "dependency-add"))
            host_post (h, job, "depend", NULL);
        break;
    case FLUX_JOB_STATE_CLEANUP:
        /* No epilog or housekeeping here: release and clean at once. */
        if (host_event_posted (job, "alloc") && !host_event_posted (job, "free"))
            host_post (h, job, "free", NULL);
        host_post (h, job, "clean", NULL);
        break;
    case FLUX_JOB_STATE_INACTIVE:
        job_inactive (h, job);
        break;
    default:
        break;
    }
}

static int ctx_int (const struct event *ev, const char *key, json_int_t *val)
{
    return json_unpack (ev->context, "{s:I}", key, val);
}

static const char *ctx_str (const struct event *ev, const char *key)
{
    const char *s = NULL;
    if (json_unpack (ev->context, "{s:s}", key, &s) < 0)
        return NULL;
    return s;
}

static void end_job (jobtap_host_t *h,
                     struct job *job,
                     const struct event *ev,
                     int result)
{
    json_decref (job->end_event);
    job->end_event = host_event_entry (ev);
    if (job->result == 0)
        job->result = result;
    set_state (h, job, FLUX_JOB_STATE_CLEANUP, ev);
}

static void apply_exception (jobtap_host_t *h, struct job *job, const struct event *ev)
{
    json_int_t severity = 0;
    const char *type = ctx_str (ev, "type");
    int result = FLUX_JOB_RESULT_FAILED;

    if (ctx_int (ev, "severity", &severity) < 0 || severity != 0)
        return;
    if (job->state == FLUX_JOB_STATE_CLEANUP || job->state == FLUX_JOB_STATE_INACTIVE)
        return;
    if (streq_safe (type, "cancel"))
        result = FLUX_JOB_RESULT_CANCELED;
    else if (streq_safe (type, "timeout"))
        result = FLUX_JOB_RESULT_TIMEOUT;
    job->has_exception = true;
    end_job (h, job, ev, result);
}

static void apply_dependency_add (struct job *job, const struct event *ev)
{
    const char *desc = ctx_str (ev, "description");

    if (!desc || (job->state != FLUX_JOB_STATE_NEW && job->state != FLUX_JOB_STATE_DEPEND))
        return;
    /* Re-adding a held one is a no-op; a removed one never holds again. */
    if (job_has_dep (job, desc) || job_has_grudge (job, desc))
        return;
    strv_append (&job->deps, &job->ndeps, desc);
}

static void apply_dependency_remove (jobtap_host_t *h,
                                     struct job *job,
                                     const struct event *ev)
{
    const char *desc = ctx_str (ev, "description");

    if (!desc)
        return;
    strv_remove (job->deps, &job->ndeps, desc);
    if (!job_has_grudge (job, desc))
        strv_append (&job->grudge, &job->ngrudge, desc);
    if (job->state == FLUX_JOB_STATE_DEPEND && job->ndeps == 0
        && !job_pending_has (job, "dependency-add"))
        host_post (h, job, "depend", NULL);
}

/* Set a dotted key ("attributes.system.bank") in obj, creating the
 * intermediate objects. */
static int set_dotted (json_t *obj, const char *key, json_t *val)
{
    char *copy = xstrdup (key);
    char *s = copy;
    char *dot;
    int rc = -1;

    while ((dot = strchr (s, '.'))) {
        *dot = '\0';
        json_t *next = json_object_get (obj, s);
        if (!json_is_object (next)) {
            next = json_object ();
            if (json_object_set_new (obj, s, next) < 0)
                goto out;
        }
        obj = next;
        s = dot + 1;
    }
    rc = json_object_set (obj, s, val);
out:
    free (copy);
    return rc;
}

/* A copy of jobspec with the dotted-key updates applied. */
json_t *host_jobspec_apply (json_t *jobspec, json_t *updates)
{
    json_t *copy = json_deep_copy (jobspec);
    const char *key;
    json_t *val;

    if (!copy)
        oom ();
    json_object_foreach (updates, key, val) {
        if (set_dotted (copy, key, val) < 0) {
            json_decref (copy);
            return NULL;
        }
    }
    return copy;
}

/* A jobspec-update: new jobspec, job.update on every plugin, and a job in
 * SCHED goes back to PRIORITY for a new priority. */
static void apply_jobspec_update (jobtap_host_t *h,
                                  struct job *job,
                                  const struct event *ev)
{
    json_t *updated;

    if (!json_is_object (ev->context))
        return;
    if (!(updated = host_jobspec_apply (job->jobspec, ev->context))) {
        host_logf (h, LOG_ERR, "job %ju: jobspec-update could not be applied",
                   (uintmax_t)job->id);
        return;
    }
    json_decref (job->jobspec);
    job->jobspec = updated;
    for (struct hplugin *hp = h->plugins; hp; hp = hp->next) {
        flux_plugin_arg_t *args = host_job_args (h, job);
        jset (args->in, "updates", json_incref (ev->context));
        if (host_call_one (h, hp, job, "job.update", args) < 0)
            host_logf (h, LOG_ERR, "job.update: plugin %s failed for job %ju",
                       hp->listname, (uintmax_t)job->id);
        flux_plugin_arg_destroy (args);
    }
    if (job->state == FLUX_JOB_STATE_SCHED)
        set_state (h, job, FLUX_JOB_STATE_PRIORITY, ev);
}

/* job.event.NAME for the plugins subscribed to this job, before the state
 * change the event causes. */
static void notify_subscribers (jobtap_host_t *h, struct job *job, const struct event *ev)
{
    char topic[128];

    if (job->nsubs == 0)
        return;
    snprintf (topic, sizeof (topic), "job.event.%s", ev->name);
    for (int i = 0; i < job->nsubs; i++) {
        flux_plugin_arg_t *args = host_job_args (h, job);
        jset (args->in, "entry", host_event_entry (ev));
        host_call_one (h, job->subs[i], job, topic, args);
        flux_plugin_arg_destroy (args);
    }
}

static void apply_event (jobtap_host_t *h, struct job *job, struct pending *pe)
{
    const struct event *ev = record_event (job, pe);
    const char *name = ev->name;
    json_int_t val;

    notify_subscribers (h, job, ev);
    if (streq (name, "validate")) {
        if (job->state == FLUX_JOB_STATE_NEW)
            set_state (h, job, FLUX_JOB_STATE_DEPEND, ev);
    }
    else if (streq (name, "depend")) {
        if (job->state == FLUX_JOB_STATE_DEPEND)
            set_state (h, job, FLUX_JOB_STATE_PRIORITY, ev);
    }
    else if (streq (name, "priority")) {
        if (ctx_int (ev, "priority", &val) == 0)
            job->priority = val;
        if (job->state == FLUX_JOB_STATE_PRIORITY)
            set_state (h, job, FLUX_JOB_STATE_SCHED, ev);
    }
    else if (streq (name, "urgency")) {
        if (ctx_int (ev, "urgency", &val) == 0)
            job->urgency = (int)val;
        if (job->state == FLUX_JOB_STATE_SCHED)
            set_state (h, job, FLUX_JOB_STATE_PRIORITY, ev);
    }
    else if (streq (name, "alloc")) {
        if (job->state == FLUX_JOB_STATE_SCHED)
            set_state (h, job, FLUX_JOB_STATE_RUN, ev);
    }
    else if (streq (name, "finish")) {
        if (job->state == FLUX_JOB_STATE_RUN && ctx_int (ev, "status", &val) == 0)
            end_job (h, job, ev, val == 0 ? FLUX_JOB_RESULT_COMPLETED
                                          : FLUX_JOB_RESULT_FAILED);
    }
    else if (streq (name, "clean")) {
        if (job->state == FLUX_JOB_STATE_CLEANUP)
            set_state (h, job, FLUX_JOB_STATE_INACTIVE, ev);
    }
    else if (streq (name, "exception"))
        apply_exception (h, job, ev);
    else if (streq (name, "dependency-add"))
        apply_dependency_add (job, ev);
    else if (streq (name, "dependency-remove"))
        apply_dependency_remove (h, job, ev);
    else if (streq (name, "jobspec-update"))
        apply_jobspec_update (h, job, ev);
    /* Anything else (memo, free, submit, plugin events) is only recorded. */
}

/* --- reprioritize all --- */

static bool is_prioritized (struct job *job)
{
    return job && !job->purged
           && (job->state == FLUX_JOB_STATE_PRIORITY
               || job->state == FLUX_JOB_STATE_SCHED);
}

static void reprioritize_one (jobtap_host_t *h, struct job *job)
{
    flux_plugin_arg_t *args = host_job_args (h, job);
    json_int_t priority;

    if (host_call_stack (h, job, "job.priority.get", args) < 0)
        goto out; /* current priority kept */
    if (!is_prioritized (job)
        || out_priority (h, job, "job.priority.get", args, &priority) < 0)
        goto out;
    if (priority < 0) {
        if (priority == PRIORITY_UNAVAIL && job->state == FLUX_JOB_STATE_SCHED)
            host_logf (h, LOG_ERR,
                       "job.priority.get: plugin bug: priority unavailable "
                       "for job %ju in SCHED state", (uintmax_t)job->id);
        goto out;
    }
    priority = urgency_override (job, priority);
    /* Only a changed value is posted (a job back in PRIORITY whose
     * priority did not change is not released by this). */
    if (priority != job->priority)
        post_priority (h, job, priority);
out:
    flux_plugin_arg_destroy (args);
}

void host_reprioritize_all (jobtap_host_t *h)
{
    struct job **jobs;
    size_t n = 0;

    /* Snapshot: callbacks may change states or end jobs as we go. */
    jobs = xzalloc ((h->njobs + 1) * sizeof (*jobs));
    for (struct job *job = h->active_head; job; job = job->next) {
        if (is_prioritized (job)) {
            host_job_ref (job);
            jobs[n++] = job;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (is_prioritized (jobs[i]))
            reprioritize_one (h, jobs[i]);
        host_job_unref (jobs[i]);
    }
    free (jobs);
}
