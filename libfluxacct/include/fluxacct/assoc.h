/* libfluxacct - associations: a user in a bank, with shares and limits.
 *
 * Default-bank rules (flux-accounting's): a user's first association sets
 * the default bank; later ones keep it; when the default association is
 * disabled or deleted, the user's earliest-created active association
 * becomes the default.  Limits use FLUXACCT_UNLIMITED for "no limit".
 */
#ifndef FLUXACCT_ASSOC_H
#define FLUXACCT_ASSOC_H

#include <stddef.h>
#include <stdint.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>
#include <fluxacct/bank.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An association's fields.  A versioned struct (libfluxacct(3), "API RULES"):
 *  initialise it with fluxacct_assoc_fields_init():
 * every field starts "not given" (NULL, FLUXACCT_UNSET or NaN).  In edit
 * calls an integer FLUXACCT_RESET (-1), or the string "-1", resets a field
 * to its default (queues to "", projects to "*", limits to their defaults).
 */
typedef struct {
    int version;
    const char *username;      /**< add: required */
    const char *bank;          /**< add: required */
    int64_t userid;            /**< add: default from passwd, else 4294967295 */
    const char *default_bank;  /**< edit only */
    int64_t shares;            /**< default 1 */
    double fairshare;          /**< default 0.5 */
    int64_t max_running_jobs;  /**< default 5 */
    int64_t max_active_jobs;   /**< default 7 */
    int64_t max_nodes;         /**< default FLUXACCT_UNLIMITED */
    int64_t max_cores;         /**< default FLUXACCT_UNLIMITED */
    int64_t max_sched_jobs;    /**< default FLUXACCT_UNLIMITED */
    const char *queues;        /**< comma list of known queues; default "" */
    const char *projects;      /**< comma list of known projects; "*" added */
    const char *default_project; /**< default: first of projects, else "*" */
    const char *add_queues;    /**< edit only: queues to add */
    const char *delete_queues; /**< edit only: queues to remove */
    /** version 2: the seed's maximum wall time per job, in minutes (as
     *  Slurm's MaxWall); default FLUXACCT_UNLIMITED.  mf_priority rejects a
     *  longer job and gives it to a job that requests no duration. */
    int64_t max_wall_pj;
} fluxacct_assoc_fields_t;

#define FLUXACCT_ASSOC_FIELDS_VERSION 2

/** Set f->version to `version` (pass FLUXACCT_ASSOC_FIELDS_VERSION) and every field of that
 *  version to "not given".  @return 0, or -1 with errno EINVAL (NULL f,
 *  unknown version). */
int fluxacct_assoc_fields_init (fluxacct_assoc_fields_t *f, int version);

/**
 * Add an association (re-enable it if it exists disabled; other fields are
 * then ignored, as in flux-accounting).
 * @return 0, or -1 with errno: EINVAL missing/bad field (named in the
 *   message); EEXIST already active; ENOENT unknown bank, queue or project;
 *   EPERM the bank has sub-banks or is disabled.
 */
int fluxacct_assoc_add (fluxacct_db_t *db, const fluxacct_assoc_fields_t *f,
                        fluxacct_error_t *error);

/**
 * Add n associations in one transaction: all or none.  The n elements of
 * f have one version (that of f[0]), which sets the array's stride.  Fails
 * like fluxacct_assoc_add(); the message names the failing element's
 * index.
 */
int fluxacct_assoc_add_many (fluxacct_db_t *db,
                             const fluxacct_assoc_fields_t *f, size_t n,
                             fluxacct_error_t *error);

/**
 * Change the given fields of username's association in `bank`, or of all
 * the user's associations when bank is NULL.
 * @return 0, or -1 with errno: EINVAL nothing to change, bad value, or
 *   conflicting queue options; ENOENT unknown association, queue, project
 *   or default bank.
 */
int fluxacct_assoc_edit (fluxacct_db_t *db, const char *username,
                         const char *bank, const fluxacct_assoc_fields_t *f,
                         fluxacct_error_t *error);

/**
 * Change the given fields of every association (of `bank` only when bank is
 * non-NULL).  username, default_bank, add_queues and delete_queues must be
 * "not given".  @return 0, or -1 with errno EINVAL / ENOENT as for edit.
 */
int fluxacct_assoc_edit_all (fluxacct_db_t *db, const char *bank,
                             const fluxacct_assoc_fields_t *f,
                             fluxacct_error_t *error);

/**
 * Make the tables that carry a user id beside (username, bank) agree with
 * association_table.userid: job_usage_factor_table and
 * job_usage_per_association_table (flux-accounting's sync-userids), in one
 * transaction.  Rows of no association are left alone.
 * @param factor_rows  if not NULL, set to the job_usage_factor_table rows
 *   changed
 * @param period_rows  if not NULL, set to the job_usage_per_association_table
 *   rows changed
 * @return 0, or -1 with errno: EINVAL NULL db; EROFS read-only handle.
 */
int fluxacct_assoc_sync_userids (fluxacct_db_t *db, int64_t *factor_rows,
                                 int64_t *period_rows,
                                 fluxacct_error_t *error);

/**
 * Disable (or with FLUXACCT_FORCE delete) an association.  Its usage
 * history is kept unless forced.  @return 0, or -1 with errno ENOENT.
 */
int fluxacct_assoc_delete (fluxacct_db_t *db, const char *username,
                           const char *bank, int flags,
                           fluxacct_error_t *error);

/**
 * All associations of `username` (active or not), ordered by bank.
 * @param fields  comma-separated column names, or NULL for all
 * @return a result the caller must destroy, or NULL with errno: ENOENT no
 *   such user; EINVAL invalid fields.
 */
fluxacct_rows_t *fluxacct_assoc_view (fluxacct_db_t *db, const char *username,
                                      const char *fields,
                                      fluxacct_error_t *error);

/**
 * Associations matching every filter, ordered by username then bank.
 * @param filters  NULL-terminated array of "column=value" strings, or NULL.
 *   A value may be a comma list (any of them matches); for queues, projects
 *   and default_project a value matches as a substring, as in
 *   flux-accounting.  The column "active" takes 0/1/true/false.
 * @param fields   comma-separated column names, or NULL for all
 * @return a result the caller must destroy, or NULL with errno EINVAL
 *   (unknown filter column or invalid fields).
 */
fluxacct_rows_t *fluxacct_assoc_list (fluxacct_db_t *db,
                                      const char *const *filters,
                                      const char *fields,
                                      fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_ASSOC_H */
