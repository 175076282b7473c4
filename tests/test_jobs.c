/* libfluxacct jobs module: import, archive import, list, scrub. */
#include <math.h>
#include <sqlite3.h>
#include <time.h>
#include "testutil.h"

#define T0 1000000000.0

static char reports[4096];

static void collect (void *arg, const char *msg)
{
    (void)arg;
    strncat (reports, msg, sizeof (reports) - strlen (reports) - 2);
    strcat (reports, "\n");
}

static void setup (void)
{
    db_setup ();
    add_bank ("root", NULL, 1);
    add_bank ("A", "root", 1);
    add_bank ("B", "root", 1);
    add_user ("alice", "A"); /* userid 5000 */
    reports[0] = '\0';
}

static const char *R1 =
    "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\",\"children\":"
    "{\"core\":\"0-3\",\"gpu\":\"0\"}}]}}";

/* Import options: flags, and the report callback (collect or NULL). */
static fluxacct_jobs_import_options_t opts (int flags,
                                             fluxacct_report_f report)
{
    fluxacct_jobs_import_options_t o;
    ck_ok (fluxacct_jobs_import_options_init (
        &o, FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION));
    o.flags = flags;
    o.report = report;
    return o;
}

/* Import counters, initialised (the calls fill them). */
static fluxacct_jobs_import_stats_t stats0 (void)
{
    fluxacct_jobs_import_stats_t s;
    ck_ok (fluxacct_jobs_import_stats_init (
        &s, FLUXACCT_JOBS_IMPORT_STATS_VERSION));
    return s;
}

/* One job record (strings borrowed), initialised. */
static fluxacct_jobs_record_t rec (uint64_t id, int64_t userid,
                                   double t_submit, double t_run,
                                   double t_inactive, const char *ranks,
                                   const char *R, const char *jobspec)
{
    fluxacct_jobs_record_t r;
    ck_ok (fluxacct_jobs_record_init (&r, FLUXACCT_JOBS_RECORD_VERSION));
    r.id = id;
    r.userid = userid;
    r.t_submit = t_submit;
    r.t_run = t_run;
    r.t_inactive = t_inactive;
    r.ranks = ranks;
    r.R = R;
    r.jobspec = jobspec;
    return r;
}

static int import (const char *text, int flags, fluxacct_jobs_import_stats_t *s)
{
    fluxacct_jobs_import_options_t o = opts (flags, collect);
    return fluxacct_jobs_import_buffer (db, text, strlen (text), &o, s, &err);
}

START_TEST (import_basic_and_duplicates)
{
    char buf[2048];
    fluxacct_jobs_import_stats_t s = stats0 ();
    snprintf (buf, sizeof (buf),
              "{\"id\": 1, \"userid\": 5000, \"t_submit\": 1, \"t_run\": 10,"
              " \"t_inactive\": 110, \"R\": %s, \"jobspec\": {\"attributes\":"
              " {\"system\": {\"bank\": \"A\", \"project\": \"p\","
              " \"duration\": 60}}}}\n"
              "\n"
              "{\"id\": \"\xc6\x92" "3\", \"userid\": 5000, \"t_run\": 10,"
              " \"t_inactive\": 20, \"R\": \"%s\"}\n",
              R1, "{\\\"version\\\":1,\\\"execution\\\":{\\\"R_lite\\\":"
              "[{\\\"rank\\\":\\\"0-1\\\",\\\"children\\\":{\\\"core\\\":"
              "\\\"0\\\"}}]}}");
    ck_ok (import (buf, 0, &s));
    ck_assert_int_eq (s.lines, 2);
    ck_assert_int_eq (s.imported, 2);
    ck_assert_int_eq (s.malformed, 0);
    ck_assert_int_eq (s.unknown, 0);
    fluxacct_rows_t *r = fluxacct_jobs_list (db, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    /* ordered by t_inactive: job "ƒ3" (id 2) first */
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "2");
    ck_assert_int_eq (fluxacct_rows_int (r, 0, fluxacct_rows_column_index (r, "nnodes")), 2);
    ck_assert_int_eq (fluxacct_rows_int (r, 1, fluxacct_rows_column_index (r, "ncores")), 4);
    ck_assert_int_eq (fluxacct_rows_int (r, 1, fluxacct_rows_column_index (r, "ngpus")), 1);
    ck_assert_str_eq (fluxacct_rows_text (r, 1, fluxacct_rows_column_index (r, "project")), "p");
    ck_assert_str_eq (fluxacct_rows_text (r, 1, fluxacct_rows_column_index (r, "username")), "alice");
    ck_assert_double_eq (fluxacct_rows_real (r, 1, fluxacct_rows_column_index (r, "duration_delta")), -40);
    fluxacct_rows_destroy (r);
    ck_ok (import (buf, 0, &s));
    ck_assert_int_eq (s.imported, 0);
    ck_assert_int_eq (s.duplicates, 2);
}
END_TEST

