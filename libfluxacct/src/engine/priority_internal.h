/* libfluxacct - the priority engine's data structures, shared by
 * priority.c (jobs, limits, priority), prio_data.c (payloads) and
 * prio_query.c (the query reply).  Not API. */
#ifndef FLUXACCT_PRIORITY_INTERNAL_H
#define FLUXACCT_PRIORITY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fluxacct/engine.h"
#include "util/hashmap_internal.h"

/* flux-accounting's "unlimited". */
#define PRIO_UNLIMITED 2147483647LL

/* Limits of the built-in association of the instance owner (the values
 * flux-accounting's priority-update sends for the owner). */
#define OWNER_LIMIT 1000000LL

/* Queue fields, in payload order. */
enum {
    QF_MIN_NODES_PER_JOB,
    QF_MAX_NODES_PER_JOB,
    QF_MAX_TIME_PER_JOB,
    QF_PRIORITY,
    QF_MAX_RUNNING_JOBS,
    QF_MAX_NODES_PER_ASSOC,
    QF_MAX_SCHED_JOBS,
    QF_MAX_SCHED_NODES_PER_ASSOC,
    QF_MAX_SCHED_CORES_PER_ASSOC,
    QF_COUNT,
};
extern const char *const prio_queue_fields[QF_COUNT];

struct queue {
    bool defined;
    int64_t v[QF_COUNT];
};

/* Tables keyed by interned name id.  Replaced whole by their payloads. */
struct qtable {
    struct queue *by_id;    /* n entries; by_id[id].defined */
    size_t n;
    int32_t *order;         /* ids in payload order, count entries */
    size_t count;
};

/* Deepest bank tree the allocation walks accept: levels below the root
 * (the database allows 100 levels, the root being level 1). */
#define PRIO_BANK_DEPTH 99

struct btable {
    double *prio;           /* bank priority by id */
    uint8_t *defined;
    size_t n;
    int32_t *order;
    size_t count;
    /* Allocations (optional payload keys); by id, n entries each. */
    int32_t *parent;        /* parent bank id, -1 root or none */
    double *alloc;          /* A, 0 none */
    double *used;           /* U */
    int64_t *wend;          /* end of U's window, 0 never */
    /* Runtime, rebuilt from the jobs when the table is replaced: the
     * subtree sums of R (reservations of admitted jobs), of the cost of
     * ended jobs since this data, and the number of reserving jobs (so
     * that R is exactly 0 when none is left). */
    double *rsv;
    double *ended;
    int64_t *nrsv;
};

/* allocation_enforcement */
enum { ALLOC_OFF, ALLOC_HOLD, ALLOC_REJECT };

struct ptable {
    uint8_t *defined;
    size_t n;
    int32_t *order;
    size_t count;
    bool loaded;            /* a project list was ever received */
};

/* An association's usage of one queue. */
struct qusage {
    int32_t queue;
    int64_t adm_jobs;       /* admitted (pending or running) jobs */
    int64_t adm_nodes;
    int64_t pend_jobs;      /* admitted, not yet running */
    int64_t pend_nodes;
    int64_t pend_cores;
    int64_t run_jobs;
    int64_t run_nodes;
};

struct job;

struct assoc {
    uint32_t userid;
    int32_t bank;           /* name id */
    double fairshare;
    int64_t max_run_jobs;
    int64_t max_active_jobs;
    int64_t max_nodes;
    int64_t max_cores;
    int64_t max_sched_jobs;
    int64_t max_wall_pj;        /* minutes; 0 or PRIO_UNLIMITED: none */
    int active;
    int32_t *queues;        /* permitted queue name ids */
    int nqueues;
    int32_t *projects;      /* permitted project name ids */
    int nprojects;
    int32_t def_project;
    bool removed;           /* dropped by a full load; kept while it has jobs */
    bool synthetic;         /* the instance owner's built-in association */
    uint64_t gen;           /* load generation that last listed it */

    /* Counters.  "Admitted" jobs passed their limits (not held) and are
     * not inactive; limits count them, so a burst of submissions cannot
     * overshoot a limit before the jobs start. */
    int64_t cur_active;     /* bound jobs, new -> inactive */
    int64_t adm_jobs;
    int64_t adm_pend;       /* admitted, not yet running */
    int64_t adm_nodes;
    int64_t adm_cores;
    int64_t run_jobs;
    int64_t run_nodes;
    int64_t run_cores;
    struct qusage *qu;
    int nqu, qualloc;
    double last_queue_factor;

    /* Held jobs, oldest first. */
    struct job *held_head, *held_tail;
    size_t nheld;
    struct assoc *hprev, *hnext;    /* engine list of assocs with held jobs */
    bool in_held_list;

    struct assoc *next_in_user;
    struct assoc *all_prev, *all_next;
};

struct user {
    uint32_t userid;
    int32_t def_bank;       /* name id, -1 none */
    struct assoc *assocs;   /* list via next_in_user, in load order */
};

