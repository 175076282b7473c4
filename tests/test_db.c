/* libfluxacct db module: create, open, schema checks, transactions. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include "testutil.h"

static void exec_sql (const char *path, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq (sqlite3_open (path, &h), SQLITE_OK);
    ck_assert_int_eq (sqlite3_exec (h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (h);
}

static char *read_file (const char *path, size_t *len)
{
    FILE *f = fopen (path, "rb");
    char *buf;
    ck_assert_ptr_nonnull (f);
    fseek (f, 0, SEEK_END);
    *len = (size_t)ftell (f);
    rewind (f);
    buf = malloc (*len + 1);
    ck_assert_int_eq (fread (buf, 1, *len, f), *len);
    fclose (f);
    return buf;
}

START_TEST (create_and_open)
{
    fluxacct_db_create_options_t o;
    ck_ok (fluxacct_db_create_options_init (
        &o, FLUXACCT_DB_CREATE_OPTIONS_VERSION));
    o.priority_decay_half_life = 1209600;
    o.priority_usage_reset_period = 4838400;
    o.mode = 0640;
    tmp_setup ();
    ck_ok (fluxacct_db_create (test_path, &o, &err));
    struct stat sb;
    ck_assert_int_eq (stat (test_path, &sb), 0);
    ck_assert_int_eq (sb.st_mode & 0777, 0640);
    db = fluxacct_db_open (test_path, 0, &err);
    ck_assert_ptr_nonnull (db);
    ck_assert_str_eq (fluxacct_db_path (db), test_path);
    ck_assert_int_eq (fluxacct_db_schema_version (db), FLUXACCT_SCHEMA_VERSION);
    char *v = fluxacct_config_get (db, "priority_decay_half_life", &err);
    ck_assert_str_eq (v, "1209600");
    free (v);
    v = fluxacct_config_get (db, "priority_usage_reset_period", &err);
    ck_assert_str_eq (v, "4838400");
    free (v);
    fluxacct_db_close (db);
    db = NULL;
    tmp_teardown ();
}
END_TEST

/* fluxacct_db_create_options_init(): every version, its defaults (0: the
 * library's default), and the versions it refuses. */
START_TEST (create_options_init)
{
    fluxacct_db_create_options_t o;
    for (int v = 1; v <= FLUXACCT_DB_CREATE_OPTIONS_VERSION; v++) {
        ck_init_version (fluxacct_db_create_options_init, &o, v, sizeof (o));
        ck_assert_double_eq (o.priority_decay_half_life, 0);
        ck_assert_double_eq (o.priority_usage_reset_period, 0);
        ck_assert_double_eq (o.decay_factor, 0);
        ck_assert_int_eq (o.mode, 0);
        ck_assert_double_eq (o.usage_epoch, 0);
    }
    ck_init_rejects (fluxacct_db_create_options_init,
                     fluxacct_db_create_options_t,
                     FLUXACCT_DB_CREATE_OPTIONS_VERSION);
    /* initialised options are the defaults, as NULL options are */
    tmp_setup ();
    ck_assert_int_eq (fluxacct_db_create_options_init (
                          &o, FLUXACCT_DB_CREATE_OPTIONS_VERSION), 0);
    ck_ok (fluxacct_db_create (test_path, &o, &err));
    struct stat sb;
    ck_assert_int_eq (stat (test_path, &sb), 0);
    ck_assert_int_eq (sb.st_mode & 0777, 0644);
    db = fluxacct_db_open (test_path, 0, &err);
    ck_assert_ptr_nonnull (db);
    char *v = fluxacct_config_get (db, "priority_decay_half_life", &err);
    ck_assert_str_eq (v, "604800");
    free (v);
    v = fluxacct_config_get (db, "priority_usage_reset_period", &err);
    ck_assert_str_eq (v, "2419200");
    free (v);
    fluxacct_db_close (db);
    db = NULL;
    tmp_teardown ();
}
END_TEST

