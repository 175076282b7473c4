/* Module admin (migrate.h, csv.h, export.h): update-db, export-db, pop-db, export-
 * json; may call every module below it. */
/* libfluxacct - update-db: migrate a flux-accounting database, of any
 * release, in place to the current libfluxacct schema.
 *
 * The plan (see fluxacct/migrate.h for what maps to what):
 *   1. take the write lock (BEGIN IMMEDIATE) and check the source;
 *   2. write PATH.backup, a byte copy of the file (nobody can write it while
 *      we hold the lock), fsync'd and renamed into place;
 *   3. in the same transaction: rename the old tables aside, create the new
 *      schema from the canonical DDL (schema.c, never from PRAGMA
 *      table_info: quirk 21), copy every row with its meaning, seed the
 *      usage engine from flux-accounting's bins, drop the old tables, stamp
 *      application_id and user_version;
 *   4. commit, then switch the journal to WAL like a created database.
 * A crash anywhere leaves the old file (SQLite rolls the hot journal back)
 * or the migrated one.
 */
#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "util/fmt_internal.h"
#include "util/vstruct_internal.h"
#include "core/db_internal.h"
#include "model/model_internal.h"
#include "parse/parse_internal.h"
#include "core/schema_internal.h"
#include "jobs/jobrec_internal.h"
#include "fluxacct/migrate.h"
#include "fluxacct/parse.h"

#define OLD "fluxacct_old_"
#define MAX_REPORTED 10

/* flux-accounting's tables, every release.  Other tables are kept. */
enum { T_ASSOC, T_BANK, T_FACTOR_USAGE, T_HALFLIFE, T_QOS, T_QUEUE,
       T_PROJECT, T_JOBS, T_WEIGHT, T_CONFIG, T_PERIOD, T_COUNT };

static const char *const known_tables[T_COUNT] = {
    "association_table", "bank_table", "job_usage_factor_table",
    "t_half_life_period_table", "qos_table", "queue_table", "project_table",
    "jobs", "priority_factor_weight_table", "config_table",
    "job_usage_per_association_table",
};

struct tinfo {
    int present;
    char **cols;
    size_t ncols;
};

struct mig {
    fluxacct_db_t *db;
    const char *path;
    int flags;
    fluxacct_report_f report;
    void *arg;
    fluxacct_migrate_stats_t *st;
    fluxacct_error_t *error;
    struct tinfo t[T_COUNT];
    double E;       /* flux-accounting's current bin start */
    double T0;      /* our usage epoch: E, or earlier while E is ahead */
};

static void note (struct mig *m, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void note (struct mig *m, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    if (!m->report)
        return;
    va_start (ap, fmt);
    vsnprintf (buf, sizeof (buf), fmt, ap);
    va_end (ap);
    m->report (m->arg, buf);
}

static int execf (struct mig *m, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static int execf (struct mig *m, const char *fmt, ...)
{
    va_list ap;
    char *sql;
    int rc;

    va_start (ap, fmt);
    rc = vasprintf (&sql, fmt, ap);
    va_end (ap);
    if (rc < 0)
        return errprintf (m->error, ENOMEM, "out of memory");
    rc = db_exec (m->db, sql, m->error);
    free (sql);
    return rc;
}

static sqlite3_stmt *prep (struct mig *m, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2 (m->db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        db_error (m->db, m->error, "update-db");
        return NULL;
    }
    return st;
}

/* First column of the first row of sql as int64 / double (def if none). */
static int q_int64 (struct mig *m, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = prep (m, sql);
    int rc;

    if (!st)
        return -1;
    *out = 0;
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64 (st, 0);
    sqlite3_finalize (st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error (m->db, m->error, "update-db");
    return 0;
}

static int count_all (struct mig *m);
static int count_rows (struct mig *m, const char *table, uint64_t *out)
{
    char sql[128];
    int64_t n;

    snprintf (sql, sizeof (sql), "SELECT count(*) FROM \"%s\"", table);
    if (q_int64 (m, sql, &n) < 0)
        return -1;
    *out = (uint64_t)n;
    return 0;
}

/* ---- what the source holds ------------------------------------------ */

static void free_tinfo (struct mig *m)
{
    for (int i = 0; i < T_COUNT; i++) {
        for (size_t k = 0; k < m->t[i].ncols; k++)
            free (m->t[i].cols[k]);
        free (m->t[i].cols);
        memset (&m->t[i], 0, sizeof (m->t[i]));
    }
}

static int load_tinfo (struct mig *m)
{
    static const char *sql =
        "SELECT p.name FROM sqlite_master s, pragma_table_info(s.name) p "
        "WHERE s.type = 'table' AND s.name = ?";

    for (int i = 0; i < T_COUNT; i++) {
        sqlite3_stmt *st = prep (m, sql);
        int rc;

        if (!st)
            return -1;
        sqlite3_bind_text (st, 1, known_tables[i], -1, SQLITE_STATIC);
        while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
            struct tinfo *t = &m->t[i];
            char **v = realloc (t->cols, (t->ncols + 1) * sizeof (char *));
            if (!v || !(v[t->ncols] = strdup ((const char *)
                                              sqlite3_column_text (st, 0)))) {
                if (v)
                    t->cols = v;
                sqlite3_finalize (st);
                return errprintf (m->error, ENOMEM, "out of memory");
            }
            t->cols = v;
            t->ncols++;
            t->present = 1;
        }
        sqlite3_finalize (st);
        if (rc != SQLITE_DONE)
            return db_error (m->db, m->error, "update-db");
    }
    return 0;
}

static int has_col (struct mig *m, int t, const char *col)
{
    for (size_t i = 0; i < m->t[t].ncols; i++)
        if (!strcasecmp (m->t[t].cols[i], col))
            return 1;
    return 0;
}

/* Bank names are UNIQUE here; flux-accounting allowed duplicates (quirk
 * 14).  Refuse, listing them: merging two banks would change the tree. */
static int check_duplicate_banks (struct mig *m)
{
    static const char *sql =
        "SELECT bank, group_concat(bank_id, ', '), count(*) FROM bank_table "
        "GROUP BY bank HAVING count(*) > 1 ORDER BY bank";
    sqlite3_stmt *st = prep (m, sql);
    char list[512] = "";
    size_t len = 0;
    int n = 0, rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text (st, 0);
        const char *ids = (const char *)sqlite3_column_text (st, 1);
        note (m, "bank name '%s' is used by %d banks (bank_id %s)", name,
              sqlite3_column_int (st, 2), ids);
        if (len < sizeof (list))
            len += snprintf (list + len, sizeof (list) - len, "%s%s (ids %s)",
                             n ? ", " : "", name, ids);
        n++;
    }
    sqlite3_finalize (st);
    if (rc != SQLITE_DONE)
        return db_error (m->db, m->error, "update-db");
    if (n > 0)
        return errprintf (m->error, EEXIST,
                          "bank names must be unique; %d duplicated: %s; "
                          "rename them, then run update-db again", n, list);
    return 0;
}

/* ---- the backup ------------------------------------------------------ */

static int copy_fd (int in, int out)
{
    static char buf[1 << 20];
    ssize_t n;

    /* copy_file_range lets the file system share or copy the extents in
     * the kernel; fall back to read/write where it is not supported. */
    for (;;) {
        n = copy_file_range (in, NULL, out, NULL, 1 << 30, 0);
        if (n == 0)
            return 0;
        if (n < 0)
            break;
    }
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL
        && errno != EOPNOTSUPP)
        return -1;
    while ((n = read (in, buf, sizeof (buf))) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write (out, buf + off, (size_t)(n - off));
            if (w < 0)
                return -1;
            off += w;
        }
    }
    return n < 0 ? -1 : 0;
}

