/* libfluxacct admin module: update-db migration of flux-accounting
 * databases (CSV export and import: test_csv.c).  Links the library's
 * objects so the internal fast path of R counting can be checked against
 * the public function it stands in for. */
#include <dirent.h>
#include <glob.h>
#include <math.h>
#include <time.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "testutil.h"
#include "parse/parse_internal.h"

static char backup_path[320];

static void setup (void)
{
    tmp_setup ();
    snprintf (backup_path, sizeof (backup_path), "%s.backup", test_path);
}

static void teardown (void)
{
    fluxacct_db_close (db);
    db = NULL;
    tmp_teardown ();
}

static void copy_file (const char *from, const char *to)
{
    char cmd[1024];
    snprintf (cmd, sizeof (cmd), "cp '%s' '%s' && chmod u+w '%s'", from, to,
              to);
    ck_assert_int_eq (system (cmd), 0);
}

static void copy_corpus (const char *name)
{
    char from[600];
    snprintf (from, sizeof (from), "%s/%s", getenv ("FLUXACCT_DBS_DIR"), name);
    copy_file (from, test_path);
}

static char *slurp (const char *path, size_t *len)
{
    FILE *f = fopen (path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek (f, 0, SEEK_END);
    n = ftell (f);
    fseek (f, 0, SEEK_SET);
    buf = malloc ((size_t)n + 1);
    ck_assert_int_eq (fread (buf, 1, (size_t)n, f), (size_t)n);
    fclose (f);
    *len = (size_t)n;
    return buf;
}

static int same_bytes (const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp (a, &la), *y = slurp (b, &lb);
    int same = x && y && la == lb && memcmp (x, y, la) == 0;
    free (x);
    free (y);
    return same;
}

static int exists (const char *path)
{
    struct stat sb;
    return stat (path, &sb) == 0;
}

/* Run SQL on a file directly (building old-format fixtures). */
static void sql (const char *path, const char *text)
{
    sqlite3 *h;
    char *msg = NULL;
    ck_assert_int_eq (sqlite3_open (path, &h), SQLITE_OK);
    ck_assert_msg (sqlite3_exec (h, text, NULL, NULL, &msg) == SQLITE_OK,
                   "%s: %s", text, msg);
    sqlite3_close (h);
}

static double sql_real (const char *path, const char *text)
{
    char *s = sql_text (path, text);
    double d = strtod (s, NULL);
    free (s);
    return d;
}

static double cell_real (fluxacct_rows_t *r, const char *col)
{
    int c = fluxacct_rows_column_index (r, col);
    ck_assert_int_ge (c, 0);
    return fluxacct_rows_real (r, 0, (size_t)c);
}

/* Initialised migration counters (the call fills them). */
static fluxacct_migrate_stats_t migrate_stats0 (void)
{
    fluxacct_migrate_stats_t st;
    ck_ok (fluxacct_migrate_stats_init (&st, FLUXACCT_MIGRATE_STATS_VERSION));
    return st;
}

/* Migration options: flags, the report callback and its argument. */
static fluxacct_migrate_options_t migrate_opts (int flags,
                                                fluxacct_report_f report,
                                                void *arg)
{
    fluxacct_migrate_options_t o;
    ck_ok (fluxacct_migrate_options_init (&o,
                                          FLUXACCT_MIGRATE_OPTIONS_VERSION));
    o.flags = flags;
    o.report = report;
    o.arg = arg;
    return o;
}

static void migrate_ok (fluxacct_migrate_stats_t *st)
{
    memset (&err, 0, sizeof (err));
    ck_assert_msg (fluxacct_migrate_db (test_path, NULL, st, &err) == 0,
                   "migrate: %s", err.text);
}

/* ---- the corpus -------------------------------------------------------- */

struct oldassoc {
    char user[64], bank[64];
    int64_t shares, rj, aj, active, userid;
    double usage, fairshare;
    char queues[128];
};

static int has_column (sqlite3 *h, const char *table, const char *col)
{
    char q[256];
    sqlite3_stmt *st;
    int found = 0;
    snprintf (q, sizeof (q), "SELECT 1 FROM pragma_table_info('%s') WHERE "
              "name = '%s'", table, col);
    ck_assert_int_eq (sqlite3_prepare_v2 (h, q, -1, &st, NULL), SQLITE_OK);
    found = sqlite3_step (st) == SQLITE_ROW;
    sqlite3_finalize (st);
    return found;
}

/* The association rows as the old release meant them. */
static size_t read_old (const char *path, struct oldassoc *v, size_t max)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char q[1024];
    size_t n = 0;

    ck_assert_int_eq (sqlite3_open (path, &h), SQLITE_OK);
    snprintf (q, sizeof (q),
              "SELECT username, bank, shares, job_usage, fairshare, %s, %s, "
              "%s, %s, userid FROM association_table ORDER BY rowid",
              has_column (h, "association_table", "max_running_jobs")
                  ? "max_running_jobs" : "max_jobs",
              has_column (h, "association_table", "max_active_jobs")
                  ? "max_active_jobs" : "max_jobs",
              has_column (h, "association_table", "active") ? "active"
              : has_column (h, "association_table", "deleted") ? "NOT deleted"
                                                               : "1",
              has_column (h, "association_table", "queues") ? "queues"
                                                            : "qos");
    ck_assert_int_eq (sqlite3_prepare_v2 (h, q, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step (st) == SQLITE_ROW && n < max) {
        struct oldassoc *a = &v[n++];
        snprintf (a->user, sizeof (a->user), "%s", sqlite3_column_text (st, 0));
        snprintf (a->bank, sizeof (a->bank), "%s", sqlite3_column_text (st, 1));
        a->shares = sqlite3_column_int64 (st, 2);
        a->usage = sqlite3_column_double (st, 3);
        a->fairshare = sqlite3_column_double (st, 4);
        a->rj = sqlite3_column_int64 (st, 5);
        a->aj = sqlite3_column_int64 (st, 6);
        a->active = sqlite3_column_int64 (st, 7);
        snprintf (a->queues, sizeof (a->queues), "%s",
                  sqlite3_column_text (st, 8));
        a->userid = sqlite3_column_int64 (st, 9);
    }
    sqlite3_finalize (st);
    sqlite3_close (h);
    return n;
}

static void check_corpus_file (const char *file)
{
    struct oldassoc old[16];
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char orig[400], *v;
    size_t n;
    int version;

    snprintf (orig, sizeof (orig), "%s.orig", test_path);
    copy_file (file, test_path);
    copy_file (file, orig);
    n = read_old (test_path, old, 16);
    v = sql_text (test_path, "PRAGMA user_version");
    version = atoi (v);
    free (v);

    migrate_ok (&st);
    ck_assert_int_eq (st.migrated, 1);
    ck_assert_int_eq (st.from_version, version);
    ck_assert_int_eq (st.associations, n);
    ck_assert_msg (same_bytes (backup_path, orig), "%s: backup differs", file);
    v = sql_text (test_path, "PRAGMA integrity_check");
    ck_assert_str_eq (v, "ok");
    free (v);

    db = fluxacct_db_open (test_path, FLUXACCT_DB_READONLY, &err);
    ck_assert_msg (db != NULL, "%s: open after migration: %s", file, err.text);
    ck_assert_int_eq (fluxacct_db_schema_version (db), FLUXACCT_SCHEMA_VERSION);
    for (size_t i = 0; i < n; i++) {
        fluxacct_rows_t *r = fluxacct_assoc_view (db, old[i].user, NULL, &err);
        size_t row = 0;
        ck_assert_msg (r != NULL, "%s: view %s: %s", file, old[i].user,
                       err.text);
        int cb = fluxacct_rows_column_index (r, "bank");
        while (row < fluxacct_rows_count (r)
               && strcmp (fluxacct_rows_text (r, row, (size_t)cb), old[i].bank))
            row++;
        ck_assert_uint_lt (row, fluxacct_rows_count (r));
#define COL(name) ((size_t)fluxacct_rows_column_index (r, name))
        ck_assert_int_eq (fluxacct_rows_int (r, row, COL ("shares")),
                          old[i].shares);
        ck_assert_int_eq (fluxacct_rows_int (r, row, COL ("userid")),
                          old[i].userid);
        ck_assert_int_eq (fluxacct_rows_int (r, row, COL ("max_running_jobs")),
                          old[i].rj);
        ck_assert_int_eq (fluxacct_rows_int (r, row, COL ("max_active_jobs")),
                          old[i].aj);
        ck_assert_int_eq (fluxacct_rows_int (r, row, COL ("active")),
                          old[i].active);
        ck_assert (fluxacct_rows_real (r, row, COL ("job_usage"))
                   == old[i].usage);
        ck_assert (fluxacct_rows_real (r, row, COL ("fairshare"))
                   == old[i].fairshare);
        ck_assert_str_eq (fluxacct_rows_text (r, row, COL ("queues")),
                          old[i].queues);
#undef COL
        fluxacct_rows_destroy (r);
    }
    fluxacct_db_close (db);
    db = NULL;

    /* again: nothing to do, nothing written */
    copy_file (test_path, orig);
    migrate_ok (&st);
    ck_assert_int_eq (st.migrated, 0);
    ck_assert_msg (same_bytes (test_path, orig), "%s: second run changed it",
                   file);
    unlink (orig);
    unlink (backup_path);
}

START_TEST (corpus_every_file)
{
    glob_t g;
    char pat[600];

    snprintf (pat, sizeof (pat), "%s/FluxAccountingv0-*.db",
              getenv ("FLUXACCT_DBS_DIR"));
    ck_assert_int_eq (glob (pat, 0, NULL, &g), 0);
    ck_assert_uint_eq (g.gl_pathc, 26);
    for (size_t i = 0; i < g.gl_pathc; i++)
        check_corpus_file (g.gl_pathv[i]);
    globfree (&g);
}
END_TEST

START_TEST (dry_run_writes_nothing)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char orig[400];

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (orig, sizeof (orig), "%s.orig", test_path);
    copy_file (test_path, orig);
    fluxacct_migrate_options_t o = migrate_opts (FLUXACCT_MIGRATE_DRY_RUN,
                                                 NULL, NULL);
    ck_ok (fluxacct_migrate_db (test_path, &o, &st, &err));
    ck_assert_int_eq (st.migrated, 1);
    ck_assert_int_eq (st.associations, 1);
    ck_assert_int_eq (st.from_version, 37);
    ck_assert (same_bytes (test_path, orig));
    ck_assert (!exists (backup_path));
    o = migrate_opts (99, NULL, NULL);
    ck_fail_with (fluxacct_migrate_db (test_path, &o, &st, &err), EINVAL,
                  "flags");
}
END_TEST

