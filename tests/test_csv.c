/* libfluxacct admin module: CSV export (export-db) and import (pop-db)
 * through the C API, and the text of reals in CSV.  Links the library's
 * objects for csv_fmt_real. */
#include <math.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "testutil.h"
#include "admin/admin_internal.h"

/* R of two nodes, four cores and a GPU each. */
static const char *R2 =
    "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"3-4\",\"children\""
    ":{\"core\":\"0-3\",\"gpu\":\"0\"}}],\"starttime\":0,\"expiration\":0}}";

START_TEST (reals_round_trip)
{
    static const double fixed[] = { 0.1, 0.5, 3600, 1e-6, 9.999999e-7, 1e17,
                                    1695156475.52622, 123456789.123456789,
                                    5e-324, 1.7976931348623157e308, -2.5,
                                    1e16, 9999999999999998.0, -0.0, 0.0 };
    char buf[64];
    uint64_t s = 88172645463325252ULL;

    csv_fmt_real (0.5, buf, sizeof (buf));
    ck_assert_str_eq (buf, "0.5");
    csv_fmt_real (3600, buf, sizeof (buf));
    ck_assert_str_eq (buf, "3600.0");
    csv_fmt_real (1695156475.52622, buf, sizeof (buf));
    ck_assert_str_eq (buf, "1695156475.52622");
    for (size_t i = 0; i < sizeof (fixed) / sizeof (fixed[0]); i++) {
        csv_fmt_real (fixed[i], buf, sizeof (buf));
        ck_assert_msg (strtod (buf, NULL) == fixed[i]
                       && signbit (strtod (buf, NULL)) == signbit (fixed[i]),
                       "%.17g -> %s", fixed[i], buf);
    }
    for (int i = 0; i < 300000; i++) {
        double d;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        if (i % 3 == 0) {
            memcpy (&d, &s, 8);
            if (!isfinite (d))
                continue;
        }
        else if (i % 3 == 1)
            d = 1.6e9 + (double)(s % 100000000000ULL) / 1e3 + (double)(s % 997)
                / 7.0;
        else
            d = ldexp ((double)(s >> 11), -(int)(s % 120));
        csv_fmt_real (d, buf, sizeof (buf));
        ck_assert_msg (strtod (buf, NULL) == d, "%.17g -> %s", d, buf);
        ck_assert_ptr_nonnull (strpbrk (buf, ".e"));
    }
}
END_TEST

static char csv_dir[320];

static void csv_setup (void)
{
    fluxacct_queue_fields_t q;
    fluxacct_assoc_fields_t f;
    char jobs[4096];
    int n;

    db_setup ();
    snprintf (csv_dir, sizeof (csv_dir), "%s/csv", test_dir);
    ck_ok (fluxacct_config_edit (db, "usage_epoch", "1000000000", &err));
    add_bank ("root", NULL, 1);
    add_bank ("A", "root", 3);
    add_bank ("odd; \"quoted\" bank", "root", 1);
    ck_ok (fluxacct_queue_fields_init (&q, FLUXACCT_QUEUE_FIELDS_VERSION));
    q.queue = "batch";
    q.priority = -5;
    ck_ok (fluxacct_queue_add (db, &q, &err));
    ck_ok (fluxacct_project_add (db, "proj one", &err));
    add_user ("alice", "A");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.username = "bob";
    f.bank = "odd; \"quoted\" bank";
    f.userid = 6000;
    f.queues = "batch";
    f.projects = "proj one";
    f.fairshare = 0.1;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    n = snprintf (jobs, sizeof (jobs),
                  "{\"id\": 1, \"userid\": 5000, \"t_submit\": 1000000001.25,"
                  " \"t_run\": 1000000002.5, \"t_inactive\": 1000000102.125, "
                  "\"R\": %s, \"jobspec\": {\"attributes\": {\"system\": "
                  "{\"bank\": \"A\", \"duration\": 3600}}}}\n"
                  "{\"id\": 2, \"userid\": 6000, \"t_submit\": 1000000001,"
                  " \"t_run\": 1000000010, \"t_inactive\": 1000000020.1, "
                  "\"R\": %s}\n"
                  "{\"id\": 3, \"userid\": 6000, \"t_submit\": 1000000001,"
                  " \"t_run\": 0, \"t_inactive\": 1000000020}\n", R2, R2);
    ck_ok (fluxacct_jobs_import_buffer (db, jobs, (size_t)n, NULL, NULL,
                                        &err));
    ck_ok (fluxacct_usage_update (db, 1000000200, NULL, &err));
}

