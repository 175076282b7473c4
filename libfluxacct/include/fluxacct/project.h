/* libfluxacct - projects.  The project "*" always exists and cannot be
 * deleted. */
#ifndef FLUXACCT_PROJECT_H
#define FLUXACCT_PROJECT_H

#include <fluxacct/db.h>
#include <fluxacct/rows.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Add a project.  @return 0, or -1 with errno: EINVAL bad name; EEXIST
 *  the project exists. */
int fluxacct_project_add (fluxacct_db_t *db, const char *project,
                          fluxacct_error_t *error);

/**
 * Delete a project.  @return the number of associations still listing it
 * (>= 0; the caller should warn when > 0), or -1 with errno: ENOENT unknown
 * project; EPERM the project "*".
 */
int fluxacct_project_delete (fluxacct_db_t *db, const char *project,
                             fluxacct_error_t *error);

/** One project's row; NULL with ENOENT or EINVAL.  Caller destroys it. */
fluxacct_rows_t *fluxacct_project_view (fluxacct_db_t *db,
                                        const char *project,
                                        const char *fields,
                                        fluxacct_error_t *error);

/** All projects by project_id; NULL with EINVAL.  Caller destroys it. */
fluxacct_rows_t *fluxacct_project_list (fluxacct_db_t *db, const char *fields,
                                        fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_PROJECT_H */
