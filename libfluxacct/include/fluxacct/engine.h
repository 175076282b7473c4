/* libfluxacct - the in-memory priority and limits engine behind the
 * mf_priority jobtap plugin.
 *
 * The engine holds what the plugin needs to decide about jobs, without
 * SQL and without Flux types: the associations (userid -> banks ->
 * fair-share, limits, permitted queues and projects, default bank and
 * project, active flag), the queues, projects, bank priorities, priority
 * factor weights and deny_unknown_queues, the per-association job
 * counters, and the FIFO of jobs held by a limit.  Jobs are identified by
 * their 64-bit Flux job id; the caller passes plain values.
 *
 * Data comes as JSON text in flux-accounting's formats: the load-time
 * object of `flux account export-json` (fluxacct_engine_load()) and the
 * payloads of the plugin's seven services (fluxacct_engine_update()).  A
 * payload is validated completely before anything changes: a malformed
 * one is refused with a message naming the bad element, and the engine is
 * left exactly as it was.
 *
 * Behaviour: semantics.md sections 6 (priority) and 7 (limits); the
 * README's "The mf_priority jobtap plugin" section lists the decisions
 * taken where flux-accounting is silent or differs.
 *
 * Allocations (issue 14, fluxacct-semantics(7) "Allocations"): the bank
 * payload may carry each bank's parent, allocation A, used U and window
 * end; the engine keeps the bank tree and R, the reserved cost of every
 * admitted job (nodes x node_weight + cores x core_weight + gpus x
 * gpu_weight, times the job's duration or allocation_default_time_limit),
 * added to each bank on the job's path to the root when the job is
 * admitted (passes DEPEND) and released when it ends: a job that ran
 * leaves its actual cost (run time, at most its time limit) in R until the
 * next bank data, whose U includes it.  A bank is exhausted when A > 0 and
 * U + R >= A (U counts as 0 once the window has ended); config
 * allocation_enforcement decides what an exhausted bank on a job's path
 * does: "off" nothing, "reject" fluxacct_engine_validate() refuses the
 * submission, "hold" fluxacct_engine_job_depend() holds the job
 * (FLUXACCT_HOLD_ALLOCATION).  Running jobs are never touched.
 *
 * Cost: every job operation is O(1) (hash tables), except that a limit
 * freeing up walks the association's held jobs to release them in
 * submission order, and that a bank walk (allocations) is O(depth of the
 * bank tree, at most 100).  While jobs are held for an allocation, a
 * release pass sorts every held job by submission order (O(h log h)), so
 * that jobs of different users sharing a bank are released in the order
 * they were submitted.  Computing a priority allocates nothing.
 *
 * An engine must not be used from two threads at once.  Strings returned
 * with ownership are malloc'd; release them with free(). */
#ifndef FLUXACCT_ENGINE_H
#define FLUXACCT_ENGINE_H

#include <stdint.h>
#include <fluxacct/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fluxacct_engine fluxacct_engine_t;

/** Job states as the caller reports them (the values of Flux's
 *  flux_job_state_t). */
enum {
    FLUXACCT_JOB_NEW = 1,
    FLUXACCT_JOB_DEPEND = 2,
    FLUXACCT_JOB_PRIORITY = 4,
    FLUXACCT_JOB_SCHED = 8,
    FLUXACCT_JOB_RUN = 16,
    FLUXACCT_JOB_CLEANUP = 32,
};

/** Limits that hold a job, one bit each; a held job carries one Flux
 *  dependency per bit, named by fluxacct_engine_hold_name().  Listed in the order
 *  the dependencies are added. */
enum {
    FLUXACCT_HOLD_QUEUE_RUN_JOBS = 0x01,    /**< max-run-jobs-queue */
    FLUXACCT_HOLD_QUEUE_SCHED_JOBS = 0x02,  /**< max-sched-jobs-queue-limit */
    FLUXACCT_HOLD_QUEUE_SCHED_NODES = 0x04, /**< max-sched-nodes-queue-limit */
    FLUXACCT_HOLD_QUEUE_SCHED_CORES = 0x08, /**< max-sched-cores-queue-limit */
    FLUXACCT_HOLD_QUEUE_RESOURCES = 0x10,   /**< max-resources-queue */
    FLUXACCT_HOLD_RUN_JOBS = 0x20,          /**< max-running-jobs-user-limit */
    FLUXACCT_HOLD_SCHED_JOBS = 0x40,        /**< max-sched-jobs-user-limit */
    FLUXACCT_HOLD_RESOURCES = 0x80,         /**< max-resources-user-limit */
    /** allocation-exhausted: a bank on the job's path to the root has
     *  used its allocation (U + R >= A) and allocation_enforcement is
     *  "hold" */
    FLUXACCT_HOLD_ALLOCATION = 0x100,
    FLUXACCT_HOLD_ALL = 0x1ff,
};