/* Initialised CSV counters. */
static fluxacct_csv_stats_t csv_stats0 (void)
{
    fluxacct_csv_stats_t st;
    ck_ok (fluxacct_csv_stats_init (&st, FLUXACCT_CSV_STATS_VERSION));
    return st;
}

/* CSV import options: flags and fields (NULL: every column). */
static fluxacct_csv_import_options_t csv_opts (int flags, const char *fields)
{
    fluxacct_csv_import_options_t o;
    ck_ok (fluxacct_csv_import_options_init (
        &o, FLUXACCT_CSV_IMPORT_OPTIONS_VERSION));
    o.flags = flags;
    o.fields = fields;
    return o;
}

static void csv_teardown (void)
{
    db_teardown ();
}

/* Every table of two databases, row by row, value and type. */
static void assert_same_tables (const char *a, const char *b)
{
    sqlite3 *ha, *hb;
    sqlite3_stmt *t;

    ck_assert_int_eq (sqlite3_open (a, &ha), SQLITE_OK);
    ck_assert_int_eq (sqlite3_open (b, &hb), SQLITE_OK);
    ck_assert_int_eq (sqlite3_prepare_v2 (ha, "SELECT name FROM sqlite_master"
                                          " WHERE type = 'table' AND name NOT"
                                          " LIKE 'sqlite_%'", -1, &t, NULL),
                      SQLITE_OK);
    int tables = 0;
    while (sqlite3_step (t) == SQLITE_ROW) {
        char q[256];
        sqlite3_stmt *x, *y;
        snprintf (q, sizeof (q), "SELECT * FROM \"%s\"",
                  sqlite3_column_text (t, 0));
        ck_assert_int_eq (sqlite3_prepare_v2 (ha, q, -1, &x, NULL), SQLITE_OK);
        ck_assert_msg (sqlite3_prepare_v2 (hb, q, -1, &y, NULL) == SQLITE_OK,
                       "%s", q);
        int rows = 0;
        for (;;) {
            int rx = sqlite3_step (x), ry = sqlite3_step (y);
            ck_assert_msg (rx == ry, "%s: row count differs", q);
            if (rx != SQLITE_ROW)
                break;
            for (int c = 0; c < sqlite3_column_count (x); c++) {
                ck_assert_msg (sqlite3_column_type (x, c)
                               == sqlite3_column_type (y, c),
                               "%s row %d col %d: type", q, rows, c);
                if (sqlite3_column_type (x, c) == SQLITE_FLOAT)
                    ck_assert_msg (sqlite3_column_double (x, c)
                                   == sqlite3_column_double (y, c),
                                   "%s row %d col %d", q, rows, c);
                else if (sqlite3_column_type (x, c) != SQLITE_NULL)
                    ck_assert_msg (!strcmp ((const char *)
                                            sqlite3_column_text (x, c),
                                            (const char *)
                                            sqlite3_column_text (y, c)),
                                   "%s row %d col %d: %s vs %s", q, rows, c,
                                   sqlite3_column_text (x, c),
                                   sqlite3_column_text (y, c));
            }
            rows++;
        }
        sqlite3_finalize (x);
        sqlite3_finalize (y);
        tables++;
    }
    sqlite3_finalize (t);
    ck_assert_int_eq (tables, 12);
    sqlite3_close (ha);
    sqlite3_close (hb);
}

START_TEST (csv_round_trip)
{
    fluxacct_csv_stats_t st = csv_stats0 ();
    fluxacct_csv_import_options_t o = csv_opts (FLUXACCT_CSV_REPLACE, NULL);
    char other[320];
    fluxacct_db_t *db2;

    ck_ok (fluxacct_csv_export (db, csv_dir, NULL, &st, &err));
    ck_assert_int_eq (st.tables, 12);
    ck_assert_int_gt (st.bytes, 0);
    snprintf (other, sizeof (other), "%s/copy.db", test_dir);
    ck_ok (fluxacct_db_create (other, NULL, &err));
    db2 = fluxacct_db_open (other, 0, &err);
    ck_assert_ptr_nonnull (db2);
    ck_ok (fluxacct_csv_import_dir (db2, csv_dir, &o, &st, &err));
    ck_assert_int_eq (st.tables, 12);
    fluxacct_db_close (db2);
    assert_same_tables (test_path, other);
    /* and the copy keeps working: same usage at the same time */
    db2 = fluxacct_db_open (other, 0, &err);
    fluxacct_usage_stats_t us;
    ck_ok (fluxacct_usage_stats_init (&us, FLUXACCT_USAGE_STATS_VERSION));
    ck_ok (fluxacct_usage_update (db2, 1000000200, &us, &err));
    ck_assert_int_eq (us.full_recompute, 0);
    ck_assert_int_eq (us.new_jobs, 0);
    fluxacct_db_close (db2);
    assert_same_tables (test_path, other);
}
END_TEST