START_TEST (create_makes_parent_dirs)
{
    char path[400];
    tmp_setup ();
    snprintf (path, sizeof (path), "%s/a/b/c.db", test_dir);
    ck_ok (fluxacct_db_create (path, NULL, &err));
    ck_assert_int_eq (access (path, F_OK), 0);
    tmp_teardown ();
}
END_TEST

START_TEST (create_errors)
{
    fluxacct_db_create_options_t o;
    ck_ok (fluxacct_db_create_options_init (
        &o, FLUXACCT_DB_CREATE_OPTIONS_VERSION));
    tmp_setup ();
    ck_fail_with (fluxacct_db_create (NULL, NULL, &err), EINVAL, "path");
    ck_fail_with (fluxacct_db_create ("", NULL, &err), EINVAL, "path");
    o.decay_factor = 1.5;
    ck_fail_with (fluxacct_db_create (test_path, &o, &err), EINVAL,
                  "decay-factor");
    o.decay_factor = 0;
    o.priority_decay_half_life = -1;
    ck_fail_with (fluxacct_db_create (test_path, &o, &err), EINVAL,
                  "half-life");
    o.priority_decay_half_life = 0;
    o.version = 99;
    ck_fail_with (fluxacct_db_create (test_path, &o, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_db_create_options_t, 99));
    ck_assert_msg (strstr (err.text, "fluxacct_db_create_options_init()"),
                   "message '%s' does not say how to initialise", err.text);
    o.version = 0;
    ck_fail_with (fluxacct_db_create (test_path, &o, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_db_create_options_t, 0));
    ck_assert_int_ne (access (test_path, F_OK), 0);
    ck_ok (fluxacct_db_create (test_path, NULL, &err));
    ck_fail_with (fluxacct_db_create (test_path, NULL, &err), EEXIST,
                  "already exists");
    ck_fail_with (fluxacct_db_create ("/proc/nonexistent/x.db", NULL, &err),
                  ENOENT, "/proc/nonexistent");
    tmp_teardown ();
}
END_TEST

START_TEST (open_errors)
{
    char path[400];
    tmp_setup ();
    ck_null_with (fluxacct_db_open (NULL, 0, &err), EINVAL, "path");
    ck_null_with (fluxacct_db_open (test_path, 0, &err), ENOENT,
                  "does not exist");
    ck_null_with (fluxacct_db_open (test_dir, 0, &err), EPROTO, "directory");
    /* not a database */
    snprintf (path, sizeof (path), "%s/text.db", test_dir);
    FILE *f = fopen (path, "w");
    for (int i = 0; i < 200; i++)
        fputs ("this is not an SQLite file\n", f);
    fclose (f);
    ck_null_with (fluxacct_db_open (path, 0, &err), EPROTO,
                  "not an SQLite database");
    /* an empty SQLite database without our tables */
    snprintf (path, sizeof (path), "%s/empty.db", test_dir);
    exec_sql (path, "CREATE TABLE t (x)");
    ck_null_with (fluxacct_db_open (path, 0, &err), EPROTO,
                  "not an accounting database");
    ck_ok (fluxacct_db_create (test_path, NULL, &err));
    ck_null_with (fluxacct_db_open (test_path, 42, &err), EINVAL, "flags");
    tmp_teardown ();
}
END_TEST

START_TEST (open_newer_schema_refused_untouched)
{
    size_t l1, l2;
    tmp_setup ();
    ck_ok (fluxacct_db_create (test_path, NULL, &err));
    exec_sql (test_path, "PRAGMA user_version=9999");
    char *before = read_file (test_path, &l1);
    ck_null_with (fluxacct_db_open (test_path, 0, &err), EPROTO, "9999");
    ck_null_with (fluxacct_db_open (test_path, FLUXACCT_DB_READONLY, &err),
                  EPROTO, "newer");
    char *after = read_file (test_path, &l2);
    ck_assert_int_eq (l1, l2);
    ck_assert (memcmp (before, after, l1) == 0);
    free (before);
    free (after);
    tmp_teardown ();
}
END_TEST

