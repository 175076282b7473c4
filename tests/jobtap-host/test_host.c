/* Check tests of jobtap-host: the libflux plugin core and argument
 * container, and the C API driving real plugin DSOs (PLUGINDIR). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <flux/core.h>
#include <flux/jobtap.h>
#include "host.h"

static int calls;

static int count_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                     void *data)
{
    calls += *(int *)data;
    return 0;
}

static int fail_cb (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                    void *data)
{
    return -1;
}

START_TEST (test_dispatch_first_match)
{
    flux_plugin_t *p = flux_plugin_create ();
    int one = 1, hundred = 100;

    ck_assert_int_eq (flux_plugin_add_handler (p, "job.*", count_cb, &one), 0);
    ck_assert_int_eq (flux_plugin_add_handler (p, "job.state.priority", count_cb,
                                               &hundred), 0);
    calls = 0;
    /* The "job.*" glob registered first shadows the exact topic. */
    ck_assert_int_eq (flux_plugin_call (p, "job.state.priority", NULL), 1);
    ck_assert_int_eq (calls, 1);
    ck_assert_int_eq (flux_plugin_call (p, "plugin.query", NULL), 0);
    ck_assert_ptr_nonnull (flux_plugin_get_handler (p, "job.*"));
    ck_assert_ptr_null (flux_plugin_get_handler (p, "job.new"));
    ck_assert_ptr_nonnull (flux_plugin_match_handler (p, "job.new"));
    /* cb NULL removes the exact glob; the next match takes over. */
    ck_assert_int_eq (flux_plugin_add_handler (p, "job.*", NULL, NULL), 0);
    ck_assert_int_eq (flux_plugin_call (p, "job.state.priority", NULL), 1);
    ck_assert_int_eq (calls, 101);
    ck_assert_int_eq (flux_plugin_add_handler (p, "job.fail", fail_cb, NULL), 0);
    ck_assert_int_eq (flux_plugin_call (p, "job.fail", NULL), -1);
    flux_plugin_destroy (p);
}
END_TEST

static int destroyed;

static void count_free (void *arg)
{
    destroyed++;
}

START_TEST (test_aux)
{
    flux_plugin_t *p = flux_plugin_create ();
    int a, b;

    destroyed = 0;
    ck_assert_int_eq (flux_plugin_aux_set (p, "k", &a, count_free), 0);
    ck_assert_ptr_eq (flux_plugin_aux_get (p, "k"), &a);
    /* A duplicate key destroys the old value. */
    ck_assert_int_eq (flux_plugin_aux_set (p, "k", &b, count_free), 0);
    ck_assert_int_eq (destroyed, 1);
    ck_assert_ptr_eq (flux_plugin_aux_get (p, "k"), &b);
    /* val NULL deletes. */
    ck_assert_int_eq (flux_plugin_aux_set (p, "k", NULL, NULL), 0);
    ck_assert_int_eq (destroyed, 2);
    errno = 0;
    ck_assert_ptr_null (flux_plugin_aux_get (p, "k"));
    ck_assert_int_eq (errno, ENOENT);
    /* Anonymous values live until destroy; delete by value. */
    ck_assert_int_eq (flux_plugin_aux_set (p, NULL, &a, count_free), 0);
    ck_assert_int_eq (flux_plugin_aux_set (p, "x", &b, count_free), 0);
    flux_plugin_aux_delete_value (p, &b);
    ck_assert_int_eq (destroyed, 3);
    flux_plugin_destroy (p);
    ck_assert_int_eq (destroyed, 4);
}
END_TEST

START_TEST (test_conf)
{
    flux_plugin_t *p = flux_plugin_create ();
    json_t *o = NULL;
    int i = 0;

    errno = 0;
    ck_assert_int_eq (flux_plugin_conf_unpack (p, "{s?o}", "config", &o), -1);
    ck_assert_int_eq (errno, ENOENT);
    ck_assert_ptr_null (flux_plugin_get_conf (p));
    ck_assert_int_eq (flux_plugin_set_conf (p, "{\"config\": {\"a\": 1}, \"i\": 2}"), 0);
    ck_assert_str_eq (flux_plugin_get_conf (p), "{\"config\":{\"a\":1},\"i\":2}");
    ck_assert_int_eq (flux_plugin_conf_unpack (p, "{s?o s:i}", "config", &o, "i", &i), 0);
    ck_assert_int_eq (i, 2);
    ck_assert (json_is_object (o));
    ck_assert_int_eq (flux_plugin_conf_unpack (p, "{s:s}", "i", &o), -1);
    ck_assert_ptr_nonnull (strstr (flux_plugin_strerror (p), "Expected string"));
    ck_assert_int_eq (flux_plugin_set_conf (p, "{bad"), -1);
    flux_plugin_destroy (p);
}
END_TEST