START_TEST (vacuum_gives_space_back)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    struct stat a, b;
    char other[400];

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (other, sizeof (other), "%s/other.db", test_dir);
    copy_file (test_path, other);
    migrate_ok (&st);
    fluxacct_migrate_options_t o = migrate_opts (FLUXACCT_MIGRATE_VACUUM,
                                                 NULL, NULL);
    ck_ok (fluxacct_migrate_db (other, &o, &st, &err));
    ck_assert_int_eq (st.migrated, 1);
    char *v = sql_text (other, "PRAGMA integrity_check");
    ck_assert_str_eq (v, "ok");
    free (v);
    v = sql_text (other, "PRAGMA freelist_count");
    ck_assert_str_eq (v, "0");
    free (v);
    ck_assert_int_eq (stat (test_path, &a), 0);
    ck_assert_int_eq (stat (other, &b), 0);
    ck_assert_int_lt (b.st_size, a.st_size);
}
END_TEST

START_TEST (current_database_untouched)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char orig[400];

    ck_ok (fluxacct_db_create (test_path, NULL, &err));
    snprintf (orig, sizeof (orig), "%s.orig", test_path);
    copy_file (test_path, orig);
    migrate_ok (&st);
    ck_assert_int_eq (st.migrated, 0);
    ck_assert_int_eq (st.from_version, FLUXACCT_SCHEMA_VERSION);
    ck_assert (same_bytes (test_path, orig));
    ck_assert (!exists (backup_path));
}
END_TEST