START_TEST (import_malformed_lines)
{
    fluxacct_jobs_import_stats_t s = stats0 ();
    const char *text =
        "{\"id\": 1, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20}\n"
        "{\"id\": 2, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 2\n"
        "{\"id\": 3, \"userid\": \"x\", \"t_inactive\": 20}\n"
        "{\"id\": 4, \"userid\": 5000, \"t_run\": 30, \"t_inactive\": 20}\n"
        "{\"id\": 5, \"userid\": 5000, \"t_run\": -1, \"t_inactive\": 20}\n"
        "{\"id\": 6, \"userid\": 5000, \"t_run\": 10}\n"
        "{\"id\": \"zz!\", \"userid\": 5000, \"t_inactive\": 20}\n"
        "[1, 2]\n"
        "{\"id\": 9, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20, "
        "\"R\": {\"version\": 2}}\n"
        "{\"id\": 10, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20, "
        "\"jobspec\": {\"attributes\": {\"system\": {\"bank\": 5}}}}\n"
        "{\"id\": 11, \"userid\": 777, \"t_run\": 10, \"t_inactive\": 20, "
        "\"R\": {\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\"}}]}}}\n";
    char *before = dump_db ();
    ck_fail_with (import (text, FLUXACCT_IMPORT_STRICT, &s), EINVAL,
                  "line 2: invalid JSON");
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (after);
    ck_ok (import (text, 0, &s));
    ck_assert_int_eq (s.lines, 11);
    ck_assert_int_eq (s.imported, 3);      /* 1, 9, 11 */
    ck_assert_int_eq (s.malformed, 8);
    ck_assert_int_eq (s.no_resources, 2);  /* 1 has no R, 9 bad R */
    ck_assert_int_eq (s.unknown, 1);       /* 11: userid 777 */
    ck_assert_ptr_nonnull (strstr (reports, "line 4: jobs.t_inactive "
                                   "(20.000) is before jobs.t_run"));
    ck_assert_ptr_nonnull (strstr (reports, "line 5: jobs.t_run must be a "
                                   "time from 0 to 253402300799"));
    ck_assert_ptr_nonnull (strstr (reports, "line 3: \"userid\""));
    ck_assert_ptr_nonnull (strstr (reports, "line 6: missing \"t_inactive\""));
    ck_assert_ptr_nonnull (strstr (reports, "line 9: job 9: R"));
    ck_assert_ptr_nonnull (strstr (reports, "line 10: jobspec"));
    ck_assert_ptr_nonnull (strstr (reports, "line 11: job 11: no association"));
    free (before);
}
END_TEST