START_TEST (open_flux_accounting_db_refused)
{
    char cmd[600];
    size_t l1, l2;
    tmp_setup ();
    snprintf (cmd, sizeof (cmd), "cp '%s/FluxAccountingv0-60-0.db' '%s'",
              getenv ("FLUXACCT_DBS_DIR"), test_path);
    ck_assert_int_eq (system (cmd), 0);
    char *before = read_file (test_path, &l1);
    ck_null_with (fluxacct_db_open (test_path, 0, &err), EPROTO, "update-db");
    char *after = read_file (test_path, &l2);
    ck_assert_int_eq (l1, l2);
    ck_assert (memcmp (before, after, l1) == 0);
    free (before);
    free (after);
    tmp_teardown ();
}
END_TEST

/* A database whose header is fine but whose pages are damaged: calls fail
 * with EPROTO and a message saying so, never crash. */
START_TEST (corrupt_pages)
{
    db_setup ();
    add_bank ("root", NULL, 1);
    for (int i = 0; i < 200; i++) {
        char name[32];
        snprintf (name, sizeof (name), "bank%03d", i);
        add_bank (name, "root", 1);
    }
    fluxacct_db_close (db);
    db = NULL;
    /* checkpoint the WAL into the file, then overwrite pages 2.. */
    char cmd[600];
    snprintf (cmd, sizeof (cmd), "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE)'"
              " >/dev/null", test_path);
    ck_assert_int_eq (system (cmd), 0);
    FILE *f = fopen (test_path, "r+b");
    ck_assert_ptr_nonnull (f);
    fseek (f, 4096, SEEK_SET);
    for (int i = 0; i < 4096 * 6; i++)
        fputc ((i * 7919) & 0xff, f);
    fclose (f);
    db = fluxacct_db_open (test_path, 0, &err);
    if (db) {
        fluxacct_rows_t *r = fluxacct_bank_list (db, 0, NULL, &err);
        ck_assert_ptr_null (r);
        ck_assert_int_eq (errno, EPROTO);
        ck_assert_ptr_nonnull (strstr (err.text, "corrupt"));
    }
    else
        ck_assert_int_eq (errno, EPROTO);
    db_teardown ();
}
END_TEST

START_TEST (readonly_refuses_writes)
{
    tmp_setup ();
    ck_ok (fluxacct_db_create (test_path, NULL, &err));
    db = fluxacct_db_open (test_path, FLUXACCT_DB_READONLY, &err);
    ck_assert_ptr_nonnull (db);
    fluxacct_bank_fields_t f;
    ck_ok (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION));
    f.bank = "root";
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EROFS, "read-only");
    ck_fail_with (fluxacct_db_begin (db, &err), EROFS, "read-only");
    fluxacct_rows_t *r = fluxacct_bank_list (db, 0, NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);
    fluxacct_db_close (db);
    db = NULL;
    tmp_teardown ();
}
END_TEST

START_TEST (batch_commit_and_rollback)
{
    db_setup ();
    ck_ok (fluxacct_db_begin (db, &err));
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    ck_ok (fluxacct_db_rollback (db, &err));
    fluxacct_rows_t *r = fluxacct_bank_list (db, 0, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);

    ck_ok (fluxacct_db_begin (db, &err));
    add_bank ("root", NULL, 1);
    /* a failing call inside a batch undoes only itself */
    fluxacct_bank_fields_t f;
    ck_ok (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION));
    f.bank = "x";
    f.parent_bank = "nope";
    ck_fail_with (fluxacct_bank_add (db, &f, &err), ENOENT, "nope");
    add_bank ("a", "root", 1);
    ck_ok (fluxacct_db_commit (db, &err));
    r = fluxacct_bank_list (db, 0, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    fluxacct_rows_destroy (r);
    ck_fail_with (fluxacct_db_commit (db, &err), EINVAL, "no batch");
    ck_fail_with (fluxacct_db_rollback (db, &err), EINVAL, "no batch");
    ck_fail_with (fluxacct_db_begin (NULL, &err), EINVAL, "handle");
    db_teardown ();
}
END_TEST

