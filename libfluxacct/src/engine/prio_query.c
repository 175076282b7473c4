/* libfluxacct - the priority engine's state as JSON, in the shape of
 * flux-accounting's `flux jobtap query mf_priority.so` reply.  Queries are
 * rare (an operator looking), so this builds a jansson tree. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "util/util_internal.h"
#include "engine/priority_internal.h"

/* json_object_set_new() that remembers a failure in *ok. */
static void jset (json_t *o, const char *key, json_t *v, bool *ok)
{
    if (!v || json_object_set_new (o, key, v) < 0)
        *ok = false;
}

static void jappend (json_t *a, json_t *v, bool *ok)
{
    if (!v || json_array_append_new (a, v) < 0)
        *ok = false;
}

static json_t *name_list (const struct fluxacct_engine *e, const int32_t *v,
                          int n, bool *ok)
{
    json_t *a = json_array ();

    if (!a) {
        *ok = false;
        return NULL;
    }
    for (int i = 0; i < n; i++)
        jappend (a, json_string (prio_name (e, v[i])), ok);
    return a;
}

static json_t *queue_usage (const struct fluxacct_engine *e,
                            const struct assoc *a, bool *ok)
{
    json_t *o = json_object ();

    if (!o) {
        *ok = false;
        return NULL;
    }
    for (int i = 0; i < a->nqu; i++) {
        const struct qusage *u = &a->qu[i];
        jset (o, prio_name (e, u->queue),
              json_pack ("{s:I s:I s:I s:I s:I s:I s:I}",
                         "cur_run_jobs", (json_int_t)u->run_jobs,
                         "cur_nodes", (json_int_t)u->run_nodes,
                         "cur_sched_jobs", (json_int_t)u->pend_jobs,
                         "cur_sched_nodes", (json_int_t)u->pend_nodes,
                         "cur_sched_cores", (json_int_t)u->pend_cores,
                         "admitted_jobs", (json_int_t)u->adm_jobs,
                         "admitted_nodes", (json_int_t)u->adm_nodes),
              ok);
    }
    return o;
}

static json_t *held_jobs (const struct fluxacct_engine *e,
                          const struct assoc *a, bool *ok)
{
    json_t *o = json_object ();

    if (!o) {
        *ok = false;
        return NULL;
    }
    for (const struct job *j = a->held_head; j; j = j->hnext) {
        char id[32];
        json_t *deps = json_array ();
        if (!deps) {
            *ok = false;
            break;
        }
        for (unsigned bit = 1; bit <= FLUXACCT_HOLD_ALL; bit <<= 1)
            if (j->holds & bit)
                jappend (deps, json_string (fluxacct_engine_hold_name (bit)), ok);
        snprintf (id, sizeof (id), "%" PRIu64, j->id);
        jset (o, id,
              json_pack ("{s:I s:I s:s s:o s:s}",
                         "nnodes", (json_int_t)j->nnodes,
                         "ncores", (json_int_t)j->ncores,
                         "queue", j->queue >= 0 ? prio_name (e, j->queue) : "",
                         "deps", deps,
                         "held_in", j->prio_hold ? "PRIORITY" : "DEPEND"),
              ok);
    }
    return o;
}

static json_t *assoc_json (const struct fluxacct_engine *e,
                           const struct assoc *a, bool *ok)
{
    const char *bank = a->bank >= 0 ? prio_name (e, a->bank) : "";
    const char *def_project =
        a->def_project >= 0 ? prio_name (e, a->def_project) : "*";
    json_t *o;

    o = json_pack ("{s:s s:f s:I s:I s:I s:I s:o s:f s:o s:s"
                   " s:I s:I s:I s:I s:i s:I s:I s:o s:o"
                   " s:I s:I s:I s:b}",
                   "bank_name", bank,
                   "fairshare", a->fairshare,
                   "max_run_jobs", (json_int_t)a->max_run_jobs,
                   "cur_run_jobs", (json_int_t)a->run_jobs,
                   "max_active_jobs", (json_int_t)a->max_active_jobs,
                   "cur_active_jobs", (json_int_t)a->cur_active,
                   "queues", name_list (e, a->queues, a->nqueues, ok),
                   "queue_factor", a->last_queue_factor,
                   "projects", name_list (e, a->projects, a->nprojects, ok),
                   "def_project", def_project,
                   "max_nodes", (json_int_t)a->max_nodes,
                   "max_cores", (json_int_t)a->max_cores,
                   "cur_nodes", (json_int_t)a->run_nodes,
                   "cur_cores", (json_int_t)a->run_cores,
                   "active", a->active,
                   "cur_sched_jobs", (json_int_t)a->adm_pend,
                   "max_sched_jobs", (json_int_t)a->max_sched_jobs,
                   "queue_usage", queue_usage (e, a, ok),
                   "held_jobs", held_jobs (e, a, ok),
                   "admitted_jobs", (json_int_t)a->adm_jobs,
                   "admitted_nodes", (json_int_t)a->adm_nodes,
                   "admitted_cores", (json_int_t)a->adm_cores,
                   "removed", a->removed);
    if (!o)
        *ok = false;
    return o;
}

static int cmp_user (const void *a, const void *b)
{
    const struct user *x = *(const struct user *const *)a;
    const struct user *y = *(const struct user *const *)b;
    return x->userid < y->userid ? -1 : x->userid > y->userid;
}

