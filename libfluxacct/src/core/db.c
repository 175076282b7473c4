/* Module core (db.h, rows.h, config.h, error.h): the handle, schema,
 * transactions, rows, config; may call util, parse. */
/* libfluxacct - database handle: create, open, transactions, errors. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/db_internal.h"
#include "util/fmt_internal.h"
#include "util/vstruct_internal.h"
#include "core/schema_internal.h"
#include "fluxacct/version.h"

#ifndef FLUXACCT_DEFAULT_DB_PATH
#define FLUXACCT_DEFAULT_DB_PATH "/usr/local/var/FluxAccounting.db"
#endif

#define DEFAULT_BUSY_MS 30000

double now_seconds (void)
{
    struct timeval tv;
    gettimeofday (&tv, NULL);
    return tv.tv_sec + tv.tv_usec * 1e-6;
}

FLUXACCT_EXPORT const char *fluxacct_db_default_path (void)
{
    const char *p = getenv ("FLUXACCT_DB");
    return p && *p ? p : FLUXACCT_DEFAULT_DB_PATH;
}


static const fluxacct_db_create_options_t create_options_defaults = {
    .version = FLUXACCT_DB_CREATE_OPTIONS_VERSION,
};
FA_VSTRUCT1 (create_options_type, fluxacct_db_create_options_t,
             fluxacct_db_create_options_init, create_options_defaults);

/* SQLite's "UNIQUE constraint failed: T.C" and friends, in the operators'
 * words: which table, which column, what rule. */
int constraint_error (fluxacct_error_t *error, const char *what,
                      const char *msg)
{
    const char *col = strstr (msg, ": ");
    char tc[128] = "";

    if (col)
        snprintf (tc, sizeof (tc), "%s", col + 2);
    if (!strncmp (msg, "UNIQUE", 6) || !strncmp (msg, "PRIMARY KEY", 11))
        return errprintf (error, EEXIST, "%s: a row with this %s already "
                          "exists", what, *tc ? tc : "key");
    if (!strncmp (msg, "NOT NULL", 8))
        return errprintf (error, EINVAL, "%s: %s must have a value", what,
                          *tc ? tc : "a column");
    if (!strncmp (msg, "CHECK", 5))
        return errprintf (error, EINVAL, "%s: a value is out of range (%s)",
                          what, *tc ? tc : "check");
    if (!strncmp (msg, "FOREIGN KEY", 11))
        return errprintf (error, EINVAL, "%s: a row refers to one that does "
                          "not exist", what);
    return errprintf (error, EINVAL, "%s: a value breaks a rule of the "
                      "table", what);

}

/* Translate SQLite result codes into errno categories.  The message keeps
 * SQLite's text for the unusual cases but says plainly what the common ones
 * mean for an operator. */
int db_error (fluxacct_db_t *db, fluxacct_error_t *error, const char *what)
{
    int code = db && db->h ? sqlite3_extended_errcode (db->h) : SQLITE_ERROR;
    const char *msg = db && db->h ? sqlite3_errmsg (db->h) : "no database";
    const char *path = db && db->path ? db->path : "";

    switch (code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return errprintf (error, EBUSY,
                              "%s: the accounting database %s is locked by "
                              "another writer (waited %d ms)",
                              what, path, db ? db->busy_ms : 0);
        case SQLITE_READONLY:
        case SQLITE_PERM:
            return errprintf (error, EROFS,
                              "the accounting database %s is read-only for "
                              "you; run this as its owner", path);
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            return errprintf (error, EPROTO, "%s: the accounting database %s "
                              "is corrupt or not a database; restore it from "
                              "a backup (check: sqlite3 PRAGMA "
                              "integrity_check)", what, path);
        case SQLITE_FULL:
            return errprintf (error, ENOSPC, "%s: disk full writing %s", what,
                              path);
        case SQLITE_CONSTRAINT:
            return constraint_error (error, what, msg);
        case SQLITE_NOMEM:
            return errprintf (error, ENOMEM, "%s: out of memory", what);
        case SQLITE_CANTOPEN:
            return errprintf (error, EACCES, "%s: cannot open %s: %s", what,
                              path, msg);
        case SQLITE_IOERR:
            return errprintf (error, EIO, "%s: input/output error on %s (is "
                              "the disk full, the file removed, or the "
                              "storage failing?)", what, path);
        default:
            return errprintf (error, EIO, "%s: %s", what, msg);
    }
}

