/* Job identifiers, states, results, urgency and priority ranges, with the
 * values flux-core uses (they appear in eventlogs and in plugin arguments, so
 * they must not differ). */
#ifndef FLUXACCT_FLUX_CORE_JOB_H
#define FLUXACCT_FLUX_CORE_JOB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t flux_jobid_t;

#define FLUX_JOBID_ANY 0xFFFFFFFFFFFFFFFF

/* States are bits so that masks of states can be formed. */
typedef enum {
    FLUX_JOB_STATE_NEW = 1,
    FLUX_JOB_STATE_DEPEND = 2,
    FLUX_JOB_STATE_PRIORITY = 4,
    FLUX_JOB_STATE_SCHED = 8,
    FLUX_JOB_STATE_RUN = 16,
    FLUX_JOB_STATE_CLEANUP = 32,
    FLUX_JOB_STATE_INACTIVE = 64,
} flux_job_state_t;

typedef enum {
    FLUX_JOB_RESULT_COMPLETED = 1,
    FLUX_JOB_RESULT_FAILED = 2,
    FLUX_JOB_RESULT_CANCELED = 4,
    FLUX_JOB_RESULT_TIMEOUT = 8,
} flux_job_result_t;

/* Urgency 0 holds a job (priority forced to MIN), 31 expedites it
 * (priority forced to MAX). */
#define FLUX_JOB_URGENCY_MIN 0
#define FLUX_JOB_URGENCY_HOLD FLUX_JOB_URGENCY_MIN
#define FLUX_JOB_URGENCY_DEFAULT 16
#define FLUX_JOB_URGENCY_MAX 31
#define FLUX_JOB_URGENCY_EXPEDITE FLUX_JOB_URGENCY_MAX

/* Priorities are the uint32 range; pack and unpack them with "I". */
#define FLUX_JOB_PRIORITY_MIN 0
#define FLUX_JOB_PRIORITY_MAX 4294967295

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FLUX_CORE_JOB_H */