START_TEST (refuses_what_it_cannot_migrate)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    FILE *f;

    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err),
                  ENOENT, test_path);
    ck_fail_with (fluxacct_migrate_db (NULL, NULL, &st, &err),
                  EINVAL, "path");
    ck_fail_with (fluxacct_migrate_db (test_dir, NULL, &st, &err),
                  EPROTO, "directory");
    f = fopen (test_path, "w");
    fputs ("this is not a database, not even close to one\n", f);
    fclose (f);
    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err),
                  EPROTO, "not an SQLite database");
    unlink (test_path);
    sql (test_path, "CREATE TABLE t (x)");
    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err),
                  EPROTO, "not a flux-accounting database");
    sql (test_path, "PRAGMA application_id = 1234");
    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err),
                  EPROTO, "not an accounting database");
    unlink (test_path);
    ck_ok (fluxacct_db_create (test_path, NULL, &err));
    sql (test_path, "PRAGMA user_version = 5000");
    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err),
                  EPROTO, "newer");
    ck_assert (!exists (backup_path));
}
END_TEST

START_TEST (duplicate_bank_names_refused)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char orig[400];

    copy_corpus ("FluxAccountingv0-60-0.db");
    sql (test_path, "INSERT INTO bank_table (bank, parent_bank, shares) "
         "VALUES ('A', 'root', 3), ('B', 'root', 1), ('B', 'A', 1)");
    snprintf (orig, sizeof (orig), "%s.orig", test_path);
    copy_file (test_path, orig);
    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err),
                  EEXIST, "A (ids 2, 3), B (ids 4, 5)");
    ck_assert_ptr_nonnull (strstr (err.text, "unique"));
    ck_assert (same_bytes (test_path, orig));
    ck_assert (!exists (backup_path));
}
END_TEST

START_TEST (backup_failure_changes_nothing)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char orig[400];

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (orig, sizeof (orig), "%s.orig", test_path);
    copy_file (test_path, orig);
    ck_assert_int_eq (mkdir (backup_path, 0755), 0); /* rename onto a dir fails */
    memset (&err, 0, sizeof (err));
    ck_assert_int_eq (fluxacct_migrate_db (test_path, NULL, &st, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.text, "cannot write the backup"));
    ck_assert_ptr_nonnull (strstr (err.text, "nothing was changed"));
    ck_assert (same_bytes (test_path, orig));
    rmdir (backup_path);
    /* and it works once the backup can be written */
    migrate_ok (&st);
    ck_assert_int_eq (st.migrated, 1);
}
END_TEST

