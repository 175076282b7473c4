/* Module engine (priority.h): the in-memory priority and limits engine of
 * mf_priority; may call util, parse. */
/* libfluxacct - the in-memory priority and limits engine (jobs, limits,
 * priority).  Payloads are read in prio_data.c, the query reply is built
 * in prio_query.c.
 *
 * Limits are counted on *admitted* jobs: a job is admitted when it passes
 * its limits in DEPEND (or is released from a hold) and stays admitted
 * until it is inactive.  max_running_jobs, max_nodes/max_cores and the
 * queue's max_running_jobs/max_nodes_per_assoc count every admitted job;
 * the "sched" limits count admitted jobs that do not run yet.  So a burst
 * of submissions cannot start more jobs than a limit allows, which
 * counting only RUN jobs (flux-accounting) cannot guarantee.
 *
 * A held job carries one dependency per limit that was full when it was
 * held; all are removed together when every limit has room, because a
 * removed dependency can never hold the job again (the job manager's
 * "grudge set"), so a partial release could let it through later while a
 * limit is full. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util/util_internal.h"
#include "util/vstruct_internal.h"
#include "engine/priority_internal.h"

static const char *const hold_names[9] = {
    "max-run-jobs-queue",          "max-sched-jobs-queue-limit",
    "max-sched-nodes-queue-limit", "max-sched-cores-queue-limit",
    "max-resources-queue",         "max-running-jobs-user-limit",
    "max-sched-jobs-user-limit",   "max-resources-user-limit",
    "allocation-exhausted",
};

FLUXACCT_EXPORT const char *fluxacct_engine_hold_name (unsigned int hold)
{
    for (int i = 0; i < 9; i++)
        if (hold == (1u << i))
            return hold_names[i];
    return NULL;
}

/* ----------------------------------------------------------------------
 * Engine lifetime
 */

FLUXACCT_EXPORT fluxacct_engine_t *fluxacct_engine_create (
    fluxacct_error_t *error)
{
    fluxacct_engine_t *e = calloc (1, sizeof (*e));

    if (!e)
        return errprintf_null (error, ENOMEM, "out of memory");
    e->w_fairshare = 100000;
    e->w_queue = 10000;
    e->w_bank = 0;
    e->w_urgency = 1000;
    e->alloc_default_tl = 3600;
    e->w_node = 1.0;
    e->next_seq = 1;
    return e;
}

void prio_assoc_free (struct assoc *a)
{
    if (a) {
        free (a->queues);
        free (a->projects);
        free (a->qu);
        free (a);
    }
}

void prio_qtable_clear (struct qtable *t)
{
    free (t->by_id);
    free (t->order);
    memset (t, 0, sizeof (*t));
}

void prio_btable_clear (struct btable *t)
{
    free (t->prio);
    free (t->defined);
    free (t->order);
    free (t->parent);
    free (t->alloc);
    free (t->used);
    free (t->wend);
    free (t->rsv);
    free (t->ended);
    free (t->nrsv);
    memset (t, 0, sizeof (*t));
}

void prio_ptable_clear (struct ptable *t)
{
    free (t->defined);
    free (t->order);
    memset (t, 0, sizeof (*t));
}

FLUXACCT_EXPORT void fluxacct_engine_destroy (fluxacct_engine_t *e)
{
    int saved = errno;
    size_t pos = 0;
    void *v;

    if (!e)
        return;
    while ((v = u64map_next (&e->jobs, &pos, NULL)))
        free (v);
    u64map_clear (&e->jobs);
    pos = 0;
    while ((v = u64map_next (&e->users, &pos, NULL)))
        free (v);
    u64map_clear (&e->users);
    for (struct assoc *a = e->all_head, *next; a; a = next) {
        next = a->all_next;
        prio_assoc_free (a);
    }
    u64map_clear (&e->assocs);
    prio_assoc_free (e->owner_assoc);
    prio_qtable_clear (&e->queues);
    prio_btable_clear (&e->banks);
    prio_ptable_clear (&e->projects);
    strtab_clear (&e->names);
    free (e->rel);
    free (e);
    errno = saved;
}