static void write_file (const char *path, const char *text)
{
    FILE *f = fopen (path, "w");
    ck_assert_ptr_nonnull (f);
    fputs (text, f);
    fclose (f);
}

/* Load one file; expect failure with errno e and s in the message, and
 * the database unchanged. */
static void load_fails (const char *table, const char *content, int e,
                        const char *s)
{
    char path[400];
    const char *paths[] = { path, NULL };
    char *before = dump_db (), *after;

    mkdir (csv_dir, 0755);
    snprintf (path, sizeof (path), "%s/%s.csv", csv_dir, table);
    write_file (path, content);
    memset (&err, 0, sizeof (err));
    errno = 0;
    ck_assert_int_eq (fluxacct_csv_import (db, paths, NULL, NULL, &err),
                      -1);
    ck_assert_msg (errno == e, "%s: errno %d, expected %d (%s)", content,
                   errno, e, err.text);
    ck_assert_msg (strstr (err.text, s) != NULL, "'%s' lacks '%s'", err.text,
                   s);
    after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
    unlink (path);
}

START_TEST (csv_malformed_refused)
{
    /* the file name and line are in every message */
    load_fails ("bank_table", "bank,parent_bank,shares\nX,root,1\nY,root\n",
                EINVAL, "bank_table.csv:3: 2 fields, but the header has 3");
    load_fails ("bank_table", "bank,parent_bank,shares\nX,root,1,2\n", EINVAL,
                "bank_table.csv:2: 4 fields");
    load_fails ("bank_table", "bank,parent_bank,shares\nX,root,many\n", EINVAL,
                "bank_table.csv:2: shares: 'many' is not an integer");
    load_fails ("bank_table", "bank,parent_bank,shares\nX,root,1.5\n", EINVAL,
                "bank_table.csv:2: shares: '1.5' is not an integer");
    load_fails ("bank_table", "bank,parent_bank,shares,priority\n"
                "X,root,1,high\n", EINVAL,
                "bank_table.csv:2: priority: 'high' is not a number");
    load_fails ("bank_table", "bank,parent_bank,shares\nX,nowhere,1\n", EINVAL,
                "bank_table.csv:2: bank X: parent bank nowhere does not exist");
    load_fails ("bank_table", "bank,parent_bank,shares\nX,root,1\nR2,,1\n",
                EINVAL, "bank_table.csv:3: bank R2: bank_table already has a "
                "root bank");
    load_fails ("bank_table", "bank,parent_bank,shares\nA,root,1\n", EEXIST,
                "bank_table.csv:2: bank_table: a row with this "
                "bank_table.bank already exists");
    load_fails ("bank_table", "bank,parent,shares\nX,root,1\n", EINVAL,
                "bank_table.csv:1: parent is not a column of bank_table");
    load_fails ("bank_table", "bank,bank\nX,Y\n", EINVAL, "appears twice");
    load_fails ("bank_table", "", EINVAL, "bank_table.csv:1: empty file");
    load_fails ("bank_table", "bank,parent_bank,shares\n\"X,root,1\n", EINVAL,
                "bank_table.csv:2: quoted field not closed");
    load_fails ("bank_table", "bank,parent_bank,shares\n\"X\"x,root,1\n",
                EINVAL, "bank_table.csv:2: text after the closing quote");
    load_fails ("bank_table", "bank,parent_bank,shares\nX\",root,1\n", EINVAL,
                "bank_table.csv:2: quote inside an unquoted field");
    load_fails ("bank_table", "bank,parent_bank,shares\nX,root,1\n\"multi\n"
                "line\",root,z\n", EINVAL, "bank_table.csv:3: shares");
    load_fails ("bank_table", "bank,parent_bank,shares\n\"multi\nline\",root,"
                "1\n", EINVAL, "bank_table.csv:2: bank_table.bank contains a "
                "control character");
    load_fails ("association_table", "creation_time,username,userid,bank,"
                "default_bank\n1,carol,7000,nobank,nobank\n", EINVAL,
                "association_table.csv:2: bank nobank does not exist in "
                "bank_table");
    load_fails ("association_table", "creation_time,username,userid,bank,"
                "default_bank,queues\n1,carol,7000,A,A,\"batch,gold\"\n",
                EINVAL, "association_table.csv:2: queue gold does not exist");
    load_fails ("association_table", "creation_time,username,userid,bank,"
                "default_bank,projects\n1,carol,7000,A,A,zzz\n", EINVAL,
                "association_table.csv:2: project zzz does not exist");
    load_fails ("association_table", "creation_time,username,bank,"
                "default_bank\n1,alice,A,A\n", EEXIST,
                "association_table.csv:2: association_table: a row with this");
    load_fails ("association_table", "username,userid,bank,default_bank\n"
                "dave,1,A,A\n", EINVAL, "association_table.csv:2: "
                "association_table: association_table.creation_time must "
                "have a value");
    load_fails ("no_such_table", "a,b\n1,2\n", ENOENT,
                "no_such_table.csv: table \"no_such_table\" does not exist");
    load_fails ("jobs", "id,userid,t_submit,t_run,t_inactive,ranks,R,jobspec\n"
                "9,5000,x,1,2,0,,\n", EINVAL, "jobs.csv:2: t_submit: 'x' is "
                "not a number");

    /* several files: the second one's error undoes the first */
    char a[400], b[400], *before = dump_db (), *after;
    const char *paths[] = { a, b, NULL };
    snprintf (a, sizeof (a), "%s/queue_table.csv", csv_dir);
    snprintf (b, sizeof (b), "%s/association_table.csv", csv_dir);
    write_file (a, "queue,priority\nnewq,3\n");
    write_file (b, "creation_time,username,userid,bank,default_bank\n"
                "1,erin,8000,A,A\n1,erin,8000,nobank,A\n");
    ck_fail_with (fluxacct_csv_import (db, paths, NULL, NULL, &err),
                  EINVAL, "association_table.csv:3: bank nobank");
    after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
}
END_TEST