START_TEST (test_args)
{
    flux_plugin_arg_t *args = flux_plugin_arg_create ();
    json_int_t priority = 0;
    const char *s;
    char *json;
    int i;

    /* A side never set cannot be unpacked or read. */
    ck_assert_int_eq (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s?I}",
                                              "priority", &priority), -1);
    ck_assert_str_eq (flux_plugin_arg_strerror (args), "NULL root value");
    ck_assert_int_eq (flux_plugin_arg_get (args, FLUX_PLUGIN_ARG_IN, &json), -1);
    ck_assert_int_eq (errno, ENOENT);
    /* Packing merges top-level keys; REPLACE replaces the side. */
    ck_assert_int_eq (flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I s:s}",
                                            "priority", (json_int_t)4294967295LL,
                                            "errmsg", "x"), 0);
    ck_assert_int_eq (flux_plugin_arg_pack (args, FLUX_PLUGIN_ARG_OUT, "{s:I}",
                                            "priority", (json_int_t)7), 0);
    ck_assert_int_eq (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:I s:s}",
                                              "priority", &priority, "errmsg", &s), 0);
    ck_assert_int_eq (priority, 7);
    ck_assert_str_eq (s, "x");
    ck_assert_int_eq (flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_OUT
                                                 | FLUX_PLUGIN_ARG_REPLACE,
                                           "{\"a\": 1}"), 0);
    ck_assert_int_eq (flux_plugin_arg_get (args, FLUX_PLUGIN_ARG_OUT, &json), 0);
    ck_assert_str_eq (json, "{\"a\":1}");
    free (json);
    /* Jansson errors reach arg_strerror. */
    ck_assert_int_eq (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_OUT, "{s:s}", "a",
                                              &s), -1);
    ck_assert_ptr_nonnull (strstr (flux_plugin_arg_strerror (args), "Expected string"));
    ck_assert_int_eq (flux_plugin_arg_set (args, FLUX_PLUGIN_ARG_IN, "{\"i\": 3}"), 0);
    ck_assert_int_eq (flux_plugin_arg_unpack (args, FLUX_PLUGIN_ARG_IN, "{s:i}", "i",
                                              &i), 0);
    ck_assert_int_eq (i, 3);
    flux_plugin_arg_destroy (args);
}
END_TEST

/* jobtap calls need a plugin loaded by a job manager. */
START_TEST (test_not_jobtap)
{
    flux_plugin_t *p = flux_plugin_create ();

    errno = 0;
    ck_assert_ptr_null (flux_jobtap_get_flux (p));
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_int_eq (flux_jobtap_reprioritize_all (p), -1);
    ck_assert_int_eq (flux_jobtap_dependency_add (p, 1, "x"), -1);
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_int_eq (flux_jobtap_job_set_flag (p, 1, "debug"), -1);
    flux_plugin_destroy (p);
}
END_TEST

static char *plugin_path (const char *name)
{
    static char buf[4096];
    snprintf (buf, sizeof (buf), "%s/%s.so", PLUGINDIR, name);
    return buf;
}

static json_t *simple_jobspec (void)
{
    return json_pack ("{s:i s:[{s:s s:i s:[{s:s s:i}]}] s:[] s:{s:{s:f}}}",
                      "version", 1, "resources", "type", "slot", "count", 1, "with",
                      "type", "core", "count", 1, "tasks", "attributes", "system",
                      "duration", 0.0);
}