/** Flags for fluxacct_engine_validate(). */
enum {
    /** The job is being submitted (state NEW): also check max_active_jobs.
     *  Without it (a pending job re-validated after `flux update`) the
     *  job is already counted and that check is skipped. */
    FLUXACCT_VALIDATE_SUBMIT = 1,
};

/** A job as the engine needs it.  Strings are borrowed for the call.  A
 *  versioned struct (libfluxacct(3), "API RULES"): initialise it with
 *  fluxacct_engine_jobdesc_init(). */
typedef struct {
    int version;
    uint32_t userid;
    const char *bank;       /**< attributes.system.bank, or NULL */
    const char *queue;      /**< attributes.system.queue, or NULL */
    const char *project;    /**< attributes.system.project, or NULL */
    int64_t nnodes;         /**< job size; -1 if the jobspec could not be */
    int64_t ncores;         /**< counted (see size_error) */
    const char *size_error; /**< why the size is unknown, or NULL */
    /** version 2: attributes.system.duration, the requested wall time in
     *  seconds; 0 (or absent) when the job asks for none */
    double duration;
    /** version 3: the job's GPU count (for the allocation reservation,
     *  gpu_weight); 0 when none or unknown */
    int64_t ngpus;
} fluxacct_engine_jobdesc_t;

#define FLUXACCT_ENGINE_JOBDESC_VERSION 3

/** Set job->version to `version` (pass FLUXACCT_ENGINE_JOBDESC_VERSION) and
 *  the members of that version to "unknown": userid 0, strings NULL,
 *  nnodes and ncores -1, duration 0, ngpus 0.  @return 0, or -1 with errno
 *  EINVAL (NULL job, unknown version). */
int fluxacct_engine_jobdesc_init (fluxacct_engine_jobdesc_t *job,
                                  int version);

/** Jobspec attributes the caller should write into the job (Flux:
 *  flux_jobtap_jobspec_update_pack).  Borrowed; valid until the next call
 *  on the engine.  NULL: nothing to write.  A versioned struct: initialise
 *  it with fluxacct_engine_jobspec_update_init(). */
typedef struct {
    int version;
    const char *bank;       /**< attributes.system.bank */
    const char *project;    /**< attributes.system.project */
} fluxacct_engine_jobspec_update_t;

#define FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION 1

/** Set update->version to `version` (pass
 *  FLUXACCT_ENGINE_JOBSPEC_UPDATE_VERSION) and both attributes to NULL.
 *  @return 0, or -1 with errno EINVAL (NULL update, unknown version). */
int fluxacct_engine_jobspec_update_init (fluxacct_engine_jobspec_update_t *update,
                                         int version);

/** The result of fluxacct_engine_job_priority().  A versioned struct:
 *  initialise it with fluxacct_engine_priority_init(). */
typedef struct {
    int version;
    /** 0 to 4294967295, or FLUXACCT_PRIORITY_UNAVAILABLE: the job waits
     *  (no accounting data yet, or held by a limit in PRIORITY state). */
    int64_t priority;
    /** the fair-share used */
    double fairshare;
    /** non-zero: the fair-share differs by more than 1e-9 from the one
     *  last reported for this job (or none was): post a memo */
    int memo;
} fluxacct_engine_priority_t;

#define FLUXACCT_ENGINE_PRIORITY_VERSION 1

/** Set out->version to `version` (pass FLUXACCT_ENGINE_PRIORITY_VERSION)
 *  and every member to 0.  @return 0, or -1 with errno EINVAL (NULL out,
 *  unknown version). */
int fluxacct_engine_priority_init (fluxacct_engine_priority_t *out,
                                   int version);

#define FLUXACCT_PRIORITY_UNAVAILABLE (-2)
#define FLUXACCT_PRIORITY_MAX 4294967295LL

/** A job whose limits have room again (fluxacct_engine_next_release()).
 *  A versioned struct: initialise it with fluxacct_engine_release_init(). */