static json_t *user_map (const struct fluxacct_engine *e, bool *ok)
{
    json_t *map = json_array ();
    struct user **v = NULL;
    size_t n = 0, pos = 0;
    struct user *u;

    if (!map || (e->users.n && !(v = malloc (e->users.n * sizeof (*v))))) {
        *ok = false;
        return map;
    }
    while ((u = u64map_next (&e->users, &pos, NULL)))
        v[n++] = u;
    if (n > 1)
        qsort (v, n, sizeof (*v), cmp_user);
    for (size_t i = 0; i < n; i++) {
        json_t *banks = json_array ();
        if (!banks) {
            *ok = false;
            break;
        }
        for (const struct assoc *a = v[i]->assocs; a; a = a->next_in_user)
            jappend (banks, assoc_json (e, a, ok), ok);
        /* a user whose associations were all removed is not listed */
        if (json_array_size (banks) == 0) {
            json_decref (banks);
            continue;
        }
        jappend (map, json_pack ("{s:I s:s s:o}",
                                 "userid", (json_int_t)v[i]->userid,
                                 "def_bank", v[i]->def_bank >= 0
                                     ? prio_name (e, v[i]->def_bank) : "",
                                 "banks", banks),
                 ok);
    }
    free (v);
    return map;
}

static json_t *queues_json (const struct fluxacct_engine *e, bool *ok)
{
    json_t *o = json_object ();

    if (!o) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < e->queues.count; i++) {
        int32_t id = e->queues.order[i];
        const struct queue *q = &e->queues.by_id[id];
        json_t *qo = json_pack ("{s:s}", "name", prio_name (e, id));
        if (!qo) {
            *ok = false;
            break;
        }
        for (int f = 0; f < QF_COUNT; f++)
            jset (qo, prio_queue_fields[f], json_integer (q->v[f]), ok);
        jset (o, prio_name (e, id), qo, ok);
    }
    return o;
}

static json_t *projects_json (const struct fluxacct_engine *e, bool *ok)
{
    return name_list (e, e->projects.order, (int)e->projects.count, ok);
}

static json_t *banks_json (const struct fluxacct_engine *e, bool *ok)
{
    json_t *o = json_object ();

    if (!o) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < e->banks.count; i++) {
        int32_t id = e->banks.order[i];
        jset (o, prio_name (e, id), json_real (e->banks.prio[id]), ok);
    }
    return o;
}

static json_t *allocations_json (const struct fluxacct_engine *e, bool *ok)
{
    const struct btable *t = &e->banks;
    int64_t now = (int64_t)time (NULL);
    json_t *o = json_object ();

    if (!o) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < t->count; i++) {
        int32_t id = t->order[i];
        jset (o, prio_name (e, id),
              json_pack ("{s:s s:f s:f s:f s:f s:I s:b}",
                         "parent_bank",
                         t->parent[id] >= 0 ? prio_name (e, t->parent[id])
                                            : "",
                         "allocation", t->alloc[id],
                         "allocation_used", prio_alloc_used (e, id, now),
                         "allocation_reserved", t->rsv[id] + t->ended[id],
                         "allocation_ended", t->ended[id],
                         "allocation_window_end", (json_int_t)t->wend[id],
                         "exhausted", prio_alloc_exhausted (e, id, now)),
              ok);
    }
    return o;
}

static const char *const policy_names[] = { "off", "hold", "reject" };

static json_t *owner_json (const struct fluxacct_engine *e, bool *ok)
{
    if (!e->have_owner)
        return json_null ();
    return json_pack ("{s:I s:o}", "userid", (json_int_t)e->owner,
                      "association", assoc_json (e, e->owner_assoc, ok));
}

FLUXACCT_EXPORT char *fluxacct_engine_query (fluxacct_engine_t *e,
                                             fluxacct_error_t *error)
{
    bool ok = true;
    json_t *o;
    char *s = NULL;

    if (!e)
        return errprintf_null (error, EINVAL, "invalid argument");
    o = json_pack ("{s:o s:o s:o s:o s:{s:I s:I s:I s:I} s:b s:o s:b s:I}",
                   "mf_priority_map", user_map (e, &ok),
                   "queues", queues_json (e, &ok),
                   "projects", projects_json (e, &ok),
                   "banks", banks_json (e, &ok),
                   "priority_factors",
                       "fairshare", (json_int_t)e->w_fairshare,
                       "queue", (json_int_t)e->w_queue,
                       "bank", (json_int_t)e->w_bank,
                       "urgency", (json_int_t)e->w_urgency,
                   "deny_unknown_queues", e->deny_unknown_queues,
                   "instance_owner", owner_json (e, &ok),
                   "have_data", fluxacct_engine_has_data (e),
                   "jobs_waiting_for_data", (json_int_t)e->nunbound);
    if (o && ok)
        ok = json_object_set_new (o, "allocation_enforcement",
                                  json_string (policy_names[e->alloc_policy]))
                 == 0
             && json_object_set_new (o, "allocation_default_time_limit",
                                     json_integer (e->alloc_default_tl)) == 0
             && json_object_set_new (o, "allocations",
                                     allocations_json (e, &ok)) == 0;
    if (o && ok)
        s = json_dumps (o, JSON_COMPACT);
    json_decref (o);
    if (!s)
        return errprintf_null (error, ENOMEM, "out of memory");
    return s;
}
