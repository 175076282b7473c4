/* libfluxacct factor module: priority factor weights. */
#include "testutil.h"

START_TEST (factors)
{
    int64_t w;
    ck_ok (fluxacct_factor_get (db, "fairshare", &w, &err));
    ck_assert_int_eq (w, 100000);
    ck_ok (fluxacct_factor_edit (db, "queue", 5, &err));
    ck_ok (fluxacct_factor_get (db, "queue", &w, &err));
    ck_assert_int_eq (w, 5);
    ck_fail_with (fluxacct_factor_edit (db, "age", 5, &err), ENOENT,
                  "available factors are fairshare,queue,bank,urgency");
    ck_fail_with (fluxacct_factor_edit (db, "queue", -5, &err), EINVAL,
                  "weight");
    ck_fail_with (fluxacct_factor_get (db, "age", &w, &err), ENOENT, "age");
    ck_fail_with (fluxacct_factor_get (db, "age", NULL, &err), EINVAL,
                  "invalid");
    ck_ok (fluxacct_factor_reset (db, &err));
    fluxacct_rows_t *r = fluxacct_factor_list (db, NULL, &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 4);
    ck_assert_str_eq (fluxacct_rows_text (r, 1, 0), "queue");
    ck_assert_int_eq (fluxacct_rows_int (r, 1, 1), 10000);
    fluxacct_rows_destroy (r);
    r = fluxacct_factor_view (db, "urgency", "weight", &err);
    ck_assert_int_eq (fluxacct_rows_int (r, 0, 0), 1000);
    fluxacct_rows_destroy (r);
    ck_null_with (fluxacct_factor_view (db, "age", NULL, &err), ENOENT, "age");
    ck_fail_with (fluxacct_factor_reset (NULL, &err), EINVAL, "invalid");
}
END_TEST

static Suite *factor_suite (void)
{
    Suite *s = suite_create ("factor");
    TCase *tc = tcase_create ("factor");
    tcase_add_checked_fixture (tc, db_setup, db_teardown);
    tcase_add_test (tc, factors);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (factor_suite)
