/* libfluxacct bank module. */
#include <math.h>
#include "testutil.h"

static fluxacct_bank_fields_t bf (const char *name, const char *parent)
{
    fluxacct_bank_fields_t f;
    ck_ok (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION));
    f.bank = name;
    f.parent_bank = parent;
    return f;
}

/* A version 1 caller's fields: init writes the version 1 members only, so
 * the allocation members (version 2) hold whatever the caller leaves there
 * (here: zero, then the tests' garbage). */
static fluxacct_bank_fields_t bf_v1 (const char *name, const char *parent)
{
    fluxacct_bank_fields_t f;
    memset (&f, 0, sizeof (f));
    ck_ok (fluxacct_bank_fields_init (&f, 1));
    f.bank = name;
    f.parent_bank = parent;
    return f;
}

/* fluxacct_bank_fields_init(): every version sets its fields to "not
 * given"; version 1 leaves the allocation members (version 2) alone. */
START_TEST (fields_init)
{
    fluxacct_bank_fields_t f;
    for (int v = 1; v <= FLUXACCT_BANK_FIELDS_VERSION; v++) {
        ck_init_version (fluxacct_bank_fields_init, &f, v,
                         v == 1 ? offsetof (fluxacct_bank_fields_t, allocation)
                                : sizeof (f));
        ck_assert_ptr_null (f.bank);
        ck_assert_ptr_null (f.parent_bank);
        ck_assert_int_eq (f.shares, FLUXACCT_UNSET);
        ck_assert (isnan (f.priority));
        ck_assert (isnan (f.ignore_older_than));
        if (v >= 2) {
            ck_assert (isnan (f.allocation));
            ck_assert (isnan (f.allocation_start));
            ck_assert (isnan (f.allocation_period));
        }
    }
    ck_init_rejects (fluxacct_bank_fields_init, fluxacct_bank_fields_t,
                     FLUXACCT_BANK_FIELDS_VERSION);
}
END_TEST

START_TEST (add_view_list)
{
    fluxacct_bank_fields_t f = bf ("root", NULL);
    f.shares = 5;
    f.priority = 2.5;
    ck_ok (fluxacct_bank_add (db, &f, &err));
    add_bank ("a", "root", 1);
    add_bank ("b", "root", 0);
    fluxacct_rows_t *r = fluxacct_bank_view (db, "root", NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (cell_int (r, "shares"), 5);
    ck_assert_double_eq (fluxacct_rows_real (r, 0, 6), 2.5);
    ck_assert_str_eq (cell_text (r, "parent_bank"), "");
    fluxacct_rows_destroy (r);
    r = fluxacct_bank_list (db, 0, "bank,shares", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 3);
    ck_assert_int_eq (fluxacct_rows_columns (r), 2);
    ck_assert_str_eq (fluxacct_rows_text (r, 1, 0), "a");
    ck_assert_int_eq (fluxacct_rows_int (r, 2, 1), 0);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (add_errors)
{
    char *before;
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    add_user ("u1", "a");
    before = dump_db ();
    fluxacct_bank_fields_t f = bf ("root2", NULL);
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EEXIST, "root bank");
    f = bf ("a", "root");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EEXIST, "already exists");
    f = bf ("x", "nope");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), ENOENT,
                  "parent bank nope not found");
    f = bf ("x", "a");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EPERM, "associations");
    f = bf ("x", "root");
    f.shares = -1;
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "shares");
    f = bf ("x", "x");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "own parent");
    f = bf ("", "root");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "empty");
    f = bf (NULL, "root");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "empty");
    char longname[300];
    memset (longname, 'x', 299);
    longname[299] = '\0';
    f = bf (longname, "root");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "255");
    f = bf ("tab\there", "root");
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "control");
    f = bf ("x", "root");
    f.priority = INFINITY;
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL, "priority");
    f = bf ("x", "root");
    f.ignore_older_than = -5;
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL,
                  "bank_table.ignore_older_than must be a time from 0");
    ck_fail_with (fluxacct_bank_add (NULL, &f, &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_bank_add (db, NULL, &err), EINVAL, "invalid");
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
}
END_TEST

