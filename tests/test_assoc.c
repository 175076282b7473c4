/* libfluxacct association module. */
#include <math.h>
#include <sqlite3.h>
#include "testutil.h"

static void setup (void)
{
    db_setup ();
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    add_bank ("b", "root", 1);
    add_bank ("p", "root", 1);
    add_bank ("p1", "p", 1);
    fluxacct_queue_fields_t q;
    ck_ok (fluxacct_queue_fields_init (&q, FLUXACCT_QUEUE_FIELDS_VERSION));
    q.queue = "batch";
    ck_ok (fluxacct_queue_add (db, &q, &err));
    q.queue = "debug";
    ck_ok (fluxacct_queue_add (db, &q, &err));
    ck_ok (fluxacct_project_add (db, "proj1", &err));
    ck_ok (fluxacct_project_add (db, "proj2", &err));
}

static fluxacct_assoc_fields_t af (const char *user, const char *bank)
{
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.username = user;
    f.bank = bank;
    return f;
}

static fluxacct_rows_t *view1 (const char *user, const char *bank)
{
    char filter1[100], filter2[100];
    const char *filters[] = { filter1, filter2, NULL };
    snprintf (filter1, sizeof (filter1), "username=%s", user);
    snprintf (filter2, sizeof (filter2), "bank=%s", bank);
    fluxacct_rows_t *r = fluxacct_assoc_list (db, filters, NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    return r;
}

START_TEST (add_defaults)
{
    fluxacct_assoc_fields_t f = af ("alice", "a");
    f.userid = 5001;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    fluxacct_rows_t *r = view1 ("alice", "a");
    ck_assert_int_eq (cell_int (r, "userid"), 5001);
    ck_assert_int_eq (cell_int (r, "active"), 1);
    ck_assert_int_eq (cell_int (r, "shares"), 1);
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 5);
    ck_assert_int_eq (cell_int (r, "max_active_jobs"), 7);
    ck_assert_int_eq (cell_int (r, "max_nodes"), FLUXACCT_UNLIMITED);
    ck_assert_int_eq (cell_int (r, "max_cores"), FLUXACCT_UNLIMITED);
    ck_assert_int_eq (cell_int (r, "max_sched_jobs"), FLUXACCT_UNLIMITED);
    ck_assert_str_eq (cell_text (r, "queues"), "");
    ck_assert_str_eq (cell_text (r, "projects"), "*");
    ck_assert_str_eq (cell_text (r, "default_project"), "*");
    ck_assert_str_eq (cell_text (r, "default_bank"), "a");
    ck_assert_double_eq (fluxacct_rows_real (r, 0, 9), 0.5);
    fluxacct_rows_destroy (r);
    /* userid from passwd when not given: root is uid 0 */
    f = af ("root", "a");
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    r = view1 ("root", "a");
    ck_assert_int_eq (cell_int (r, "userid"), 0);
    fluxacct_rows_destroy (r);
    f = af ("no-such-user-xyz", "a");
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    r = view1 ("no-such-user-xyz", "a");
    ck_assert_int_eq (cell_int (r, "userid"), 4294967295LL);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (add_lists_and_default_bank)
{
    fluxacct_assoc_fields_t f = af ("bob", "a");
    f.queues = "batch,debug";
    f.projects = "proj1";
    f.max_running_jobs = 10;
    f.max_nodes = 4;
    f.shares = 0;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    fluxacct_rows_t *r = view1 ("bob", "a");
    ck_assert_str_eq (cell_text (r, "queues"), "batch,debug");
    ck_assert_str_eq (cell_text (r, "projects"), "proj1,*");
    ck_assert_str_eq (cell_text (r, "default_project"), "proj1");
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 10);
    ck_assert_int_eq (cell_int (r, "max_nodes"), 4);
    ck_assert_int_eq (cell_int (r, "shares"), 0);
    fluxacct_rows_destroy (r);
    f = af ("bob", "b");
    f.default_project = "proj2";
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    r = view1 ("bob", "b");
    ck_assert_str_eq (cell_text (r, "default_bank"), "a");
    ck_assert_str_eq (cell_text (r, "projects"), "proj2,*");
    ck_assert_str_eq (cell_text (r, "default_project"), "proj2");
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (add_errors)
{
    add_user ("carol", "a");
    char *before = dump_db ();
    fluxacct_assoc_fields_t f = af ("carol", "a");
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EEXIST, "already active");
    f = af ("dave", "p");
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EPERM, "sub-bank");
    f = af ("dave", "nope");
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), ENOENT,
                  "Bank nope does not exist");
    f = af ("dave", "a");
    f.queues = "batch,nope";
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), ENOENT,
                  "queue nope does not exist");
    f = af ("dave", "a");
    f.projects = "zzz";
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), ENOENT,
                  "project zzz does not exist");
    f = af ("dave", "a");
    f.default_project = "zzz";
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), ENOENT, "zzz");
    f = af ("dave", "a");
    f.shares = -3;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL, "shares");
    f = af ("dave", "a");
    f.max_nodes = -7;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL, "max_nodes");
    f = af ("dave", "a");
    f.max_cores = 3000000000LL;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL, "max_cores");
    f = af ("dave", "a");
    f.fairshare = 2;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL, "fairshare");
    f = af ("dave", "a");
    f.userid = -5;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL, "userid");
    f = af (NULL, "a");
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL,
                  "association_table.username is empty");
    f = af ("dave", "");
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL,
                  "association_table.bank is empty");
    f = af ("dave", "a");
    f.version = 0;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_assoc_fields_t, 0));
    f.version = FLUXACCT_ASSOC_FIELDS_VERSION + 1;
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EINVAL,
                  "fluxacct_assoc_fields_t: unknown version");
    ck_fail_with (fluxacct_assoc_edit (db, "carol", "a", &f, &err), EINVAL,
                  "fluxacct_assoc_fields_t: unknown version");
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), EINVAL,
                  "fluxacct_assoc_fields_t: unknown version");
    ck_fail_with (fluxacct_assoc_add (db, NULL, &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_assoc_add (NULL, &f, &err), EINVAL, "invalid");
    /* disabled bank */
    ck_ok (fluxacct_bank_delete (db, "b", 0, &err));
    free (before);
    before = dump_db ();
    f = af ("dave", "b");
    ck_fail_with (fluxacct_assoc_add (db, &f, &err), EPERM, "disabled");
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
}
END_TEST

