/* libfluxacct config module (factors: test_factor.c; rows: test_db.c). */
#include <math.h>
#include "testutil.h"

START_TEST (config_defaults_and_edit)
{
    static const char *keys[] = {
        "priority_usage_reset_period", "priority_decay_half_life",
        "decay_factor", "node_weight", "core_weight", "gpu_weight",
        "deny_unknown_queues", "decay_mode", "usage_epoch",
        "allocation_enforcement", "allocation_default_time_limit",
    };
    for (size_t i = 0; i < sizeof (keys) / sizeof (keys[0]); i++) {
        char *v = fluxacct_config_get (db, keys[i], &err);
        ck_assert_msg (v != NULL, "%s missing", keys[i]);
        free (v);
    }
    ck_ok (fluxacct_config_edit (db, "priority_decay_half_life", "14d", &err));
    char *v = fluxacct_config_get (db, "priority_decay_half_life", &err);
    ck_assert_str_eq (v, "1209600");
    free (v);
    ck_ok (fluxacct_config_edit (db, "deny_unknown_queues", "TRUE", &err));
    v = fluxacct_config_get (db, "deny_unknown_queues", &err);
    ck_assert_str_eq (v, "true");
    free (v);
    ck_ok (fluxacct_config_edit (db, "decay_mode", "continuous", &err));
    ck_ok (fluxacct_config_edit (db, "core_weight", "0.5", &err));
    ck_ok (fluxacct_config_edit (db, "usage_epoch", "2025-01-01", &err));
    /* the allocation keys (issue 14) */
    ck_ok (fluxacct_config_edit (db, "allocation_enforcement", "hold", &err));
    ck_fail_with (fluxacct_config_edit (db, "allocation_enforcement", "HOLD",
                                        &err), EINVAL, "'off', 'hold' or");
    ck_ok (fluxacct_config_edit (db, "allocation_default_time_limit", "90m",
                                 &err));
    v = fluxacct_config_get (db, "allocation_default_time_limit", &err);
    ck_assert_str_eq (v, "5400");
    free (v);
    ck_fail_with (fluxacct_config_edit (db, "allocation_default_time_limit",
                                        "0.5", &err), EINVAL, "31536000");
    ck_fail_with (fluxacct_config_edit (db, "allocation_default_time_limit",
                                        "366d", &err), EINVAL, "31536000");
}
END_TEST

START_TEST (config_validation)
{
    char *before = dump_db ();
    ck_fail_with (fluxacct_config_edit (db, "decay_factor", "1.5", &err),
                  EINVAL, "decay_factor");
    ck_fail_with (fluxacct_config_edit (db, "decay_factor", "0", &err),
                  EINVAL, "decay_factor");
    ck_fail_with (fluxacct_config_edit (db, "priority_decay_half_life", "0",
                                        &err), EINVAL, "positive");
    ck_fail_with (fluxacct_config_edit (db, "priority_usage_reset_period",
                                        "-3d", &err), EINVAL, "duration");
    ck_fail_with (fluxacct_config_edit (db, "node_weight", "abc", &err),
                  EINVAL, "node_weight");
    ck_fail_with (fluxacct_config_edit (db, "gpu_weight", "-1", &err),
                  EINVAL, "gpu_weight");
    ck_fail_with (fluxacct_config_edit (db, "deny_unknown_queues", "yes",
                                        &err), EINVAL, "'true' or 'false'");
    ck_fail_with (fluxacct_config_edit (db, "decay_mode", "linear", &err),
                  EINVAL, "decay_mode");
    ck_fail_with (fluxacct_config_edit (db, "usage_epoch", "yesterday", &err),
                  EINVAL, "usage_epoch");
    ck_fail_with (fluxacct_config_edit (db, "nokey", "1", &err), ENOENT,
                  "key nokey not found");
    ck_fail_with (fluxacct_config_edit (db, "decay_factor", "", &err), EINVAL,
                  "empty");
    ck_fail_with (fluxacct_config_edit (NULL, "decay_factor", "1", &err),
                  EINVAL, "invalid");
    ck_fail_with (fluxacct_config_delete (db, "decay_factor", &err), EPERM,
                  "not allowed");
    ck_fail_with (fluxacct_config_delete (db, "nokey", &err), ENOENT, "nokey");
    ck_fail_with (fluxacct_config_add (db, "decay_factor", "0.3", &err),
                  EEXIST, "already exists");
    ck_fail_with (fluxacct_config_add (db, "a=b", "1", &err), EINVAL, "=");
    ck_fail_with (fluxacct_config_add (db, "", "1", &err), EINVAL, "empty");
    ck_null_with (fluxacct_config_get (db, "nokey", &err), ENOENT, "nokey");
    ck_null_with (fluxacct_config_view (db, "nokey", NULL, &err), ENOENT,
                  "nokey");
    char *after = dump_db ();
    ck_assert_str_eq (before, after);
    free (before);
    free (after);
}
END_TEST

START_TEST (config_add_delete_list)
{
    ck_ok (fluxacct_config_add (db, "site", "llnl", &err));
    fluxacct_rows_t *r = fluxacct_config_view (db, "site", NULL, &err);
    ck_assert_str_eq (cell_text (r, "value"), "llnl");
    fluxacct_rows_destroy (r);
    ck_ok (fluxacct_config_edit (db, "site", "anl", &err));
    ck_ok (fluxacct_config_delete (db, "site", &err));
    r = fluxacct_config_list (db, "key", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 11);
    fluxacct_rows_destroy (r);
}
END_TEST

static Suite *config_suite (void)
{
    Suite *s = suite_create ("config");
    TCase *tc = tcase_create ("config");
    tcase_add_checked_fixture (tc, db_setup, db_teardown);
    tcase_add_test (tc, config_defaults_and_edit);
    tcase_add_test (tc, config_validation);
    tcase_add_test (tc, config_add_delete_list);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (config_suite)