/* A 0.10 .. 0.13 database: deleted, max_jobs, qos, QOS table, legacy
 * usage_factor_period_N columns. */
START_TEST (legacy_columns_keep_their_meaning)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char *v;

    copy_corpus ("FluxAccountingv0-13-0.db");
    sql (test_path,
         "UPDATE association_table SET deleted = 1, max_jobs = 9, "
         "qos = 'standby,expedite', shares = 3, job_usage = 187.5;"
         "INSERT INTO association_table (creation_time, username, userid, "
         "bank, default_bank, max_jobs) VALUES (1659653366, 'bob', 1001, 'A',"
         " 'A', 2);"
         "INSERT INTO qos_table VALUES ('standby', 10), ('expedite', 500);"
         "INSERT INTO queue_table VALUES ('standby', 1, 2, 30);"
         "UPDATE job_usage_factor_table SET usage_factor_period_0 = 100, "
         "usage_factor_period_1 = 50, usage_factor_period_2 = 25, "
         "usage_factor_period_3 = 12.5");
    migrate_ok (&st);
    ck_assert_int_eq (st.qos, 2);
    ck_assert_int_eq (st.queues, 2);
    db = fluxacct_db_open (test_path, 0, &err);
    ck_assert_ptr_nonnull (db);
    fluxacct_rows_t *r = fluxacct_assoc_view (db, "testuser", NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (cell_int (r, "active"), 0);
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 9);
    ck_assert_int_eq (cell_int (r, "max_active_jobs"), 9);
    ck_assert_int_eq (cell_int (r, "shares"), 3);
    ck_assert_str_eq (cell_text (r, "queues"), "standby,expedite");
    fluxacct_rows_destroy (r);
    r = fluxacct_assoc_view (db, "bob", NULL, &err);
    ck_assert_int_eq (cell_int (r, "active"), 1);
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 2);
    ck_assert_int_eq (cell_int (r, "max_active_jobs"), 2);
    fluxacct_rows_destroy (r);
    r = fluxacct_queue_view (db, "standby", NULL, &err);
    ck_assert_int_eq (cell_int (r, "priority"), 10);
    ck_assert_int_eq (cell_int (r, "max_nodes_per_job"), 2);
    ck_assert_int_eq (cell_int (r, "max_time_per_job"), 30);
    fluxacct_rows_destroy (r);
    r = fluxacct_queue_view (db, "expedite", NULL, &err);
    ck_assert_int_eq (cell_int (r, "priority"), 500);
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 100);
    fluxacct_rows_destroy (r);
    fluxacct_db_close (db);
    db = NULL;
    v = sql_text (test_path, "SELECT group_concat(period || ':' || value, ' ')"
                  " FROM (SELECT * FROM job_usage_per_association_table WHERE"
                  " username = 'testuser' ORDER BY period)");
    ck_assert_str_eq (v, "0:100.0 1:50.0 2:25.0 3:12.5");
    free (v);
    /* bins become undecayed sums of periods 0, -1, -2, -3 */
    v = sql_text (test_path, "SELECT group_concat(period || ':' || value, ' ')"
                  " FROM (SELECT * FROM usage_period_table ORDER BY period)");
    ck_assert_str_eq (v, "-3:100.0 -2:100.0 -1:100.0 0:100.0");
    free (v);
    v = sql_text (test_path, "SELECT count(*) FROM sqlite_master WHERE name "
                  "LIKE '%qos%' OR name LIKE 'fluxacct_old%'");
    ck_assert_str_eq (v, "0");
    free (v);
}
END_TEST

/* The stored usage survives, and update-usage continues from it the way
 * flux-accounting's next runs would have. */
START_TEST (usage_continues_from_the_bins)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    double E;

    copy_corpus ("FluxAccountingv0-60-0.db");
    sql (test_path,
         "UPDATE job_usage_per_association_table SET value = CASE period "
         "WHEN 0 THEN 100 WHEN 1 THEN 50 WHEN 2 THEN 25 ELSE 12.5 END;"
         "UPDATE association_table SET job_usage = 187.5;"
         "UPDATE bank_table SET job_usage = 187.5");
    E = sql_real (test_path, "SELECT end_half_life_period FROM "
                  "t_half_life_period_table");
    migrate_ok (&st);
    char *v = sql_text (test_path, "SELECT (SELECT CAST(value AS REAL) FROM "
                        "config_table WHERE key = 'usage_epoch') = (SELECT "
                        "end_half_life_period FROM t_half_life_period_table)");
    ck_assert_str_eq (v, "1");
    free (v);
    db = fluxacct_db_open (test_path, 0, &err);
    ck_assert_ptr_nonnull (db);
    /* in flux-accounting's current bin: unchanged */
    ck_ok (fluxacct_usage_update (db, E + 3600, NULL, &err));
    fluxacct_rows_t *r = fluxacct_assoc_view (db, "testuser", NULL, &err);
    ck_assert_double_eq_tol (cell_real (r, "job_usage"), 187.5, 1e-9);
    fluxacct_rows_destroy (r);
    /* one half-life later: bins shift and decay, as flux-accounting's
     * [0, 50, 25, 12.5] */
    ck_ok (fluxacct_usage_update (db, E + 604800 + 3600, NULL, &err));
    r = fluxacct_assoc_view (db, "testuser", NULL, &err);
    ck_assert_double_eq_tol (cell_real (r, "job_usage"), 87.5, 1e-9);
    fluxacct_rows_destroy (r);
    r = fluxacct_bank_view (db, "root", NULL, &err);
    ck_assert_double_eq_tol (cell_real (r, "job_usage"), 87.5, 1e-9);
    fluxacct_rows_destroy (r);
}
END_TEST