START_TEST (add_many_all_or_nothing)
{
    fluxacct_assoc_fields_t v[3] = { af ("u1", "a"), af ("u2", "a"),
                                     af ("u3", "nope") };
    for (int i = 0; i < 3; i++)
        v[i].userid = 100 + i;
    ck_fail_with (fluxacct_assoc_add_many (db, v, 3, &err), ENOENT,
                  "element 2");
    fluxacct_rows_t *r = fluxacct_assoc_list (db, NULL, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);
    v[2].bank = "b";
    v[1].shares = -1; /* -1 means default on add */
    ck_ok (fluxacct_assoc_add_many (db, v, 3, &err));
    r = fluxacct_assoc_list (db, NULL, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 3);
    fluxacct_rows_destroy (r);
    v[0].username = "";
    ck_fail_with (fluxacct_assoc_add_many (db, v, 3, &err), EINVAL,
                  "element 0");
    ck_fail_with (fluxacct_assoc_add_many (db, NULL, 2, &err), EINVAL,
                  "invalid");
    ck_ok (fluxacct_assoc_add_many (db, NULL, 0, &err));
}
END_TEST

START_TEST (edit_fields_and_resets)
{
    fluxacct_assoc_fields_t f = af ("eve", "a");
    f.queues = "batch";
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    add_user ("eve", "b");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.max_running_jobs = 50;
    f.max_nodes = 8;
    f.add_queues = "debug";
    f.fairshare = 0.25;
    ck_ok (fluxacct_assoc_edit (db, "eve", "a", &f, &err));
    fluxacct_rows_t *r = view1 ("eve", "a");
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 50);
    ck_assert_int_eq (cell_int (r, "max_nodes"), 8);
    ck_assert_str_eq (cell_text (r, "queues"), "batch,debug");
    fluxacct_rows_destroy (r);
    r = view1 ("eve", "b");
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 5);
    fluxacct_rows_destroy (r);
    /* all of the user's rows, resets */
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.max_running_jobs = FLUXACCT_RESET;
    f.max_nodes = FLUXACCT_RESET;
    f.delete_queues = "batch";
    f.projects = "proj1,proj2";
    ck_ok (fluxacct_assoc_edit (db, "eve", NULL, &f, &err));
    r = view1 ("eve", "a");
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 5);
    ck_assert_int_eq (cell_int (r, "max_nodes"), FLUXACCT_UNLIMITED);
    ck_assert_str_eq (cell_text (r, "queues"), "debug");
    ck_assert_str_eq (cell_text (r, "projects"), "proj1,proj2,*");
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.queues = "-1";
    f.projects = "-1";
    f.default_project = "-1";
    ck_ok (fluxacct_assoc_edit (db, "eve", "a", &f, &err));
    r = view1 ("eve", "a");
    ck_assert_str_eq (cell_text (r, "queues"), "");
    ck_assert_str_eq (cell_text (r, "projects"), "*");
    ck_assert_str_eq (cell_text (r, "default_project"), "*");
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.default_bank = "b";
    f.userid = 777;
    ck_ok (fluxacct_assoc_edit (db, "eve", NULL, &f, &err));
    r = view1 ("eve", "a");
    ck_assert_str_eq (cell_text (r, "default_bank"), "b");
    ck_assert_int_eq (cell_int (r, "userid"), 777);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (edit_errors)
{
    add_user ("fay", "a");
    char *before = dump_db ();
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), EINVAL,
                  "no fields");
    f.shares = 2;
    ck_fail_with (fluxacct_assoc_edit (db, "nobody", NULL, &f, &err), ENOENT,
                  "user nobody not found");
    ck_fail_with (fluxacct_assoc_edit (db, "fay", "b", &f, &err), ENOENT,
                  "in bank b");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.default_bank = "-1";
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), EINVAL,
                  "default bank cannot be reset");
    f.default_bank = "b";
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), ENOENT,
                  "no association in bank b");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.queues = "batch";
    f.add_queues = "debug";
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), EINVAL,
                  "--queues");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.add_queues = "debug";
    f.delete_queues = "debug";
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), EINVAL,
                  "both");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.add_queues = "nope";
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), ENOENT,
                  "queue nope");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.max_active_jobs = -9;
    ck_fail_with (fluxacct_assoc_edit (db, "fay", NULL, &f, &err), EINVAL,
                  "max_active_jobs");
    ck_fail_with (fluxacct_assoc_edit (db, NULL, NULL, &f, &err), EINVAL,
                  "user");
    ck_fail_with (fluxacct_assoc_edit (NULL, "fay", NULL, &f, &err), EINVAL,
                  "invalid");
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
}
END_TEST