sqlite3_stmt *db_prep (fluxacct_db_t *db, const char *sql,
                       fluxacct_error_t *error)
{
    size_t h = ((size_t)sql >> 3) % STMT_CACHE_SIZE;

    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        size_t k = (h + i) % STMT_CACHE_SIZE;
        if (db->cache[k].sql == sql) {
            sqlite3_reset (db->cache[k].stmt);
            sqlite3_clear_bindings (db->cache[k].stmt);
            return db->cache[k].stmt;
        }
        if (!db->cache[k].sql) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v3 (db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &st, NULL) != SQLITE_OK) {
                db_error (db, error, "prepare");
                return NULL;
            }
            db->cache[k].sql = sql;
            db->cache[k].stmt = st;
            return st;
        }
    }
    /* Cache full: should not happen with the library's fixed statements;
     * fail loudly rather than leak. */
    return errprintf_null (error, ENOMEM, "statement cache full");
}

int db_exec (fluxacct_db_t *db, const char *sql, fluxacct_error_t *error)
{
    if (sqlite3_exec (db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_error (db, error, "sql");
    return 0;
}

int db_step_done (fluxacct_db_t *db, sqlite3_stmt *st, fluxacct_error_t *error)
{
    int rc = sqlite3_step (st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        db_error (db, error, "write");
        sqlite3_reset (st);
        return -1;
    }
    sqlite3_reset (st);
    return 0;
}

int db_check_writable (fluxacct_db_t *db, fluxacct_error_t *error)
{
    if (db->readonly)
        return errprintf (error, EROFS,
                          "the accounting database %s is open read-only",
                          db->path);
    return 0;
}

/* Savepoints reuse one name: SQLite resolves RELEASE and ROLLBACK TO to the
 * innermost savepoint of that name, and a fixed string lets the prepared
 * statements be cached (a batch of 100,000 calls parses them once). */
static const char *sp_begin = "SAVEPOINT fluxacct";
static const char *sp_release = "RELEASE fluxacct";
static const char *sp_rollback = "ROLLBACK TO fluxacct";

static int run_cached (fluxacct_db_t *db, const char *sql,
                       fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, sql, error);
    return st ? db_step_done (db, st, error) : -1;
}

int db_txn_begin (fluxacct_db_t *db, fluxacct_error_t *error)
{
    if (db_check_writable (db, error) < 0)
        return -1;
    /* IMMEDIATE takes the write lock now, so the busy timeout applies here
     * and never half-way through the work. */
    if (run_cached (db, db->depth == 0 ? "BEGIN IMMEDIATE" : sp_begin,
                    error) < 0)
        return -1;
    db->depth++;
    return 0;
}

int db_txn_end (fluxacct_db_t *db, int rc, fluxacct_error_t *error)
{
    int saved = errno;

    if (db->depth <= 0)
        return errprintf (error, EINVAL, "no transaction is open");
    db->depth--;
    if (rc == 0) {
        if (db->depth > 0)
            return run_cached (db, sp_release, error);
        if (sqlite3_exec (db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            db_error (db, error, "commit");
            saved = errno;
            sqlite3_exec (db->h, "ROLLBACK", NULL, NULL, NULL);
            errno = saved;
            return -1;
        }
        return 0;
    }
    if (db->depth == 0)
        sqlite3_exec (db->h, "ROLLBACK", NULL, NULL, NULL);
    else {
        run_cached (db, sp_rollback, NULL);
        run_cached (db, sp_release, NULL);
    }
    errno = saved;
    return rc;
}

FLUXACCT_EXPORT int fluxacct_db_begin (fluxacct_db_t *db,
                                       fluxacct_error_t *error)
{
    if (!db)
        return errprintf (error, EINVAL, "no database handle");
    return db_txn_begin (db, error);
}

FLUXACCT_EXPORT int fluxacct_db_commit (fluxacct_db_t *db,
                                        fluxacct_error_t *error)
{
    if (!db || db->depth <= 0)
        return errprintf (error, EINVAL, "no batch is open");
    return db_txn_end (db, 0, error);
}

FLUXACCT_EXPORT int fluxacct_db_rollback (fluxacct_db_t *db,
                                          fluxacct_error_t *error)
{
    if (!db || db->depth <= 0)
        return errprintf (error, EINVAL, "no batch is open");
    db_txn_end (db, -1, error);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_db_set_busy_timeout (fluxacct_db_t *db, int ms,
                                                  fluxacct_error_t *error)
{
    if (!db || ms < 0)
        return errprintf (error, EINVAL, "busy timeout must be >= 0 ms");
    db->busy_ms = ms;
    sqlite3_busy_timeout (db->h, ms);
    return 0;
}

static int default_busy_ms (void)
{
    const char *s = getenv ("FLUXACCT_BUSY_TIMEOUT_MS");
    char *end;
    long v;

    if (!s || !*s)
        return DEFAULT_BUSY_MS;
    v = strtol (s, &end, 10);
    return (*end || v < 0 || v > 86400000) ? DEFAULT_BUSY_MS : (int)v;
}

static void db_free (fluxacct_db_t *db)
{
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++)
        if (db->cache[i].stmt)
            sqlite3_finalize (db->cache[i].stmt);
    sqlite3_close_v2 (db->h);
    free (db->path);
    free (db);
}

FLUXACCT_EXPORT void fluxacct_db_close (fluxacct_db_t *db)
{
    int saved = errno;
    if (db) {
        if (db->depth > 0)
            sqlite3_exec (db->h, "ROLLBACK", NULL, NULL, NULL);
        db_free (db);
    }
    errno = saved;
}

FLUXACCT_EXPORT void fluxacct_db_set_progress (fluxacct_db_t *db,
                                               fluxacct_progress_f fn,
                                               void *arg)
{
    if (db) {
        db->progress = fn;
        db->progress_arg = arg;
    }
}

void db_progress (fluxacct_db_t *db, const char *what, uint64_t done,
                  uint64_t total)
{
    if (db->progress)
        db->progress (db->progress_arg, what, done, total);
}

FLUXACCT_EXPORT const char *fluxacct_db_path (const fluxacct_db_t *db)
{
    return db ? db->path : NULL;
}

static int pragma_int (fluxacct_db_t *db, const char *sql, int *out)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int (st, 0);
    sqlite3_finalize (st);
    return rc == SQLITE_ROW ? 0 : -1;
}

FLUXACCT_EXPORT int fluxacct_db_schema_version (fluxacct_db_t *db)
{
    int v;
    if (!db) {
        errno = EINVAL;
        return -1;
    }
    if (pragma_int (db, "PRAGMA user_version", &v) < 0) {
        errno = EIO;
        return -1;
    }
    return v;
}

static int has_table (fluxacct_db_t *db, const char *name)
{
    sqlite3_stmt *st;
    int found = 0;

    if (sqlite3_prepare_v2 (db->h, "SELECT 1 FROM sqlite_master WHERE "
                            "type='table' AND name=?", -1, &st, NULL)
        != SQLITE_OK)
        return 0;
    sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step (st) == SQLITE_ROW;
    sqlite3_finalize (st);
    return found;
}

/* Decide whether the file is a database this library can use, without
 * writing anything.  Messages name the path last: error text is 160 bytes,
 * and a long path must not cut off what is wrong and what to do. */
static int check_schema (fluxacct_db_t *db, fluxacct_error_t *error)
{
    int appid, version;

    if (pragma_int (db, "PRAGMA application_id", &appid) < 0) {
        int code = sqlite3_errcode (db->h);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            return errprintf (error, EPROTO, "not an SQLite database: %s",
                              db->path);
        return db_error (db, error, "open");
    }
    if (pragma_int (db, "PRAGMA user_version", &version) < 0)
        return db_error (db, error, "open");
    if (appid == FLUXACCT_APPLICATION_ID) {
        if (version > FLUXACCT_SCHEMA_VERSION)
            return errprintf (error, EPROTO,
                              "schema version %d is newer than this "
                              "libfluxacct %s understands (%d); upgrade "
                              "libfluxacct to open %s", version,
                              FLUXACCT_VERSION_STRING,
                              FLUXACCT_SCHEMA_VERSION, db->path);
        if (version < FLUXACCT_SCHEMA_VERSION)
            return errprintf (error, EPROTO,
                              "schema version %d, older than %d: run "
                              "flux-account update-db -p %s", version,
                              FLUXACCT_SCHEMA_VERSION, db->path);
        return 0;
    }
    /* The advice comes first and the path once, last: a long path must
     * not push "update-db" out of the 160-byte message. */
    if (appid == 0 && has_table (db, "association_table"))
        return errprintf (error, EPROTO,
                          "flux-accounting database (schema version %d): "
                          "migrate it first with flux-account update-db -p "
                          "%s", version, db->path);
    return errprintf (error, EPROTO, "%s is not an accounting database",
                      db->path);
}

static fluxacct_db_t *db_alloc (const char *path, fluxacct_error_t *error)
{
    fluxacct_db_t *db = calloc (1, sizeof (*db));
    if (!db || !(db->path = strdup (path))) {
        free (db);
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    return db;
}

/* Check every b-tree cell's offset and size as its page is read, so a
 * damaged page fails as corrupt (SQLITE_CORRUPT, worded by db_error)
 * instead of being read as rows of garbage: without it SQLite masks an
 * out-of-range cell offset into the page and may return what is there. */
static void cell_size_check (fluxacct_db_t *db)
{
    sqlite3_exec (db->h, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);
}

static fluxacct_db_t *db_connect (const char *path, int flags,
                                  fluxacct_error_t *error)
{
    fluxacct_db_t *db;
    int oflags = flags & FLUXACCT_DB_READONLY ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE;

    if (!(db = db_alloc (path, error)))
        return NULL;
    db->readonly = !!(flags & FLUXACCT_DB_READONLY);
    if (sqlite3_open_v2 (path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        db_error (db, error, "open");
        int saved = errno;
        db_free (db);
        errno = saved;
        return NULL;
    }
    sqlite3_extended_result_codes (db->h, 1);
    cell_size_check (db);
    fluxacct_db_set_busy_timeout (db, default_busy_ms (), NULL);
    if (!db->readonly) {
        /* Keep the -wal and -shm files (created with the database's mode)
         * when the last writer closes: readers who may not write the
         * directory, like users running view commands, need them to
         * exist. */
        int persist = 1;
        sqlite3_file_control (db->h, "main", SQLITE_FCNTL_PERSIST_WAL,
                              &persist);
        /* ...but empty: the last writer to close checkpoints and truncates
         * the WAL to zero bytes, so no stale frames outlive it (a database
         * file copied over later would otherwise see them). */
        sqlite3_exec (db->h, "PRAGMA journal_size_limit=0", NULL, NULL, NULL);
    }
    return db;
}

/* A reader who may not create the -shm file (the directory is not theirs,
 * or the file system is read-only) cannot open a WAL database whose -wal
 * and -shm files are gone (the sqlite3 shell removes them on close).  With
 * no -wal file, or an empty one, the database file holds every committed
 * transaction, so such a reader opens it as immutable: no -shm, no locks.
 * A writer that starts meanwhile writes to a new -wal first, which this
 * short-lived reader does not see: it reads the last checkpointed state. */
static int immutable_fallback (fluxacct_db_t *db)
{
    char wal[4096];
    struct stat sb;
    int code = sqlite3_errcode (db->h) & 0xff;

    if (!db->readonly || (code != SQLITE_CANTOPEN && code != SQLITE_READONLY
                          && code != SQLITE_IOERR && code != SQLITE_PERM))
        return 0;
    if (snprintf (wal, sizeof (wal), "%s-wal", db->path) >= (int)sizeof (wal))
        return 0;
    return stat (wal, &sb) < 0 ? errno == ENOENT : sb.st_size == 0;
}

static fluxacct_db_t *db_connect_immutable (const char *path,
                                            fluxacct_error_t *error)
{
    static const char hex[] = "0123456789ABCDEF";
    fluxacct_db_t *db;
    size_t n = strlen (path), o = 0;
    char *uri = malloc (3 * n + 32);

    if (!uri)
        return errprintf_null (error, ENOMEM, "out of memory");
    o += (size_t)sprintf (uri, "file:");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || strchr ("/._-~", c))
            uri[o++] = (char)c;
        else {
            uri[o++] = '%';
            uri[o++] = hex[c >> 4];
            uri[o++] = hex[c & 15];
        }
    }
    strcpy (uri + o, "?immutable=1");
    if (!(db = db_alloc (path, error))) {
        free (uri);
        return NULL;
    }
    db->readonly = 1;
    if (sqlite3_open_v2 (uri, &db->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                         | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        free (uri);
        db_error (db, error, "open");
        int saved = errno;
        db_free (db);
        errno = saved;
        return NULL;
    }
    free (uri);
    sqlite3_extended_result_codes (db->h, 1);
    cell_size_check (db);
    return db;
}

/* A read-write handle on any SQLite file, without the schema check: the
 * migration reads flux-accounting databases through it. */
/* A write needs write access; say so in the operators' words rather than
 * with SQLite's "attempt to write a readonly database". */
static int check_write_access (const char *path, fluxacct_error_t *error)
{
    if (access (path, W_OK) == 0)
        return 0;
    if (errno == EROFS)
        return errprintf (error, EROFS, "the accounting database %s is on a "
                          "read-only file system: reads work, a write needs "
                          "it mounted read-write", path);
    if (errno == EACCES || errno == EPERM)
        return errprintf (error, EROFS, "the accounting database %s is "
                          "read-only for you; run this as its owner", path);
    return 0;
}

fluxacct_db_t *db_open_unchecked (const char *path, fluxacct_error_t *error)
{
    if (check_write_access (path, error) < 0)
        return NULL;
    return db_connect (path, 0, error);
}

FLUXACCT_EXPORT fluxacct_db_t *fluxacct_db_open (const char *path, int flags,
                                                 fluxacct_error_t *error)
{
    fluxacct_db_t *db;
    struct stat sb;

    if (!path || !*path)
        return errprintf_null (error, EINVAL, "no database path given");
    if (flags & ~FLUXACCT_DB_READONLY)
        return errprintf_null (error, EINVAL, "invalid open flags 0x%x",
                               flags);
    if (stat (path, &sb) < 0) {
        if (errno == ENOENT)
            return errprintf_null (error, ENOENT,
                                   "accounting database does not exist "
                                   "(create it with 'flux-account "
                                   "create-db'): %s", path);
        return errprintf_null (error, errno, "%s: %s", path,
                               strerror (errno));
    }
    if (S_ISDIR (sb.st_mode))
        return errprintf_null (error, EPROTO, "a directory, not a "
                               "database: %s", path);
    if (!S_ISREG (sb.st_mode))
        return errprintf_null (error, EPROTO, "not a regular file, not a "
                               "database: %s", path);
    if (!(flags & FLUXACCT_DB_READONLY) && check_write_access (path, error) < 0)
        return NULL;
    if (!(db = db_connect (path, flags, error)))
        return NULL;
    if (check_schema (db, error) < 0) {
        if (!immutable_fallback (db))
            goto fail;
        db_free (db);
        if (!(db = db_connect_immutable (path, error)))
            return NULL;
        if (check_schema (db, error) < 0)
            goto fail;
    }
    if (!db->readonly)
        sqlite3_exec (db->h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    /* A 64 MiB page cache (allocated only as used): bulk job imports touch
     * indexes in random order, and the default 2 MiB makes that quadratic
     * in practice on large databases. */
    sqlite3_exec (db->h, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    return db;
fail:;
    int saved = errno;
    db_free (db);
    errno = saved;
    return NULL;
}

static int mkdir_parents (const char *path)
{
    char *copy = strdup (path);
    int rc = 0;

    if (!copy)
        return -1;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir (copy, 0755) < 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *p = '/';
    }
    free (copy);
    return rc;
}

static int check_create_options (const fluxacct_db_create_options_t *o,
                                 fluxacct_error_t *error)
{
    if (!(o->priority_decay_half_life >= 0)
        || isinf (o->priority_decay_half_life))
        return errprintf (error, EINVAL, "priority-decay-half-life must be "
                          "a positive duration");
    if (!(o->priority_usage_reset_period >= 0)
        || isinf (o->priority_usage_reset_period))
        return errprintf (error, EINVAL, "priority-usage-reset-period must "
                          "be a non-negative duration");
    if (o->decay_factor != 0
        && !(o->decay_factor > 0 && o->decay_factor < 1))
        return errprintf (error, EINVAL, "decay-factor must be between 0.0 "
                          "and 1.0 (exclusive), but got %g", o->decay_factor);
    if (o->mode < 0 || o->mode > 07777)
        return errprintf (error, EINVAL, "invalid file mode 0%o", o->mode);
    if (!(o->usage_epoch >= 0 && o->usage_epoch <= (double)FLUXACCT_TIME_MAX))
        return errprintf (error, EINVAL, "usage epoch must be a time from 0 "
                          "to 9999-12-31");
    return config_check_periods (o->priority_decay_half_life > 0
                                     ? o->priority_decay_half_life : 604800,
                                 o->priority_usage_reset_period > 0
                                     ? o->priority_usage_reset_period
                                     : 2419200, error);
}

int db_config_defaults (fluxacct_db_t *db, double h, double r, double d,
                        double t0, bool or_ignore, fluxacct_error_t *error)
{
    char buf[1024];
    char v[4][FA_FMT_DOUBLE_MAX];
    const double vals[4] = { r, h, d, t0 };

    for (int i = 0; i < 4; i++)
        fa_fmt_double (v[i], sizeof (v[i]), vals[i], FA_FMT_ROUNDTRIP);
    snprintf (buf, sizeof (buf),
              "INSERT %sINTO config_table VALUES "
              "('priority_usage_reset_period', '%s'),"
              "('priority_decay_half_life', '%s'),"
              "('decay_factor', '%s'),"
              "('node_weight', '1.0'), ('core_weight', '0.0'),"
              "('gpu_weight', '0.0'), ('deny_unknown_queues', 'false'),"
              "('decay_mode', 'binned'), ('usage_epoch', '%s'),"
              "('allocation_enforcement', 'off'),"
              "('allocation_default_time_limit', '3600')",
              or_ignore ? "OR IGNORE " : "", v[0], v[1], v[2], v[3]);
    return db_exec (db, buf, error);
}

static int seed_config (fluxacct_db_t *db, const fluxacct_db_create_options_t *o,
                        fluxacct_error_t *error)
{
    char buf[128], e[FA_FMT_DOUBLE_MAX];
    double h = o->priority_decay_half_life > 0 ? o->priority_decay_half_life
                                               : 604800;
    double r = o->priority_usage_reset_period > 0
                   ? o->priority_usage_reset_period : 2419200;
    double d = o->decay_factor > 0 ? o->decay_factor : 0.5;
    double t0 = o->usage_epoch > 0 ? o->usage_epoch : floor (now_seconds ());

    if (db_config_defaults (db, h, r, d, t0, false, error) < 0)
        return -1;
    fa_fmt_double (e, sizeof (e), t0 + h, FA_FMT_ROUNDTRIP);
    snprintf (buf, sizeof (buf), "INSERT INTO t_half_life_period_table "
              "VALUES ('cluster', %s)", e);
    return db_exec (db, buf, error);
}

static int create_schema (fluxacct_db_t *db, const fluxacct_db_create_options_t *o,
                          fluxacct_error_t *error)
{
    char pragma[128];

    if (db_exec (db, "PRAGMA journal_mode=WAL", error) < 0)
        return -1;
    if (db_txn_begin (db, error) < 0)
        return -1;
    snprintf (pragma, sizeof (pragma),
              "PRAGMA application_id=%d; PRAGMA user_version=%d;",
              FLUXACCT_APPLICATION_ID, FLUXACCT_SCHEMA_VERSION);
    int rc = db_exec (db, schema_sql, error);
    if (rc == 0)
        rc = seed_config (db, o, error);
    if (rc == 0)
        rc = db_exec (db, pragma, error);
    return db_txn_end (db, rc, error);
}

static void unlink_db (const char *path)
{
    char aux[4096];
    unlink (path);
    snprintf (aux, sizeof (aux), "%s-wal", path);
    unlink (aux);
    snprintf (aux, sizeof (aux), "%s-shm", path);
    unlink (aux);
}

FLUXACCT_EXPORT int fluxacct_db_create (const char *path,
                                        const fluxacct_db_create_options_t *opts,
                                        fluxacct_error_t *error)
{
    fluxacct_db_create_options_t o;
    fluxacct_db_t *db;
    struct stat sb;
    int fd, mode;

    if (!path || !*path)
        return errprintf (error, EINVAL, "no database path given");
    if (fa_vin (&create_options_type, opts, &o, &create_options_defaults,
                error) < 0)
        return -1;
    opts = &o;
    if (check_create_options (opts, error) < 0)
        return -1;
    if (stat (path, &sb) == 0 && sb.st_size > 0)
        return errprintf (error, EEXIST, "%s already exists; refusing to "
                          "overwrite it", path);
    if (mkdir_parents (path) < 0)
        return errprintf (error, errno, "cannot create the directory of %s: "
                          "%s", path, strerror (errno));
    mode = opts->mode ? opts->mode : 0644;
    if ((fd = open (path, O_CREAT | O_WRONLY, mode)) < 0)
        return errprintf (error, errno, "cannot create %s: %s", path,
                          strerror (errno));
    /* The umask must not make the database unreadable to users who only
     * run view commands. */
    (void)fchmod (fd, mode);
    close (fd);
    if (!(db = db_connect (path, 0, error)))
        goto fail;
    if (create_schema (db, opts, error) < 0) {
        int saved = errno;
        fluxacct_db_close (db);
        errno = saved;
        goto fail;
    }
    fluxacct_db_close (db);
    return 0;
fail:;
    int saved = errno;
    unlink_db (path);
    errno = saved;
    return -1;
}

double db_config_double (fluxacct_db_t *db, const char *key, double def)
{
    static const char *sql = "SELECT value FROM config_table WHERE key=?";
    sqlite3_stmt *st = db_prep (db, sql, NULL);
    double v = def;

    if (!st)
        return def;
    sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text (st, 0);
        char *end;
        if (s) {
            double d = strtod (s, &end);
            if (end != s && *end == '\0')
                v = d;
        }
    }
    sqlite3_reset (st);
    return v;
}

int db_query_int (fluxacct_db_t *db, const char *sql, const char *arg,
                     fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, sql, error);
    int n = -1;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW)
        n = sqlite3_column_int (st, 0);
    else
        db_error (db, error, "count");
    sqlite3_reset (st);
    return n;
}