/* -f pairs the listed columns with the header BY NAME (quirk 20): the
 * file's column order does not matter, unlisted columns are not loaded. */
START_TEST (csv_fields_by_name)
{
    char path[400];
    const char *paths[] = { path, NULL };
    fluxacct_csv_stats_t st = csv_stats0 ();
    fluxacct_csv_import_options_t o = csv_opts (0, "username,bank,nope");

    mkdir (csv_dir, 0755);
    snprintf (path, sizeof (path), "%s/association_table.csv", csv_dir);
    write_file (path, "shares,bank,max_running_jobs,username,userid,"
                "default_bank,creation_time\n"
                "42,A,9,carol,7000,A,1700000000\n");
    ck_fail_with (fluxacct_csv_import (db, paths, &o, NULL, &err), EINVAL,
                  "invalid fields: nope");
    o = csv_opts (0, "username,bank,max_cores");
    ck_fail_with (fluxacct_csv_import (db, paths, &o, NULL, &err), EINVAL,
                  "field max_cores is not in the header");
    o = csv_opts (0, "creation_time,username,default_bank,userid,bank");
    ck_ok (fluxacct_csv_import (db, paths, &o, &st, &err));
    ck_assert_int_eq (st.rows, 1);
    fluxacct_rows_t *r = fluxacct_assoc_view (db, "carol", NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_str_eq (cell_text (r, "bank"), "A");
    ck_assert_int_eq (cell_int (r, "userid"), 7000);
    ck_assert_int_eq (cell_int (r, "creation_time"), 1700000000);
    ck_assert_int_eq (cell_int (r, "shares"), 1);            /* not loaded */
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 5);  /* not loaded */
    fluxacct_rows_destroy (r);
}
END_TEST