START_TEST (edit_all)
{
    add_user ("g1", "a");
    add_user ("g2", "a");
    add_user ("g3", "b");
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.max_active_jobs = 99;
    ck_ok (fluxacct_assoc_edit_all (db, "a", &f, &err));
    const char *filters[] = { "max_active_jobs=99", NULL };
    fluxacct_rows_t *r = fluxacct_assoc_list (db, filters, "username", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_assoc_edit_all (db, NULL, &f, &err));
    r = fluxacct_assoc_list (db, filters, "username", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 3);
    fluxacct_rows_destroy (r);
    ck_fail_with (fluxacct_assoc_edit_all (db, "zz", &f, &err), ENOENT, "zz");
    f.default_bank = "a";
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), ENOENT,
                  "user g3 has no active association in bank a");
    f.default_bank = "-1";
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), EINVAL,
                  "default bank");
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), EINVAL,
                  "no fields");
    f.userid = 5;
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), EINVAL,
                  "userid");
}
END_TEST

/* edit-all-users --bank and --default-bank (issue 16). */
START_TEST (edit_all_bank_fields)
{
    add_user ("g1", "a");
    add_user ("g2", "b");
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.default_bank = "b";
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), ENOENT,
                  "user g1 has no active association in bank b");
    /* one bank's users only */
    ck_ok (fluxacct_assoc_edit_all (db, "b", &f, &err));
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.bank = "b";
    ck_ok (fluxacct_assoc_edit_all (db, NULL, &f, &err));
    const char *filters[] = { "bank=b", "default_bank=b", NULL };
    fluxacct_rows_t *r = fluxacct_assoc_list (db, filters, "username", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    fluxacct_rows_destroy (r);
    add_user ("g1", "a");
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), EEXIST,
                  "user g1 has more than one association");
    f.bank = "nope";
    ck_fail_with (fluxacct_assoc_edit_all (db, NULL, &f, &err), ENOENT,
                  "nope");
}
END_TEST