START_TEST (import_file_and_errors)
{
    char path[400];
    fluxacct_jobs_import_stats_t s = stats0 ();
    snprintf (path, sizeof (path), "%s/jobs.jsonl", test_dir);
    FILE *f = fopen (path, "w");
    fprintf (f, "{\"id\": 1, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20}\n");
    fclose (f);
    ck_ok (fluxacct_jobs_import (db, path, NULL, &s, &err));
    ck_assert_int_eq (s.imported, 1);
    ck_fail_with (fluxacct_jobs_import (db, "/nonexistent/x", NULL, &s, &err),
                  ENOENT, "/nonexistent/x");
    fluxacct_jobs_import_options_t o = opts (99, NULL);
    ck_fail_with (fluxacct_jobs_import (db, path, &o, &s, &err), EINVAL,
                  "unknown import flags 0x63");
    ck_fail_with (fluxacct_jobs_import (NULL, path, NULL, &s, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_jobs_import_buffer (db, NULL, 5, NULL, &s, &err),
                  EINVAL, "invalid");
}
END_TEST

START_TEST (import_archive)
{
    char path[400], sql[2048];
    sqlite3 *h;
    fluxacct_jobs_import_stats_t s = stats0 ();
    snprintf (path, sizeof (path), "%s/archive.db", test_dir);
    ck_assert_int_eq (sqlite3_open (path, &h), SQLITE_OK);
    snprintf (sql, sizeof (sql),
              "CREATE TABLE jobs (id CHAR(16) PRIMARY KEY, userid INT, ranks "
              "TEXT, t_submit REAL, t_run REAL, t_cleanup REAL, t_inactive "
              "REAL, eventlog TEXT, jobspec TEXT, R TEXT);"
              "INSERT INTO jobs VALUES ('100', 5000, '0', 1, 10, 0, 20, '', "
              "'{\"attributes\":{\"system\":{\"bank\":\"A\"}}}', '%s');"
              "INSERT INTO jobs VALUES ('101', 5000, '', 1, 0, 0, 5, '', '{}', '');",
              R1);
    ck_assert_int_eq (sqlite3_exec (h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (h);
    fluxacct_jobs_import_options_t o = opts (0, collect);
    ck_ok (fluxacct_jobs_import_archive (db, path, &o, &s, &err));
    ck_assert_int_eq (s.lines, 2);
    ck_assert_int_eq (s.imported, 1);
    const char *filters[] = { "bank=A", NULL };
    fluxacct_rows_t *r = fluxacct_jobs_list (db, filters, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    fluxacct_rows_destroy (r);
    /* not a database, and a database without the jobs table */
    snprintf (path, sizeof (path), "%s/text", test_dir);
    FILE *f = fopen (path, "w");
    for (int i = 0; i < 100; i++)
        fputs ("not a database at all\n", f);
    fclose (f);
    ck_fail_with (fluxacct_jobs_import_archive (db, path, NULL, &s, &err),
                  EPROTO, "not a flux-core job-archive");
    /* an accounting database has a jobs table, but not the archive's */
    ck_fail_with (fluxacct_jobs_import_archive (db, test_path, NULL, &s,
                                                &err), EPROTO, "job-archive");
    ck_fail_with (fluxacct_jobs_import_archive (db, "/nonexistent", NULL, &s,
                                                &err), ENOENT,
                  "/nonexistent");
}
END_TEST

START_TEST (import_records)
{
    fluxacct_jobs_import_stats_t s = stats0 ();
    const fluxacct_jobs_record_t recs[] = {
        /* bank from the jobspec */
        rec (11, 5000, 1, 10, 110, "0", R1,
             "{\"attributes\": {\"system\": {\"bank\": \"B\", "
             "\"duration\": 30}}}"),
        /* no bank: the user's default bank; no R: stored, reported */
        rec (12, 5000, 0, 10, 20, NULL, NULL, NULL),
        /* not valid jobs: reported and skipped */
        rec (13, -1, 0, 0, 5, NULL, NULL, NULL),
        rec (14, 5000, 0, 30, 20, NULL, NULL, NULL),
        rec (15, 5000, 0, 0, 20, NULL, NULL, "{"),
        rec (16, 5000, 0, 0, NAN, NULL, NULL, NULL),
    };
    fluxacct_rows_t *r;
    fluxacct_jobs_import_options_t o = opts (0, collect);

    ck_ok (fluxacct_jobs_import_records (db, recs, 6, &o, &s, &err));
    ck_assert_int_eq (s.lines, 6);
    ck_assert_int_eq (s.imported, 2);
    ck_assert_int_eq (s.malformed, 4);
    ck_assert_int_eq (s.no_resources, 1);
    ck_assert_int_eq (s.unknown, 1); /* alice has no association in B */
    ck_assert_ptr_nonnull (strstr (reports, "record 2: job 12: no R"));
    ck_assert_ptr_nonnull (strstr (reports, "record 3: jobs.userid must be "
                                   "an integer from 0 to 4294967295, got "
                                   "'-1'"));
    ck_assert_ptr_nonnull (strstr (reports, "record 4: jobs.t_inactive"));
    ck_assert_ptr_nonnull (strstr (reports, "record 5: jobspec is not JSON"));
    ck_assert_ptr_nonnull (strstr (reports, "record 6: jobs.t_inactive must "
                                   "be a time from 0"));
    ck_assert_ptr_nonnull (r = fluxacct_jobs_list (db, NULL, &err));
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "12");
    ck_assert_str_eq (fluxacct_rows_text (r, 0, fluxacct_rows_column_index
                                                    (r, "bank")), "");
    ck_assert_str_eq (fluxacct_rows_text (r, 1, fluxacct_rows_column_index
                                                    (r, "bank")), "B");
    ck_assert_int_eq (fluxacct_rows_int (r, 1, fluxacct_rows_column_index
                                                   (r, "ncores")), 4);
    ck_assert_double_eq (fluxacct_rows_real (r, 1, fluxacct_rows_column_index
                                                     (r, "requested_duration")),
                         30);
    fluxacct_rows_destroy (r);
    {
        sqlite3 *h;
        sqlite3_stmt *st;
        ck_assert_int_eq (sqlite3_open (test_path, &h), SQLITE_OK);
        ck_assert_int_eq (sqlite3_prepare_v2 (h, "SELECT charge_bank, seq "
                                              "FROM jobs ORDER BY seq", -1,
                                              &st, NULL), SQLITE_OK);
        ck_assert_int_eq (sqlite3_step (st), SQLITE_ROW);
        ck_assert_str_eq ((const char *)sqlite3_column_text (st, 0), "B");
        ck_assert_int_eq (sqlite3_step (st), SQLITE_ROW);
        ck_assert_str_eq ((const char *)sqlite3_column_text (st, 0), "A");
        ck_assert_int_eq (sqlite3_column_int (st, 1), 2);
        sqlite3_finalize (st);
        sqlite3_close (h);
    }
    /* again: duplicates */
    ck_ok (fluxacct_jobs_import_records (db, recs, 2, NULL, &s, &err));
    ck_assert_int_eq (s.duplicates, 2);
    /* strict: the first invalid record fails the whole import */
    const fluxacct_jobs_record_t more[] = {
        rec (21, 5000, 0, 0, 5, NULL, NULL, NULL),
        rec (22, 5000, 0, 9, 5, NULL, NULL, NULL),
    };
    o = opts (FLUXACCT_IMPORT_STRICT, NULL);
    ck_fail_with (fluxacct_jobs_import_records (db, more, 2, &o, &s, &err),
                  EINVAL, "record 2: jobs.t_inactive");
    ck_assert_ptr_nonnull (r = fluxacct_jobs_list (db, NULL, &err));
    ck_assert_int_eq (fluxacct_rows_count (r), 2); /* nothing stored */
    fluxacct_rows_destroy (r);
    /* bad arguments */
    ck_fail_with (fluxacct_jobs_import_records (NULL, recs, 1, NULL, NULL,
                                                 &err), EINVAL,
                  "invalid argument");
    ck_fail_with (fluxacct_jobs_import_records (db, NULL, 1, NULL, NULL,
                                                 &err), EINVAL,
                  "invalid argument");
    o = opts (0x100, NULL);
    ck_fail_with (fluxacct_jobs_import_records (db, recs, 1, &o, NULL, &err),
                  EINVAL, "unknown import flags 0x100");
    ck_ok (fluxacct_jobs_import_records (db, NULL, 0, NULL, &s, &err));
    ck_assert_int_eq (s.lines, 0);
}
END_TEST

/* The fast path (spans over the library's JSON reader) and the jansson
 * path read a line alike: a key written with escapes is the same key, and
 * text jansson refuses (invalid UTF-8, \u0000, a lone surrogate) is
 * malformed either way. */
START_TEST (import_fast_path_agrees)
{
    fluxacct_jobs_import_stats_t s = stats0 ();
    const char *text =
        "{\"id\": 1, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20, "
        "\"R\": {\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
        "\"children\":{\"core\":\"0\"}}]}}, \"jobspec\": {\"attributes\": "
        "{\"system\": {\"b\\u0061nk\": \"B\"}}}}\n"
        "{\"id\": 2, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20, "
        "\"jobspec\": {\"tasks\": \"\xff\"}}\n"
        "{\"id\": 3, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20, "
        "\"jobspec\": {\"tasks\": \"\\u0000\"}}\n"
        "{\"id\": 4, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20, "
        "\"jobspec\": {\"tasks\": \"\\udc00\"}}\n";
    fluxacct_rows_t *r;

    add_user ("alice", "B");
    ck_ok (import (text, 0, &s));
    ck_assert_int_eq (s.lines, 4);
    ck_assert_int_eq (s.imported, 1);
    ck_assert_int_eq (s.malformed, 3);
    ck_assert_ptr_nonnull (strstr (reports, "line 2: invalid JSON"));
    ck_assert_ptr_nonnull (strstr (reports, "line 3: invalid JSON"));
    ck_assert_ptr_nonnull (strstr (reports, "line 4: invalid JSON"));
    ck_assert_ptr_nonnull (r = fluxacct_jobs_list (db, NULL, &err));
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, fluxacct_rows_column_index
                                                    (r, "bank")), "B");
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (list_filters)
{
    const char *text =
        "{\"id\": 1, \"userid\": 5000, \"t_run\": 100, \"t_inactive\": 200, "
        "\"jobspec\": {\"attributes\": {\"system\": {\"duration\": 150, "
        "\"bank\": \"A\", \"project\": \"x\"}}}}\n"
        "{\"id\": 2, \"userid\": 5000, \"t_run\": 300, \"t_inactive\": 310, "
        "\"jobspec\": {\"attributes\": {\"system\": {\"duration\": 60}}}}\n"
        "{\"id\": 3, \"userid\": 6000, \"t_run\": 500, \"t_inactive\": 900}\n";
    ck_ok (import (text, 0, NULL));
    struct { const char *f[3]; size_t n; } cases[] = {
        { { "userid=5000", NULL }, 2 },
        { { "id=\xc6\x92" "4", NULL }, 1 },
        { { "id=0x2", NULL }, 1 },
        { { "after_start=250", NULL }, 2 },
        { { "before_end=300", NULL }, 1 },
        { { "project=x", NULL }, 1 },
        { { "bank=A", NULL }, 1 },
        { { "requested_duration=> 100", NULL }, 1 },
        { { "actual_duration=<= 100", "actual_duration=>= 10" }, 2 },
        { { "duration_delta=> 0", NULL }, 2 },
        { { "userid=5000", "after_start=250" }, 1 },
    };
    for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
        fluxacct_rows_t *r = fluxacct_jobs_list (db, cases[i].f, &err);
        ck_assert_msg (r != NULL, "case %zu: %s", i, err.text);
        ck_assert_msg (fluxacct_rows_count (r) == cases[i].n,
                       "case %zu: %zu rows", i, fluxacct_rows_count (r));
        fluxacct_rows_destroy (r);
    }
    const char *bad1[] = { "actual_duration=~ 5", NULL };
    ck_null_with (fluxacct_jobs_list (db, bad1, &err), EINVAL, "must start");
    const char *bad2[] = { "actual_duration=> x", NULL };
    ck_null_with (fluxacct_jobs_list (db, bad2, &err), EINVAL, "number");
    const char *bad3[] = { "actual_duration=> 5 6", NULL };
    ck_null_with (fluxacct_jobs_list (db, bad3, &err), EINVAL, "one operator");
    const char *bad4[] = { "colour=red", NULL };
    ck_null_with (fluxacct_jobs_list (db, bad4, &err), EINVAL, "invalid filter");
    const char *bad5[] = { "id=not-a-job", NULL };
    ck_null_with (fluxacct_jobs_list (db, bad5, &err), EINVAL, "not-a-job");
    const char *bad6[] = { "after_start=soon", NULL };
    ck_null_with (fluxacct_jobs_list (db, bad6, &err), EINVAL, "time");
}
END_TEST

START_TEST (scrub)
{
    char buf[512];
    int64_t n = -1;
    double now = (double)time (NULL);
    snprintf (buf, sizeof (buf),
              "{\"id\": 1, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20}\n"
              "{\"id\": 2, \"userid\": 5000, \"t_run\": %.0f, \"t_inactive\": %.0f}\n",
              now - 100, now - 50);
    ck_ok (import (buf, 0, NULL));
    ck_fail_with (fluxacct_jobs_scrub (db, now, 0, &n, &err), EPERM,
                  "reset period");
    ck_ok (fluxacct_jobs_scrub (db, now - 26 * 604800, 0, &n, &err));
    ck_assert_int_eq (n, 1);
    ck_ok (fluxacct_jobs_scrub (db, now, FLUXACCT_FORCE, &n, &err));
    ck_assert_int_eq (n, 1);
    ck_fail_with (fluxacct_jobs_scrub (db, NAN, 0, &n, &err), EINVAL,
                  "invalid");
}
END_TEST

/* The fetch mark: where the next fetch from a running instance starts,
 * which stored ids it skips, and that records from files do not move it. */
START_TEST (fetch_mark_and_known)
{
    double since = -1;
    fluxacct_jobs_import_stats_t s = stats0 ();
    const char *text =
        "{\"id\": 7, \"userid\": 5000, \"t_run\": 100, \"t_inactive\": 1000}\n"
        "{\"id\": 8, \"userid\": 5000, \"t_run\": 100, \"t_inactive\": 5000}\n";

    /* empty database: every job */
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 0);
    /* unmarked: the newest record minus the overlap (flux-accounting) */
    ck_ok (import (text, 0, &s));
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 5000 - FLUXACCT_FETCH_OVERLAP);
    /* marked: the mark rules, whatever files import later */
    ck_ok (fluxacct_db_begin (db, &err));
    ck_ok (fluxacct_jobs_fetch_mark (db, 3000.5, &err));
    ck_ok (fluxacct_db_commit (db, &err));
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 3000.5 - FLUXACCT_FETCH_OVERLAP);
    ck_ok (import ("{\"id\": 9, \"userid\": 5000, \"t_run\": 1, "
                   "\"t_inactive\": 90000}\n", 0, &s));
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 3000.5 - FLUXACCT_FETCH_OVERLAP);
    /* never lowered */
    ck_ok (fluxacct_jobs_fetch_mark (db, 2000, &err));
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 3000.5 - FLUXACCT_FETCH_OVERLAP);
    /* rolled back with the batch it was set in */
    ck_ok (fluxacct_db_begin (db, &err));
    ck_ok (fluxacct_jobs_fetch_mark (db, 8000, &err));
    ck_ok (fluxacct_db_rollback (db, &err));
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 3000.5 - FLUXACCT_FETCH_OVERLAP);
    /* a mark inside the overlap gives 0, not a negative time */
    ck_ok (fluxacct_jobs_fetch_mark (db, 3000.5, &err));

    uint64_t ids[] = { 7, 8, 10, 9, 0 };
    unsigned char known[5];
    memset (known, 7, sizeof (known));
    ck_ok (fluxacct_jobs_known (db, ids, 5, known, &err));
    ck_assert_int_eq (known[0], 1);
    ck_assert_int_eq (known[1], 1);
    ck_assert_int_eq (known[2], 0);
    ck_assert_int_eq (known[3], 1);
    ck_assert_int_eq (known[4], 0);
    ck_ok (fluxacct_jobs_known (db, NULL, 0, NULL, &err));
    /* more ids than one statement asks about (32768), repeated ones, and
     * the largest id: every position answered as ids 0..22 alone are */
    unsigned char alone[23];
    uint64_t small[23];
    for (int i = 0; i < 23; i++)
        small[i] = (uint64_t)i;
    ck_ok (fluxacct_jobs_known (db, small, 23, alone, &err));
    ck_assert_int_eq (alone[7] + alone[8] + alone[9], 3);
    ck_assert_int_eq (alone[0] + alone[10], 0);
    size_t nbig = 70001;
    uint64_t *big = malloc (nbig * sizeof (*big));
    unsigned char *kbig = malloc (nbig);
    ck_assert_ptr_nonnull (big);
    ck_assert_ptr_nonnull (kbig);
    for (size_t i = 0; i < nbig; i++)
        big[i] = (i * 7919) % 23;
    big[nbig - 1] = UINT64_MAX;
    memset (kbig, 7, nbig);
    ck_ok (fluxacct_jobs_known (db, big, nbig, kbig, &err));
    for (size_t i = 0; i + 1 < nbig; i++)
        ck_assert_int_eq (kbig[i], alone[big[i]]);
    ck_assert_int_eq (kbig[nbig - 1], 0);
    free (big);
    free (kbig);

    /* errors */
    ck_fail_with (fluxacct_jobs_fetch_since (NULL, &since, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_jobs_fetch_since (db, NULL, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_jobs_fetch_mark (db, NAN, &err), EINVAL,
                  "fetch mark");
    ck_fail_with (fluxacct_jobs_fetch_mark (db, -1, &err), EINVAL,
                  "fetch mark");
    ck_fail_with (fluxacct_jobs_fetch_mark (NULL, 1, &err), EINVAL,
                  "fetch mark");
    ck_fail_with (fluxacct_jobs_known (db, NULL, 2, known, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_jobs_known (db, ids, 2, NULL, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_jobs_known (NULL, ids, 2, known, &err), EINVAL,
                  "invalid");
    /* a read-only handle cannot mark */
    fluxacct_db_t *ro = fluxacct_db_open (test_path, FLUXACCT_DB_READONLY,
                                          &err);
    ck_assert_ptr_nonnull (ro);
    ck_ok (fluxacct_jobs_fetch_since (ro, &since, &err));
    ck_assert_double_eq (since, 3000.5 - FLUXACCT_FETCH_OVERLAP);
    ck_fail_with (fluxacct_jobs_fetch_mark (ro, 9999, &err), EROFS, "");
    fluxacct_db_close (ro);
}
END_TEST

START_TEST (fetch_since_small_mark)
{
    double since = -1;
    ck_ok (fluxacct_jobs_fetch_mark (db, FLUXACCT_FETCH_OVERLAP / 2.0, &err));
    ck_ok (fluxacct_jobs_fetch_since (db, &since, &err));
    ck_assert_double_eq (since, 0);
}
END_TEST

/* The three init functions of the module: every version, its defaults
 * (0 / NULL), and the versions they refuse. */
START_TEST (init_functions)
{
    fluxacct_jobs_import_options_t o;
    fluxacct_jobs_import_stats_t st;
    fluxacct_jobs_record_t r;

    for (int v = 1; v <= FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION; v++) {
        ck_init_version (fluxacct_jobs_import_options_init, &o, v,
                         sizeof (o));
        ck_assert_int_eq (o.flags, 0);
        ck_assert_ptr_null (o.report);
        ck_assert_ptr_null (o.arg);
    }
    ck_init_rejects (fluxacct_jobs_import_options_init,
                     fluxacct_jobs_import_options_t,
                     FLUXACCT_JOBS_IMPORT_OPTIONS_VERSION);
    for (int v = 1; v <= FLUXACCT_JOBS_IMPORT_STATS_VERSION; v++) {
        ck_init_version (fluxacct_jobs_import_stats_init, &st, v,
                         sizeof (st));
        ck_assert_int_eq (st.lines, 0);
        ck_assert_int_eq (st.imported, 0);
        ck_assert_int_eq (st.duplicates, 0);
        ck_assert_int_eq (st.malformed, 0);
        ck_assert_int_eq (st.no_resources, 0);
        ck_assert_int_eq (st.unknown, 0);
    }
    ck_init_rejects (fluxacct_jobs_import_stats_init,
                     fluxacct_jobs_import_stats_t,
                     FLUXACCT_JOBS_IMPORT_STATS_VERSION);
    for (int v = 1; v <= FLUXACCT_JOBS_RECORD_VERSION; v++) {
        ck_init_version (fluxacct_jobs_record_init, &r, v, sizeof (r));
        ck_assert_int_eq (r.id, 0);
        ck_assert_int_eq (r.userid, 0);
        ck_assert_double_eq (r.t_submit, 0);
        ck_assert_double_eq (r.t_run, 0);
        ck_assert_double_eq (r.t_inactive, 0);
        ck_assert_ptr_null (r.ranks);
        ck_assert_ptr_null (r.R);
        ck_assert_ptr_null (r.jobspec);
    }
    ck_init_rejects (fluxacct_jobs_record_init, fluxacct_jobs_record_t,
                     FLUXACCT_JOBS_RECORD_VERSION);
}
END_TEST

/* Options, counters or records of an unknown version: every import call
 * fails EINVAL naming the struct, imports nothing and leaves the counters
 * alone. */
START_TEST (import_unknown_versions)
{
    const char *text =
        "{\"id\": 1, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20}\n";
    char path[400];
    fluxacct_jobs_import_options_t o = opts (0, collect);
    fluxacct_jobs_import_stats_t s = stats0 (), s_before;
    fluxacct_jobs_record_t recs[] = { rec (1, 5000, 0, 10, 20, NULL, NULL,
                                           NULL) };
    char *before = dump_db (), *after;

    snprintf (path, sizeof (path), "%s/jobs.jsonl", test_dir);
    FILE *f = fopen (path, "w");
    ck_assert_ptr_nonnull (f);
    fputs (text, f);
    fclose (f);

    s.lines = 42;
    memcpy (&s_before, &s, sizeof (s));
    o.version = 99;
    ck_fail_with (fluxacct_jobs_import_buffer (db, text, strlen (text), &o,
                                               &s, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_options_t, 99));
    ck_assert_msg (strstr (err.text, "fluxacct_jobs_import_options_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_fail_with (fluxacct_jobs_import (db, path, &o, &s, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_options_t, 99));
    ck_fail_with (fluxacct_jobs_import_archive (db, path, &o, &s, &err),
                  EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_options_t, 99));
    ck_fail_with (fluxacct_jobs_import_records (db, recs, 1, &o, &s, &err),
                  EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_options_t, 99));
    o.version = 0;
    ck_fail_with (fluxacct_jobs_import_buffer (db, text, strlen (text), &o,
                                               &s, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_options_t, 0));
    ck_assert_mem_eq (&s, &s_before, sizeof (s));

    /* counters of version 0 (as "= {0}" makes them) */
    memset (&s, 0, sizeof (s));
    s.lines = 42;
    memcpy (&s_before, &s, sizeof (s));
    ck_fail_with (fluxacct_jobs_import_buffer (db, text, strlen (text), NULL,
                                               &s, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_stats_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_jobs_import_stats_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_fail_with (fluxacct_jobs_import (db, path, NULL, &s, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_import_stats_t, 0));
    ck_fail_with (fluxacct_jobs_import_records (db, recs, 1, NULL, &s, &err),
                  EINVAL, UNKNOWN_VERSION (fluxacct_jobs_import_stats_t, 0));
    ck_assert_mem_eq (&s, &s_before, sizeof (s));

    /* records of an unknown version: element 0's version is the array's */
    recs[0].version = 0;
    ck_fail_with (fluxacct_jobs_import_records (db, recs, 1, NULL, NULL,
                                                &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobs_record_t, 0));
    recs[0].version = FLUXACCT_JOBS_RECORD_VERSION + 1;
    ck_fail_with (fluxacct_jobs_import_records (db, recs, 1, NULL, NULL,
                                                &err), EINVAL,
                  "fluxacct_jobs_record_t: unknown version");

    after = dump_db ();
    ck_assert_str_eq (before, after);
    free (after);
    free (before);
    ck_assert_str_eq (reports, "");

    /* NULL options are the defaults: not strict, no report */
    s = stats0 ();
    const char *two =
        "{\"id\": 2, \"userid\": 5000, \"t_run\": 10, \"t_inactive\": 20}\n"
        "not json\n";
    ck_ok (fluxacct_jobs_import_buffer (db, two, strlen (two), NULL, &s,
                                        &err));
    ck_assert_int_eq (s.version, FLUXACCT_JOBS_IMPORT_STATS_VERSION);
    ck_assert_int_eq (s.lines, 2);
    ck_assert_int_eq (s.imported, 1);
    ck_assert_int_eq (s.malformed, 1);
    recs[0].version = FLUXACCT_JOBS_RECORD_VERSION;
    s = stats0 ();
    ck_ok (fluxacct_jobs_import_records (db, recs, 1, NULL, &s, &err));
    ck_assert_int_eq (s.imported, 1);
    ck_assert_str_eq (reports, "");
}
END_TEST

static Suite *jobs_suite (void)
{
    Suite *s = suite_create ("jobs");
    TCase *tc = tcase_create ("jobs");
    tcase_add_checked_fixture (tc, setup, db_teardown);
    tcase_add_test (tc, init_functions);
    tcase_add_test (tc, import_unknown_versions);
    tcase_add_test (tc, import_basic_and_duplicates);
    tcase_add_test (tc, import_malformed_lines);
    tcase_add_test (tc, import_file_and_errors);
    tcase_add_test (tc, import_archive);
    tcase_add_test (tc, import_records);
    tcase_add_test (tc, import_fast_path_agrees);
    tcase_add_test (tc, list_filters);
    tcase_add_test (tc, scrub);
    tcase_add_test (tc, fetch_mark_and_known);
    tcase_add_test (tc, fetch_since_small_mark);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (jobs_suite)