static int fsync_dir_of (const char *path)
{
    char *dir = strdup (path), *slash;
    int fd, rc = 0;

    if (!dir)
        return -1;
    slash = strrchr (dir, '/');
    if (!slash)
        strcpy (dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if ((fd = open (dir, O_RDONLY | O_DIRECTORY)) >= 0) {
        rc = fsync (fd);
        close (fd);
    }
    free (dir);
    return rc;
}

/* PATH.backup: a byte copy of the database file, written to a temporary
 * name, fsync'd, then renamed, so a backup file is always complete. */
static int write_backup (struct mig *m)
{
    char *bak = NULL, *tmp = NULL;
    int in = -1, out = -1, rc = -1, saved;
    struct stat sb;

    if (asprintf (&bak, "%s.backup", m->path) < 0
        || asprintf (&tmp, "%s.backup.tmp", m->path) < 0) {
        free (bak);
        return errprintf (m->error, ENOMEM, "out of memory");
    }
    if ((in = open (m->path, O_RDONLY)) < 0 || fstat (in, &sb) < 0
        || (out = open (tmp, O_WRONLY | O_CREAT | O_TRUNC,
                        sb.st_mode & 0777)) < 0
        || copy_fd (in, out) < 0 || fsync (out) < 0)
        goto fail;
    if (close (out) < 0) {
        out = -1;
        goto fail;
    }
    out = -1;
    if (rename (tmp, bak) < 0)
        goto fail;
    (void)fsync_dir_of (bak);
    rc = 0;
    goto done;
fail:
    saved = errno;
    if (out >= 0)
        close (out);
    unlink (tmp);
    errprintf (m->error, saved, "cannot write the backup %s: %s; nothing was "
               "changed", bak, strerror (saved));
done:
    if (in >= 0)
        close (in);
    free (bak);
    free (tmp);
    return rc;
}

/* ---- copying tables -------------------------------------------------- */

/* The expression for new column `col` of table t: a mapped old column, or
 * NULL to copy the same-named column if the old table has it. */
typedef const char *(*colmap_f) (struct mig *m, const char *col);

static const char *map_assoc (struct mig *m, const char *col)
{
    if (!strcmp (col, "active") && !has_col (m, T_ASSOC, "active")
        && has_col (m, T_ASSOC, "deleted"))
        return "CASE WHEN deleted THEN 0 ELSE 1 END";
    if ((!strcmp (col, "max_running_jobs") || !strcmp (col, "max_active_jobs"))
        && !has_col (m, T_ASSOC, col) && has_col (m, T_ASSOC, "max_jobs"))
        return "max_jobs";
    if (!strcmp (col, "queues") && !has_col (m, T_ASSOC, "queues")
        && has_col (m, T_ASSOC, "qos"))
        return "qos";
    /* The seed's table has no default_bank: the user's earliest
     * association; and no userid: looked up afterwards (fix_userids). */
    if (!strcmp (col, "default_bank") && !has_col (m, T_ASSOC, col))
        return "(SELECT o.bank FROM \"" OLD "association_table\" o WHERE "
               "o.username = \"" OLD "association_table\".username ORDER BY "
               "o.creation_time, o.rowid LIMIT 1)";
    if (!strcmp (col, "userid") && !has_col (m, T_ASSOC, col))
        return "4294967295";
    return NULL;
}

/* A table without userid (the seed's): each user's id from the password
 * database, else the unknown id 4294967295; and a note for the seed's
 * admin_level, which has no place here. */
static int fix_userids (struct mig *m)
{
    sqlite3_stmt *st, *up;
    int rc, ret = 0, found = 0, missing = 0;

    if (has_col (m, T_ASSOC, "admin_level"))
        note (m, "association_table: the seed's admin_level column is "
              "dropped (flux-accounting's permissions are the instance "
              "owner's; libfluxacct's are the database file's)");
    if (has_col (m, T_ASSOC, "userid"))
        return 0;
    if (!(st = prep (m, "SELECT DISTINCT username FROM association_table")))
        return -1;
    if (!(up = prep (m, "UPDATE association_table SET userid = ? WHERE "
                     "username = ?"))) {
        sqlite3_finalize (st);
        return -1;
    }
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text (st, 0);
        struct passwd *pw = getpwnam (name);
        if (!pw) {
            missing++;
            continue;
        }
        found++;
        sqlite3_bind_int64 (up, 1, (sqlite3_int64)pw->pw_uid);
        sqlite3_bind_text (up, 2, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step (up) != SQLITE_DONE) {
            ret = db_error (m->db, m->error, "update-db");
            break;
        }
        sqlite3_reset (up);
    }
    if (rc != SQLITE_DONE && ret == 0)
        ret = db_error (m->db, m->error, "update-db");
    sqlite3_finalize (st);
    sqlite3_finalize (up);
    if (ret == 0)
        note (m, "association_table had no userid: %d user(s) found in the "
              "password database, %d given the unknown id 4294967295 (fix "
              "with edit-user --userid)", found, missing);
    return ret;
}