/* sync-userids (issue 16). */
START_TEST (sync_userids)
{
    int64_t nf = -1, np = -1;
    add_user ("g1", "a");
    add_user ("g2", "a");
    ck_ok (fluxacct_assoc_sync_userids (db, &nf, &np, &err));
    ck_assert_int_eq (nf, 0);
    ck_assert_int_eq (np, 0);
    sqlite3 *h;
    ck_assert_int_eq (sqlite3_open (test_path, &h), SQLITE_OK);
    ck_assert_int_eq (sqlite3_exec (h, "UPDATE job_usage_factor_table SET "
                                    "userid = 77 WHERE username = 'g2'",
                                    NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (h);
    ck_ok (fluxacct_assoc_sync_userids (db, &nf, NULL, &err));
    ck_assert_int_eq (nf, 1);
    ck_ok (fluxacct_assoc_sync_userids (db, NULL, NULL, &err));
    ck_fail_with (fluxacct_assoc_sync_userids (NULL, NULL, NULL, &err),
                  EINVAL, "invalid");
}
END_TEST

START_TEST (delete_and_default_bank)
{
    add_user ("h", "a");
    add_user ("h", "b");
    ck_ok (fluxacct_assoc_delete (db, "h", "a", 0, &err));
    fluxacct_rows_t *r = view1 ("h", "a");
    ck_assert_int_eq (cell_int (r, "active"), 0);
    ck_assert_str_eq (cell_text (r, "default_bank"), "b");
    fluxacct_rows_destroy (r);
    /* re-adding re-enables */
    add_user ("h", "a");
    r = view1 ("h", "a");
    ck_assert_int_eq (cell_int (r, "active"), 1);
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_assoc_delete (db, "h", "a", FLUXACCT_FORCE, &err));
    r = fluxacct_assoc_view (db, "h", NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    fluxacct_rows_destroy (r);
    ck_fail_with (fluxacct_assoc_delete (db, "h", "a", 0, &err), ENOENT,
                  "not found");
    ck_fail_with (fluxacct_assoc_delete (db, "h", "b", 8, &err), EINVAL,
                  "invalid");
    ck_fail_with (fluxacct_assoc_delete (db, "h", NULL, 0, &err), EINVAL,
                  "bank");
}
END_TEST

START_TEST (view_and_list)
{
    add_user ("i1", "a");
    add_user ("i2", "b");
    fluxacct_assoc_fields_t f = af ("i3", "a");
    f.queues = "debug";
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    fluxacct_rows_t *r = fluxacct_assoc_view (db, "i1", "username,bank", &err);
    ck_assert_int_eq (fluxacct_rows_columns (r), 2);
    fluxacct_rows_destroy (r);
    ck_null_with (fluxacct_assoc_view (db, "zz", NULL, &err), ENOENT,
                  "user zz not found in association_table");
    ck_null_with (fluxacct_assoc_view (db, "i1", "bogus", &err), EINVAL,
                  "invalid fields: bogus");
    ck_null_with (fluxacct_assoc_view (NULL, "i1", NULL, &err), EINVAL,
                  "invalid");
    const char *f1[] = { "bank=a,b", NULL };
    r = fluxacct_assoc_list (db, f1, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 3);
    fluxacct_rows_destroy (r);
    const char *f2[] = { "bank=a", "queues=deb", NULL };
    r = fluxacct_assoc_list (db, f2, "username", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "i3");
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_assoc_delete (db, "i2", "b", 0, &err));
    const char *f3[] = { "active=true", NULL };
    r = fluxacct_assoc_list (db, f3, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    fluxacct_rows_destroy (r);
    const char *bad1[] = { "nocolumn=1", NULL };
    ck_null_with (fluxacct_assoc_list (db, bad1, NULL, &err), EINVAL,
                  "invalid filter");
    const char *bad2[] = { "bank", NULL };
    ck_null_with (fluxacct_assoc_list (db, bad2, NULL, &err), EINVAL,
                  "invalid filter");
    const char *bad3[] = { "active=maybe", NULL };
    ck_null_with (fluxacct_assoc_list (db, bad3, NULL, &err), EINVAL,
                  "active");
    const char *inj[] = { "bank=a' OR '1'='1", NULL };
    r = fluxacct_assoc_list (db, inj, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);
}
END_TEST

/* fluxacct_assoc_fields_init(): every version sets its fields to "not
 * given"; version 1 leaves max_wall_pj (version 2) alone. */
START_TEST (fields_init)
{
    fluxacct_assoc_fields_t f;
    for (int v = 1; v <= FLUXACCT_ASSOC_FIELDS_VERSION; v++) {
        ck_init_version (fluxacct_assoc_fields_init, &f, v,
                         v == 1 ? offsetof (fluxacct_assoc_fields_t,
                                            max_wall_pj)
                                : sizeof (f));
        ck_assert_ptr_null (f.username);
        ck_assert_ptr_null (f.bank);
        ck_assert_int_eq (f.userid, FLUXACCT_UNSET);
        ck_assert_ptr_null (f.default_bank);
        ck_assert_int_eq (f.shares, FLUXACCT_UNSET);
        ck_assert (isnan (f.fairshare));
        ck_assert_int_eq (f.max_running_jobs, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_active_jobs, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_nodes, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_cores, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_sched_jobs, FLUXACCT_UNSET);
        ck_assert_ptr_null (f.queues);
        ck_assert_ptr_null (f.projects);
        ck_assert_ptr_null (f.default_project);
        ck_assert_ptr_null (f.add_queues);
        ck_assert_ptr_null (f.delete_queues);
        if (v >= 2)
            ck_assert_int_eq (f.max_wall_pj, FLUXACCT_UNSET);
    }
    ck_init_rejects (fluxacct_assoc_fields_init, fluxacct_assoc_fields_t,
                     FLUXACCT_ASSOC_FIELDS_VERSION);
}
END_TEST

/* A version 1 caller's fluxacct_assoc_fields_t: the members up to, not
 * including, max_wall_pj (added by version 2).  An array of these has the
 * version 1 stride. */
typedef struct {
    int version;
    const char *username;
    const char *bank;
    int64_t userid;
    const char *default_bank;
    int64_t shares;
    double fairshare;
    int64_t max_running_jobs;
    int64_t max_active_jobs;
    int64_t max_nodes;
    int64_t max_cores;
    int64_t max_sched_jobs;
    const char *queues;
    const char *projects;
    const char *default_project;
    const char *add_queues;
    const char *delete_queues;
} assoc_fields_v1_t;

_Static_assert (sizeof (assoc_fields_v1_t)
                    == offsetof (fluxacct_assoc_fields_t, max_wall_pj),
                "assoc_fields_v1_t is not version 1 of "
                "fluxacct_assoc_fields_t");
_Static_assert (sizeof (assoc_fields_v1_t) < sizeof (fluxacct_assoc_fields_t),
                "version 2 did not grow fluxacct_assoc_fields_t");

static assoc_fields_v1_t af_v1 (const char *user, const char *bank,
                                int64_t userid)
{
    assoc_fields_v1_t f;
    /* init writes only the version 1 members: the size of this struct */
    ck_assert_int_eq (fluxacct_assoc_fields_init (
                          (fluxacct_assoc_fields_t *)&f, 1), 0);
    ck_assert_int_eq (f.version, 1);
    f.username = user;
    f.bank = bank;
    f.userid = userid;
    return f;
}

/* fluxacct_assoc_add_many() with an array of version 1 elements: the
 * stride is the version 1 size, and max_wall_pj takes its default. */
START_TEST (add_many_version1)
{
    assoc_fields_v1_t v[4] = {
        af_v1 ("w1", "a", 201), af_v1 ("w2", "a", 202),
        af_v1 ("w3", "b", 203), af_v1 ("w1", "b", 201),
    };
    v[1].shares = 7;
    v[2].queues = "debug";
    v[3].max_running_jobs = 3;
    ck_ok (fluxacct_assoc_add_many (db, (const fluxacct_assoc_fields_t *)v, 4,
                                    &err));
    fluxacct_rows_t *r = fluxacct_assoc_list (db, NULL, NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (fluxacct_rows_count (r), 4);
    fluxacct_rows_destroy (r);
    static const struct {
        const char *user, *bank;
        int64_t userid, shares, max_running_jobs;
        const char *queues;
    } want[] = {
        { "w1", "a", 201, 1, 5, "" },
        { "w2", "a", 202, 7, 5, "" },
        { "w3", "b", 203, 1, 5, "debug" },
        { "w1", "b", 201, 1, 3, "" },
    };
    for (size_t i = 0; i < sizeof (want) / sizeof (want[0]); i++) {
        r = view1 (want[i].user, want[i].bank);
        ck_assert_int_eq (cell_int (r, "userid"), want[i].userid);
        ck_assert_int_eq (cell_int (r, "shares"), want[i].shares);
        ck_assert_int_eq (cell_int (r, "max_running_jobs"),
                          want[i].max_running_jobs);
        ck_assert_str_eq (cell_text (r, "queues"), want[i].queues);
        ck_assert_int_eq (cell_int (r, "max_wall_pj"), FLUXACCT_UNLIMITED);
        fluxacct_rows_destroy (r);
    }
}
END_TEST

/* An array whose first element has an unknown version is refused whole. */
START_TEST (add_many_unknown_version)
{
    fluxacct_assoc_fields_t v[2] = { af ("x1", "a"), af ("x2", "a") };
    char *before = dump_db ();
    v[0].version = 0;
    ck_fail_with (fluxacct_assoc_add_many (db, v, 2, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_assoc_fields_t, 0));
    v[0].version = 99;
    ck_fail_with (fluxacct_assoc_add_many (db, v, 2, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_assoc_fields_t, 99));
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
    /* with the version of element 0 right, both are added */
    v[0].version = FLUXACCT_ASSOC_FIELDS_VERSION;
    ck_ok (fluxacct_assoc_add_many (db, v, 2, &err));
    fluxacct_rows_destroy (view1 ("x1", "a"));
    fluxacct_rows_destroy (view1 ("x2", "a"));
}
END_TEST

static Suite *assoc_suite (void)
{
    Suite *s = suite_create ("assoc");
    TCase *tc = tcase_create ("assoc");
    tcase_add_checked_fixture (tc, setup, db_teardown);
    tcase_add_test (tc, add_defaults);
    tcase_add_test (tc, add_lists_and_default_bank);
    tcase_add_test (tc, add_errors);
    tcase_add_test (tc, add_many_all_or_nothing);
    tcase_add_test (tc, fields_init);
    tcase_add_test (tc, add_many_version1);
    tcase_add_test (tc, add_many_unknown_version);
    tcase_add_test (tc, edit_fields_and_resets);
    tcase_add_test (tc, edit_errors);
    tcase_add_test (tc, edit_all);
    tcase_add_test (tc, edit_all_bank_fields);
    tcase_add_test (tc, sync_userids);
    tcase_add_test (tc, delete_and_default_bank);
    tcase_add_test (tc, view_and_list);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (assoc_suite)