/* Blank cells take the column default; "" is an empty string. */
START_TEST (csv_blank_cells_take_defaults)
{
    char path[400];
    const char *paths[] = { path, NULL };

    mkdir (csv_dir, 0755);
    snprintf (path, sizeof (path), "%s/queue_table.csv", csv_dir);
    /* "" is an empty string, which no name may be (the rules of add-*) */
    write_file (path, "queue,min_nodes_per_job,priority,max_nodes\r\n"
                "gold,,7,\r\n\r\n\"\",2,,3\r\n");
    ck_fail_with (fluxacct_csv_import (db, paths, NULL, NULL, &err),
                  EINVAL, "queue_table.csv:4: queue_table.queue is empty");
    write_file (path, "queue,min_nodes_per_job,priority,max_nodes\r\n"
                "gold,,7,\r\n\r\n\"x\",2,,3\r\n");
    ck_ok (fluxacct_csv_import (db, paths, NULL, NULL, &err));
    fluxacct_rows_t *r = fluxacct_queue_view (db, "gold", NULL, &err);
    ck_assert_int_eq (cell_int (r, "min_nodes_per_job"), 1);
    ck_assert_int_eq (cell_int (r, "priority"), 7);
    ck_assert_int_eq (cell_int (r, "max_nodes"), 2147483647);
    fluxacct_rows_destroy (r);
    char *v = sql_text (test_path, "SELECT min_nodes_per_job || ':' || "
                        "priority || ':' || max_nodes FROM queue_table WHERE "
                        "queue = 'x'");
    ck_assert_str_eq (v, "2:0:3");
    free (v);
}
END_TEST

/* Job rows without the libfluxacct columns get them as an import would. */
START_TEST (csv_jobs_get_derived_columns)
{
    char path[400], text[2048], *v;
    const char *paths[] = { path, NULL };
    char *qR = malloc (2 * strlen (R2) + 3), *p = qR;

    *p++ = '"';
    for (const char *s = R2; *s; s++) {
        if (*s == '"')
            *p++ = '"';
        *p++ = *s;
    }
    *p++ = '"';
    *p = '\0';
    mkdir (csv_dir, 0755);
    snprintf (path, sizeof (path), "%s/jobs.csv", csv_dir);
    snprintf (text, sizeof (text), "id,userid,t_submit,t_run,t_inactive,ranks,"
              "R,jobspec,project,bank\n"
              "100,6000,1,2,3,0,%s,{},*,\n"
              "101,5000,1,2,4,0,%s,{},*,A\n", qR, qR);
    free (qR);
    write_file (path, text);
    ck_ok (fluxacct_csv_import (db, paths, NULL, NULL, &err));
    v = sql_text (test_path, "SELECT group_concat(id || ':' || nnodes || '/' "
                  "|| ncores || '/' || ngpus || ':' || charge_bank || ':' || "
                  "seq, ' ') FROM (SELECT * FROM jobs WHERE CAST(id AS INTEGER) "
                  ">= 100 ORDER BY seq)");
    ck_assert_str_eq (v, "100:2/8/2:odd; \"quoted\" bank:4 101:2/8/2:A:5");
    free (v);
    v = sql_text (test_path, "SELECT value FROM usage_state_table WHERE key ="
                  " 'next_seq'");
    ck_assert_str_eq (v, "6");
    free (v);
}
END_TEST

START_TEST (csv_export_errors)
{
    const char *bad[] = { "association_table", "nope", NULL };
    char file[400];

    ck_fail_with (fluxacct_csv_export (db, csv_dir, bad, NULL, &err),
                  ENOENT, "table \"nope\" does not exist");
    snprintf (file, sizeof (file), "%s/afile", test_dir);
    write_file (file, "x");
    ck_fail_with (fluxacct_csv_export (db, file, NULL, NULL, &err),
                  ENOTDIR, "not a directory");
    ck_fail_with (fluxacct_csv_import_dir (db, test_dir, NULL, NULL, &err),
                  ENOENT, "holds no TABLE.csv");
}
END_TEST

/* fluxacct_csv_stats_init() and fluxacct_csv_import_options_init(): every
 * version, the defaults, the versions refused. */