/* INSERT INTO table (...) SELECT ... FROM the old table [where], every
 * column of the new table that the old one has (or maps). */
static int copy_table (struct mig *m, int t, colmap_f map, const char *where)
{
    static const char *sql = "SELECT name FROM pragma_table_info(?)";
    const char *name = known_tables[t];
    sqlite3_stmt *st = prep (m, sql);
    char *cols = NULL, *exprs = NULL;
    size_t clen = 0, elen = 0;
    FILE *cf = NULL, *ef = NULL;
    int rc = -1, n = 0, step;

    if (!st)
        return -1;
    if (!(cf = open_memstream (&cols, &clen))
        || !(ef = open_memstream (&exprs, &elen))) {
        errprintf (m->error, ENOMEM, "out of memory");
        goto done;
    }
    sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
    while ((step = sqlite3_step (st)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text (st, 0);
        const char *expr = map ? map (m, col) : NULL;
        if (!expr && !has_col (m, t, col))
            continue;
        fprintf (cf, "%s\"%s\"", n ? ", " : "", col);
        if (expr)
            fprintf (ef, "%s%s", n ? ", " : "", expr);
        else
            fprintf (ef, "%s\"%s\"", n ? ", " : "", col);
        n++;
    }
    if (step != SQLITE_DONE) {
        db_error (m->db, m->error, "update-db");
        goto done;
    }
    fclose (cf);
    fclose (ef);
    cf = ef = NULL;
    rc = n == 0 ? 0 : execf (m, "INSERT INTO \"%s\" (%s) SELECT %s FROM "
                             "\"" OLD "%s\" %s ORDER BY rowid", name, cols,
                             exprs, name, where ? where : "");
done:
    if (cf)
        fclose (cf);
    if (ef)
        fclose (ef);
    free (cols);
    free (exprs);
    sqlite3_finalize (st);
    return rc;
}

/* AUTOINCREMENT counters: never hand out an id flux-accounting used. */
static int keep_sequence (struct mig *m, const char *table)
{
    return execf (m, "UPDATE sqlite_sequence SET seq = max(seq, coalesce("
                  "(SELECT seq FROM sqlite_sequence WHERE name = '" OLD "%s'),"
                  " 0)) WHERE name = '%s'", table, table);
}

/* flux-accounting's edit-bank stored --ignore-older-than unparsed (quirk
 * 14): convert dates to epoch seconds. */
static int fix_ignore_older_than (struct mig *m)
{
    sqlite3_stmt *st = prep (m, "SELECT bank_id, bank, ignore_older_than "
                             "FROM bank_table WHERE typeof(ignore_older_than)"
                             " = 'text'");
    sqlite3_stmt *up;
    int rc, ret = 0;

    if (!st)
        return -1;
    if (!(up = prep (m, "UPDATE bank_table SET ignore_older_than = ? WHERE "
                     "bank_id = ?"))) {
        sqlite3_finalize (st);
        return -1;
    }
    while (ret == 0 && (rc = sqlite3_step (st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text (st, 2);
        double t;
        if (fluxacct_time_parse (s, &t, NULL) < 0) {
            note (m, "bank %s: ignore_older_than '%s' is not a time; set to 0",
                  sqlite3_column_text (st, 1), s);
            t = 0;
        }
        else
            note (m, "bank %s: ignore_older_than '%s' stored as %.0f",
                  sqlite3_column_text (st, 1), s, ceil (t));
        sqlite3_bind_int64 (up, 1, (sqlite3_int64)ceil (t));
        sqlite3_bind_int64 (up, 2, sqlite3_column_int64 (st, 0));
        if (sqlite3_step (up) != SQLITE_DONE)
            ret = db_error (m->db, m->error, "update-db");
        sqlite3_reset (up);
    }
    sqlite3_finalize (st);
    sqlite3_finalize (up);
    return ret;
}

/* QOS (<= 0.13) became queues in flux-accounting 0.14: each QOS becomes a
 * queue of the same name with the QOS priority. */
static int map_qos (struct mig *m)
{
    if (!m->t[T_QOS].present)
        return 0;
    if (execf (m, "UPDATE queue_table SET priority = (SELECT priority FROM "
               OLD "qos_table q WHERE q.qos = queue_table.queue) WHERE queue "
               "IN (SELECT qos FROM " OLD "qos_table)%s",
               has_col (m, T_QUEUE, "priority") ? " AND 0" : "") < 0
        || execf (m, "INSERT INTO queue_table (queue, priority) SELECT qos, "
                  "priority FROM " OLD "qos_table WHERE qos NOT IN (SELECT "
                  "queue FROM queue_table) ORDER BY rowid") < 0
        || count_rows (m, OLD "qos_table", &m->st->qos) < 0)
        return -1;
    if (m->st->qos)
        note (m, "%llu QOS of qos_table became queues",
              (unsigned long long)m->st->qos);
    return 0;
}

static int copy_projects (struct mig *m)
{
    int64_t dups;

    if (!m->t[T_PROJECT].present)
        return 0;
    if (q_int64 (m, "SELECT count(*) - count(DISTINCT project) FROM "
                 OLD "project_table", &dups) < 0)
        return -1;
    if (dups > 0)
        note (m, "%lld duplicate project names merged (the lowest "
              "project_id of each name is kept)", (long long)dups);
    if (execf (m, "DELETE FROM project_table") < 0
        || copy_table (m, T_PROJECT, NULL, "WHERE project_id IN (SELECT "
                       "min(project_id) FROM " OLD "project_table GROUP BY "
                       "project)") < 0
        || execf (m, "INSERT OR IGNORE INTO project_table (project) VALUES "
                  "('*')") < 0)
        return -1;
    return keep_sequence (m, "project_table");
}

static int copy_config (struct mig *m)
{
    if (m->t[T_CONFIG].present && copy_table (m, T_CONFIG, NULL, NULL) < 0)
        return -1;
    return db_config_defaults (m->db, 604800, 2419200, 0.5, m->T0, true,
                               m->error);
}

static int copy_weights (struct mig *m)
{
    if (m->t[T_WEIGHT].present
        && (execf (m, "DELETE FROM priority_factor_weight_table") < 0
            || copy_table (m, T_WEIGHT, NULL, NULL) < 0))
        return -1;
    return execf (m, "INSERT OR IGNORE INTO priority_factor_weight_table "
                  "VALUES ('fairshare', 100000), ('queue', 10000), "
                  "('bank', 0), ('urgency', 1000)");
}

/* Per-association bins: the job_usage_per_association_table rows (0.59+)
 * and the usage_factor_period_N columns of older releases. */
static int copy_periods (struct mig *m)
{
    if (m->t[T_PERIOD].present && copy_table (m, T_PERIOD, NULL, NULL) < 0)
        return -1;
    for (size_t i = 0; i < m->t[T_FACTOR_USAGE].ncols; i++) {
        const char *c = m->t[T_FACTOR_USAGE].cols[i];
        char *end;
        long n;
        if (strncmp (c, "usage_factor_period_", 20))
            continue;
        n = strtol (c + 20, &end, 10);
        if (*end || end == c + 20 || n < 0)
            continue;
        if (execf (m, "INSERT OR IGNORE INTO job_usage_per_association_table"
                   " (username, userid, bank, period, value) SELECT username,"
                   " userid, bank, %ld, coalesce(\"%s\", 0.0) FROM "
                   OLD "job_usage_factor_table ORDER BY rowid", n, c) < 0)
            return -1;
    }
    return 0;
}

/* flux-accounting's current bin starts at end_half_life_period (despite the
 * name: its update-usage opens a new bin when now > E + H).  Without one,
 * the earliest association creation, else now. */
static int find_epoch (struct mig *m)
{
    sqlite3_stmt *st;
    int rc;

    m->E = 0;
    if (m->t[T_HALFLIFE].present) {
        if (!(st = prep (m, "SELECT end_half_life_period FROM "
                         OLD "t_half_life_period_table ORDER BY "
                         "cluster != 'cluster', rowid LIMIT 1")))
            return -1;
        rc = sqlite3_step (st);
        if (rc == SQLITE_ROW)
            m->E = sqlite3_column_double (st, 0);
        sqlite3_finalize (st);
    }
    if (!(m->E > 0) || !isfinite (m->E)) {
        if (!(st = prep (m, "SELECT min(creation_time) FROM " OLD
                         "association_table WHERE creation_time > 0")))
            return -1;
        if (sqlite3_step (st) == SQLITE_ROW)
            m->E = sqlite3_column_double (st, 0);
        sqlite3_finalize (st);
    }
    if (!(m->E > 0) || !isfinite (m->E))
        m->E = floor (now_seconds ());
    /* A database younger than two half-lives has E in the future: its
     * first bin, [E - H, E + H), holds the present (quirk 1).  Period 0
     * must be the one that holds now, so the epoch moves back by whole
     * half-lives until it does. */
    m->T0 = m->E;
    double now = now_seconds (), H = 604800;
    char *s = NULL;
    if (m->t[T_CONFIG].present) {
        if (!(st = prep (m, "SELECT value FROM " OLD "config_table WHERE key "
                         "= 'priority_decay_half_life'")))
            return -1;
        if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0))
            s = strdup ((const char *)sqlite3_column_text (st, 0));
        sqlite3_finalize (st);
        if (s) {
            char *end;
            double h = strtod (s, &end);
            if (end != s && !*end && h > 0 && isfinite (h))
                H = h;
            free (s);
        }
    }
    if (m->E > now)
        m->T0 = m->E - ceil ((m->E - now) / H) * H;
    return 0;
}

/* ---- job records ----------------------------------------------------- */

/* Each old record goes through the one job-record normaliser (as import-jobs
 * records do); what the old table has is given, the rest it derives. */
struct jobctx {
    struct mig *m;
    struct jobnorm *norm;
    /* records without usable R: count, and the first few for the report */
    uint64_t nores;
    char nores_msg[MAX_REPORTED][200];
    /* flux-accounting's last_job_timestamp per (userid, bank), sorted */
    struct lastts { sqlite3_int64 userid; char *bank; double ts; } *last;
    size_t nlast;
    /* rowids of the records pass 1 leaves for pass 2 */
    sqlite3_int64 *pending;
    size_t npending, cappending;
    uint64_t copied;
    int has_bank, has_project, has_req, has_act;
};

/* last_job_timestamp per (userid, bank), as flux-accounting matches
 * records to associations, sorted as strcmp sorts. */
static int load_last (struct jobctx *j)
{
    struct mig *m = j->m;
    sqlite3_stmt *st;
    size_t cap = 0;
    int rc;

    if (!m->t[T_FACTOR_USAGE].present
        || !has_col (m, T_FACTOR_USAGE, "last_job_timestamp"))
        return 0;
    if (!(st = prep (m, "SELECT userid, bank, max(last_job_timestamp) FROM "
                     OLD "job_usage_factor_table GROUP BY userid, bank ORDER "
                     "BY userid, bank")))
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        if (j->nlast == cap) {
            cap = cap ? cap * 2 : 256;
            struct lastts *v = realloc (j->last, cap * sizeof (*v));
            if (!v)
                goto nomem;
            j->last = v;
        }
        j->last[j->nlast].userid = sqlite3_column_int64 (st, 0);
        j->last[j->nlast].ts = sqlite3_column_double (st, 2);
        if (!(j->last[j->nlast].bank = strdup ((const char *)
                                               sqlite3_column_text (st, 1))))
            goto nomem;
        j->nlast++;
    }
    sqlite3_finalize (st);
    return rc == SQLITE_DONE ? 0 : db_error (m->db, m->error, "update-db");
nomem:
    sqlite3_finalize (st);
    return errprintf (m->error, ENOMEM, "out of memory");
}