START_TEST (unicode_and_quotes_literal)
{
    const char *name = "d\xc3\xa9pt \"x\" 'y'; DROP TABLE bank_table;--";
    add_bank ("root", NULL, 1);
    add_bank (name, "root", 3);
    fluxacct_rows_t *r = fluxacct_bank_view (db, name, "bank,shares", &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), name);
    fluxacct_rows_destroy (r);
    add_user ("\xe7\x94\xa8\xe6\x88\xb7'", name);
    r = fluxacct_assoc_view (db, "\xe7\x94\xa8\xe6\x88\xb7'", "bank", &err);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), name);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (edit)
{
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    add_bank ("b", "root", 1);
    add_bank ("a1", "a", 1);
    fluxacct_bank_fields_t f = bf ("a1", NULL);
    f.shares = 7;
    f.priority = -3.5;
    ck_ok (fluxacct_bank_edit (db, &f, &err));
    f = bf ("a1", "b");
    ck_ok (fluxacct_bank_edit (db, &f, &err));
    fluxacct_rows_t *r = fluxacct_bank_view (db, "a1", NULL, &err);
    ck_assert_int_eq (cell_int (r, "shares"), 7);
    ck_assert_str_eq (cell_text (r, "parent_bank"), "b");
    fluxacct_rows_destroy (r);

    char *before = dump_db ();
    f = bf ("a", NULL);
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL, "no fields");
    f = bf ("nope", NULL);
    f.shares = 1;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), ENOENT, "nope");
    f = bf ("b", "a1");
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EPERM, "subtree");
    f = bf ("b", "b");
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EPERM, "subtree");
    f = bf ("root", "a");
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EPERM, "root");
    f = bf ("a", "missing");
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), ENOENT, "missing");
    add_user ("u", "a1");
    char *before2 = dump_db ();
    f = bf ("a", "a1");
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EPERM, "associations");
    f = bf ("a", NULL);
    f.shares = -2;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL, "shares");
    ck_fail_with (fluxacct_bank_edit (NULL, &f, &err), EINVAL, "invalid");
    char *after = dump_db ();
    ck_assert_str_eq (before2, after);
    free (before);
    free (before2);
    free (after);
}
END_TEST

START_TEST (delete_soft_and_force)
{
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    add_bank ("a1", "a", 1);
    add_bank ("a2", "a", 1);
    add_bank ("b", "root", 1);
    add_user ("u1", "a1");
    add_user ("u1", "b");
    add_user ("u2", "a2");
    ck_ok (fluxacct_bank_delete (db, "a", 0, &err));
    fluxacct_rows_t *r = fluxacct_bank_list (db, 0, "bank", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2); /* root, b */
    fluxacct_rows_destroy (r);
    r = fluxacct_bank_list (db, FLUXACCT_INCLUDE_INACTIVE, "bank", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 5);
    fluxacct_rows_destroy (r);
    /* associations disabled; u1's default moves to its active bank */
    r = fluxacct_assoc_view (db, "u1", "bank,active,default_bank", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "a1");
    ck_assert_int_eq (fluxacct_rows_int (r, 0, 1), 0);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 2), "b");
    fluxacct_rows_destroy (r);
    /* re-adding a disabled bank with the same parent re-enables it */
    add_bank ("a", "root", 1);
    ck_ok (fluxacct_bank_delete (db, "a", FLUXACCT_FORCE, &err));
    r = fluxacct_bank_list (db, FLUXACCT_INCLUDE_INACTIVE, "bank", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    fluxacct_rows_destroy (r);
    ck_null_with (fluxacct_assoc_view (db, "u2", NULL, &err), ENOENT, "u2");
    ck_fail_with (fluxacct_bank_delete (db, "a", 0, &err), ENOENT, "a");
    ck_fail_with (fluxacct_bank_delete (db, "b", 99, &err), EINVAL, "invalid");
    ck_fail_with (fluxacct_bank_delete (db, NULL, 0, &err), EINVAL, "empty");
}
END_TEST