/* A database younger than two half-lives: end_half_life_period is still
 * ahead, and its first bin holds the present. */
START_TEST (young_database_keeps_its_usage)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    double now = floor ((double)time (NULL));
    char q[512];

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (q, sizeof (q),
              "UPDATE t_half_life_period_table SET end_half_life_period = "
              "%.0f; UPDATE job_usage_per_association_table SET value = CASE "
              "period WHEN 0 THEN 100 ELSE 0 END; UPDATE association_table "
              "SET job_usage = 100", now + 3 * 86400);
    sql (test_path, q);
    migrate_ok (&st);
    double T0 = sql_real (test_path, "SELECT value FROM config_table WHERE "
                          "key = 'usage_epoch'");
    ck_assert_double_eq_tol (T0, now + 3 * 86400 - 604800, 1);
    db = fluxacct_db_open (test_path, 0, &err);
    ck_ok (fluxacct_usage_update (db, now, NULL, &err));
    fluxacct_rows_t *r = fluxacct_assoc_view (db, "testuser", NULL, &err);
    ck_assert_double_eq_tol (cell_real (r, "job_usage"), 100, 1e-9);
    fluxacct_rows_destroy (r);
    /* one half-life later it has decayed once */
    ck_ok (fluxacct_usage_update (db, now + 604800, NULL, &err));
    r = fluxacct_assoc_view (db, "testuser", NULL, &err);
    ck_assert_double_eq_tol (cell_real (r, "job_usage"), 50, 1e-9);
    fluxacct_rows_destroy (r);
}
END_TEST

static const char *R2 =
    "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"3-4\",\"children\""
    ":{\"core\":\"0-3\",\"gpu\":\"0\"}}],\"starttime\":0,\"expiration\":0}}";

/* Job records: counts from R, charged bank, sequence order, pending. */
START_TEST (job_records_are_imported)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char q[2048], *v;

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (q, sizeof (q),
              "UPDATE job_usage_factor_table SET last_job_timestamp = 150;"
              "INSERT INTO jobs (id, userid, t_submit, t_run, t_inactive, "
              "ranks, R, jobspec, project, bank) VALUES "
              "('11', 65534, 1, 50, 100, '3-4', '%s', '{}', '*', 'A'),"
              "('12', 65534, 1, 150, 200, '3-4', '%s', '{}', '*', 'A'),"
              "('13', 65534, 1, 60, 120, '0', '%s', "
              "'{\"attributes\":{\"system\":{\"duration\":60}}}', '*', NULL),"
              "('14', 65534, 1, 70, 140, '0', '{\"version\":1}', '{}', '*',"
              " 'A');", R2, R2, R2);
    sql (test_path, q);
    migrate_ok (&st);
    ck_assert_int_eq (st.jobs, 4);
    ck_assert_int_eq (st.jobs_pending, 2);
    ck_assert_int_eq (st.jobs_no_resources, 1);
    v = sql_text (test_path, "SELECT group_concat(id || ':' || seq || ':' || "
                  "coalesce(nnodes, '-') || '/' || coalesce(ncores, '-') || "
                  "'/' || coalesce(ngpus, '-') || ':' || charge_bank || ':' "
                  "|| coalesce(bank, 'NULL'), ' ') FROM (SELECT * FROM jobs "
                  "ORDER BY seq)");
    ck_assert_str_eq (v, "11:1:2/8/2:A:A 14:2:-/-/-:A:A 12:3:2/8/2:A:A "
                      "13:4:2/8/2:A:NULL");
    free (v);
    v = sql_text (test_path, "SELECT group_concat(key || '=' || value, ' ') "
                  "FROM (SELECT * FROM usage_state_table WHERE key IN "
                  "('next_seq', 'charged_seq') ORDER BY key)");
    ck_assert_str_eq (v, "charged_seq=2 next_seq=5");
    free (v);
    v = sql_text (test_path, "SELECT actual_duration FROM jobs WHERE id = "
                  "'12'");
    ck_assert_str_eq (v, "0.0"); /* the stored value, not recomputed */
    free (v);
}
END_TEST

