/* libfluxacct fair-share over the database: update-fshare and the emulator
 * agree; disabled rows; unchanged rows not rewritten; errors. */
#include <math.h>
#include "testutil.h"

static void set_usage (const char *user, const char *bank, double usage)
{
    char cmd[600];
    snprintf (cmd, sizeof (cmd), "sqlite3 '%s' \"UPDATE association_table SET "
              "job_usage=%.17g WHERE username='%s' AND bank='%s'\"", test_path,
              usage, user, bank);
    ck_assert_int_eq (system (cmd), 0);
}

static void rollup (void)
{
    /* bank usage as update-usage would roll it up */
    char cmd[800];
    snprintf (cmd, sizeof (cmd), "sqlite3 '%s' \"UPDATE bank_table SET "
              "job_usage = (WITH RECURSIVE sub(b) AS (SELECT bank_table.bank "
              "UNION SELECT t.bank FROM bank_table t JOIN sub ON t.parent_bank "
              "= sub.b) SELECT coalesce(sum(job_usage), 0) FROM "
              "association_table WHERE bank IN (SELECT b FROM sub))\"",
              test_path);
    ck_assert_int_eq (system (cmd), 0);
}

static double fairshare_of (const char *user, const char *bank)
{
    char f1[64], f2[64];
    const char *filters[] = { f1, f2, NULL };
    snprintf (f1, sizeof (f1), "username=%s", user);
    snprintf (f2, sizeof (f2), "bank=%s", bank);
    fluxacct_rows_t *r = fluxacct_assoc_list (db, filters, "fairshare", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    double v = fluxacct_rows_real (r, 0, 0);
    fluxacct_rows_destroy (r);
    return v;
}

static void setup (void)
{
    db_setup ();
    add_bank ("root", NULL, 1);
    add_bank ("A", "root", 3);
    add_bank ("B", "root", 1);
    add_bank ("B1", "B", 1);
    add_bank ("B2", "B", 2);
    add_user ("a1", "A");
    add_user ("a2", "A");
    add_user ("b1", "B1");
    add_user ("b2", "B2");
    add_user ("b3", "B2");
    set_usage ("a1", "A", 100);
    set_usage ("a2", "A", 10);
    set_usage ("b1", "B1", 50);
    set_usage ("b2", "B2", 0);
    set_usage ("b3", "B2", 1e12);
}

START_TEST (update_matches_emulator)
{
    rollup ();
    int64_t n = -1;
    ck_ok (fluxacct_fairshare_update (db, &n, &err));
    ck_assert_int_eq (n, 5);
    char *json = fluxacct_fairshare_export_json (db, &err);
    ck_assert_ptr_nonnull (json);
    fluxacct_fstree_t *t = fluxacct_fstree_load_json (json, &err);
    ck_assert_msg (t != NULL, "%s", err.text);
    ck_ok (fluxacct_fstree_compute (t, &err));
    int users = fluxacct_fstree_user_count (t, &err);
    ck_assert_int_eq (users, 5);
    for (int i = 0; i < users; i++) {
        fluxacct_fstree_node_t u;
        ck_ok (fluxacct_fstree_node_init (&u, FLUXACCT_FSTREE_NODE_VERSION));
        ck_ok (fluxacct_fstree_user (t, i, &u, &err));
        ck_assert_double_eq (fairshare_of (u.name, u.bank), u.fairshare);
    }
    fluxacct_fstree_destroy (t);
    free (json);
    /* A: S=3/4, U=110/(110+1e12+50) => far ahead of B.  Ranks from 5:
     * A's users first (a2 least usage 10 -> 5, a1 -> 4), then B's
     * children: B1 (share 1/3, usage 50) vs B2 (2/3, 1e12): B1 first:
     * b1 -> 3; then B2: b2 (no usage) -> 2, b3 -> 1. */
    ck_assert_double_eq (fairshare_of ("a2", "A"), 1.0);
    ck_assert_double_eq (fairshare_of ("a1", "A"), 0.8);
    ck_assert_double_eq (fairshare_of ("b1", "B1"), 0.6);
    ck_assert_double_eq (fairshare_of ("b2", "B2"), 0.4);
    ck_assert_double_eq (fairshare_of ("b3", "B2"), 0.2);
    /* a second run changes nothing */
    ck_ok (fluxacct_fairshare_update (db, &n, &err));
    ck_assert_int_eq (n, 0);
}
END_TEST

START_TEST (disabled_rows_left_out)
{
    rollup ();
    ck_ok (fluxacct_assoc_delete (db, "a2", "A", 0, &err));
    ck_ok (fluxacct_bank_delete (db, "B1", 0, &err));
    int64_t n;
    ck_ok (fluxacct_fairshare_update (db, &n, &err));
    /* tree: A{a1}, B{B2{b2, b3}}: N = 3 */
    fluxacct_fstree_t *t = fluxacct_fairshare_tree (db, &err);
    ck_ok (fluxacct_fstree_compute (t, &err));
    ck_assert_int_eq (fluxacct_fstree_user_count (t, &err), 3);
    fluxacct_fstree_destroy (t);
    ck_assert_double_eq (fairshare_of ("a1", "A"), 1.0);
    /* disabled associations keep their stored value */
    ck_assert_double_eq (fairshare_of ("a2", "A"), 0.5);
    ck_assert_double_eq (fairshare_of ("b1", "B1"), 0.5);
}
END_TEST

START_TEST (moved_bank_order)
{
    /* a bank moved under a bank created after it is still loaded */
    add_bank ("C", "root", 1);
    fluxacct_bank_fields_t f;
    ck_ok (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION));
    f.bank = "B1";
    f.parent_bank = "C";
    ck_ok (fluxacct_bank_edit (db, &f, &err));
    fluxacct_fstree_t *t = fluxacct_fairshare_tree (db, &err);
    ck_ok (fluxacct_fstree_compute (t, &err));
    ck_assert_int_eq (fluxacct_fstree_user_count (t, &err), 5);
    ck_assert_int_ge (fluxacct_fstree_find_user (t, "b1", "B1", &err), 0);
    fluxacct_fstree_destroy (t);
}
END_TEST

START_TEST (errors)
{
    ck_fail_with (fluxacct_fairshare_update (NULL, NULL, &err), EINVAL,
                  "invalid");
    ck_null_with (fluxacct_fairshare_tree (NULL, &err), EINVAL, "invalid");
    ck_null_with (fluxacct_fairshare_export_json (NULL, &err), EINVAL,
                  "invalid");
    db_teardown ();
    db_setup ();  /* no banks */
    ck_fail_with (fluxacct_fairshare_update (db, NULL, &err), ENOENT,
                  "root bank not found");
    ck_null_with (fluxacct_fairshare_export_json (db, &err), ENOENT, "root");
    fluxacct_db_close (db);
    db = fluxacct_db_open (test_path, FLUXACCT_DB_READONLY, &err);
    ck_fail_with (fluxacct_fairshare_update (db, NULL, &err), EROFS,
                  "read-only");
}
END_TEST

static Suite *fsdb_suite (void)
{
    Suite *s = suite_create ("fairshare_db");
    TCase *tc = tcase_create ("fairshare_db");
    tcase_add_checked_fixture (tc, setup, db_teardown);
    tcase_add_test (tc, update_matches_emulator);
    tcase_add_test (tc, disabled_rows_left_out);
    tcase_add_test (tc, moved_bank_order);
    tcase_add_test (tc, errors);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (fsdb_suite)