START_TEST (test_api_lifecycle)
{
    jobtap_host_t *h = jobtap_host_create (JOBTAP_HOST_QUIET);
    jobtap_host_error_t error;
    json_t *jobspec = simple_jobspec ();
    flux_job_state_t state;
    int64_t priority;
    char *response;

    ck_assert_int_eq (jobtap_host_load (h, plugin_path ("prio-urgency"),
                                        "{\"factor\": 2}", &error), 0);
    ck_assert_int_eq (jobtap_host_submit (h, 42, 1000, 20, jobspec, &error), 0);
    ck_assert_int_eq (jobtap_host_job_state (h, 42, &state), 0);
    ck_assert_int_eq (state, FLUX_JOB_STATE_SCHED);
    ck_assert_int_eq (jobtap_host_job_priority (h, 42, &priority), 0);
    ck_assert_int_eq (priority, 40);
    ck_assert_int_eq (jobtap_host_submit (h, 43, 666, 16, jobspec, &error), -1);
    ck_assert_str_eq (error.text, "user 666 is not allowed");
    ck_assert_int_eq (jobtap_host_alloc (h, 42, NULL, &error), 0);
    ck_assert_int_eq (jobtap_host_finish (h, 42, 0, &error), 0);
    ck_assert_int_eq (jobtap_host_job_state (h, 42, &state), 0);
    ck_assert_int_eq (state, FLUX_JOB_STATE_INACTIVE);
    ck_assert_int_eq (jobtap_host_job_event_count (h, 42, "memo"), 1);
    ck_assert_int_eq (jobtap_host_rpc (h, "job-manager.prio-urgency.set-factor",
                                       "{\"factor\": 3}", 0, FLUX_ROLE_OWNER,
                                       &response, &error), 0);
    ck_assert_str_eq (response, "{\"factor\":3}");
    free (response);
    ck_assert_int_eq (jobtap_host_query (h, "prio-urgency", &response, &error), 0);
    ck_assert_ptr_nonnull (strstr (response, "\"completed\":1"));
    free (response);
    ck_assert_int_eq (jobtap_host_purge (h, 42, &error), 0);
    ck_assert_int_eq (jobtap_host_job_count (h), 0);
    json_decref (jobspec);
    jobtap_host_destroy (h);
}
END_TEST

/* With PURGE_INACTIVE, jobs disappear once inactive: memory stays flat. */
START_TEST (test_api_purge_inactive)
{
    jobtap_host_t *h = jobtap_host_create (JOBTAP_HOST_QUIET | JOBTAP_HOST_PURGE_INACTIVE);
    jobtap_host_error_t error;
    json_t *jobspec = simple_jobspec ();

    ck_assert_int_eq (jobtap_host_load (h, plugin_path ("hold"), "{\"chain\": true}",
                                        &error), 0);
    for (flux_jobid_t id = 1; id <= 2000; id++)
        ck_assert_int_eq (jobtap_host_submit (h, id, 1, 16, jobspec, &error), 0);
    /* Out-of-order completion exercises table deletion. */
    for (flux_jobid_t id = 2000; id >= 1; id--) {
        ck_assert_int_eq (jobtap_host_alloc (h, id, NULL, &error), 0);
        ck_assert_int_eq (jobtap_host_finish (h, id, 0, &error), 0);
        ck_assert_int_eq (jobtap_host_job_count (h), id - 1);
    }
    json_decref (jobspec);
    jobtap_host_destroy (h);
}
END_TEST

/* The host destroys active jobs' aux (plugin destructors) before dlclose. */
START_TEST (test_api_destroy_with_active_jobs)
{
    jobtap_host_t *h = jobtap_host_create (JOBTAP_HOST_QUIET);
    jobtap_host_error_t error;
    json_t *jobspec = simple_jobspec ();

    ck_assert_int_eq (jobtap_host_load (h, plugin_path ("prio-urgency"), NULL,
                                        &error), 0);
    for (flux_jobid_t id = 1; id <= 5000; id++)
        ck_assert_int_eq (jobtap_host_submit (h, id * 7919, 1, 16, jobspec, &error), 0);
    ck_assert_int_eq (jobtap_host_job_count (h), 5000);
    json_decref (jobspec);
    /* Under valgrind: every job's aux destructor ran, nothing leaks. */
    jobtap_host_destroy (h);
}
END_TEST

static Suite *host_suite (void)
{
    Suite *s = suite_create ("jobtap-host");
    TCase *tc = tcase_create ("plugin-core");

    tcase_add_test (tc, test_dispatch_first_match);
    tcase_add_test (tc, test_aux);
    tcase_add_test (tc, test_conf);
    tcase_add_test (tc, test_args);
    tcase_add_test (tc, test_not_jobtap);
    suite_add_tcase (s, tc);
    tc = tcase_create ("api");
    tcase_add_test (tc, test_api_lifecycle);
    tcase_add_test (tc, test_api_purge_inactive);
    tcase_add_test (tc, test_api_destroy_with_active_jobs);
    suite_add_tcase (s, tc);
    return s;
}

int main (void)
{
    SRunner *sr = srunner_create (host_suite ());
    int failed;

    srunner_run_all (sr, CK_NORMAL);
    failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