/* 0.37's jobs table has no bank or project: they come from the jobspec. */
START_TEST (job_records_without_bank_column)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char q[2048], *v;

    copy_corpus ("FluxAccountingv0-37-0.db");
    snprintf (q, sizeof (q),
              "INSERT INTO jobs VALUES ('21', 65534, 1, 10, 70, '0', '%s', "
              "'{\"attributes\":{\"system\":{\"bank\":\"A\",\"project\":"
              "\"p1\",\"duration\":120}}}'),"
              "('22', 65534, 1, 10, 30, '0', '%s', '{}')", R2, R2);
    sql (test_path, q);
    migrate_ok (&st);
    ck_assert_int_eq (st.jobs_pending, 2);
    v = sql_text (test_path, "SELECT group_concat(id || ':' || coalesce(bank,"
                  " 'NULL') || ':' || coalesce(project, 'NULL') || ':' || "
                  "requested_duration || ':' || actual_duration || ':' || "
                  "charge_bank, ' ') FROM (SELECT * FROM jobs ORDER BY seq)");
    ck_assert_str_eq (v, "21:A:p1:120.0:60.0:A 22:NULL:NULL:0.0:20.0:A");
    free (v);
}
END_TEST

static void report_to (void *arg, const char *msg)
{
    fprintf (arg, "%s\n", msg);
}

START_TEST (reports_findings)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    char *msgs = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&msgs, &len);

    copy_corpus ("FluxAccountingv0-60-0.db");
    sql (test_path, "CREATE TABLE site_notes (x); UPDATE bank_table SET "
         "ignore_older_than = '2024-01-01' WHERE bank = 'A';"
         "INSERT INTO project_table (project) VALUES ('*')");
    fluxacct_migrate_options_t o = migrate_opts (0, report_to, f);
    ck_ok (fluxacct_migrate_db (test_path, &o, &st, &err));
    fclose (f);
    ck_assert_int_eq (st.other_tables, 1);
    ck_assert_ptr_nonnull (strstr (msgs, "site_notes"));
    ck_assert_ptr_nonnull (strstr (msgs, "ignore_older_than '2024-01-01'"));
    ck_assert_ptr_nonnull (strstr (msgs, "duplicate project"));
    free (msgs);
    char *v = sql_text (test_path, "SELECT typeof(ignore_older_than) || ' ' || "
                        "(ignore_older_than > 1700000000) FROM bank_table "
                        "WHERE bank = 'A'");
    ck_assert_str_eq (v, "integer 1");
    free (v);
    v = sql_text (test_path, "SELECT count(*) FROM site_notes");
    ck_assert_str_eq (v, "0");
    free (v);
    v = sql_text (test_path, "SELECT count(*) FROM project_table");
    ck_assert_str_eq (v, "1");
    free (v);
}
END_TEST

/* ---- the options and counters (versioned structs) ---------------------- */

/* fluxacct_migrate_options_init() and fluxacct_migrate_stats_init(): every
 * version, the defaults, the versions refused. */
START_TEST (init_functions)
{
    fluxacct_migrate_options_t o;
    fluxacct_migrate_stats_t st;

    for (int v = 1; v <= FLUXACCT_MIGRATE_OPTIONS_VERSION; v++) {
        ck_init_version (fluxacct_migrate_options_init, &o, v, sizeof (o));
        ck_assert_int_eq (o.flags, 0);
        ck_assert_ptr_null (o.report);
        ck_assert_ptr_null (o.progress);
        ck_assert_ptr_null (o.arg);
    }
    ck_init_rejects (fluxacct_migrate_options_init, fluxacct_migrate_options_t,
                     FLUXACCT_MIGRATE_OPTIONS_VERSION);
    for (int v = 1; v <= FLUXACCT_MIGRATE_STATS_VERSION; v++) {
        ck_init_version (fluxacct_migrate_stats_init, &st, v, sizeof (st));
        ck_assert_int_eq (st.migrated, 0);
        ck_assert_int_eq (st.from_version, 0);
        ck_assert_int_eq (st.associations, 0);
        ck_assert_int_eq (st.banks, 0);
        ck_assert_int_eq (st.queues, 0);
        ck_assert_int_eq (st.qos, 0);
        ck_assert_int_eq (st.projects, 0);
        ck_assert_int_eq (st.jobs, 0);
        ck_assert_int_eq (st.jobs_no_resources, 0);
        ck_assert_int_eq (st.jobs_pending, 0);
        ck_assert_int_eq (st.period_rows, 0);
        ck_assert_int_eq (st.config_keys, 0);
        ck_assert_int_eq (st.other_tables, 0);
    }
    ck_init_rejects (fluxacct_migrate_stats_init, fluxacct_migrate_stats_t,
                     FLUXACCT_MIGRATE_STATS_VERSION);
}
END_TEST

/* Options or counters of an unknown version: the migration fails EINVAL
 * naming the struct, before anything is written (no backup either). */