START_TEST (rollup_after_force_delete)
{
    add_bank ("root", NULL, 1);
    add_bank ("a", "root", 1);
    add_bank ("b", "root", 1);
    add_user ("u1", "a");
    add_user ("u2", "b");
    /* set usage directly, as the usage module would */
    char cmd[600];
    snprintf (cmd, sizeof (cmd), "sqlite3 '%s' \"UPDATE association_table SET "
              "job_usage=CASE username WHEN 'u1' THEN 10 ELSE 5 END\"",
              test_path);
    ck_assert_int_eq (system (cmd), 0);
    ck_ok (fluxacct_bank_delete (db, "b", FLUXACCT_FORCE, &err));
    fluxacct_rows_t *r = fluxacct_bank_view (db, "root", "job_usage", &err);
    ck_assert_double_eq (fluxacct_rows_real (r, 0, 0), 10.0);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (view_errors)
{
    add_bank ("root", NULL, 1);
    ck_null_with (fluxacct_bank_view (db, "nope", NULL, &err), ENOENT,
                  "bank nope not found in bank_table");
    ck_null_with (fluxacct_bank_view (db, "root", "bank,foo,bar", &err),
                  EINVAL, "invalid fields: foo, bar");
    ck_null_with (fluxacct_bank_view (NULL, "root", NULL, &err), EINVAL,
                  "invalid");
    ck_null_with (fluxacct_bank_list (db, 0, "nope", &err), EINVAL,
                  "invalid fields");
    ck_null_with (fluxacct_bank_list (db, 77, NULL, &err), EINVAL, "invalid");
}
END_TEST

static double cell_dbl (fluxacct_rows_t *r, const char *col)
{
    int c = fluxacct_rows_column_index (r, col);
    ck_assert_int_ge (c, 0);
    return fluxacct_rows_real (r, 0, (size_t)c);
}

/* The version 2 fields: an allocation; a version 1 caller's struct never
 * has its (absent) allocation fields read. */
START_TEST (allocation_fields)
{
    add_bank ("root", NULL, 1);
    fluxacct_bank_fields_t f = bf ("a", "root");
    f.allocation = 3600;
    f.allocation_start = 1000;
    f.allocation_period = 86400;
    ck_ok (fluxacct_bank_add (db, &f, &err));
    fluxacct_rows_t *r = fluxacct_bank_view (db, "a", NULL, &err);
    ck_assert_double_eq (cell_dbl (r, "allocation"), 3600);
    ck_assert_int_eq (cell_int (r, "allocation_start"), 1000);
    ck_assert_int_eq (cell_int (r, "allocation_period"), 86400);
    ck_assert_int_eq (cell_int (r, "allocation_window"), -1);
    ck_assert_double_eq (cell_dbl (r, "allocation_remaining"), 3600);
    ck_assert_double_eq (cell_dbl (r, "allocation_percent"), 0);
    fluxacct_rows_destroy (r);

    /* version 1: only shares is an edit; the garbage is not looked at */
    f = bf_v1 ("a", NULL);
    f.shares = 4;
    f.allocation = -5;
    f.allocation_period = NAN;
    ck_ok (fluxacct_bank_edit (db, &f, &err));
    f = bf_v1 ("a", NULL);
    f.allocation = 5;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL, "no fields");
    f.version = 3;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_bank_fields_t, 3));
    f.version = 0;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_bank_fields_t, 0));
    char *before = dump_db ();
    f = bf ("c", "root");
    f.version = 3;
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_bank_fields_t, 3));
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);

    /* a version 1 add: the allocation members are not read, the bank has
     * no allocation */
    f = bf_v1 ("v1", "root");
    f.shares = 3;
    f.allocation = -5;
    f.allocation_start = 1.5;
    f.allocation_period = NAN;
    ck_ok (fluxacct_bank_add (db, &f, &err));
    r = fluxacct_bank_view (db, "v1", NULL, &err);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (cell_int (r, "shares"), 3);
    ck_assert_double_eq (cell_dbl (r, "allocation"), 0);
    ck_assert_int_eq (cell_int (r, "allocation_start"), 0);
    ck_assert_int_eq (cell_int (r, "allocation_period"), 0);
    fluxacct_rows_destroy (r);

    /* the one validator's ranges */
    f = bf ("a", NULL);
    f.allocation = -1;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL,
                  "bank_table.allocation must be");
    f = bf ("a", NULL);
    f.allocation_start = 1.5;
    ck_fail_with (fluxacct_bank_edit (db, &f, &err), EINVAL,
                  "bank_table.allocation_start");
    f = bf ("a", NULL);
    f.allocation_period = INFINITY;
    ck_fail_with (fluxacct_bank_add (db, &f, &err), EINVAL,
                  "bank_table.allocation_period");
    f = bf ("a", NULL);
    f.allocation = 0;
    ck_ok (fluxacct_bank_edit (db, &f, &err));
    r = fluxacct_bank_view (db, "a", "allocation_remaining", &err);
    ck_assert_int_eq (fluxacct_rows_type (r, 0, 0), FLUXACCT_TYPE_NULL);
    fluxacct_rows_destroy (r);
}
END_TEST