static int cmp_last (const void *a, const void *b)
{
    const struct lastts *x = a, *y = b;
    if (x->userid != y->userid)
        return x->userid < y->userid ? -1 : 1;
    return strcmp (x->bank, y->bank);
}

static void jobctx_free (struct jobctx *j)
{
    for (size_t i = 0; i < j->nlast; i++)
        free (j->last[i].bank);
    free (j->last);
    free (j->pending);
    jobnorm_destroy (j->norm);
}

/* Did flux-accounting charge this record (t_inactive <= its association's
 * last_job_timestamp)?  bank NULL: the old table has none. */
static int fa_charged (struct jobctx *j, sqlite3_int64 userid,
                       const char *bank, double t_inactive)
{
    struct lastts key = { .userid = userid, .bank = (char *)bank }, *e;

    if (!bank || j->nlast == 0)
        return 0;
    e = bsearch (&key, j->last, j->nlast, sizeof (key), cmp_last);
    return e && t_inactive <= e->ts;
}

static int remember_pending (struct jobctx *j, sqlite3_int64 rowid)
{
    if (j->npending == j->cappending) {
        size_t cap = j->cappending ? j->cappending * 2 : 1024;
        sqlite3_int64 *v = realloc (j->pending, cap * sizeof (*v));
        if (!v)
            return errprintf (j->m->error, ENOMEM, "out of memory");
        j->pending = v;
        j->cappending = cap;
    }
    j->pending[j->npending++] = rowid;
    return 0;
}