typedef struct {
    int version;
    uint64_t id;
    /** FLUXACCT_HOLD_* dependencies to remove from the job.  A job held
     *  by an earlier instance of the plugin (reload) lists every bit: some
     *  may not be held, and removing those fails harmlessly.  0 for a job
     *  held in PRIORITY state (see reprioritize). */
    unsigned int remove;
    /** non-zero: the job waits in PRIORITY state (it met its limits only
     *  when its data arrived, after its DEPEND state): compute its
     *  priority and give it to the job manager */
    int reprioritize;
} fluxacct_engine_release_t;

#define FLUXACCT_ENGINE_RELEASE_VERSION 1

/** Set out->version to `version` (pass FLUXACCT_ENGINE_RELEASE_VERSION) and
 *  every member to 0.  @return 0, or -1 with errno EINVAL (NULL out,
 *  unknown version). */
int fluxacct_engine_release_init (fluxacct_engine_release_t *out,
                                  int version);

/** The dependency name of one FLUXACCT_HOLD_* bit, or NULL if hold is not
 *  exactly one known bit.  Static storage. */
const char *fluxacct_engine_hold_name (unsigned int hold);

/** Create an empty engine: no associations, no queues, projects or banks,
 *  the default weights (fairshare 100000, queue 10000, bank 0, urgency
 *  1000), deny_unknown_queues false, and no instance owner.
 *  @return an engine the caller must destroy with
 *          fluxacct_engine_destroy(), or NULL with errno ENOMEM. */
fluxacct_engine_t *fluxacct_engine_create (fluxacct_error_t *error);

/** Free the engine and everything it holds.  Accepts NULL; preserves
 *  errno. */
void fluxacct_engine_destroy (fluxacct_engine_t *e);

/** Declare the instance owner's userid.  The owner can always submit: no
 *  rejection applies to the owner's jobs, and a job of the owner that
 *  matches no association (or comes before any data) runs under a built-in
 *  association (fair-share 0.5, limits 1000000, any known queue and any
 *  project), so it is never kept waiting for data.
 *  @return 0, or -1 with errno EINVAL (NULL engine). */
int fluxacct_engine_set_owner (fluxacct_engine_t *e, uint32_t userid,
                               fluxacct_error_t *error);

/** Load the object written by `flux account export-json` (the plugin's
 *  load-time `config=`): any of the keys "associations", "queues",
 *  "projects", "banks", "config", "priority_factors", each in the format
 *  of the matching service payload's "data".  Keys that are absent leave
 *  that part unchanged; other keys are ignored.  "associations" is the
 *  complete set: associations it does not list are removed (a removed
 *  association keeps counting the jobs it already has, but no new job can
 *  use it).  All or nothing: on failure the engine is unchanged.
 *  @param json  JSON text of the object
 *  @return 0, or -1 with errno: EINVAL malformed (the message names the
 *          element, e.g. "associations[3].max_running_jobs: expected an
 *          integer from 0 to 2147483647, got -1"); ENOMEM. */
int fluxacct_engine_load (fluxacct_engine_t *e, const char *json,
                          fluxacct_error_t *error);

/** Apply the payload of one of the plugin's services (request text as
 *  sent, {"data": ...}):
 *  - "rec_update": upsert the listed associations and each listed user's
 *    default bank; with "replace": true beside "data" the list is the
 *    complete set and other associations are removed
 *  - "rec_q_update", "rec_proj_update", "rec_bank_update": replace the
 *    queues, the project list, the bank priorities (and, with the
 *    optional keys "parent_bank", "allocation", "allocation_used",
 *    "allocation_window_end", the bank tree and allocations: a parent must
 *    be a bank of the same list or "", without cycles, at most 100 levels
 *    (the root is level 1, as in the database); numbers finite and >= 0); new bank data also drops the cost
 *    of ended jobs kept in R, which its U now counts
 *  - "rec_fac_update": set the listed factor weights
 *  - "rec_config_update": set deny_unknown_queues,
 *    allocation_enforcement ("off", "hold", "reject"),
 *    allocation_default_time_limit (1..31536000 s), node_weight,
 *    core_weight, gpu_weight (0..1e9) when given
 *  - "reprioritize": nothing to load (payload ignored)
 *  Afterwards (success only) every association with held jobs is checked
 *  for jobs to release (fluxacct_engine_next_release()).
 *  All or nothing: on failure the engine is unchanged.
 *  @param name     the service name
 *  @param payload  the request's JSON text (may be NULL for reprioritize)
 *  @return 0, or -1 with errno: EINVAL malformed payload (the message
 *          names the element, prefixed with the service name); ENOENT
 *          unknown service name; ENOMEM. */