START_TEST (close_rolls_back_open_batch)
{
    db_setup ();
    ck_ok (fluxacct_db_begin (db, &err));
    add_bank ("root", NULL, 1);
    fluxacct_db_close (db);
    db = fluxacct_db_open (test_path, 0, &err);
    fluxacct_rows_t *r = fluxacct_bank_list (db, 0, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);
    fluxacct_db_close (NULL);
    db_teardown ();
}
END_TEST

START_TEST (busy_timeout_and_locked)
{
    db_setup ();
    ck_fail_with (fluxacct_db_set_busy_timeout (db, -1, &err), EINVAL, "ms");
    ck_fail_with (fluxacct_db_set_busy_timeout (NULL, 5, &err), EINVAL, "ms");
    fluxacct_db_t *other = fluxacct_db_open (test_path, 0, &err);
    ck_assert_ptr_nonnull (other);
    ck_ok (fluxacct_db_set_busy_timeout (other, 50, &err));
    ck_ok (fluxacct_db_begin (db, &err));
    ck_fail_with (fluxacct_db_begin (other, &err), EBUSY, "locked");
    fluxacct_bank_fields_t f;
    ck_ok (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION));
    f.bank = "root";
    ck_fail_with (fluxacct_bank_add (other, &f, &err), EBUSY, "locked");
    ck_ok (fluxacct_db_commit (db, &err));
    ck_ok (fluxacct_bank_add (other, &f, &err));
    fluxacct_db_close (other);
    ck_assert_int_eq (fluxacct_db_schema_version (NULL), -1);
    db_teardown ();
}
END_TEST