char *db_config_text (fluxacct_db_t *db, const char *key)
{
    static const char *sql = "SELECT value FROM config_table WHERE key=?";
    sqlite3_stmt *st = db_prep (db, sql, NULL);
    char *v = NULL;

    if (!st)
        return NULL;
    sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW)
        v = strdup ((const char *)sqlite3_column_text (st, 0));
    sqlite3_reset (st);
    return v;
}

const char *name_problem (const char *name, size_t n)
{
    const unsigned char *p = (const unsigned char *)name;

    if (n == 0)
        return "is empty";
    if (n > FLUXACCT_NAME_MAX)
        return "is longer than 255 bytes";
    for (size_t i = 0; i < n;) {
        size_t k;
        if (p[i] < 0x20 || p[i] == 0x7f)
            return "contains a control character";
        if (p[i] == '|')
            return "contains '|' (the --parsable separator)";
        if (p[i] == ',')
            return "contains a comma (the list separator)";
        if (!(k = utf8_seq_len (p + i, n - i)))
            return p[i] >= 0x80 && p[i] < 0xa0 ? "is not valid UTF-8"
                                                 : "is not valid UTF-8 or "
                                                   "contains a control "
                                                   "character";
        i += k;
    }
    return NULL;
}

int check_name (const char *name, const char *what, fluxacct_error_t *error)
{
    const char *why;
    char shown[80];

    if (!name || !*name)
        return errprintf (error, EINVAL, "%s name must not be empty", what);
    if ((why = name_problem (name, strlen (name)))) {
        escape_text (name, strlen (name), shown, sizeof (shown));
        return errprintf (error, EINVAL, "%s name %s: %s", what, why, shown);
    }
    return 0;
}