START_TEST (unknown_versions_change_nothing)
{
    fluxacct_migrate_stats_t st;
    fluxacct_migrate_options_t o = migrate_opts (0, NULL, NULL);
    char orig[400];

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (orig, sizeof (orig), "%s.orig", test_path);
    copy_file (test_path, orig);
    memset (&st, 0, sizeof (st)); /* "= {0}": version 0 */
    st.jobs = 42;
    ck_fail_with (fluxacct_migrate_db (test_path, NULL, &st, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_migrate_stats_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_migrate_stats_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_int_eq (st.version, 0);
    ck_assert_int_eq (st.jobs, 42);
    st.version = FLUXACCT_MIGRATE_STATS_VERSION + 1;
    ck_fail_with (fluxacct_migrate_db (test_path, &o, &st, &err), EINVAL,
                  "fluxacct_migrate_stats_t: unknown version");
    o.version = 0;
    ck_fail_with (fluxacct_migrate_db (test_path, &o, NULL, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_migrate_options_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_migrate_options_init()"),
                   "message '%s' does not say how to initialise", err.text);
    o.version = 99;
    ck_fail_with (fluxacct_migrate_db (test_path, &o, NULL, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_migrate_options_t, 99));
    ck_assert (same_bytes (test_path, orig));
    ck_assert (!exists (backup_path));
    /* NULL options and NULL counters: a plain migration */
    ck_ok (fluxacct_migrate_db (test_path, NULL, NULL, &err));
    ck_assert (exists (backup_path));
    char *v = sql_text (test_path, "PRAGMA user_version");
    ck_assert_int_eq (atoi (v), FLUXACCT_SCHEMA_VERSION);
    free (v);
}
END_TEST

struct progress_seen {
    int calls;
    char what[32];
    uint64_t done, total;
};

static void progress_to (void *arg, const char *what, uint64_t done,
                         uint64_t total)
{
    struct progress_seen *p = arg;
    p->calls++;
    snprintf (p->what, sizeof (p->what), "%s", what);
    p->done = done;
    p->total = total;
}

/* The progress callback comes in the options (fluxacct_db_migrate_ex()
 * before 1.0), with their arg, and says how many job records were copied:
 * every 16384 records (total unknown, 0), so the database holds that many,
 * and once at the end (done = total); a dry run reports too. */
START_TEST (options_progress)
{
    fluxacct_migrate_stats_t st = migrate_stats0 ();
    struct progress_seen seen = { 0 };
    fluxacct_migrate_options_t o = migrate_opts (FLUXACCT_MIGRATE_DRY_RUN,
                                                 NULL, &seen);
    char q[1024];

    copy_corpus ("FluxAccountingv0-60-0.db");
    snprintf (q, sizeof (q),
              "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM c WHERE i < 16384) "
              "INSERT INTO jobs (id, userid, t_submit, t_run, t_inactive, "
              "ranks, R, jobspec, project, bank) "
              "SELECT CAST(i + 100 AS TEXT), 65534, 1, 50, 100, '3-4', '%s', "
              "'{}', '*', 'A' FROM c", R2);
    sql (test_path, q);
    o.progress = progress_to;
    ck_ok (fluxacct_migrate_db (test_path, &o, &st, &err));
    ck_assert_int_eq (st.jobs, 16384);
    ck_assert_int_eq (seen.calls, 2);
    ck_assert_str_eq (seen.what, "update-db");
    ck_assert_int_eq (seen.done, 16384);
    ck_assert_int_eq (seen.total, 16384); /* the last call: done */
    ck_assert (!exists (backup_path));
    /* without the callback nothing is called */
    memset (&seen, 0, sizeof (seen));
    o = migrate_opts (0, NULL, &seen);
    ck_ok (fluxacct_migrate_db (test_path, &o, &st, &err));
    ck_assert_int_eq (st.migrated, 1);
    ck_assert_int_eq (st.jobs, 16384);
    ck_assert_int_eq (seen.calls, 0);
}
END_TEST

/* ---- internal fast paths ------------------------------------------------ */

static void check_rcount (const char *R, int expect_fast)
{
    fluxacct_r_count_t a, b;
    ck_ok (fluxacct_r_count_init (&a, FLUXACCT_R_COUNT_VERSION));
    ck_ok (fluxacct_r_count_init (&b, FLUXACCT_R_COUNT_VERSION));
    int fast = r_count_fast (R, &a);
    if (expect_fast >= 0)
        ck_assert_msg (fast == expect_fast, "fast path %d on %s", fast, R);
    if (fast) {
        ck_assert_msg (fluxacct_r_count (R, &b, NULL) == 0,
                       "fast path accepted what fluxacct_r_count refuses: %s",
                       R);
        ck_assert_msg (a.nnodes == b.nnodes && a.ncores == b.ncores
                       && a.ngpus == b.ngpus, "counts differ on %s", R);
    }
}

START_TEST (fast_r_count_agrees)
{
    static const char *const good[] = {
        "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0-3\"}}]}}",
        "{ \"version\" : 1 , \"execution\" : { \"R_lite\" : [ { \"rank\" : "
        "\"0-1\" , \"children\" : { \"core\" : \"0-3\" , \"gpu\" : \"0-1\" } "
        "} , { \"rank\" : \"1-2\" , \"children\" : { \"core\" : \"4-7\" } } ]"
        ", \"starttime\" : 1.5 , \"nodelist\" : [ \"n[0-2]\" ] , \"x\" : "
        "[true, false, null, -0.25, {}, []] } , \"attributes\": {} }\n",
        "{\"execution\":{\"R_lite\":[{\"children\":{\"gpu\":\"[0-1]\","
        "\"core\":\"[0-7]\"},\"rank\":\"[3,5-6]\"}]},\"version\":1}",
    };
    static const char *const slow[] = {
        "{\"version\":1,\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":"
        "\"0\",\"children\":{\"core\":\"0\"}}]}}",                 /* dup key */
        "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"\\u0030\","
        "\"children\":{\"core\":\"0\"}}]}}",                        /* escape */
        "{\"version\":1.0,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\"}}]}}",                          /* real */
        "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\"}}],\"t\":1e3}}",            /* exponent */
        "{\"version\":1,\"execution\":{\"R_lite\":[]}}",             /* empty */
        "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\",\"gpu\":null}}]}}",
        "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\"}}]}} x",                    /* trailing */
        "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\"}}]}",                      /* truncated */
        "[1]", "", "{}", "{\"version\":2}",
    };
    fluxacct_r_count_t c;

    ck_ok (fluxacct_r_count_init (&c, FLUXACCT_R_COUNT_VERSION));
    for (size_t i = 0; i < sizeof (good) / sizeof (good[0]); i++)
        check_rcount (good[i], 1);
    for (size_t i = 0; i < sizeof (slow) / sizeof (slow[0]); i++)
        ck_assert_msg (r_count_fast (slow[i], &c) == 0, "fast on %s", slow[i]);
    ck_assert (r_count_fast (good[1], &c) == 1 && c.nnodes == 3
               && c.ncores == 16 && c.ngpus == 4);

    /* the fuzz corpus and mutations of a real R: whenever the fast path
     * answers, it answers as fluxacct_r_count() */
    char dir[600];
    snprintf (dir, sizeof (dir), "%s/fuzz/corpus/r", getenv ("TEST_SRCDIR"));
    DIR *d = opendir (dir);
    ck_assert_ptr_nonnull (d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir (d))) {
        char p[900];
        size_t len;
        if (e->d_name[0] == '.')
            continue;
        snprintf (p, sizeof (p), "%s/%s", dir, e->d_name);
        char *text = slurp (p, &len);
        text[len] = '\0';
        check_rcount (text, -1);
        free (text);
        files++;
    }
    closedir (d);
    ck_assert_int_ge (files, 10);
    static const char alphabet[] = "{}[]\":,0123-5 \\ex1.";
    uint64_t seed = 12345;
    for (int i = 0; i < 200000; i++) {
        char buf[256];
        snprintf (buf, sizeof (buf), "%s", good[i % 3]);
        size_t len = strlen (buf);
        for (int k = 0; k < 1 + i % 3; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t pos = (seed >> 33) % len;
            char ch = alphabet[(seed >> 17) % (sizeof (alphabet) - 1)];
            switch ((seed >> 8) % 3) {
                case 0: buf[pos] = ch; break;
                case 1: memmove (buf + pos, buf + pos + 1, len - pos); len--;
                        break;
                default:
                    if (len + 1 < sizeof (buf)) {
                        memmove (buf + pos + 1, buf + pos, len - pos + 1);
                        buf[pos] = ch;
                        len++;
                    }
            }
        }
        check_rcount (buf, -1);
    }
}
END_TEST

static Suite *migrate_suite (void)
{
    Suite *s = suite_create ("migrate");
    TCase *tc = tcase_create ("update-db");
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_set_timeout (tc, 300);
    tcase_add_test (tc, corpus_every_file);
    tcase_add_test (tc, dry_run_writes_nothing);
    tcase_add_test (tc, current_database_untouched);
    tcase_add_test (tc, vacuum_gives_space_back);
    tcase_add_test (tc, refuses_what_it_cannot_migrate);
    tcase_add_test (tc, duplicate_bank_names_refused);
    tcase_add_test (tc, backup_failure_changes_nothing);
    tcase_add_test (tc, legacy_columns_keep_their_meaning);
    tcase_add_test (tc, usage_continues_from_the_bins);
    tcase_add_test (tc, young_database_keeps_its_usage);
    tcase_add_test (tc, job_records_are_imported);
    tcase_add_test (tc, job_records_without_bank_column);
    tcase_add_test (tc, reports_findings);
    tcase_add_test (tc, init_functions);
    tcase_add_test (tc, unknown_versions_change_nothing);
    tcase_add_test (tc, options_progress);
    suite_add_tcase (s, tc);

    TCase *fp = tcase_create ("fast paths");
    tcase_set_timeout (fp, 300);
    tcase_add_test (fp, fast_r_count_agrees);
    suite_add_tcase (s, fp);
    return s;
}

RUN_SUITE (migrate_suite)