int fluxacct_engine_update (fluxacct_engine_t *e, const char *name,
                            const char *payload, fluxacct_error_t *error);

/** The plugin's services (job-manager.mf_priority.NAME), the one list
 *  the library, the plugin, flux-account and the Python package share: the
 *  six data services in the order priority-update sends them
 *  ("rec_update", "rec_q_update", "rec_proj_update", "rec_bank_update",
 *  "rec_fac_update", "rec_config_update"), then "reprioritize".
 *  @return a static NULL-terminated array (not to be freed); never NULL. */
const char *const *fluxacct_engine_services (void);

/** 1 when at least one association is loaded (jobs can be matched and
 *  prioritised), else 0 (also for NULL). */
int fluxacct_engine_has_data (const fluxacct_engine_t *e);

/** The submit-time checks (job.validate), in flux-accounting's order:
 *  unknown user/bank, disabled association, unknown queue with
 *  deny_unknown_queues, queue not permitted, project not permitted,
 *  max_active_jobs (FLUXACCT_VALIDATE_SUBMIT), job size (unknown, larger
 *  than the queue's max_nodes_per_assoc or its sched limits, larger than
 *  the association's max_nodes or max_cores), and last, with
 *  allocation_enforcement "reject" and FLUXACCT_VALIDATE_SUBMIT, an
 *  exhausted bank on the path to the root ("bank B: allocation exhausted:
 *  used+reserved U+R >= allocation A").  Jobs of the instance owner,
 *  and any job while no data is loaded, pass.  The engine is not changed.
 *  @param flags  FLUXACCT_VALIDATE_* bits
 *  @return 0 accept, or -1 reject with the reason in error (flux-accounting's
 *          text) and errno: ENOENT no association; EPERM a rule or limit;
 *          EINVAL bad arguments. */
int fluxacct_engine_validate (fluxacct_engine_t *e,
                              const fluxacct_engine_jobdesc_t *job, int flags,
                              fluxacct_error_t *error);

/** The maximum wall time per job of the association a job would be
 *  charged to (payload key max_wall_pj, in minutes as Slurm's MaxWall; 0
 *  or 2147483647: no limit), in seconds, (its bank, else the user's
 *  default bank): the duration to give a job that requests none, as Slurm
 *  applies MaxWall.  fluxacct_engine_validate() rejects a job whose
 *  duration exceeds it.
 *  @return the limit (> 0), or 0 when none applies (unlimited, no
 *          association, the instance owner), or -1 with errno EINVAL (NULL
 *          or malformed arguments). */
int64_t fluxacct_engine_max_wall (const fluxacct_engine_t *e,
                                  const fluxacct_engine_jobdesc_t *job);

/** A job enters the engine (job.new): at submission (state NEW), or when
 *  the plugin is loaded with the job already active (any later state,
 *  which rebuilds the counters: SCHED and PRIORITY jobs count as admitted,
 *  RUN jobs as running; pass RUN for a CLEANUP job that ran).  The job is
 *  matched to its association when data is loaded.
 *  @param update  out, may be NULL: at submission, the default bank (job
 *                 without bank) and default project (job without project,
 *                 default not "*") to write into the jobspec (an
 *                 initialised fluxacct_engine_jobspec_update_t)
 *  @return 0, or -1 with errno: EEXIST the id is known; EINVAL bad
 *          arguments; ENOMEM. */
int fluxacct_engine_job_new (fluxacct_engine_t *e, uint64_t id,
                             const fluxacct_engine_jobdesc_t *job, int state,
                             fluxacct_engine_jobspec_update_t *update,
                             fluxacct_error_t *error);

/** The job reaches DEPEND (job.state.depend): check its limits.  If all
 *  have room it is admitted (counted against them); otherwise it is held
 *  and queued in its association's FIFO.
 *  @param add     out: FLUXACCT_HOLD_* dependencies to add (0: admitted)
 *  @param remove  out, may be NULL: dependencies to remove, for a job that
 *                 was already DEPEND when the plugin was loaded (an
 *                 earlier instance may have added them)
 *  @return 0, or -1 with errno ENOENT (unknown job). */
int fluxacct_engine_job_depend (fluxacct_engine_t *e, uint64_t id,
                                unsigned int *add, unsigned int *remove,
                                fluxacct_error_t *error);