/* Two processes each add 1,000 associations, one transaction per call. */
START_TEST (concurrent_writers)
{
    db_setup ();
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    fluxacct_db_close (db);
    db = NULL;
    pid_t pids[2];
    for (int p = 0; p < 2; p++) {
        if ((pids[p] = fork ()) == 0) {
            fluxacct_db_t *h = fluxacct_db_open (test_path, 0, &err);
            int failed = !h;
            for (int i = 0; h && i < 1000; i++) {
                char name[32];
                fluxacct_assoc_fields_t f;
                if (fluxacct_assoc_fields_init (&f,
                                                FLUXACCT_ASSOC_FIELDS_VERSION)
                    < 0) {
                    failed = 1;
                    break;
                }
                snprintf (name, sizeof (name), "p%d-u%d", p, i);
                f.username = name;
                f.bank = "a";
                f.userid = 10000 + p * 1000 + i;
                if (fluxacct_assoc_add (h, &f, &err) < 0) {
                    fprintf (stderr, "child %d: %s\n", p, err.text);
                    failed = 1;
                    break;
                }
            }
            fluxacct_db_close (h);
            _exit (failed);
        }
    }
    for (int p = 0; p < 2; p++) {
        int status;
        ck_assert_int_eq (waitpid (pids[p], &status, 0), pids[p]);
        ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
    db = fluxacct_db_open (test_path, 0, &err);
    fluxacct_rows_t *r = fluxacct_assoc_list (db, NULL, "username", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2000);
    fluxacct_rows_destroy (r);
    db_teardown ();
}
END_TEST

START_TEST (default_path)
{
    setenv ("FLUXACCT_DB", "/tmp/x.db", 1);
    ck_assert_str_eq (fluxacct_db_default_path (), "/tmp/x.db");
    unsetenv ("FLUXACCT_DB");
    ck_assert_str_ne (fluxacct_db_default_path (), "/tmp/x.db");
    ck_assert_ptr_nonnull (strstr (fluxacct_db_default_path (),
                                   "FluxAccounting.db"));
    ck_assert_str_eq (fluxacct_version (), FLUXACCT_VERSION_STRING);
    ck_assert_int_eq (fluxacct_version_number (),
                      FLUXACCT_VERSION_MAJOR * 10000
                          + FLUXACCT_VERSION_MINOR * 100
                          + FLUXACCT_VERSION_MICRO);
    ck_assert (FLUXACCT_CHECK_VERSION (0, 0, 1));
}
END_TEST

START_TEST (rows_accessors_and_json)
{
    add_bank ("root", NULL, 1);
    fluxacct_rows_t *r = fluxacct_bank_list (db, 0, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_columns (r), 15);   /* with the allocation */
    ck_assert_str_eq (fluxacct_rows_column_name (r, 1), "bank");
    ck_assert_ptr_null (fluxacct_rows_column_name (r, 99));
    ck_assert_int_eq (fluxacct_rows_column_index (r, "nope"), -1);
    ck_assert_int_eq (errno, ENOENT);
    ck_assert_int_eq (fluxacct_rows_type (r, 0, 1), FLUXACCT_TYPE_TEXT);
    ck_assert_int_eq (fluxacct_rows_type (r, 0, 0), FLUXACCT_TYPE_INT);
    ck_assert_int_eq (fluxacct_rows_type (r, 0, 5), FLUXACCT_TYPE_REAL);
    ck_assert_int_eq (fluxacct_rows_type (r, 5, 0), -1);
    ck_assert_int_eq (fluxacct_rows_int (r, 5, 0), 0);
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_ptr_null (fluxacct_rows_text (r, 0, 0));
    char *js = fluxacct_rows_to_json (r, 0, &err);
    ck_assert_ptr_nonnull (strstr (js, "\"bank\":\"root\""));
    free (js);
    js = fluxacct_rows_to_json (r, FLUXACCT_JSON_INDENT, &err);
    ck_assert_ptr_nonnull (strstr (js, "\"bank\": \"root\""));
    free (js);
    fluxacct_rows_destroy (r);
    r = fluxacct_queue_list (db, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    js = fluxacct_rows_to_json (r, 0, &err);
    ck_assert_str_eq (js, "[]");
    free (js);
    fluxacct_rows_destroy (r);
    fluxacct_queue_fields_t q;
    ck_ok (fluxacct_queue_fields_init (&q, FLUXACCT_QUEUE_FIELDS_VERSION));
    q.queue = "b";
    ck_ok (fluxacct_queue_add (db, &q, &err));
    r = fluxacct_queue_list (db, "queue,max_sched_jobs", &err);
    js = fluxacct_rows_to_json (r, FLUXACCT_JSON_UNLIMITED, &err);
    ck_assert_ptr_nonnull (strstr (js, "\"unlimited\""));
    free (js);
    fluxacct_rows_destroy (r);
    ck_assert_ptr_null (fluxacct_rows_to_json (NULL, 0, &err));
    ck_assert_int_eq (fluxacct_rows_count (NULL), 0);
    ck_assert_int_eq (fluxacct_rows_columns (NULL), 0);
    fluxacct_rows_destroy (NULL);
}
END_TEST

static Suite *db_suite (void)
{
    Suite *s = suite_create ("db");
    TCase *tc = tcase_create ("db");
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, create_and_open);
    tcase_add_test (tc, create_options_init);
    tcase_add_test (tc, create_makes_parent_dirs);
    tcase_add_test (tc, create_errors);
    tcase_add_test (tc, open_errors);
    tcase_add_test (tc, open_newer_schema_refused_untouched);
    tcase_add_test (tc, open_flux_accounting_db_refused);
    tcase_add_test (tc, corrupt_pages);
    tcase_add_test (tc, readonly_refuses_writes);
    tcase_add_test (tc, batch_commit_and_rollback);
    tcase_add_test (tc, close_rolls_back_open_batch);
    tcase_add_test (tc, busy_timeout_and_locked);
    tcase_add_test (tc, concurrent_writers);
    tcase_add_test (tc, default_path);
    suite_add_tcase (s, tc);

    TCase *rows = tcase_create ("rows");
    tcase_add_checked_fixture (rows, db_setup, db_teardown);
    tcase_add_test (rows, rows_accessors_and_json);
    suite_add_tcase (s, rows);
    return s;
}

RUN_SUITE (db_suite)