enum { J_NEW, J_DEPEND, J_PRIORITY, J_SCHED, J_RUN, J_CLEANUP };

struct job {
    uint64_t id;
    uint64_t seq;           /* submission order */
    uint32_t userid;
    int32_t bank;           /* requested bank name id, -1 none */
    int32_t queue;          /* queue name id, -1 none */
    int32_t project;        /* project name id, -1 none */
    int64_t nnodes, ncores; /* 0 when unknown (size_unknown) */
    struct assoc *assoc;    /* NULL: waiting for data */
    int urgency;
    double memo_fs;         /* fair-share last reported, NAN none */
    uint16_t holds;         /* FLUXACCT_HOLD_* bits held */
    uint8_t state;          /* J_* */
    bool admitted;
    bool running;
    bool held;              /* in the association's FIFO */
    bool prio_hold;         /* held in PRIORITY state (bound late) */
    bool replayed;          /* known from a plugin (re)load */
    bool size_unknown;
    bool had_bank;          /* the jobspec named a bank */
    bool reserved;          /* rsv_cost is counted in the bank tree */
    int64_t ngpus;
    double duration;        /* requested seconds, 0 none */
    double rsv_rate;        /* weighted size per second */
    double rsv_time;        /* seconds reserved */
    int32_t rsv_bank;       /* bank the reservation was made in */
    double run_t0;          /* monotonic run start, NAN unknown */
    struct job *hprev, *hnext;      /* held FIFO, or unbound list */
};

struct fluxacct_engine {
    struct strtab names;
    struct u64map assocs;   /* (userid << 32 | bank id) -> assoc */
    struct u64map users;    /* userid -> user */
    struct u64map jobs;     /* job id -> job */
    struct assoc *all_head; /* every assoc, for full loads and queries */
    size_t nlive;           /* loaded, not removed */
    uint64_t gen;

    bool have_owner;
    uint32_t owner;
    struct assoc *owner_assoc;

    struct qtable queues;
    struct btable banks;
    struct ptable projects;
    int64_t w_fairshare, w_queue, w_bank, w_urgency;
    bool deny_unknown_queues;
    int alloc_policy;               /* ALLOC_* */
    int64_t alloc_default_tl;       /* seconds */
    double w_node, w_core, w_gpu;   /* usage weights, for R */
    size_t nheld_alloc;             /* held jobs with FLUXACCT_HOLD_ALLOCATION */

    uint64_t next_seq;
    struct assoc *held_assocs;      /* assocs with held jobs */
    size_t nheld;                   /* held jobs in all FIFOs */
    struct job *unbound;            /* jobs waiting for data */
    size_t nunbound;

    fluxacct_engine_release_t *rel;        /* release queue (ring) */
    size_t rel_head, rel_n, rel_alloc;
};

/* Interned name helpers. */
static inline const char *prio_name (const struct fluxacct_engine *e,
                                     int32_t id)
{
    return id >= 0 ? strtab_str (&e->names, id) : NULL;
}

static inline uint64_t assoc_key (uint32_t userid, int32_t bank)
{
    return ((uint64_t)userid << 32) | (uint32_t)bank;
}

/* A known queue's definition, or NULL. */
static inline const struct queue *prio_queue (const struct fluxacct_engine *e,
                                              int32_t id)
{
    if (id < 0 || (size_t)id >= e->queues.n || !e->queues.by_id[id].defined)
        return NULL;
    return &e->queues.by_id[id];
}

/* Live (loaded, not removed) association (userid, bank), or NULL. */
struct assoc *prio_assoc_lookup (struct fluxacct_engine *e, uint32_t userid,
                                 int32_t bank);

/* Free an association's arrays and itself (not unlinked). */
void prio_assoc_free (struct assoc *a);

/* Unlink and free a removed association that no longer has jobs. */
void prio_assoc_reap (struct fluxacct_engine *e, struct assoc *a);

/* After data changed: bind waiting jobs that are already past PRIORITY,
 * then release what the new limits allow. */
void prio_data_changed (struct fluxacct_engine *e);

/* The bank tree was replaced: rebuild R from the jobs' reservations. */
void prio_alloc_rebuild (struct fluxacct_engine *e);

/* The allocation figures of bank id b (0 when unknown); U is 0 once
 * the window has ended at time now. */
double prio_alloc_used (const struct fluxacct_engine *e, int32_t b,
                        int64_t now);
bool prio_alloc_exhausted (const struct fluxacct_engine *e, int32_t b,
                           int64_t now);

/* Run the release pass over every association with held jobs. */
void prio_release_all (struct fluxacct_engine *e);

/* Table teardown. */
void prio_qtable_clear (struct qtable *t);
void prio_btable_clear (struct btable *t);
void prio_ptable_clear (struct ptable *t);

#endif /* FLUXACCT_PRIORITY_INTERNAL_H */
