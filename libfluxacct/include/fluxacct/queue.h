/* libfluxacct - queues and their limits (accounting queues, separate from
 * flux-core's queues). */
#ifndef FLUXACCT_QUEUE_H
#define FLUXACCT_QUEUE_H

#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A queue's fields.  A versioned struct (libfluxacct(3), "API RULES"):
 *  initialise it with fluxacct_queue_fields_init(): every
 *  field starts FLUXACCT_UNSET.  In edit calls FLUXACCT_RESET (-1) resets a
 *  field to its default; priority may be any other integer, negative too. */
typedef struct {
    int version;
    const char *queue;                 /**< name (required) */
    int64_t min_nodes_per_job;         /**< default 1 */
    int64_t max_nodes_per_job;         /**< default 1 */
    int64_t max_time_per_job;          /**< default 60 */
    int64_t priority;                  /**< default 0 */
    int64_t max_running_jobs;          /**< per association; default 100 */
    int64_t max_nodes_per_assoc;       /**< default FLUXACCT_UNLIMITED */
    int64_t max_sched_jobs;            /**< default FLUXACCT_UNLIMITED */
    int64_t max_sched_nodes_per_assoc; /**< default FLUXACCT_UNLIMITED */
    int64_t max_sched_cores_per_assoc; /**< default FLUXACCT_UNLIMITED */
    int64_t max_nodes;                 /**< default FLUXACCT_UNLIMITED */
    int64_t max_cores;                 /**< default FLUXACCT_UNLIMITED */
} fluxacct_queue_fields_t;

#define FLUXACCT_QUEUE_FIELDS_VERSION 1

/** Set f->version to `version` (pass FLUXACCT_QUEUE_FIELDS_VERSION) and every field of that
 *  version to "not given".  @return 0, or -1 with errno EINVAL (NULL f,
 *  unknown version). */
int fluxacct_queue_fields_init (fluxacct_queue_fields_t *f, int version);

/** Add a queue.  The name must not contain a comma (association queue
 *  lists are comma lists).  @return 0, or -1 with errno: EINVAL bad name
 *  or a negative limit; EEXIST the queue exists. */
int fluxacct_queue_add (fluxacct_db_t *db, const fluxacct_queue_fields_t *f,
                        fluxacct_error_t *error);

/** Change the given fields.  @return 0, or -1 with errno: EINVAL nothing to
 *  change or bad value; ENOENT unknown queue. */
int fluxacct_queue_edit (fluxacct_db_t *db, const fluxacct_queue_fields_t *f,
                         fluxacct_error_t *error);

/**
 * Delete a queue.  Associations that still list it keep the name.
 * @return the number of associations still listing the queue (>= 0, the
 *   caller should warn when > 0), or -1 with errno ENOENT.
 */
int fluxacct_queue_delete (fluxacct_db_t *db, const char *queue,
                           fluxacct_error_t *error);

/** One queue's row; NULL with ENOENT (unknown) or EINVAL (fields).  Caller
 *  destroys the result. */
fluxacct_rows_t *fluxacct_queue_view (fluxacct_db_t *db, const char *queue,
                                      const char *fields,
                                      fluxacct_error_t *error);

/** All queues ordered by name; NULL with EINVAL (fields).  Caller destroys
 *  the result. */
fluxacct_rows_t *fluxacct_queue_list (fluxacct_db_t *db, const char *fields,
                                      fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_QUEUE_H */
