/* libfluxacct queue and project modules. */
#include "testutil.h"

static fluxacct_queue_fields_t qf (const char *name)
{
    fluxacct_queue_fields_t f;
    ck_ok (fluxacct_queue_fields_init (&f, FLUXACCT_QUEUE_FIELDS_VERSION));
    f.queue = name;
    return f;
}

/* fluxacct_queue_fields_init(): every field starts FLUXACCT_UNSET. */
START_TEST (queue_fields_init)
{
    fluxacct_queue_fields_t f;
    for (int v = 1; v <= FLUXACCT_QUEUE_FIELDS_VERSION; v++) {
        ck_init_version (fluxacct_queue_fields_init, &f, v, sizeof (f));
        ck_assert_ptr_null (f.queue);
        ck_assert_int_eq (f.min_nodes_per_job, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_nodes_per_job, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_time_per_job, FLUXACCT_UNSET);
        ck_assert_int_eq (f.priority, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_running_jobs, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_nodes_per_assoc, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_sched_jobs, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_sched_nodes_per_assoc, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_sched_cores_per_assoc, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_nodes, FLUXACCT_UNSET);
        ck_assert_int_eq (f.max_cores, FLUXACCT_UNSET);
    }
    ck_init_rejects (fluxacct_queue_fields_init, fluxacct_queue_fields_t,
                     FLUXACCT_QUEUE_FIELDS_VERSION);
}
END_TEST

START_TEST (queue_add_edit_view)
{
    fluxacct_queue_fields_t f = qf ("batch");
    f.priority = -5;
    f.max_running_jobs = 3;
    ck_ok (fluxacct_queue_add (db, &f, &err));
    fluxacct_rows_t *r = fluxacct_queue_view (db, "batch", NULL, &err);
    ck_assert_int_eq (cell_int (r, "priority"), -5);
    ck_assert_int_eq (cell_int (r, "max_running_jobs"), 3);
    ck_assert_int_eq (cell_int (r, "min_nodes_per_job"), 1);
    ck_assert_int_eq (cell_int (r, "max_time_per_job"), 60);
    ck_assert_int_eq (cell_int (r, "max_sched_jobs"), FLUXACCT_UNLIMITED);
    fluxacct_rows_destroy (r);
    f = qf ("batch");
    f.priority = FLUXACCT_RESET;
    f.max_nodes_per_assoc = 16;
    ck_ok (fluxacct_queue_edit (db, &f, &err));
    r = fluxacct_queue_view (db, "batch", "priority,max_nodes_per_assoc",
                             &err);
    ck_assert_int_eq (fluxacct_rows_int (r, 0, 0), 0);
    ck_assert_int_eq (fluxacct_rows_int (r, 0, 1), 16);
    fluxacct_rows_destroy (r);
    f = qf ("debug");
    ck_ok (fluxacct_queue_add (db, &f, &err));
    r = fluxacct_queue_list (db, "queue", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "batch");
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (queue_errors)
{
    fluxacct_queue_fields_t f = qf ("batch");
    ck_ok (fluxacct_queue_add (db, &f, &err));
    char *before = dump_db ();
    ck_fail_with (fluxacct_queue_add (db, &f, &err), EEXIST, "already exists");
    f = qf ("x");
    f.max_running_jobs = -4;
    ck_fail_with (fluxacct_queue_add (db, &f, &err), EINVAL,
                  "max_running_jobs");
    f = qf ("");
    ck_fail_with (fluxacct_queue_add (db, &f, &err), EINVAL, "empty");
    f = qf ("batch");
    ck_fail_with (fluxacct_queue_edit (db, &f, &err), EINVAL, "no fields");
    f = qf ("nope");
    f.priority = 1;
    ck_fail_with (fluxacct_queue_edit (db, &f, &err), ENOENT, "nope");
    ck_fail_with (fluxacct_queue_edit (db, NULL, &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_queue_add (NULL, &f, &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_queue_delete (db, "nope", &err), ENOENT, "nope");
    f = qf ("y");
    f.version = 0;
    ck_fail_with (fluxacct_queue_add (db, &f, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_queue_fields_t, 0));
    f = qf ("batch");
    f.priority = 3;
    f.version = FLUXACCT_QUEUE_FIELDS_VERSION + 1;
    ck_fail_with (fluxacct_queue_edit (db, &f, &err), EINVAL,
                  "fluxacct_queue_fields_t: unknown version");
    ck_null_with (fluxacct_queue_view (db, "nope", NULL, &err), ENOENT,
                  "queue nope not found");
    ck_null_with (fluxacct_queue_list (db, "x", &err), EINVAL, "invalid fields");
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
}
END_TEST

START_TEST (queue_delete_reports_references)
{
    fluxacct_queue_fields_t f = qf ("batch");
    ck_ok (fluxacct_queue_add (db, &f, &err));
    f = qf ("bat");
    ck_ok (fluxacct_queue_add (db, &f, &err));
    add_bank ("root", NULL, 1);
    fluxacct_assoc_fields_t a;
    ck_ok (fluxacct_assoc_fields_init (&a, FLUXACCT_ASSOC_FIELDS_VERSION));
    a.username = "u";
    a.bank = "root";
    a.queues = "batch";
    ck_ok (fluxacct_assoc_add (db, &a, &err));
    /* "bat" is a prefix of "batch" but not referenced */
    ck_assert_int_eq (fluxacct_queue_delete (db, "bat", &err), 0);
    ck_assert_int_eq (fluxacct_queue_delete (db, "batch", &err), 1);
    fluxacct_rows_t *r = fluxacct_queue_list (db, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (projects)
{
    fluxacct_rows_t *r = fluxacct_project_list (db, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    ck_assert_str_eq (cell_text (r, "project"), "*");
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_project_add (db, "proj", &err));
    ck_fail_with (fluxacct_project_add (db, "proj", &err), EEXIST,
                  "already exists");
    ck_fail_with (fluxacct_project_add (db, "a,b", &err), EINVAL, "comma");
    ck_fail_with (fluxacct_project_add (db, "", &err), EINVAL, "empty");
    ck_fail_with (fluxacct_project_add (NULL, "x", &err), EINVAL, "invalid");
    r = fluxacct_project_view (db, "proj", "project,usage", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    fluxacct_rows_destroy (r);
    ck_null_with (fluxacct_project_view (db, "zz", NULL, &err), ENOENT,
                  "project zz not found");
    ck_fail_with (fluxacct_project_delete (db, "*", &err), EPERM, "*");
    ck_fail_with (fluxacct_project_delete (db, "zz", &err), ENOENT, "zz");
    add_bank ("root", NULL, 1);
    fluxacct_assoc_fields_t a;
    ck_ok (fluxacct_assoc_fields_init (&a, FLUXACCT_ASSOC_FIELDS_VERSION));
    a.username = "u";
    a.bank = "root";
    a.projects = "proj";
    ck_ok (fluxacct_assoc_add (db, &a, &err));
    ck_assert_int_eq (fluxacct_project_delete (db, "proj", &err), 1);
    ck_null_with (fluxacct_project_list (db, "nope", &err), EINVAL, "invalid");
}
END_TEST

static Suite *queue_suite (void)
{
    Suite *s = suite_create ("queue");
    TCase *tc = tcase_create ("queue");
    tcase_add_checked_fixture (tc, db_setup, db_teardown);
    tcase_add_test (tc, queue_fields_init);
    tcase_add_test (tc, queue_add_edit_view);
    tcase_add_test (tc, queue_errors);
    tcase_add_test (tc, queue_delete_reports_references);
    tcase_add_test (tc, projects);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (queue_suite)