/* Report (a few of) the records whose R does not parse. */
static void report_no_resources (struct jobctx *j)
{
    j->m->st->jobs_no_resources = j->nores;
    for (uint64_t i = 0; i < j->nores && i < MAX_REPORTED; i++)
        note (j->m, "%s", j->nores_msg[i]);
    if (j->nores > MAX_REPORTED)
        note (j->m, "... %llu job records in all have no usable R",
              (unsigned long long)j->nores);
}

/* The old records' columns, in rowid order (pass 1) or one by rowid
 * (pass 2); a column the old table lacks reads as NULL. */
static char *job_select_sql (struct jobctx *j, int one)
{
    char *sql;

    if (asprintf (&sql, "SELECT j.rowid, id, userid, t_submit, t_run, "
                  "t_inactive, ranks, R, jobspec, %s, %s, %s, %s FROM " OLD
                  "jobs j %s", j->has_project ? "project" : "NULL",
                  j->has_bank ? "bank" : "NULL",
                  j->has_req ? "requested_duration" : "NULL",
                  j->has_act ? "actual_duration" : "NULL",
                  one ? "WHERE j.rowid = ?" : "ORDER BY j.rowid") < 0)
        return errprintf_null (j->m->error, ENOMEM, "out of memory");
    return sql;
}

static const char *col_text (sqlite3_stmt *st, int c)
{
    return (const char *)sqlite3_column_text (st, c);
}

/* Copy the record at the statement's row through the normaliser. */
static int copy_one (struct jobctx *j, sqlite3_stmt *st)
{
    struct mig *m = j->m;
    struct jobrec rec = {
        .id = col_text (st, 1),
        .userid = sqlite3_column_int64 (st, 2),
        .t_submit = sqlite3_column_double (st, 3),
        .t_run = sqlite3_column_double (st, 4),
        .t_inactive = sqlite3_column_double (st, 5),
        .ranks = col_text (st, 6),
        .R = col_text (st, 7),
        .R_len = (size_t)sqlite3_column_bytes (st, 7),
        .jobspec = col_text (st, 8),
        .spec_len = (size_t)sqlite3_column_bytes (st, 8),
        .project = col_text (st, 9),
        .bank = col_text (st, 10),
        .null_unnamed = 1,
        .has_requested = sqlite3_column_type (st, 11) != SQLITE_NULL,
        .requested_duration = sqlite3_column_double (st, 11),
        .has_actual = sqlite3_column_type (st, 12) != SQLITE_NULL,
        .actual_duration = sqlite3_column_double (st, 12),
    };
    int rc;

    if (!rec.id)
        rec.id = "";
    if (jobnorm_record (j->norm, &rec, m->error) < 0
        || (rc = jobrec_insert (m->db, &rec, m->error)) < 0) {
        jobrec_clear (&rec);
        return -1;
    }
    if (rc == 0) {
        jobrec_clear (&rec);
        return errprintf (m->error, EEXIST, "update-db: job %s appears "
                          "twice", sqlite3_column_text (st, 1));
    }
    jobnorm_stored (j->norm, &rec);
    if (rec.no_counts && rec.t_run > 0) {
        if (j->nores < MAX_REPORTED)
            snprintf (j->nores_msg[j->nores], sizeof (j->nores_msg[0]),
                      "job %s: %s; kept, contributes no usage", rec.id,
                      rec.r_problem);
        j->nores++;
    }
    jobrec_clear (&rec);
    if ((++j->copied & 16383) == 0)
        db_progress (m->db, "update-db", j->copied, 0);
    return 0;
}

/* The names and canonical text of the jobs indexes the copy drops (every
 * secondary one), as pairs in *isql, *nidx of them.  Inserting into the
 * table and its primary key alone, then building each index by one sort,
 * costs less than keeping them: at 100k records 5.69 G -> 5.31 G
 * instructions, and a third less system time at 1M (each index entry
 * inserted by a search from the root, index pages split and journalled
 * while the table grows). */
static int drop_job_indexes (struct mig *m, char ***isql, size_t *nidx)
{
    sqlite3_stmt *st;
    int step;

    if (!(st = prep (m, "SELECT name, sql FROM sqlite_master WHERE type = "
                     "'index' AND tbl_name = 'jobs' AND sql IS NOT NULL")))
        return -1;
    while ((step = sqlite3_step (st)) == SQLITE_ROW) {
        char **v = realloc (*isql, (*nidx + 1) * 2 * sizeof (char *));
        if (!v)
            goto nomem;
        *isql = v;
        v[2 * *nidx] = strdup ((const char *)sqlite3_column_text (st, 0));
        v[2 * *nidx + 1] = strdup ((const char *)sqlite3_column_text (st, 1));
        (*nidx)++;
        if (!v[2 * *nidx - 2] || !v[2 * *nidx - 1])
            goto nomem;
    }
    sqlite3_finalize (st);
    if (step != SQLITE_DONE)
        return db_error (m->db, m->error, "update-db");
    for (size_t i = 0; i < *nidx; i++)
        if (execf (m, "DROP INDEX \"%s\"", (*isql)[2 * i]) < 0)
            return -1;
    return 0;
nomem:
    sqlite3_finalize (st);
    return errprintf (m->error, ENOMEM, "out of memory");
}

/* Pass 1: in rowid order, copy the records flux-accounting has charged
 * (by last_job_timestamp, or t_inactive <= reconf) and note the others. */