START_TEST (allocation_report_errors)
{
    double t[4], u[4];
    add_bank ("root", NULL, 1);
    ck_null_with (fluxacct_allocation_report (NULL, NULL, &err), EINVAL,
                  "invalid");
    ck_null_with (fluxacct_allocation_report (db, "nope", &err), ENOENT,
                  "bank nope not found");
    ck_null_with (fluxacct_allocation_report (db, "root", &err), ENOENT,
                  "no allocation");
    ck_null_with (fluxacct_allocation_report (db, "", &err), EINVAL, "empty");
    fluxacct_rows_t *r = fluxacct_allocation_report (db, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 0);
    fluxacct_rows_destroy (r);
    ck_fail_with (fluxacct_allocation_series (db, "root", 1, t, u, &err),
                  EINVAL, "number of points");
    ck_fail_with (fluxacct_allocation_series (db, "root", 4, NULL, u, &err),
                  EINVAL, "invalid");
    ck_fail_with (fluxacct_allocation_series (db, "nope", 4, t, u, &err),
                  ENOENT, "not found");
    ck_fail_with (fluxacct_allocation_series (db, "root", 4, t, u, &err),
                  ENOENT, "no allocation");
    fluxacct_bank_fields_t f = bf ("root", NULL);
    f.allocation = 10;
    ck_ok (fluxacct_bank_edit (db, &f, &err));
    ck_fail_with (fluxacct_allocation_series (db, "root", 4, t, u, &err),
                  ENODATA, "no current allocation window");
    ck_ok (fluxacct_usage_update (db, 5000, NULL, &err));
    ck_ok (fluxacct_allocation_series (db, "root", 4, t, u, &err));
    ck_assert_double_eq (t[0], 0);
    ck_assert_double_eq (t[3], 5000);
    ck_assert_double_eq (u[3], 0);
}
END_TEST

static Suite *bank_suite (void)
{
    Suite *s = suite_create ("bank");
    TCase *tc = tcase_create ("bank");
    tcase_add_checked_fixture (tc, db_setup, db_teardown);
    tcase_add_test (tc, fields_init);
    tcase_add_test (tc, add_view_list);
    tcase_add_test (tc, add_errors);
    tcase_add_test (tc, unicode_and_quotes_literal);
    tcase_add_test (tc, edit);
    tcase_add_test (tc, delete_soft_and_force);
    tcase_add_test (tc, rollup_after_force_delete);
    tcase_add_test (tc, view_errors);
    tcase_add_test (tc, allocation_fields);
    tcase_add_test (tc, allocation_report_errors);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (bank_suite)
