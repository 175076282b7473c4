/* libfluxacct - the data feed of the mf_priority jobtap plugin, read from
 * the database: the load-time object of `flux account export-json` and
 * the payloads of the plugin's services, with flux-accounting's field
 * names (see fluxacct/engine.h for what the plugin does with them). */
#ifndef FLUXACCT_EXPORT_H
#define FLUXACCT_EXPORT_H

#include <fluxacct/db.h>
#include <fluxacct/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags for the export functions. */
enum {
    FLUXACCT_EXPORT_INDENT = 1,  /**< indent 2, one key per line */
    FLUXACCT_EXPORT_REPLACE = 2, /**< rec_update: add "replace": true (the
                                      list is the complete set) */
};

/**
 * The load-time object for `flux jobtap load mf_priority.so config=...`:
 * {"associations": [...], "queues": [...], "projects": [...],
 *  "banks": [...], "config": {...}, "priority_factors": [...]}, each piece
 * as the "data" of the matching service payload (fluxacct_export_payload()).
 * Every association is included, disabled ones too (the plugin needs them
 * to refuse their jobs with the right message).
 * @param flags  FLUXACCT_EXPORT_INDENT or 0
 * @return JSON text the caller must free(), or NULL with errno: EINVAL
 *         NULL db; ENOMEM; EILSEQ a text column that is not UTF-8, ERANGE
 *         a real that is not finite (the message names the field);
 *         EBUSY/EIO/EPROTO from the database.
 */
char *fluxacct_export_json (fluxacct_db_t *db, int flags,
                            fluxacct_error_t *error);

/**
 * One service payload, {"data": ...}, for the service `name`:
 * - "rec_update": [{userid, bank, def_bank, fairshare, max_running_jobs,
 *   max_active_jobs, queues, active, projects, def_project, max_nodes,
 *   max_cores, max_sched_jobs}, ...] (queues and projects as comma lists)
 * - "rec_q_update": [{queue, min_nodes_per_job, max_nodes_per_job,
 *   max_time_per_job, priority, max_running_jobs, max_nodes_per_assoc,
 *   max_sched_jobs, max_sched_nodes_per_assoc, max_sched_cores_per_assoc}]
 * - "rec_proj_update": [{project}, ...]
 * - "rec_bank_update": [{bank, priority}, ...]
 * - "rec_fac_update": [{factor, weight}, ...]
 * - "rec_config_update": {deny_unknown_queues: bool}
 * - "reprioritize": {} (no data)
 * @param flags  FLUXACCT_EXPORT_* bits
 * @return JSON text the caller must free(), or NULL with errno: EINVAL
 *         NULL db or unknown name; ENOMEM; EILSEQ, ERANGE as
 *         fluxacct_export_json(); database errors.
 */
char *fluxacct_export_payload (fluxacct_db_t *db, const char *name, int flags,
                               fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_EXPORT_H */