/** The job's priority (job.state.priority, job.priority.get), semantics
 *  section 6: round(W_fs*F + W_queue*Q + W_bank*B + W_urgency*(urgency-16))
 *  clamped to [0, 4294967295]; urgency 0 gives 0 and 31 gives 4294967295.
 *  A job submitted before any data is matched to its association here once
 *  data is loaded (*update then says what to write into the jobspec).
 *  @param urgency  0..31, or -1 for the urgency last given for this job
 *  @param out      an initialised fluxacct_engine_priority_t
 *  @param update   out, may be NULL: an initialised
 *                  fluxacct_engine_jobspec_update_t, set to the attributes
 *                  to write (NULL members: nothing)
 *  @return 0 with *out filled (priority may be
 *          FLUXACCT_PRIORITY_UNAVAILABLE), or -1 with errno: ENOENT
 *          unknown job, or data is loaded but the job matches no
 *          association ("cannot find user/bank or user/default bank entry
 *          for uid: N"); EPERM the job, accepted before data arrived,
 *          breaks a rule of its association (the message is the one
 *          validation would have given).  The caller should then end the
 *          job with an exception carrying the message. */
int fluxacct_engine_job_priority (fluxacct_engine_t *e, uint64_t id,
                                  int urgency, fluxacct_engine_priority_t *out,
                                  fluxacct_engine_jobspec_update_t *update,
                                  fluxacct_error_t *error);

/** The job reaches SCHED (job.state.sched).  @return 0, or -1 ENOENT. */
int fluxacct_engine_job_sched (fluxacct_engine_t *e, uint64_t id,
                               fluxacct_error_t *error);

/** The job starts running (job.state.run): it moves from the scheduled to
 *  the running counters; held jobs may be released.  @return 0, or -1
 *  ENOENT. */
int fluxacct_engine_job_run (fluxacct_engine_t *e, uint64_t id,
                             fluxacct_error_t *error);

/** The job is inactive (job.state.inactive): it leaves every counter and
 *  the held FIFO and is forgotten; held jobs may be released.
 *  @return 0, or -1 ENOENT. */
int fluxacct_engine_job_inactive (fluxacct_engine_t *e, uint64_t id,
                                  fluxacct_error_t *error);

/** May a pending job's bank or queue change to value (job.update.KEY)?
 *  @param key  "bank" or "queue" (or "attributes.system.bank"/"...queue")
 *  @return 0 yes, or -1 with the reason in error and errno: ENOENT
 *          unknown job or association; EPERM a rule or limit; EAGAIN no
 *          data loaded yet; EINVAL unknown key. */
int fluxacct_engine_job_check_update (fluxacct_engine_t *e, uint64_t id,
                                      const char *key, const char *value,
                                      fluxacct_error_t *error);

/** A pending job's bank and/or queue changed (job.update): move its
 *  counters and held-FIFO place to the new association and queue.  NULL
 *  leaves that attribute unchanged; an unchanged value is a no-op.
 *  @return 0, or -1 with errno ENOENT (unknown job). */
int fluxacct_engine_job_update (fluxacct_engine_t *e, uint64_t id,
                                const char *bank, const char *queue,
                                fluxacct_error_t *error);

/** Take the next job released from a hold (oldest first).  Jobs are
 *  released, in submission order within an association, whenever a job
 *  runs or ends, a job moves, limits change or data arrives; they are then
 *  already counted as admitted.
 *  @param out  an initialised fluxacct_engine_release_t
 *  @return 1 with *out filled, 0 when none is waiting, or -1 with errno
 *          EINVAL (NULL arguments, unknown out->version). */
int fluxacct_engine_next_release (fluxacct_engine_t *e,
                                  fluxacct_engine_release_t *out);

/** The state as JSON text, in the shape of flux-accounting's
 *  `flux jobtap query mf_priority.so` reply: "mf_priority_map" (users,
 *  their associations with limits, counters, queue usage and held jobs),
 *  "queues", "projects", plus "banks", "priority_factors",
 *  "deny_unknown_queues", "instance_owner", "have_data",
 *  "jobs_waiting_for_data", "allocation_enforcement",
 *  "allocation_default_time_limit" and "allocations": per bank of the
 *  bank data, {"parent_bank", "allocation" (A), "allocation_used" (U, 0
 *  once its window ended), "allocation_reserved" (R, the subtree's
 *  admitted jobs plus "allocation_ended"), "allocation_ended" (the cost
 *  of ended jobs awaiting the next bank data), "allocation_window_end",
 *  "exhausted"}.
 *  @return a string the caller must free(), or NULL with errno ENOMEM. */
char *fluxacct_engine_query (fluxacct_engine_t *e, fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_ENGINE_H */
