/* libfluxacct - private database plumbing shared by the modules. */
#ifndef FLUXACCT_DB_INTERNAL_H
#define FLUXACCT_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include "fluxacct/db.h"
#include "fluxacct/rows.h"
#include "util/util_internal.h"

#define STMT_CACHE_SIZE 128

/* Largest usage value stored (job_usage, usage periods): a sum beyond it
 * is refused, never stored as Inf (fluxacct-semantics(7) "Limits"). */
#define USAGE_MAX 1e300

struct fluxacct_db {
    sqlite3 *h;
    char *path;
    int readonly;
    int depth;          /* open transactions: 1 = BEGIN, >1 = savepoints */
    int busy_ms;
    fluxacct_progress_f progress;
    void *progress_arg;
    struct {
        const char *sql;    /* static SQL text; the pointer is the key */
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE_SIZE];
};

/* A cached prepared statement for a static SQL string, reset and with its
 * bindings cleared.  NULL on error (error filled). */
sqlite3_stmt *db_prep (fluxacct_db_t *db, const char *sql,
                       fluxacct_error_t *error);

/* Execute SQL without results.  0 or -1. */
int db_exec (fluxacct_db_t *db, const char *sql, fluxacct_error_t *error);
/* The configuration rows of a new database (config_table): half-life h,
 * reset period r, decay factor d (seconds, as stored), usage epoch t0, and
 * the fixed defaults of the other keys.  or_ignore keeps rows already
 * there (update-db after copying an old table).  create-db and update-db
 * both call it, so the list of keys is written once. */
int db_config_defaults (fluxacct_db_t *db, double h, double r, double d,
                        double t0, bool or_ignore, fluxacct_error_t *error);

/* Step a statement that must finish (INSERT/UPDATE/DELETE); resets it. */
int db_step_done (fluxacct_db_t *db, sqlite3_stmt *st,
                  fluxacct_error_t *error);

/* Map the connection's last SQLite error to errno and a message prefixed
 * with `what`; returns -1. */
int db_error (fluxacct_db_t *db, fluxacct_error_t *error, const char *what);

/* A constraint failure (SQLite's message msg) in words naming the table
 * and column: EEXIST for a duplicate key, EINVAL otherwise; returns -1. */
int constraint_error (fluxacct_error_t *error, const char *what,
                      const char *msg);

/* Fail with EROFS when the handle is read-only. */
int db_check_writable (fluxacct_db_t *db, fluxacct_error_t *error);

/* Start a unit of work (BEGIN IMMEDIATE, or a SAVEPOINT inside a batch). */
int db_txn_begin (fluxacct_db_t *db, fluxacct_error_t *error);

/* End it: commit when rc == 0, roll back otherwise.  Returns rc, or -1
 * when the commit itself failed.  errno and error are preserved on
 * rollback. */
int db_txn_end (fluxacct_db_t *db, int rc, fluxacct_error_t *error);

/* Run a query and collect every row.  The statement is reset. */
fluxacct_rows_t *rows_from_stmt (fluxacct_db_t *db, sqlite3_stmt *st,
                                 fluxacct_error_t *error);

/* Validate a comma list of column names against `columns` (NULL
 * terminated) and return a malloc'd SQL select list; NULL fields means all
 * columns.  EINVAL "invalid fields: a, b". */
char *fields_sql (const char *fields, const char *const *columns,
                  fluxacct_error_t *error);

/* Run "SELECT <fields> FROM <from_where>" with up to two text bindings
 * (NULL = none).  `what` names the thing for ENOENT when `must_exist` and
 * no row comes back. */
fluxacct_rows_t *db_select (fluxacct_db_t *db, const char *const *columns,
                            const char *fields, const char *from_where,
                            const char *arg1, const char *arg2,
                            const char *notfound, fluxacct_error_t *error);

/* The integer the one-row query `sql` (bound to one text argument)
 * returns, e.g. a COUNT(*); -1 on error. */
int db_query_int (fluxacct_db_t *db, const char *sql, const char *arg,
                     fluxacct_error_t *error);

/* Read a config value as a double (def when missing or unparsable). */
double db_config_double (fluxacct_db_t *db, const char *key, double def);

/* Read a config value as a malloc'd string (NULL when missing). */
char *db_config_text (fluxacct_db_t *db, const char *key);

/* Validate a name: non-empty, at most FLUXACCT_NAME_MAX bytes, valid UTF-8,
 * no control characters, no '|' or ','.  `what` names the kind ("bank",
 * "queue"...). */
int check_name (const char *name, const char *what, fluxacct_error_t *error);
/* What is wrong with the n bytes at name (a phrase such as "is empty"),
 * or NULL when it is a valid name. */
const char *name_problem (const char *name, size_t n);

/* What config_edit calls inside the edit transaction after a key that
 * usage depends on (period, decay, weights, mode, epoch) changed.  The
 * usage module installs it when the library is loaded: core sits below
 * usage and never calls it directly.  Unset, a change recomputes nothing. */
typedef int (*db_config_hook_f) (fluxacct_db_t *db, const char *key,
                                 fluxacct_error_t *error);
void db_set_config_hook (db_config_hook_f fn);

/* usage_state_table access (state.c).  get fills whichever of i, d, s is
 * non-NULL (s malloc'd); a missing key reads as 0 / "". */
int db_state_get (fluxacct_db_t *db, const char *key, sqlite3_int64 *i,
                  double *d, char **s, fluxacct_error_t *error);
int db_state_set_int (fluxacct_db_t *db, const char *key, sqlite3_int64 v,
                      fluxacct_error_t *error);
int db_state_set_real (fluxacct_db_t *db, const char *key, double v,
                       fluxacct_error_t *error);
int db_state_set_text (fluxacct_db_t *db, const char *key, const char *v,
                       fluxacct_error_t *error);

/* Report progress through the handle's callback, if any. */
void db_progress (fluxacct_db_t *db, const char *what, uint64_t done,
                  uint64_t total);
/* Open a database read-write without checking its schema (migration).
 * Close with fluxacct_db_close(). */
fluxacct_db_t *db_open_unchecked (const char *path, fluxacct_error_t *error);
/* The usage configuration fingerprint as the usage engine computes it from
 * config_table (usage.c); update-usage re-reads every record when the
 * stored fingerprint differs. */
int usage_fingerprint (fluxacct_db_t *db, char *buf, size_t len,
                       fluxacct_error_t *error);

/* The decay periods' bounds: half-life H from FLUXACCT_HALF_LIFE_MIN to
 * FLUXACCT_DURATION_MAX, reset period R from 0 to FLUXACCT_DURATION_MAX,
 * ceil(R / H) at most FLUXACCT_PERIODS_MAX.  0, or -1 with EINVAL giving
 * the limit and the resulting count. */
int config_check_periods (double H, double R, fluxacct_error_t *error);

/* Current time as epoch seconds. */
double now_seconds (void);

#endif /* FLUXACCT_DB_INTERNAL_H */