FLUXACCT_EXPORT int fluxacct_engine_set_owner (fluxacct_engine_t *e,
                                               uint32_t userid,
                                               fluxacct_error_t *error)
{
    struct assoc *a;

    if (!e)
        return errprintf (error, EINVAL, "invalid argument");
    if (!(a = e->owner_assoc)) {
        if (!(a = calloc (1, sizeof (*a))))
            return errprintf (error, ENOMEM, "out of memory");
        a->synthetic = true;
        a->bank = -1;
        a->def_project = -1;
        a->fairshare = 0.5;
        a->max_run_jobs = OWNER_LIMIT;
        a->max_active_jobs = OWNER_LIMIT;
        a->max_nodes = OWNER_LIMIT;
        a->max_cores = OWNER_LIMIT;
        a->max_sched_jobs = PRIO_UNLIMITED;
        a->active = 1;
        e->owner_assoc = a;
    }
    a->userid = userid;
    e->owner = userid;
    e->have_owner = true;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_has_data (const fluxacct_engine_t *e)
{
    return e && e->nlive > 0 ? 1 : 0;
}

/* ----------------------------------------------------------------------
 * Associations
 */

static bool is_owner (const struct fluxacct_engine *e, uint32_t userid)
{
    return e->have_owner && userid == e->owner;
}

struct assoc *prio_assoc_lookup (struct fluxacct_engine *e, uint32_t userid,
                                 int32_t bank)
{
    struct assoc *a;

    if (bank < 0)
        return NULL;
    a = u64map_get (&e->assocs, assoc_key (userid, bank));
    return a && !a->removed ? a : NULL;
}

/* The association a job of userid naming bank (id, -1 for none: the
 * user's default bank) belongs to; the owner falls back to the built-in
 * one. */
static struct assoc *resolve (struct fluxacct_engine *e, uint32_t userid,
                              int32_t bank)
{
    struct assoc *a = NULL;

    if (bank >= 0)
        a = prio_assoc_lookup (e, userid, bank);
    else {
        struct user *u = u64map_get (&e->users, userid);
        if (u)
            a = prio_assoc_lookup (e, userid, u->def_bank);
    }
    if (!a && is_owner (e, userid))
        a = e->owner_assoc;
    return a;
}

void prio_assoc_reap (struct fluxacct_engine *e, struct assoc *a)
{
    struct user *u;

    if (!a->removed || a->synthetic || a->cur_active > 0 || a->nheld > 0)
        return;
    (void)u64map_del (&e->assocs, assoc_key (a->userid, a->bank));
    if ((u = u64map_get (&e->users, a->userid))) {
        struct assoc **pp = &u->assocs;
        while (*pp && *pp != a)
            pp = &(*pp)->next_in_user;
        if (*pp)
            *pp = a->next_in_user;
    }
    if (a->all_prev)
        a->all_prev->all_next = a->all_next;
    else
        e->all_head = a->all_next;
    if (a->all_next)
        a->all_next->all_prev = a->all_prev;
    prio_assoc_free (a);
}

static struct qusage *qusage_find (struct assoc *a, int32_t queue)
{
    for (int i = 0; i < a->nqu; i++)
        if (a->qu[i].queue == queue)
            return &a->qu[i];
    return NULL;
}

/* Make sure a has a usage entry for queue, so that counting never has to
 * allocate.  0 or -1 ENOMEM. */
static int qusage_ensure (struct assoc *a, int32_t queue)
{
    if (queue < 0 || qusage_find (a, queue))
        return 0;
    if (a->nqu == a->qualloc) {
        int n = a->qualloc ? a->qualloc * 2 : 2;
        struct qusage *v = realloc (a->qu, (size_t)n * sizeof (*v));
        if (!v) {
            errno = ENOMEM;
            return -1;
        }
        a->qu = v;
        a->qualloc = n;
    }
    memset (&a->qu[a->nqu], 0, sizeof (a->qu[0]));
    a->qu[a->nqu++].queue = queue;
    return 0;
}

/* ----------------------------------------------------------------------
 * Permissions and the submit-time checks
 */

static bool list_has (const int32_t *v, int n, int32_t id)
{
    for (int i = 0; i < n; i++)
        if (v[i] == id)
            return true;
    return false;
}

/* The owner may use any known queue (flux-accounting's owner association
 * lists none, so its jobs naming a queue were rejected: quirk 17). */
static bool queue_permitted (const struct fluxacct_engine *e,
                             const struct assoc *a, uint32_t userid,
                             int32_t queue)
{
    if (a->synthetic || is_owner (e, userid))
        return true;
    return list_has (a->queues, a->nqueues, queue);
}

/* A project must be in the project list (once one was loaded) and in the
 * association's list. */
static bool project_permitted (const struct fluxacct_engine *e,
                               const struct assoc *a, int32_t project)
{
    if (a->synthetic)
        return true;
    if (project < 0)
        return false;
    if (e->projects.loaded
        && ((size_t)project >= e->projects.n || !e->projects.defined[project]))
        return false;
    return list_has (a->projects, a->nprojects, project);
}

/* "a,b,c" of a name list, cut to fit. */
static const char *join_names (const struct fluxacct_engine *e,
                               const int32_t *v, int n, char *buf,
                               size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < n && len + 1 < size; i++) {
        int w = snprintf (buf + len, size - len, "%s%s", i ? "," : "",
                          prio_name (e, v[i]));
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

/* What the checks need to know about a job. */
struct jobvals {
    double duration;        /* requested seconds; 0 none */
    uint32_t userid;
    int32_t queue;          /* id, -1 none or never interned */
    const char *queue_name; /* NULL none */
    int32_t project;
    const char *project_name;
    int64_t nnodes, ncores;
    bool size_unknown;
    const char *size_error;
};

static int check_size (const struct fluxacct_engine *e, const struct assoc *a,
                       const struct jobvals *j, fluxacct_error_t *error)
{
    const struct queue *q = prio_queue (e, j->queue);

    if (j->size_unknown) {
        if (j->size_error)
            return errprintf (error, EPERM, "unable to count resources for "
                              "job: %s", j->size_error);
        return errprintf (error, EPERM, "unable to count resources for job");
    }
    if (q && j->nnodes > q->v[QF_MAX_NODES_PER_ASSOC])
        return errprintf (error, EPERM, "job size (%lld node(s)) is greater "
                          "than max resources limit configured for queue "
                          "(%lld node(s))", (long long)j->nnodes,
                          (long long)q->v[QF_MAX_NODES_PER_ASSOC]);
    /* Held forever otherwise: refuse it now. */
    if (q && (j->nnodes > q->v[QF_MAX_SCHED_NODES_PER_ASSOC]
              || j->ncores > q->v[QF_MAX_SCHED_CORES_PER_ASSOC]))
        return errprintf (error, EPERM, "job size (%lld node(s), %lld "
                          "core(s)) is greater than max sched resources "
                          "limits configured for queue (%lld node(s), %lld "
                          "core(s))", (long long)j->nnodes,
                          (long long)j->ncores,
                          (long long)q->v[QF_MAX_SCHED_NODES_PER_ASSOC],
                          (long long)q->v[QF_MAX_SCHED_CORES_PER_ASSOC]);
    if (j->nnodes > a->max_nodes || j->ncores > a->max_cores)
        return errprintf (error, EPERM, "job size (%lld node(s), %lld "
                          "core(s)) is greater than max resources limits "
                          "configured for association (%lld node(s), %lld "
                          "core(s))", (long long)j->nnodes,
                          (long long)j->ncores, (long long)a->max_nodes,
                          (long long)a->max_cores);
    return 0;
}

/* Steps 3-8 of flux-accounting's validate_cb, for an association found. */
static int check_rules (const struct fluxacct_engine *e, const struct assoc *a,
                        const struct jobvals *j, bool check_active,
                        fluxacct_error_t *error)
{
    const struct queue *q = prio_queue (e, j->queue);
    char list[128];

    if (!a->active)
        return errprintf (error, EPERM, "user/bank entry has been disabled "
                          "from flux-accounting DB");
    if (j->queue_name && !q && e->deny_unknown_queues)
        return errprintf (error, EPERM, "queue \"%s\" is unknown to "
                          "flux-accounting and deny-unknown-queues is enabled",
                          j->queue_name);
    if (q && !queue_permitted (e, a, j->userid, j->queue))
        return errprintf (error, EPERM, "queue \"%s\" not valid for user; "
                          "valid queues for user: %s", j->queue_name,
                          join_names (e, a->queues, a->nqueues, list,
                                      sizeof (list)));
    if (j->project_name && !project_permitted (e, a, j->project))
        return errprintf (error, EPERM, "project \"%s\" not valid for user; "
                          "valid projects for user: %s", j->project_name,
                          join_names (e, a->projects, a->nprojects, list,
                                      sizeof (list)));
    if (check_active && a->max_active_jobs > 0
        && a->cur_active >= a->max_active_jobs)
        return errprintf (error, EPERM, "user has max active jobs");
    if (j->duration > 0 && a->max_wall_pj > 0
        && a->max_wall_pj < PRIO_UNLIMITED
        && j->duration > (double)a->max_wall_pj * 60)
        return errprintf (error, EPERM, "job duration (%gs) is greater than "
                          "the max wall time per job limit max_wall_pj "
                          "configured for association (%llds = %lld "
                          "minutes)", j->duration,
                          (long long)a->max_wall_pj * 60,
                          (long long)a->max_wall_pj);
    return check_size (e, a, j, error);
}

static int32_t find_name (const struct fluxacct_engine *e, const char *s)
{
    return s ? strtab_find (&e->names, s, strlen (s)) : -1;
}

/* Version 1 ends before duration, version 2 before ngpus. */
static const struct fa_vtype jobdesc_type = {
    "fluxacct_engine_jobdesc_t", "fluxacct_engine_jobdesc_init", 3,
    { offsetof (fluxacct_engine_jobdesc_t, duration),
      offsetof (fluxacct_engine_jobdesc_t, ngpus),
      sizeof (fluxacct_engine_jobdesc_t) },
};
static const fluxacct_engine_jobdesc_t jobdesc_defaults = {
    .version = FLUXACCT_ENGINE_JOBDESC_VERSION,
    .nnodes = -1,
    .ncores = -1,
};
static const fluxacct_engine_jobspec_update_t update_zero = {
    .version = FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION,
};
FA_VSTRUCT1 (update_type, fluxacct_engine_jobspec_update_t,
             fluxacct_engine_jobspec_update_init, update_zero);

static const fluxacct_engine_priority_t priority_zero = {
    .version = FLUXACCT_ENGINE_PRIORITY_VERSION,
};
FA_VSTRUCT1 (priority_type, fluxacct_engine_priority_t,
             fluxacct_engine_priority_init, priority_zero);

static const fluxacct_engine_release_t release_zero = {
    .version = FLUXACCT_ENGINE_RELEASE_VERSION,
};
FA_VSTRUCT1 (release_type, fluxacct_engine_release_t,
             fluxacct_engine_release_init, release_zero);

FLUXACCT_EXPORT int fluxacct_engine_jobdesc_init (fluxacct_engine_jobdesc_t *job,
                                                  int version)
{
    return fa_vinit (&jobdesc_type, job, version, &jobdesc_defaults);
}

/* The caller's job description (any version) as the latest version: an
 * older one has no duration (0) and no GPUs (0). */
static int desc_in (const fluxacct_engine_jobdesc_t *d,
                    fluxacct_engine_jobdesc_t *full, fluxacct_error_t *error)
{
    if (!d)
        return errprintf (error, EINVAL, "invalid job description");
    if (fa_vin (&jobdesc_type, d, full, &jobdesc_defaults, error) < 0)
        return -1;
    if (!(full->duration >= 0 && full->duration < INFINITY))
        return errprintf (error, EINVAL, "invalid job duration");
    return 0;
}

static int32_t exhausted_on_path (const struct fluxacct_engine *e,
                                  int32_t b);

static int64_t wall_now (void)
{
    return (int64_t)time (NULL);
}

FLUXACCT_EXPORT int64_t fluxacct_engine_max_wall (const fluxacct_engine_t *e,
                                                  const fluxacct_engine_jobdesc_t *desc)
{
    fluxacct_engine_jobdesc_t full, *job = &full;
    const struct assoc *a;

    if (!e || desc_in (desc, &full, NULL) < 0) {
        errno = EINVAL;
        return -1;
    }
    if (is_owner (e, job->userid))
        return 0;
    if (job->bank)
        a = prio_assoc_lookup ((struct fluxacct_engine *)e, job->userid,
                               find_name (e, job->bank));
    else
        a = resolve ((struct fluxacct_engine *)e, job->userid, -1);
    if (!a || a->max_wall_pj <= 0 || a->max_wall_pj >= PRIO_UNLIMITED)
        return 0;
    return a->max_wall_pj * 60;
}

FLUXACCT_EXPORT int fluxacct_engine_validate (fluxacct_engine_t *e,
                                              const fluxacct_engine_jobdesc_t *desc,
                                              int flags,
                                              fluxacct_error_t *error)
{
    fluxacct_engine_jobdesc_t full, *job = &full;
    struct jobvals j;
    struct assoc *a;

    if (!e)
        return errprintf (error, EINVAL, "invalid argument");
    if (desc_in (desc, &full, error) < 0)
        return -1;
    if (is_owner (e, job->userid))
        return 0;
    if (job->bank)
        a = prio_assoc_lookup (e, job->userid, find_name (e, job->bank));
    else
        a = resolve (e, job->userid, -1);
    if (!a) {
        /* No data yet: the job waits in PRIORITY until some arrives. */
        if (!fluxacct_engine_has_data (e))
            return 0;
        return errprintf (error, ENOENT, "cannot find user/bank or "
                          "user/default bank entry for uid: %u", job->userid);
    }
    j = (struct jobvals){
        .duration = job->duration,
        .userid = job->userid,
        .queue = find_name (e, job->queue),
        .queue_name = job->queue,
        .project = find_name (e, job->project),
        .project_name = job->project,
        .nnodes = job->nnodes,
        .ncores = job->ncores,
        .size_unknown = job->nnodes < 0 || job->ncores < 0,
        .size_error = job->size_error,
    };
    if (check_rules (e, a, &j, flags & FLUXACCT_VALIDATE_SUBMIT, error) < 0)
        return -1;
    if (e->alloc_policy == ALLOC_REJECT && (flags & FLUXACCT_VALIDATE_SUBMIT)
        && !a->synthetic) {
        int32_t b = exhausted_on_path (e, a->bank);
        if (b >= 0)
            return errprintf (error, EPERM, "bank %s: allocation exhausted: "
                              "used+reserved %.10g >= allocation %.10g",
                              prio_name (e, b),
                              prio_alloc_used (e, b, wall_now ())
                                  + e->banks.rsv[b] + e->banks.ended[b],
                              e->banks.alloc[b]);
    }
    return 0;
}

/* ----------------------------------------------------------------------
 * Counting
 */

/* Which limits would job j break if admitted to a now. */
static unsigned violations (const struct fluxacct_engine *e,
                            const struct assoc *a, const struct job *j)
{
    const struct queue *q = prio_queue (e, j->queue);
    unsigned mask = 0;

    if (q) {
        struct qusage zero = { 0 };
        const struct qusage *u = qusage_find ((struct assoc *)a, j->queue);
        if (!u)
            u = &zero;
        if (u->adm_jobs + 1 > q->v[QF_MAX_RUNNING_JOBS])
            mask |= FLUXACCT_HOLD_QUEUE_RUN_JOBS;
        if (u->pend_jobs + 1 > q->v[QF_MAX_SCHED_JOBS])
            mask |= FLUXACCT_HOLD_QUEUE_SCHED_JOBS;
        if (u->pend_nodes + j->nnodes > q->v[QF_MAX_SCHED_NODES_PER_ASSOC])
            mask |= FLUXACCT_HOLD_QUEUE_SCHED_NODES;
        if (u->pend_cores + j->ncores > q->v[QF_MAX_SCHED_CORES_PER_ASSOC])
            mask |= FLUXACCT_HOLD_QUEUE_SCHED_CORES;
        if (u->adm_nodes + j->nnodes > q->v[QF_MAX_NODES_PER_ASSOC])
            mask |= FLUXACCT_HOLD_QUEUE_RESOURCES;
    }
    if (a->adm_jobs + 1 > a->max_run_jobs)
        mask |= FLUXACCT_HOLD_RUN_JOBS;
    if (a->adm_pend + 1 > a->max_sched_jobs)
        mask |= FLUXACCT_HOLD_SCHED_JOBS;
    if (a->adm_nodes + j->nnodes > a->max_nodes
        || a->adm_cores + j->ncores > a->max_cores)
        mask |= FLUXACCT_HOLD_RESOURCES;
    if (e->alloc_policy == ALLOC_HOLD && !a->synthetic
        && exhausted_on_path (e, a->bank) >= 0)
        mask |= FLUXACCT_HOLD_ALLOCATION;
    return mask;
}

/* sign +1 counts the job in, -1 out.  The queue entry exists (ensured
 * when the job was bound or moved). */
static void count_admitted (struct assoc *a, struct job *j, int sign)
{
    struct qusage *u = qusage_find (a, j->queue);

    a->adm_jobs += sign;
    a->adm_nodes += sign * j->nnodes;
    a->adm_cores += sign * j->ncores;
    if (u) {
        u->adm_jobs += sign;
        u->adm_nodes += sign * j->nnodes;
    }
    if (j->running) {
        a->run_jobs += sign;
        a->run_nodes += sign * j->nnodes;
        a->run_cores += sign * j->ncores;
        if (u) {
            u->run_jobs += sign;
            u->run_nodes += sign * j->nnodes;
        }
    }
    else {
        a->adm_pend += sign;
        if (u) {
            u->pend_jobs += sign;
            u->pend_nodes += sign * j->nnodes;
            u->pend_cores += sign * j->ncores;
        }
    }
}

/* ----------------------------------------------------------------------
 * Allocations: the bank tree, R, exhaustion
 */

static double mono_now (void)
{
    struct timespec ts;

    /* Coarse (a few ms): enough to charge run time, and cheap per job. */
    if (clock_gettime (CLOCK_MONOTONIC_COARSE, &ts) < 0)
        return NAN;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool bank_known (const struct fluxacct_engine *e, int32_t b)
{
    return b >= 0 && (size_t)b < e->banks.n && e->banks.defined[b];
}

/* Add to the sums of every bank on b's path to the root (the tree was
 * checked: no cycle, bounded depth; the bound is kept anyway). */
static void path_add (struct fluxacct_engine *e, int32_t b, double rsv,
                      double ended, int64_t n)
{
    for (int d = 0; bank_known (e, b) && d <= PRIO_BANK_DEPTH; d++) {
        e->banks.nrsv[b] += n;
        e->banks.rsv[b] += rsv;
        if (e->banks.nrsv[b] == 0)
            e->banks.rsv[b] = 0.; /* no drift once nothing is reserved */
        e->banks.ended[b] += ended;
        b = e->banks.parent[b];
    }
}

static void reserve (struct fluxacct_engine *e, struct job *j)
{
    if (j->reserved || !j->assoc || j->assoc->synthetic)
        return;
    j->rsv_rate = (double)j->nnodes * e->w_node + (double)j->ncores * e->w_core
                  + (double)j->ngpus * e->w_gpu;
    j->rsv_time = j->duration > 0 ? j->duration : (double)e->alloc_default_tl;
    j->rsv_bank = j->assoc->bank;
    j->reserved = true;
    path_add (e, j->rsv_bank, j->rsv_rate * j->rsv_time, 0., 1);
}

/* The job ends (ran: charge its run time, at most its time limit, until
 * the next bank data) or leaves its bank before running (no charge). */
static void unreserve (struct fluxacct_engine *e, struct job *j, bool ended)
{
    double charge = 0.;

    if (!j->reserved)
        return;
    if (ended && j->running) {
        double t = j->rsv_time;
        if (!isnan (j->run_t0)) {
            double el = mono_now () - j->run_t0;
            if (el >= 0 && el < t)
                t = el;
        }
        charge = j->rsv_rate * t;
    }
    path_add (e, j->rsv_bank, -j->rsv_rate * j->rsv_time, charge, -1);
    j->reserved = false;
}

void prio_alloc_rebuild (struct fluxacct_engine *e)
{
    size_t pos = 0;
    struct job *j;

    while ((j = u64map_next (&e->jobs, &pos, NULL)))
        if (j->reserved)
            path_add (e, j->rsv_bank, j->rsv_rate * j->rsv_time, 0., 1);
}

double prio_alloc_used (const struct fluxacct_engine *e, int32_t b,
                        int64_t now)
{
    if (!bank_known (e, b))
        return 0.;
    if (e->banks.wend[b] > 0 && now >= e->banks.wend[b])
        return 0.; /* a new window began: nothing used in it yet */
    return e->banks.used[b];
}

bool prio_alloc_exhausted (const struct fluxacct_engine *e, int32_t b,
                           int64_t now)
{
    double a;

    if (!bank_known (e, b) || !((a = e->banks.alloc[b]) > 0.))
        return false;
    return prio_alloc_used (e, b, now) + e->banks.rsv[b] + e->banks.ended[b]
           >= a;
}

/* The first exhausted bank on b's path to the root, or -1. */
static int32_t exhausted_on_path (const struct fluxacct_engine *e, int32_t b)
{
    int64_t now = wall_now ();

    for (int d = 0; bank_known (e, b) && d <= PRIO_BANK_DEPTH; d++) {
        if (prio_alloc_exhausted (e, b, now))
            return b;
        b = e->banks.parent[b];
    }
    return -1;
}

static void admit (struct fluxacct_engine *e, struct job *j)
{
    if (!j->admitted && j->assoc) {
        j->admitted = true;
        count_admitted (j->assoc, j, +1);
        reserve (e, j);
    }
}

static void start_running (struct job *j)
{
    if (j->running)
        return;
    if (j->admitted && j->assoc) {
        count_admitted (j->assoc, j, -1);
        j->running = true;
        count_admitted (j->assoc, j, +1);
    }
    else
        j->running = true;
}

/* ----------------------------------------------------------------------
 * Held jobs and releases
 */

static int rel_reserve (struct fluxacct_engine *e, size_t need)
{
    fluxacct_engine_release_t *v;
    size_t n;

    if (need <= e->rel_alloc)
        return 0;
    n = e->rel_alloc ? e->rel_alloc * 2 : 16;
    while (n < need)
        n *= 2;
    if (!(v = malloc (n * sizeof (*v)))) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < e->rel_n; i++)
        v[i] = e->rel[(e->rel_head + i) % e->rel_alloc];
    free (e->rel);
    e->rel = v;
    e->rel_alloc = n;
    e->rel_head = 0;
    return 0;
}

static void held_assoc_link (struct fluxacct_engine *e, struct assoc *a)
{
    if (a->in_held_list)
        return;
    a->hprev = NULL;
    a->hnext = e->held_assocs;
    if (e->held_assocs)
        e->held_assocs->hprev = a;
    e->held_assocs = a;
    a->in_held_list = true;
}

static void held_assoc_unlink (struct fluxacct_engine *e, struct assoc *a)
{
    if (!a->in_held_list)
        return;
    if (a->hprev)
        a->hprev->hnext = a->hnext;
    else
        e->held_assocs = a->hnext;
    if (a->hnext)
        a->hnext->hprev = a->hprev;
    a->hprev = a->hnext = NULL;
    a->in_held_list = false;
}

/* Insert j in a's FIFO by submission order (usually at the tail). */
static void fifo_insert (struct fluxacct_engine *e, struct assoc *a,
                         struct job *j)
{
    struct job *after = a->held_tail;

    while (after && after->seq > j->seq)
        after = after->hprev;
    j->hprev = after;
    j->hnext = after ? after->hnext : a->held_head;
    if (j->hnext)
        j->hnext->hprev = j;
    else
        a->held_tail = j;
    if (after)
        after->hnext = j;
    else
        a->held_head = j;
    a->nheld++;
    e->nheld++;
    if (j->holds & FLUXACCT_HOLD_ALLOCATION)
        e->nheld_alloc++;
    j->held = true;
    held_assoc_link (e, a);
}

static void fifo_remove (struct fluxacct_engine *e, struct assoc *a,
                         struct job *j)
{
    if (!j->held)
        return;
    if (j->hprev)
        j->hprev->hnext = j->hnext;
    else
        a->held_head = j->hnext;
    if (j->hnext)
        j->hnext->hprev = j->hprev;
    else
        a->held_tail = j->hprev;
    j->hprev = j->hnext = NULL;
    j->held = false;
    e->nheld--;
    if (j->holds & FLUXACCT_HOLD_ALLOCATION)
        e->nheld_alloc--;
    if (--a->nheld == 0)
        held_assoc_unlink (e, a);
}

/* Hold j under mask.  The release queue is grown now, so that a later
 * release never has to allocate. */
static int hold (struct fluxacct_engine *e, struct job *j, unsigned mask,
                 bool in_priority)
{
    /* Invariant: rel_alloc >= rel_n + nheld (a held job yields at most
     * one release). */
    if (rel_reserve (e, e->rel_n + e->nheld + 1) < 0)
        return -1;
    j->holds = (uint16_t)mask;
    j->prio_hold = in_priority;
    fifo_insert (e, j->assoc, j);
    return 0;
}

static void release_one (struct fluxacct_engine *e, struct job *j)
{
    fluxacct_engine_release_t *r;

    fifo_remove (e, j->assoc, j);
    admit (e, j);
    r = &e->rel[(e->rel_head + e->rel_n++) % e->rel_alloc];
    r->id = j->id;
    /* Held in PRIORITY: no dependency to remove, a priority to give. */
    r->remove = j->prio_hold ? 0 : j->replayed ? FLUXACCT_HOLD_ALL : j->holds;
    r->reprioritize = j->prio_hold;
    j->holds = 0;
    j->prio_hold = false;
}

/* Release a's held jobs that fit now, oldest first.  Stops early once no
 * job can fit (job-count limits full). */
static void release_assoc (struct fluxacct_engine *e, struct assoc *a)
{
    struct job *j, *next;

    for (j = a->held_head; j; j = next) {
        next = j->hnext;
        if (a->adm_jobs >= a->max_run_jobs || a->adm_pend >= a->max_sched_jobs)
            break;
        if (violations (e, a, j) == 0)
            release_one (e, j);
    }
}

static int by_seq (const void *x, const void *y)
{
    const struct job *a = *(struct job *const *)x;
    const struct job *b = *(struct job *const *)y;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Jobs held for an allocation share banks across associations: release
 * every held job in submission order, so the oldest gets the room. */
static bool release_in_order (struct fluxacct_engine *e)
{
    struct job **v = malloc (e->nheld * sizeof (*v));
    size_t n = 0;

    if (!v)
        return false;
    for (struct assoc *a = e->held_assocs; a; a = a->hnext)
        for (struct job *j = a->held_head; j; j = j->hnext)
            v[n++] = j;
    qsort (v, n, sizeof (*v), by_seq);
    for (size_t i = 0; i < n; i++) {
        struct job *j = v[i];
        struct assoc *a = j->assoc;
        if (a->adm_jobs >= a->max_run_jobs || a->adm_pend >= a->max_sched_jobs)
            continue;
        if (violations (e, a, j) == 0)
            release_one (e, j);
    }
    free (v);
    return true;
}

void prio_release_all (struct fluxacct_engine *e)
{
    struct assoc *a, *next;

    if (e->nheld_alloc > 0 && release_in_order (e))
        return;
    for (a = e->held_assocs; a; a = next) {
        next = a->hnext;
        release_assoc (e, a);
    }
}

FLUXACCT_EXPORT int fluxacct_engine_next_release (fluxacct_engine_t *e,
                                                  fluxacct_engine_release_t *out)
{
    if (!e || !out) {
        errno = EINVAL;
        return -1;
    }
    if (fa_vcheck (&release_type, out, NULL) == 0)
        return -1;
    if (e->rel_n == 0)
        return 0;
    fa_vout (&release_type, out, &e->rel[e->rel_head]);
    e->rel_head = (e->rel_head + 1) % e->rel_alloc;
    e->rel_n--;
    return 1;
}

/* ----------------------------------------------------------------------
 * Jobs
 */

static struct job *job_get (struct fluxacct_engine *e, uint64_t id,
                            fluxacct_error_t *error)
{
    struct job *j = e ? u64map_get (&e->jobs, id) : NULL;

    if (!j)
        errprintf (error, e ? ENOENT : EINVAL, "job %ju is unknown to the "
                   "priority engine", (uintmax_t)id);
    return j;
}

static void unbound_link (struct fluxacct_engine *e, struct job *j)
{
    j->hprev = NULL;
    j->hnext = e->unbound;
    if (e->unbound)
        e->unbound->hprev = j;
    e->unbound = j;
    e->nunbound++;
}

static void unbound_unlink (struct fluxacct_engine *e, struct job *j)
{
    if (j->hprev)
        j->hprev->hnext = j->hnext;
    else
        e->unbound = j->hnext;
    if (j->hnext)
        j->hnext->hprev = j->hprev;
    j->hprev = j->hnext = NULL;
    e->nunbound--;
}

static bool queue_ok (const struct fluxacct_engine *e, const struct job *j)
{
    return queue_permitted (e, j->assoc, j->userid, j->queue);
}

static double queue_factor (const struct fluxacct_engine *e,
                            const struct job *j)
{
    const struct queue *q = prio_queue (e, j->queue);
    return q && queue_ok (e, j) ? (double)q->v[QF_PRIORITY] : 0.;
}

/* Attach j to a (counted active; queue usage entry ready). */
static int attach (struct fluxacct_engine *e, struct job *j, struct assoc *a)
{
    if (qusage_ensure (a, j->queue) < 0)
        return -1;
    j->assoc = a;
    a->cur_active++;
    a->last_queue_factor = queue_factor (e, j);
    return 0;
}

/* What to write into the jobspec of a job bound now: the default bank
 * when it named none, the default project (unless "*") when it named
 * none. */
static void jobspec_defaults (struct fluxacct_engine *e, struct job *j,
                              fluxacct_engine_jobspec_update_t *update)
{
    struct assoc *a = j->assoc;

    if (!update)
        return;
    if (!j->had_bank && !a->synthetic) {
        update->bank = prio_name (e, a->bank);
        j->bank = a->bank;
        j->had_bank = true;
    }
    if (j->project < 0 && a->def_project >= 0
        && strcmp (prio_name (e, a->def_project), "*") != 0) {
        update->project = prio_name (e, a->def_project);
        j->project = a->def_project;
    }
}

static int map_state (int state)
{
    switch (state) {
        case FLUXACCT_JOB_NEW: return J_NEW;
        case FLUXACCT_JOB_DEPEND: return J_DEPEND;
        case FLUXACCT_JOB_PRIORITY: return J_PRIORITY;
        case FLUXACCT_JOB_SCHED: return J_SCHED;
        case FLUXACCT_JOB_RUN: return J_RUN;
        case FLUXACCT_JOB_CLEANUP: return J_CLEANUP;
    }
    return -1;
}

static int intern_opt (struct fluxacct_engine *e, const char *s, int32_t *id)
{
    *id = -1;
    if (s && (*id = strtab_intern (&e->names, s, strlen (s))) < 0)
        return -1;
    return 0;
}

/* A job known from a (re)load, already past DEPEND: count it as it is. */
static void count_replayed (struct fluxacct_engine *e, struct job *j)
{
    if (j->state == J_PRIORITY || j->state == J_SCHED)
        admit (e, j);
    else if (j->state == J_RUN) {
        admit (e, j);
        start_running (j);
    }
}

FLUXACCT_EXPORT int fluxacct_engine_job_new (fluxacct_engine_t *e,
                                             uint64_t id,
                                             const fluxacct_engine_jobdesc_t *desc,
                                             int state,
                                             fluxacct_engine_jobspec_update_t *update,
                                             fluxacct_error_t *error)
{
    fluxacct_engine_jobdesc_t full, *job = &full;
    int js = map_state (state);
    struct assoc *a;
    struct job *j;

    if (update) {
        if (fa_vcheck (&update_type, update, error) == 0)
            return -1;
        fa_vzero (&update_type, update);
    }
    if (!e || js < 0)
        return errprintf (error, EINVAL, "invalid argument");
    if (desc_in (desc, &full, error) < 0)
        return -1;
    if (u64map_get (&e->jobs, id))
        return errprintf (error, EEXIST, "job %ju is already known",
                          (uintmax_t)id);
    if (!(j = calloc (1, sizeof (*j))))
        return errprintf (error, ENOMEM, "out of memory");
    j->id = id;
    j->seq = e->next_seq++;
    j->userid = job->userid;
    j->urgency = 16;
    j->memo_fs = NAN;
    j->state = (uint8_t)js;
    j->replayed = js != J_NEW;
    j->had_bank = job->bank != NULL;
    j->size_unknown = job->nnodes < 0 || job->ncores < 0;
    j->nnodes = j->size_unknown ? 0 : job->nnodes;
    j->ncores = j->size_unknown ? 0 : job->ncores;
    j->ngpus = job->ngpus > 0 ? job->ngpus : 0;
    j->duration = job->duration;
    j->rsv_bank = -1;
    j->run_t0 = NAN;
    if (intern_opt (e, job->bank, &j->bank) < 0
        || intern_opt (e, job->queue, &j->queue) < 0
        || intern_opt (e, job->project, &j->project) < 0
        || u64map_put (&e->jobs, id, j) < 0) {
        free (j);
        return errprintf (error, ENOMEM, "out of memory");
    }
    a = resolve (e, j->userid, j->bank);
    if (a && attach (e, j, a) < 0) {
        (void)u64map_del (&e->jobs, id);
        free (j);
        return errprintf (error, ENOMEM, "out of memory");
    }
    if (!a) {
        unbound_link (e, j);
        return 0;
    }
    if (js == J_NEW)
        jobspec_defaults (e, j, update);
    else
        count_replayed (e, j);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_job_depend (fluxacct_engine_t *e,
                                                uint64_t id,
                                                unsigned int *add,
                                                unsigned int *remove,
                                                fluxacct_error_t *error)
{
    struct job *j = job_get (e, id, error);
    unsigned mask = 0;

    if (add)
        *add = 0;
    if (remove)
        *remove = 0;
    if (!j)
        return -1;
    j->state = J_DEPEND;
    /* Not matched yet (no data): no limits apply until it is, in
     * PRIORITY; holds an earlier plugin instance added must go. */
    if (!j->assoc) {
        if (remove && j->replayed)
            *remove = FLUXACCT_HOLD_ALL;
        return 0;
    }
    /* Already admitted or held (a repeated call): no change. */
    if (j->admitted || j->held)
        return 0;
    if ((mask = violations (e, j->assoc, j)) == 0)
        admit (e, j);
    else if (hold (e, j, mask, false) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    if (add)
        *add = mask;
    if (remove && j->replayed)
        *remove = FLUXACCT_HOLD_ALL & ~mask;
    return 0;
}

/* A job accepted while no data was loaded meets its data: check it as
 * validation would have, bind it, and hold it in PRIORITY if a limit is
 * full. */
static int bind_late (struct fluxacct_engine *e, struct job *j,
                      fluxacct_engine_jobspec_update_t *update,
                      fluxacct_error_t *error)
{
    struct assoc *a = resolve (e, j->userid, j->bank);
    unsigned mask;

    if (!a)
        return errprintf (error, ENOENT, "cannot find user/bank or "
                          "user/default bank entry for uid: %u", j->userid);
    if (!is_owner (e, j->userid)) {
        struct jobvals v = {
            .userid = j->userid,
            .queue = j->queue,
            .queue_name = prio_name (e, j->queue),
            .project = j->project,
            .project_name = prio_name (e, j->project),
            .nnodes = j->nnodes,
            .ncores = j->ncores,
            .size_unknown = j->size_unknown,
        };
        if (check_rules (e, a, &v, false, error) < 0)
            return -1;
    }
    if (attach (e, j, a) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    unbound_unlink (e, j);
    jobspec_defaults (e, j, update);
    if (j->state >= J_SCHED) {
        count_replayed (e, j);
        return 0;
    }
    if ((mask = violations (e, a, j)) == 0)
        admit (e, j);
    else if (hold (e, j, mask, true) < 0) {
        admit (e, j); /* cannot hold it: let it through */
    }
    return 0;
}

static int64_t compute_priority (const struct fluxacct_engine *e,
                                 const struct job *j)
{
    const struct assoc *a = j->assoc;
    double b = 0., p;

    if (j->urgency == 0)
        return 0;
    if (j->urgency == 31)
        return FLUXACCT_PRIORITY_MAX;
    if (a->bank >= 0 && (size_t)a->bank < e->banks.n
        && e->banks.defined[a->bank])
        b = e->banks.prio[a->bank];
    p = (double)e->w_fairshare * a->fairshare
        + (double)e->w_queue * queue_factor (e, j)
        + (double)e->w_bank * b
        + (double)e->w_urgency * (double)(j->urgency - 16);
    p = round (p);
    if (!(p > 0.)) /* also NaN */
        return 0;
    if (p >= (double)FLUXACCT_PRIORITY_MAX)
        return FLUXACCT_PRIORITY_MAX;
    return (int64_t)p;
}

static int job_priority (fluxacct_engine_t *e, uint64_t id, int urgency,
                         fluxacct_engine_priority_t *out,
                         fluxacct_engine_jobspec_update_t *update,
                         fluxacct_error_t *error);

FLUXACCT_EXPORT int fluxacct_engine_job_priority (fluxacct_engine_t *e,
                                                  uint64_t id, int urgency,
                                                  fluxacct_engine_priority_t *result,
                                                  fluxacct_engine_jobspec_update_t *update,
                                                  fluxacct_error_t *error)
{
    fluxacct_engine_jobspec_update_t upd = update_zero;
    fluxacct_engine_priority_t res = priority_zero;
    int rc;

    if (!result)
        return errprintf (error, EINVAL, "invalid argument");
    if (fa_vcheck (&priority_type, result, error) == 0
        || (update && fa_vcheck (&update_type, update, error) == 0))
        return -1;
    rc = job_priority (e, id, urgency, &res, &upd, error);
    fa_vout (&priority_type, result, &res);
    if (update)
        fa_vout (&update_type, update, &upd);
    return rc;
}

static int job_priority (fluxacct_engine_t *e, uint64_t id, int urgency,
                         fluxacct_engine_priority_t *out,
                         fluxacct_engine_jobspec_update_t *update,
                         fluxacct_error_t *error)
{
    struct job *j = job_get (e, id, error);

    out->priority = FLUXACCT_PRIORITY_UNAVAILABLE;
    if (!j)
        return -1;
    if (urgency > 31)
        return errprintf (error, EINVAL, "urgency must be 0-31");
    if (urgency >= 0)
        j->urgency = urgency;
    if (j->state < J_PRIORITY)
        j->state = J_PRIORITY;
    if (!j->assoc) {
        if (!fluxacct_engine_has_data (e) && !is_owner (e, j->userid))
            return 0;
        if (bind_late (e, j, update, error) < 0)
            return -1;
    }
    if (j->prio_hold)
        return 0;
    out->priority = compute_priority (e, j);
    out->fairshare = j->assoc->fairshare;
    if (isnan (j->memo_fs) || fabs (out->fairshare - j->memo_fs) > 1e-9) {
        out->memo = 1;
        j->memo_fs = out->fairshare;
    }
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_job_sched (fluxacct_engine_t *e,
                                               uint64_t id,
                                               fluxacct_error_t *error)
{
    struct job *j = job_get (e, id, error);

    if (!j)
        return -1;
    j->state = J_SCHED;
    /* Reaching SCHED means the job passed DEPEND: if it was never
     * admitted (not matched then), count it now. */
    admit (e, j);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_job_run (fluxacct_engine_t *e,
                                             uint64_t id,
                                             fluxacct_error_t *error)
{
    struct job *j = job_get (e, id, error);

    if (!j)
        return -1;
    j->state = J_RUN;
    if (j->held)
        fifo_remove (e, j->assoc, j);
    admit (e, j);
    if (!j->running)
        j->run_t0 = mono_now ();
    start_running (j);
    if (j->assoc)
        release_assoc (e, j->assoc);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_job_inactive (fluxacct_engine_t *e,
                                                  uint64_t id,
                                                  fluxacct_error_t *error)
{
    struct job *j = job_get (e, id, error);
    struct assoc *a;

    if (!j)
        return -1;
    (void)u64map_del (&e->jobs, id);
    if (!(a = j->assoc)) {
        unbound_unlink (e, j);
        free (j);
        return 0;
    }
    fifo_remove (e, a, j);
    if (j->admitted)
        count_admitted (a, j, -1);
    a->cur_active--;
    bool had_rsv = j->reserved;
    unreserve (e, j, true);
    free (j);
    /* Its bank tree has room again: with jobs held for an allocation
     * (any association may share the bank), release in submission order. */
    if (had_rsv && e->nheld_alloc > 0)
        prio_release_all (e);
    else
        release_assoc (e, a);
    prio_assoc_reap (e, a);
    return 0;
}

/* ----------------------------------------------------------------------
 * Bank and queue updates of a pending job
 */

static const char *update_key (const char *key)
{
    if (!key)
        return NULL;
    if (strncmp (key, "attributes.system.", 18) == 0)
        key += 18;
    if (strcmp (key, "bank") == 0 || strcmp (key, "queue") == 0)
        return key;
    return NULL;
}

static const char *first_hold_name (unsigned mask)
{
    for (int i = 0; i < 9; i++)
        if (mask & (1u << i))
            return hold_names[i];
    return "";
}

static int check_bank_update (struct fluxacct_engine *e, struct job *j,
                              const char *bank, fluxacct_error_t *error)
{
    struct assoc *a;
    unsigned mask;

    if (is_owner (e, j->userid))
        return 0;
    if (!fluxacct_engine_has_data (e))
        return errprintf (error, EAGAIN, "update_bank: plugin still waiting "
                          "on flux-accounting data");
    if (!(a = prio_assoc_lookup (e, j->userid, find_name (e, bank))))
        return errprintf (error, ENOENT, "update_bank: cannot find "
                          "flux-accounting entry for uid/bank: %u/%s",
                          j->userid, bank);
    if (a == j->assoc)
        return 0;
    if (!a->active)
        return errprintf (error, EPERM, "user/bank entry has been disabled "
                          "from flux-accounting DB");
    if (a->max_active_jobs > 0 && a->cur_active >= a->max_active_jobs)
        return errprintf (error, EPERM, "new bank is already at "
                          "max-active-jobs limit");
    if (!j->admitted)
        return 0;
    /* An admitted job brings its counts along: the new association's
     * limits must have room for it. */
    if ((mask = violations (e, a, j)) & FLUXACCT_HOLD_RUN_JOBS)
        return errprintf (error, EPERM, "updating to bank %s while it is "
                          "already at max-run-jobs limit is not allowed; try "
                          "again later", bank);
    if (mask)
        return errprintf (error, EPERM, "updating to bank %s would exceed "
                          "its %s limit; try again later", bank,
                          first_hold_name (mask));
    return 0;
}

static int check_queue_update (struct fluxacct_engine *e, struct job *j,
                               const char *queue, fluxacct_error_t *error)
{
    int32_t id = find_name (e, queue);
    const struct queue *q = prio_queue (e, id);
    struct job moved;
    unsigned mask;

    if (!q) {
        if (e->deny_unknown_queues && !is_owner (e, j->userid))
            return errprintf (error, EPERM, "queue \"%s\" is unknown to "
                              "flux-accounting and deny-unknown-queues is "
                              "enabled", queue);
        return 0;
    }
    if (!j->assoc)
        return 0;
    if (!queue_permitted (e, j->assoc, j->userid, id))
        return errprintf (error, EPERM, "mf_priority: queue not valid for "
                          "user: %s", queue);
    if (!j->admitted || id == j->queue)
        return 0;
    moved = *j;
    moved.queue = id;
    mask = violations (e, j->assoc, &moved)
           & (FLUXACCT_HOLD_QUEUE_RUN_JOBS | FLUXACCT_HOLD_QUEUE_SCHED_JOBS
              | FLUXACCT_HOLD_QUEUE_SCHED_NODES
              | FLUXACCT_HOLD_QUEUE_SCHED_CORES
              | FLUXACCT_HOLD_QUEUE_RESOURCES);
    if (mask)
        return errprintf (error, EPERM, "updating to queue %s would exceed "
                          "its %s limit; try again later", queue,
                          first_hold_name (mask));
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_job_check_update (fluxacct_engine_t *e,
                                                      uint64_t id,
                                                      const char *key,
                                                      const char *value,
                                                      fluxacct_error_t *error)
{
    const char *k = update_key (key);
    struct job *j;

    if (!e || !value)
        return errprintf (error, EINVAL, "invalid argument");
    if (!k)
        return errprintf (error, EINVAL, "update of %s is not handled by the "
                          "priority engine", key ? key : "(null)");
    if (!(j = job_get (e, id, error)))
        return -1;
    if (strcmp (k, "bank") == 0)
        return check_bank_update (e, j, value, error);
    return check_queue_update (e, j, value, error);
}

/* Move a pending job to association b, counters and held place included. */
static int move_assoc (struct fluxacct_engine *e, struct job *j,
                       struct assoc *b, fluxacct_error_t *error)
{
    struct assoc *a = j->assoc;
    bool held = j->held;

    if (qusage_ensure (b, j->queue) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    fifo_remove (e, a, j);
    if (j->admitted)
        count_admitted (a, j, -1);
    a->cur_active--;
    j->assoc = b;
    b->cur_active++;
    if (j->admitted)
        count_admitted (b, j, +1);
    if (j->reserved) {
        unreserve (e, j, false);
        reserve (e, j);
    }
    if (held)
        fifo_insert (e, b, j);
    j->bank = b->bank;
    if (e->nheld_alloc > 0)
        prio_release_all (e);
    else {
        release_assoc (e, a);
        release_assoc (e, b);
    }
    prio_assoc_reap (e, a);
    return 0;
}

static int move_queue (struct fluxacct_engine *e, struct job *j, int32_t q,
                       fluxacct_error_t *error)
{
    struct assoc *a = j->assoc;

    if (!a) {
        j->queue = q;
        return 0;
    }
    if (qusage_ensure (a, q) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    if (j->admitted)
        count_admitted (a, j, -1);
    j->queue = q;
    if (j->admitted)
        count_admitted (a, j, +1);
    a->last_queue_factor = queue_factor (e, j);
    release_assoc (e, a);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_engine_job_update (fluxacct_engine_t *e,
                                                uint64_t id,
                                                const char *bank,
                                                const char *queue,
                                                fluxacct_error_t *error)
{
    struct job *j = job_get (e, id, error);
    int32_t b, q;

    if (!j)
        return -1;
    if (intern_opt (e, bank, &b) < 0 || intern_opt (e, queue, &q) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    if (queue && q != j->queue && move_queue (e, j, q, error) < 0)
        return -1;
    if (!bank)
        return 0;
    j->had_bank = true;
    if (!j->assoc) {
        j->bank = b;
        return 0;
    }
    if (b == j->assoc->bank)
        return 0;
    struct assoc *to = resolve (e, j->userid, b);
    if (!to)
        return errprintf (error, ENOENT, "cannot find user/bank entry for "
                          "uid/bank: %u/%s", j->userid, bank);
    if (to == j->assoc)
        return 0;
    return move_assoc (e, j, to, error);
}

/* ----------------------------------------------------------------------
 * Data arrived
 */

/* Jobs that went past PRIORITY without data (the plugin was loaded
 * without data while they were active) are matched and counted as soon as
 * data allows; PRIORITY jobs are matched by their next priority call. */
static void bind_waiting (struct fluxacct_engine *e)
{
    struct job *j = e->unbound, *next;

    for (; j; j = next) {
        next = j->hnext;
        if (j->state < J_SCHED)
            continue;
        struct assoc *a = resolve (e, j->userid, j->bank);
        if (!a || attach (e, j, a) < 0)
            continue;
        unbound_unlink (e, j);
        if (j->state != J_CLEANUP)
            count_replayed (e, j);
    }
}

void prio_data_changed (struct fluxacct_engine *e)
{
    if (e->unbound)
        bind_waiting (e);
    prio_release_all (e);
}