static int copy_charged (struct jobctx *j, double reconf)
{
    char *sql = job_select_sql (j, 0);
    sqlite3_stmt *st;
    int rc = 0, step;

    if (!sql)
        return -1;
    st = prep (j->m, sql);
    free (sql);
    if (!st)
        return -1;
    while (rc == 0 && (step = sqlite3_step (st)) == SQLITE_ROW) {
        double t_inactive = sqlite3_column_double (st, 5);
        if (fa_charged (j, sqlite3_column_int64 (st, 2), col_text (st, 10),
                        t_inactive)
            || (!isnan (reconf) && t_inactive <= reconf))
            rc = copy_one (j, st);
        else
            rc = remember_pending (j, sqlite3_column_int64 (st, 0));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error (j->m->db, j->m->error, "update-db: jobs");
    sqlite3_finalize (st);
    return rc;
}

/* Pass 2: the records pass 1 left, in rowid order. */
static int copy_pending (struct jobctx *j)
{
    char *sql = job_select_sql (j, 1);
    sqlite3_stmt *st;
    int rc = 0;

    if (!sql)
        return -1;
    st = prep (j->m, sql);
    free (sql);
    if (!st)
        return -1;
    for (size_t i = 0; rc == 0 && i < j->npending; i++) {
        sqlite3_bind_int64 (st, 1, j->pending[i]);
        if (sqlite3_step (st) != SQLITE_ROW)
            rc = db_error (j->m->db, j->m->error, "update-db: jobs");
        else
            rc = copy_one (j, st);
        sqlite3_reset (st);
    }
    sqlite3_finalize (st);
    return rc;
}

/* Copy the records in rowid order.  Records flux-accounting has already
 * charged (t_inactive <= the association's last_job_timestamp, or before
 * a re-bin's reconfigure_time) get the first sequence numbers and are
 * marked charged; the others follow, and update-usage charges them next. */
static int copy_jobs (struct mig *m, sqlite3_int64 *charged)
{
    struct jobctx j = { .m = m };
    char **isql = NULL;
    size_t nidx = 0;
    double reconf = NAN;
    sqlite3_int64 first;
    char *s;
    int rc = -1;

    *charged = 0;
    if (!m->t[T_JOBS].present)
        return 0;
    j.has_bank = has_col (m, T_JOBS, "bank");
    j.has_project = has_col (m, T_JOBS, "project");
    j.has_req = has_col (m, T_JOBS, "requested_duration");
    j.has_act = has_col (m, T_JOBS, "actual_duration");
    if ((s = db_config_text (m->db, "reconfigure_time"))) {
        char *end;
        double d = strtod (s, &end);
        if (end != s && !*end)
            reconf = d;
        free (s);
    }
    if (load_last (&j) < 0 || !(j.norm = jobnorm_create (m->db, m->error))
        || drop_job_indexes (m, &isql, &nidx) < 0)
        goto done;
    first = jobnorm_next_seq (j.norm);
    if (copy_charged (&j, reconf) < 0)
        goto done;
    *charged = first + (sqlite3_int64)j.copied - 1;
    if (copy_pending (&j) < 0)
        goto done;
    db_progress (m->db, "update-db", j.copied, j.copied); /* once at the end */
    m->st->jobs = j.copied;
    m->st->jobs_pending = j.npending;
    for (size_t i = 0; i < nidx; i++)
        if (db_exec (m->db, isql[2 * i + 1], m->error) < 0)
            goto done;
    report_no_resources (&j);
    rc = jobnorm_finish (j.norm, 0, m->error);
    j.norm = NULL;
done:
    for (size_t i = 0; i < 2 * nidx; i++)
        free (isql[i]);
    free (isql);
    jobctx_free (&j);
    return rc;
}

/* ---- usage ----------------------------------------------------------- */

/* flux-accounting's bin k holds its usage already decayed k times
 * (bins[k+1] = D * bins[k] at each shift), and its current bin is the
 * period [E, E + H).  The usage engine keeps undecayed sums per absolute
 * period from the usage epoch (E here, so the current bin is period 0):
 * bin k becomes the sum of period -k, value / D^k.  Evaluated in period 0
 * that gives back sum(bins) = job_usage; later it decays by the clock. */
static int seed_usage (struct mig *m, sqlite3_int64 charged)
{
    static const char *sel =
        "SELECT coalesce((SELECT a.userid FROM association_table a WHERE "
        "a.username = p.username AND a.bank = p.bank), p.userid), p.bank, "
        "p.period, p.value FROM job_usage_per_association_table p WHERE "
        "p.value != 0 AND p.period >= 0";
    static const char *ins =
        "INSERT INTO usage_period_table (userid, bank, period, value) VALUES "
        "(?1, ?2, ?3, ?4) ON CONFLICT (userid, bank, period) DO UPDATE SET "
        "value = value + excluded.value";
    double D = db_config_double (m->db, "decay_factor", 0.5);
    char fp[256];
    sqlite3_stmt *st, *up;
    int rc, ret = 0;

    if (usage_fingerprint (m->db, fp, sizeof (fp), m->error) < 0) {
        char msg[sizeof (m->error->text)];
        snprintf (msg, sizeof (msg), "%s", m->error->text);
        return errprintf (m->error, EINVAL, "config_table: %s; fix it in the "
                          "flux-accounting database first", msg);
    }
    if (!(st = prep (m, sel)))
        return -1;
    if (!(up = prep (m, ins))) {
        sqlite3_finalize (st);
        return -1;
    }
    while (ret == 0 && (rc = sqlite3_step (st)) == SQLITE_ROW) {
        sqlite3_int64 k = sqlite3_column_int64 (st, 2);
        sqlite3_bind_int64 (up, 1, sqlite3_column_int64 (st, 0));
        sqlite3_bind_value (up, 2, sqlite3_column_value (st, 1));
        sqlite3_bind_int64 (up, 3, -k);
        sqlite3_bind_double (up, 4, sqlite3_column_double (st, 3)
                                    / pow (D, (double)k));
        if (sqlite3_step (up) != SQLITE_DONE)
            ret = db_error (m->db, m->error, "update-db: usage");
        sqlite3_reset (up);
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_error (m->db, m->error, "update-db: usage");
    sqlite3_finalize (st);
    sqlite3_finalize (up);
    if (ret < 0)
        return -1;
    return db_state_set_int (m->db, "charged_seq", charged, m->error) < 0
           || db_state_set_text (m->db, "fingerprint", fp, m->error) < 0
           || db_state_set_int (m->db, "last_period", 0, m->error) < 0 ? -1 : 0;
}

/* ---- the migration --------------------------------------------------- */

static int other_tables (struct mig *m)
{
    sqlite3_stmt *st = prep (m, "SELECT name FROM sqlite_master WHERE type ="
                             " 'table' AND name NOT LIKE 'sqlite_%' ORDER BY "
                             "name");
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text (st, 0);
        int known = 0;
        for (int i = 0; i < T_COUNT && !known; i++)
            known = !strcmp (name, known_tables[i]);
        if (!known) {
            m->st->other_tables++;
            note (m, "table %s is not flux-accounting's; kept as it is", name);
        }
    }
    sqlite3_finalize (st);
    return rc == SQLITE_DONE ? 0 : db_error (m->db, m->error, "update-db");
}

static int migrate_tables (struct mig *m)
{
    sqlite3_int64 charged = 0;
    char pragma[128];

    for (int i = 0; i < T_COUNT; i++)
        if (m->t[i].present
            && execf (m, "ALTER TABLE \"%s\" RENAME TO \"" OLD "%s\"",
                      known_tables[i], known_tables[i]) < 0)
            return -1;
    if (find_epoch (m) < 0)
        return -1;
    if (db_exec (m->db, schema_sql, m->error) < 0)
        return -1;
    if (copy_table (m, T_BANK, NULL, NULL) < 0
        || keep_sequence (m, "bank_table") < 0
        || fix_ignore_older_than (m) < 0
        || copy_table (m, T_ASSOC, map_assoc, NULL) < 0
        || fix_userids (m) < 0
        || (m->t[T_QUEUE].present && copy_table (m, T_QUEUE, NULL, NULL) < 0)
        || map_qos (m) < 0
        || copy_projects (m) < 0
        || copy_weights (m) < 0
        || copy_config (m) < 0
        || (m->t[T_FACTOR_USAGE].present
            && copy_table (m, T_FACTOR_USAGE, NULL, NULL) < 0)
        || copy_periods (m) < 0)
        return -1;
    if (m->t[T_HALFLIFE].present) {
        if (copy_table (m, T_HALFLIFE, NULL, NULL) < 0)
            return -1;
    }
    else {
        char e[FA_FMT_DOUBLE_MAX];
        fa_fmt_double (e, sizeof (e), m->E, FA_FMT_ROUNDTRIP);
        if (execf (m, "INSERT INTO t_half_life_period_table VALUES "
                   "('cluster', %s)", e) < 0)
            return -1;
    }
    if (copy_jobs (m, &charged) < 0 || seed_usage (m, charged) < 0
        || validate_tables (m->db, m->report, m->arg, m->error) < 0)
        return -1;
    for (int i = 0; i < T_COUNT; i++)
        if (m->t[i].present
            && execf (m, "DROP TABLE \"" OLD "%s\"", known_tables[i]) < 0)
            return -1;
    snprintf (pragma, sizeof (pragma), "PRAGMA application_id=%d; "
              "PRAGMA user_version=%d;", FLUXACCT_APPLICATION_ID,
              FLUXACCT_SCHEMA_VERSION);
    if (db_exec (m->db, pragma, m->error) < 0 || count_all (m) < 0)
        return -1;
    return 0;
}

static int count_all (struct mig *m)
{
    if (count_rows (m, "association_table", &m->st->associations) < 0
        || count_rows (m, "bank_table", &m->st->banks) < 0
        || count_rows (m, "queue_table", &m->st->queues) < 0
        || count_rows (m, "project_table", &m->st->projects) < 0
        || count_rows (m, "job_usage_per_association_table",
                       &m->st->period_rows) < 0
        || count_rows (m, "config_table", &m->st->config_keys) < 0)
        return -1;
    return 0;
}

static int pragma_int (struct mig *m, const char *sql, int *out);

/* A libfluxacct database of an older schema (inside the write
 * transaction): apply the upgrade steps from its version on (the caller
 * writes the backup first). */
static int upgrade_own (struct mig *m)
{
    char pragma[64];
    int v;

    if (pragma_int (m, "PRAGMA user_version", &v) < 0)
        return -1;
    for (int i = 0; schema_upgrades[i].sql; i++) {
        if (schema_upgrades[i].from != v)
            continue;
        if (db_exec (m->db, schema_upgrades[i].sql, m->error) < 0)
            return -1;
        v++;
    }
    if (v != FLUXACCT_SCHEMA_VERSION)
        return errprintf (m->error, EPROTO, "%s: no upgrade from libfluxacct "
                          "schema %d", m->path, v);
    snprintf (pragma, sizeof (pragma), "PRAGMA user_version=%d;", v);
    if (db_exec (m->db, pragma, m->error) < 0 || count_all (m) < 0
        || count_rows (m, "jobs", &m->st->jobs) < 0)
        return -1;
    return 0;
}

static int pragma_int (struct mig *m, const char *sql, int *out)
{
    int64_t v;
    if (q_int64 (m, sql, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

/* Decide what the file is.  1: a flux-accounting database to migrate;
 * 2: a libfluxacct database of an older schema to upgrade; 0: already
 * current; -1: refused. */
static int classify (struct mig *m)
{
    int appid, version;

    if (pragma_int (m, "PRAGMA application_id", &appid) < 0) {
        int code = sqlite3_errcode (m->db->h);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            return errprintf (m->error, EPROTO, "%s is not an SQLite database",
                              m->path);
        return -1;
    }
    if (pragma_int (m, "PRAGMA user_version", &version) < 0)
        return -1;
    m->st->from_version = version;
    if (appid == FLUXACCT_APPLICATION_ID) {
        if (version == FLUXACCT_SCHEMA_VERSION)
            return 0;
        if (version == 1001)
            return 2;
        if (version > FLUXACCT_SCHEMA_VERSION)
            return errprintf (m->error, EPROTO, "%s has schema version %d, "
                              "newer than this libfluxacct understands (%d)",
                              m->path, version, FLUXACCT_SCHEMA_VERSION);
        for (int v = version, i = 0; schema_upgrades[i].sql; i++)
            if (schema_upgrades[i].from == v && ++v == FLUXACCT_SCHEMA_VERSION)
                return 2;
        return errprintf (m->error, EPROTO, "%s has libfluxacct schema "
                          "version %d, which no release wrote", m->path,
                          version);
    }
    if (appid != 0)
        return errprintf (m->error, EPROTO, "%s is not an accounting database "
                          "(application_id 0x%x)", m->path, (unsigned)appid);
    if (!m->t[T_ASSOC].present || !m->t[T_BANK].present)
        return errprintf (m->error, EPROTO, "%s is not a flux-accounting "
                          "database (no association_table or bank_table)",
                          m->path);
    return 1;
}

static int journal_mode_is (struct mig *m, const char *sql, const char *mode)
{
    sqlite3_stmt *st = prep (m, sql);
    int match = 0;

    if (!st)
        return -1;
    if (sqlite3_step (st) == SQLITE_ROW)
        match = !strcasecmp ((const char *)sqlite3_column_text (st, 0), mode);
    sqlite3_finalize (st);
    return match;
}

static int run (struct mig *m)
{
    int dry = m->flags & FLUXACCT_MIGRATE_DRY_RUN;
    int kind, rc;

    if (load_tinfo (m) < 0) {
        int code = sqlite3_errcode (m->db->h);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            return errprintf (m->error, EPROTO, "%s is not an SQLite database",
                              m->path);
        return -1;
    }
    if ((kind = classify (m)) < 0)
        return -1;
    if (kind == 0)
        return 0;   /* already current: nothing to do, nothing written */
    if (kind == 2) {
        /* An older schema of ours: a backup, then every upgrade step in
         * one transaction. */
        if (!dry && write_backup (m) < 0)
            return -1;
        if (db_txn_begin (m->db, m->error) < 0)
            return -1;
        rc = upgrade_own (m);
        if (dry || rc < 0) {
            db_txn_end (m->db, -1, NULL);
            if (rc < 0)
                return -1;
        }
        else if (db_txn_end (m->db, 0, m->error) < 0)
            return -1;
        m->st->migrated = 2;
        return 0;
    }
    /* The byte copy must hold everything: bring a WAL back into the file
     * (flux-accounting never uses WAL, but someone may have). */
    if (!dry && journal_mode_is (m, "PRAGMA journal_mode", "wal") == 1
        && journal_mode_is (m, "PRAGMA journal_mode=DELETE", "delete") != 1)
        return errprintf (m->error, EBUSY, "%s is in use (cannot leave WAL "
                          "mode); stop the programs using it and retry",
                          m->path);
    /* Bounded memory for the copy (a 64 MiB page cache; no mmap, whose
     * touched pages of the old file would all count; sorts for the index
     * builds spill to temporary files past the cache size), worker threads
     * for those sorts.  secure_delete FAST: the old tables'
     * pages are not zeroed one by one when they are dropped (Debian builds
     * SQLite with secure_delete on, which journals and rewrites every freed
     * page: 4 s of a 10 s migration); their content is in the new tables
     * anyway. */
    sqlite3_exec (m->db->h, "PRAGMA cache_size=-65536; "
                  "PRAGMA threads=2; PRAGMA secure_delete=FAST", NULL, NULL,
                  NULL);
    if (db_txn_begin (m->db, m->error) < 0)
        return -1;
    /* The source may have changed between the look above and the lock. */
    free_tinfo (m);
    if (load_tinfo (m) < 0 || (kind = classify (m)) < 0)
        return db_txn_end (m->db, -1, m->error);
    if (kind == 0)
        return db_txn_end (m->db, 0, m->error);
    rc = check_duplicate_banks (m);
    if (rc == 0)
        rc = other_tables (m);
    if (rc == 0 && !dry)
        rc = write_backup (m);
    if (rc == 0)
        rc = migrate_tables (m);
    if (dry) {
        db_txn_end (m->db, -1, NULL);
        if (rc < 0)
            return -1;
    }
    else if (db_txn_end (m->db, rc, m->error) < 0)
        return -1;
    m->st->migrated = 1;
    if (!dry && (m->flags & FLUXACCT_MIGRATE_VACUUM)
        && sqlite3_exec (m->db->h, "VACUUM", NULL, NULL, NULL) != SQLITE_OK)
        note (m, "VACUUM failed (%s); the migrated database is kept as it is",
              sqlite3_errmsg (m->db->h));
    if (!dry && journal_mode_is (m, "PRAGMA journal_mode=WAL", "wal") != 1)
        note (m, "could not switch %s to WAL journaling (in use?); it works "
              "as it is", m->path);
    return 0;
}

static const fluxacct_migrate_options_t options_defaults = {
    .version = FLUXACCT_MIGRATE_OPTIONS_VERSION,
};
FA_VSTRUCT1 (options_type, fluxacct_migrate_options_t,
             fluxacct_migrate_options_init, options_defaults);

static const fluxacct_migrate_stats_t stats_zero = {
    .version = FLUXACCT_MIGRATE_STATS_VERSION,
};
FA_VSTRUCT1 (stats_type, fluxacct_migrate_stats_t,
             fluxacct_migrate_stats_init, stats_zero);

FLUXACCT_EXPORT int fluxacct_migrate_db (const char *path,
                                         const fluxacct_migrate_options_t *opts,
                                         fluxacct_migrate_stats_t *stats,
                                         fluxacct_error_t *error)
{
    fluxacct_migrate_options_t o;
    fluxacct_migrate_stats_t local = stats_zero;
    struct mig m = { 0 };
    struct stat sb;
    int rc;

    if (fa_vin (&options_type, opts, &o, &options_defaults, error) < 0
        || (stats && fa_vcheck (&stats_type, stats, error) == 0))
        return -1;
    int flags = o.flags;
    if (!path || !*path)
        return errprintf (error, EINVAL, "no database path given");
    if (flags & ~(FLUXACCT_MIGRATE_DRY_RUN | FLUXACCT_MIGRATE_VACUUM))
        return errprintf (error, EINVAL, "invalid flags 0x%x", flags);
    if (stat (path, &sb) < 0)
        return errprintf (error, errno, "%s: %s", path, strerror (errno));
    if (S_ISDIR (sb.st_mode))
        return errprintf (error, EPROTO, "%s is a directory, not a database",
                          path);
    m.st = &local;
    m.path = path;
    m.flags = flags;
    m.report = o.report;
    m.arg = o.arg;
    m.error = error;
    if (!(m.db = db_open_unchecked (path, error)))
        return -1;
    fluxacct_db_set_progress (m.db, o.progress, o.arg);
    rc = run (&m);
    int saved = errno;
    free_tinfo (&m);
    fluxacct_db_close (m.db);
    if (stats)
        fa_vout (&stats_type, stats, &local);
    errno = saved;
    return rc;
}