START_TEST (csv_init_functions)
{
    fluxacct_csv_stats_t st;
    fluxacct_csv_import_options_t o;

    for (int v = 1; v <= FLUXACCT_CSV_STATS_VERSION; v++) {
        ck_init_version (fluxacct_csv_stats_init, &st, v, sizeof (st));
        ck_assert_int_eq (st.tables, 0);
        ck_assert_int_eq (st.rows, 0);
        ck_assert_int_eq (st.bytes, 0);
    }
    ck_init_rejects (fluxacct_csv_stats_init, fluxacct_csv_stats_t,
                     FLUXACCT_CSV_STATS_VERSION);
    for (int v = 1; v <= FLUXACCT_CSV_IMPORT_OPTIONS_VERSION; v++) {
        ck_init_version (fluxacct_csv_import_options_init, &o, v, sizeof (o));
        ck_assert_int_eq (o.flags, 0);
        ck_assert_ptr_null (o.fields);
        ck_assert_ptr_null (o.report);
        ck_assert_ptr_null (o.arg);
    }
    ck_init_rejects (fluxacct_csv_import_options_init,
                     fluxacct_csv_import_options_t,
                     FLUXACCT_CSV_IMPORT_OPTIONS_VERSION);
}
END_TEST

/* Options or counters of an unknown version: export, import and
 * import_dir fail EINVAL naming the struct, and change nothing (no file
 * written, no row loaded, the counters as they were). */
START_TEST (csv_unknown_versions)
{
    char path[400], *before, *after;
    const char *paths[] = { path, NULL };
    fluxacct_csv_stats_t st, st_before;
    fluxacct_csv_import_options_t o = csv_opts (0, NULL);

    memset (&st, 0, sizeof (st)); /* "= {0}": version 0 */
    st.rows = 42;
    memcpy (&st_before, &st, sizeof (st));
    ck_fail_with (fluxacct_csv_export (db, csv_dir, NULL, &st, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_csv_stats_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_csv_stats_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_int_ne (access (csv_dir, F_OK), 0);

    mkdir (csv_dir, 0755);
    snprintf (path, sizeof (path), "%s/queue_table.csv", csv_dir);
    write_file (path, "queue,priority\nnewq,3\n");
    before = dump_db ();
    ck_fail_with (fluxacct_csv_import (db, paths, NULL, &st, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_csv_stats_t, 0));
    ck_fail_with (fluxacct_csv_import_dir (db, csv_dir, NULL, &st, &err),
                  EINVAL, UNKNOWN_VERSION (fluxacct_csv_stats_t, 0));
    ck_assert_mem_eq (&st, &st_before, sizeof (st));
    o.version = 0;
    ck_fail_with (fluxacct_csv_import (db, paths, &o, NULL, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_csv_import_options_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_csv_import_options_init()"),
                   "message '%s' does not say how to initialise", err.text);
    o.version = 99;
    ck_fail_with (fluxacct_csv_import_dir (db, csv_dir, &o, NULL, &err),
                  EINVAL, UNKNOWN_VERSION (fluxacct_csv_import_options_t, 99));
    after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);

    /* initialised, the same calls work and fill the counters */
    st = csv_stats0 ();
    ck_ok (fluxacct_csv_import (db, paths, NULL, &st, &err));
    ck_assert_int_eq (st.version, FLUXACCT_CSV_STATS_VERSION);
    ck_assert_int_eq (st.tables, 1);
    ck_assert_int_eq (st.rows, 1);
    fluxacct_rows_t *r = fluxacct_queue_view (db, "newq", NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (cell_int (r, "priority"), 3);
    fluxacct_rows_destroy (r);
}
END_TEST

static Suite *csv_suite (void)
{
    Suite *s = suite_create ("csv");
    TCase *fmt = tcase_create ("reals");
    tcase_set_timeout (fmt, 300);
    tcase_add_test (fmt, reals_round_trip);
    suite_add_tcase (s, fmt);

    TCase *csv = tcase_create ("csv");
    tcase_add_checked_fixture (csv, csv_setup, csv_teardown);
    tcase_set_timeout (csv, 120);
    tcase_add_test (csv, csv_round_trip);
    tcase_add_test (csv, csv_malformed_refused);
    tcase_add_test (csv, csv_fields_by_name);
    tcase_add_test (csv, csv_blank_cells_take_defaults);
    tcase_add_test (csv, csv_jobs_get_derived_columns);
    tcase_add_test (csv, csv_export_errors);
    tcase_add_test (csv, csv_init_functions);
    tcase_add_test (csv, csv_unknown_versions);
    suite_add_tcase (s, csv);
    return s;
}

RUN_SUITE (csv_suite)
