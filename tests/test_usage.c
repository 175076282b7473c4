/* libfluxacct usage module (semantics sections 1-4). */
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include "testutil.h"

#define T0 1000000000.0
#define H 604800.0

static void set_config (const char *key, const char *value)
{
    ck_ok (fluxacct_config_edit (db, key, value, &err));
}

static void setup (void)
{
    db_setup ();
    set_config ("usage_epoch", "1000000000");
    add_bank ("root", NULL, 1);
    add_bank ("A", "root", 1);
    add_bank ("B", "root", 1);
    add_bank ("B1", "B", 1);
    add_bank ("B2", "B", 1);
    add_user ("alice", "A");   /* userid 5000 */
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.username = "bob";
    f.bank = "B1";
    f.userid = 6000;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    f.username = "carol";
    f.bank = "B2";
    f.userid = 7000;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
}

/* Import one job of nnodes nodes (ncores cores, ngpus gpus each) running
 * from t_run to t_end for userid in bank (NULL: default bank). */
static void idset (char *buf, size_t len, int n)
{
    if (n == 1)
        snprintf (buf, len, "0");
    else
        snprintf (buf, len, "0-%d", n - 1);
}

static void job (int id, int userid, const char *bank, double t_run,
                 double t_end, int nnodes, int ncores, int ngpus)
{
    char line[1024], spec[128] = "", ranks[32], cores[32], gpus[64] = "";
    fluxacct_jobs_import_stats_t s;
    ck_ok (fluxacct_jobs_import_stats_init (
        &s, FLUXACCT_JOBS_IMPORT_STATS_VERSION));
    if (bank)
        snprintf (spec, sizeof (spec), ", \"jobspec\": {\"attributes\": "
                  "{\"system\": {\"bank\": \"%s\"}}}", bank);
    idset (ranks, sizeof (ranks), nnodes);
    idset (cores, sizeof (cores), ncores);
    if (ngpus) {
        char g[32];
        idset (g, sizeof (g), ngpus);
        snprintf (gpus, sizeof (gpus), ", \"gpu\": \"%s\"", g);
    }
    snprintf (line, sizeof (line),
              "{\"id\": %d, \"userid\": %d, \"t_submit\": %.6f, \"t_run\": %.6f,"
              " \"t_inactive\": %.6f, \"R\": {\"version\": 1, \"execution\": "
              "{\"R_lite\": [{\"rank\": \"%s\", \"children\": {\"core\": "
              "\"%s\"%s}}]}}%s}",
              id, userid, t_run, t_run, t_end, ranks, cores, gpus, spec);
    ck_ok (fluxacct_jobs_import_buffer (db, line, strlen (line), NULL, &s,
                                        &err));
    ck_assert_int_eq (s.imported, 1);
    ck_assert_int_eq (s.no_resources, 0);
}

static double usage_of (const char *user, const char *bank)
{
    char f1[64], f2[64];
    const char *filters[] = { f1, f2, NULL };
    snprintf (f1, sizeof (f1), "username=%s", user);
    snprintf (f2, sizeof (f2), "bank=%s", bank);
    fluxacct_rows_t *r = fluxacct_assoc_list (db, filters, "job_usage", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    double v = fluxacct_rows_real (r, 0, 0);
    fluxacct_rows_destroy (r);
    return v;
}

static double bank_usage (const char *bank)
{
    fluxacct_rows_t *r = fluxacct_bank_view (db, bank, "job_usage", &err);
    double v = fluxacct_rows_real (r, 0, 0);
    fluxacct_rows_destroy (r);
    return v;
}

static void update (double now)
{
    ck_ok (fluxacct_usage_update (db, now, NULL, &err));
}

/* semantics section 2 worked example: 100, 50, 25, 12.5, 0 */
START_TEST (binned_worked_example)
{
    static const double expect[] = { 100, 50, 25, 12.5, 0 };
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);
    for (int k = 0; k < 5; k++) {
        update (T0 + k * H + 300);
        ck_assert_double_eq (usage_of ("alice", "A"), expect[k]);
        ck_assert_double_eq (bank_usage ("A"), expect[k]);
        ck_assert_double_eq (bank_usage ("root"), expect[k]);
    }
}
END_TEST

START_TEST (continuous_worked_example)
{
    static const double expect[] = { 100, 50, 25, 12.5, 0 };
    set_config ("decay_mode", "continuous");
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);
    for (int k = 0; k < 5; k++) {
        update (T0 + 200 + k * H);
        ck_assert_double_eq_tol (usage_of ("alice", "A"), expect[k], 1e-9);
    }
    /* between: exact exponential */
    update (T0 + 200 + 0.5 * H);
    ck_assert_double_eq_tol (usage_of ("alice", "A"), 100 / sqrt (2), 1e-9);
}
END_TEST

START_TEST (resource_weights)
{
    /* semantics section 1 examples for a 100 s job */
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 4, 0);
    update (T0 + 300);
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
    set_config ("core_weight", "1");
    update (T0 + 300);
    ck_assert_double_eq (usage_of ("alice", "A"), 500);
    set_config ("core_weight", "0");
    set_config ("gpu_weight", "10");
    job (2, 6000, "B1", T0 + 100, T0 + 200, 1, 4, 2);
    update (T0 + 300);
    ck_assert_double_eq (usage_of ("bob", "B1"), 2100);
    set_config ("core_weight", "0.5");
    set_config ("gpu_weight", "5");
    job (3, 7000, "B2", T0 + 100, T0 + 200, 1, 8, 2);
    update (T0 + 300);
    ck_assert_double_eq (usage_of ("carol", "B2"), 1500);
}
END_TEST

START_TEST (period_edges)
{
    /* a job ending exactly at a period boundary belongs to the new period */
    job (1, 5000, "A", T0 + H - 100, T0 + H, 1, 1, 0);
    update (T0 + H - 1);          /* period 0: job's period 1 is future */
    ck_assert_double_eq (usage_of ("alice", "A"), 0);
    update (T0 + H);              /* period 1: counts fully */
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
    update (T0 + 2 * H - 0.001);
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
    update (T0 + 2 * H);
    ck_assert_double_eq (usage_of ("alice", "A"), 50);
}
END_TEST

START_TEST (future_and_late_jobs)
{
    /* t_inactive in the future: not charged until its period comes */
    job (1, 5000, "A", T0 + 3 * H, T0 + 3 * H + 100, 1, 1, 0);
    update (T0 + 10);
    ck_assert_double_eq (usage_of ("alice", "A"), 0);
    update (T0 + 3 * H + 200);
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
    /* a late job with an old t_inactive, imported after a newer one, is
     * charged exactly once */
    job (2, 5000, "A", T0 + 2 * H + 100, T0 + 2 * H + 300, 1, 1, 0);
    update (T0 + 3 * H + 200);
    ck_assert_double_eq (usage_of ("alice", "A"), 100 + 0.5 * 200);
    update (T0 + 3 * H + 200);
    ck_assert_double_eq (usage_of ("alice", "A"), 200);
}
END_TEST

START_TEST (default_bank_and_unknown)
{
    /* no bank in the jobspec: the user's default bank at import */
    job (1, 5000, NULL, T0 + 100, T0 + 200, 1, 1, 0);
    /* unknown userid: stored, not charged; charged once the association
     * exists */
    job (2, 8000, "A", T0 + 100, T0 + 150, 1, 1, 0);
    update (T0 + 300);
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
    ck_assert_double_eq (bank_usage ("A"), 100);
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.username = "dave";
    f.bank = "A";
    f.userid = 8000;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
    update (T0 + 300);
    ck_assert_double_eq (usage_of ("dave", "A"), 50);
    ck_assert_double_eq (bank_usage ("A"), 150);
}
END_TEST

START_TEST (rollup_three_levels_with_disabled)
{
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);   /* 100 */
    job (2, 6000, "B1", T0 + 100, T0 + 300, 1, 1, 0);  /* 200 */
    job (3, 7000, "B2", T0 + 100, T0 + 500, 1, 1, 0);  /* 400 */
    ck_ok (fluxacct_assoc_delete (db, "carol", "B2", 0, &err));
    update (T0 + 600);
    ck_assert_double_eq (usage_of ("carol", "B2"), 400);
    ck_assert_double_eq (bank_usage ("B2"), 400);
    ck_assert_double_eq (bank_usage ("B1"), 200);
    ck_assert_double_eq (bank_usage ("B"), 600);
    ck_assert_double_eq (bank_usage ("A"), 100);
    ck_assert_double_eq (bank_usage ("root"), 700);
}
END_TEST

static char *usage_dump (void)
{
    char cmd[600], *buf = NULL;
    size_t len = 0;
    FILE *p, *out = open_memstream (&buf, &len);
    int c;
    snprintf (cmd, sizeof (cmd), "sqlite3 '%s' 'SELECT username, bank, "
              "quote(job_usage) FROM association_table ORDER BY 1, 2; SELECT "
              "bank, quote(job_usage) FROM bank_table ORDER BY 1; SELECT "
              "username, bank, period, quote(value) FROM "
              "job_usage_per_association_table ORDER BY 1, 2, 3'", test_path);
    p = popen (cmd, "r");
    while ((c = fgetc (p)) != EOF)
        fputc (c, out);
    pclose (p);
    fclose (out);
    return buf;
}

static void many_jobs (int n, double start, double span, unsigned seed)
{
    char *buf = malloc ((size_t)n * 400), *p = buf;
    static const int users[] = { 5000, 6000, 7000 };
    static const char *banks[] = { "A", "B1", "B2" };
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        int u = (seed >> 16) % 3;
        double t_run = start + (double)((seed >> 8) % 1000000) / 1e6 * span;
        double len = 1 + (seed >> 4) % 7200;
        p += sprintf (p, "{\"id\": %d, \"userid\": %d, \"t_run\": %.3f, "
                      "\"t_inactive\": %.3f, \"R\": {\"version\": 1, "
                      "\"execution\": {\"R_lite\": [{\"rank\": \"0-%d\", "
                      "\"children\": {\"core\": \"0-3\"}}]}}, \"jobspec\": "
                      "{\"attributes\": {\"system\": {\"bank\": \"%s\"}}}}\n",
                      100000 + i, users[u], t_run, t_run + len,
                      1 + (int)((seed >> 12) % 4), banks[u]);
    }
    ck_ok (fluxacct_jobs_import_buffer (db, buf, (size_t)(p - buf), NULL,
                                        NULL, &err));
    free (buf);
}

START_TEST (idempotent_same_time)
{
    many_jobs (500, T0, 3 * H, 1);
    update (T0 + 3 * H);
    char *a = usage_dump ();
    update (T0 + 3 * H);
    char *b = usage_dump ();
    ck_assert_str_eq (a, b);
    free (a);
    free (b);
}
END_TEST

/* Hourly runs for a week, with jobs arriving in between, equal one run at
 * the end (within 1e-9 relative). */
static void hourly_vs_once (int continuous)
{
    double once[3], hourly[3];
    const char *users[] = { "alice", "bob", "carol" };
    const char *banks[] = { "A", "B1", "B2" };

    if (continuous)
        set_config ("decay_mode", "continuous");
    many_jobs (300, T0 + H, H, 7);
    update (T0 + 2 * H);
    for (int i = 0; i < 3; i++)
        once[i] = usage_of (users[i], banks[i]);
    /* same jobs, fresh database, imported in chunks between hourly runs */
    db_teardown ();
    setup ();
    if (continuous)
        set_config ("decay_mode", "continuous");
    for (int h = 0; h <= 168; h++) {
        if (h % 24 == 0)
            many_jobs (300, T0 + H, H, 7); /* duplicates are skipped */
        update (T0 + H + h * 3600.0);
    }
    update (T0 + 2 * H);
    for (int i = 0; i < 3; i++) {
        hourly[i] = usage_of (users[i], banks[i]);
        ck_assert_msg (once[i] > 0, "no usage");
        ck_assert_msg (fabs (once[i] - hourly[i]) <= 1e-9 * fabs (once[i]),
                       "%s: once %.17g hourly %.17g", users[i], once[i],
                       hourly[i]);
    }
}

START_TEST (hourly_equals_once_binned)
{
    hourly_vs_once (0);
}
END_TEST

START_TEST (hourly_equals_once_continuous)
{
    hourly_vs_once (1);
}
END_TEST

START_TEST (recompute_restores)
{
    many_jobs (400, T0, 4 * H, 3);
    update (T0 + 4 * H);
    char *a = usage_dump ();
    set_config ("priority_decay_half_life", "14d");
    char *b = usage_dump ();
    ck_assert_str_ne (a, b);
    set_config ("priority_decay_half_life", "604800");
    char *c = usage_dump ();
    ck_assert_str_eq (a, c);
    set_config ("decay_factor", "0.25");
    set_config ("decay_factor", "0.5");
    set_config ("node_weight", "2");
    set_config ("node_weight", "1");
    update (T0 + 4 * H);
    char *d = usage_dump ();
    ck_assert_str_eq (a, d);
    free (a);
    free (b);
    free (c);
    free (d);
}
END_TEST

START_TEST (clear_usage)
{
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);
    job (2, 6000, "B1", T0 + 100, T0 + 300, 1, 1, 0);
    update (T0 + 400);
    ck_ok (fluxacct_usage_clear (db, "B", T0 + 350, &err));
    ck_assert_double_eq (usage_of ("bob", "B1"), 0);
    ck_assert_double_eq (bank_usage ("B"), 0);
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
    ck_assert_double_eq (bank_usage ("root"), 100);
    /* newer jobs still count */
    job (3, 6000, "B1", T0 + 360, T0 + 400, 1, 1, 0);
    update (T0 + 500);
    ck_assert_double_eq (usage_of ("bob", "B1"), 40);
    /* and the past stays forgotten through a recompute */
    set_config ("node_weight", "1.0");
    ck_assert_double_eq (usage_of ("bob", "B1"), 40);
    ck_fail_with (fluxacct_usage_clear (db, "nope", NAN, &err), ENOENT, "nope");
    ck_fail_with (fluxacct_usage_clear (db, "A", -5, &err), EINVAL, "time");
    ck_fail_with (fluxacct_usage_clear (NULL, "A", 0, &err), EINVAL, "invalid");
}
END_TEST

START_TEST (periods_view)
{
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);
    job (2, 5000, "A", T0 + H + 100, T0 + H + 200, 1, 1, 0);
    update (T0 + H + 300);
    fluxacct_rows_t *r = fluxacct_usage_periods (db, "alice", &err);
    ck_assert_int_eq (fluxacct_rows_count (r), 4);
    ck_assert_double_eq (fluxacct_rows_real (r, 0, 3), 100);
    ck_assert_double_eq (fluxacct_rows_real (r, 1, 3), 50);
    ck_assert_double_eq (fluxacct_rows_real (r, 2, 3), 0);
    fluxacct_rows_destroy (r);
    ck_assert_double_eq (usage_of ("alice", "A"), 150);
    ck_null_with (fluxacct_usage_periods (db, "zed", &err), ENOENT, "zed");
    ck_fail_with (fluxacct_usage_update (db, -1, NULL, &err), EINVAL, "time");
    ck_fail_with (fluxacct_usage_update (NULL, 0, NULL, &err), EINVAL,
                  "invalid");
}
END_TEST

START_TEST (large_and_tiny_values)
{
    /* usage far above 2^32 works end to end */
    job (1, 5000, "A", T0 + 100, T0 + 100 + 1e6, 1000, 1, 0);
    update (T0 + 1e6 + 200); /* same period as the job's end */
    ck_assert_double_eq (usage_of ("alice", "A"), 1e9);
    set_config ("node_weight", "1e6");
    ck_assert_double_eq (usage_of ("alice", "A"), 1e15);
}
END_TEST

/* kill -9 in the middle of update-usage: the database is intact and holds
 * either all or none of the run's changes. */
START_TEST (crash_safety)
{
    many_jobs (20000, T0, 4 * H, 11);
    char *before = usage_dump ();
    fluxacct_db_close (db);
    db = NULL;
    int saw_none = 0, saw_all = 0;
    char *all = NULL;
    for (int attempt = 0; attempt < 6; attempt++) {
        pid_t pid = fork ();
        if (pid == 0) {
            fluxacct_db_t *h = fluxacct_db_open (test_path, 0, &err);
            _exit (h && fluxacct_usage_update (h, T0 + 4 * H, NULL, &err) == 0
                   ? 0 : 1);
        }
        usleep (attempt == 5 ? 5000000 : 20000 + attempt * 40000);
        kill (pid, SIGKILL);
        waitpid (pid, NULL, 0);
        char cmd[600];
        snprintf (cmd, sizeof (cmd), "test \"$(sqlite3 '%s' 'PRAGMA "
                  "integrity_check')\" = ok", test_path);
        ck_assert_int_eq (system (cmd), 0);
        char *now = usage_dump ();
        if (!strcmp (now, before))
            saw_none++;
        else {
            if (all)
                ck_assert_str_eq (now, all);
            else
                all = strdup (now);
            saw_all++;
            /* reset to "before" for the next attempt */
            snprintf (cmd, sizeof (cmd), "sqlite3 '%s' \"UPDATE "
                      "usage_state_table SET value=0 WHERE key='charged_seq'; "
                      "UPDATE usage_state_table SET value='' WHERE "
                      "key='fingerprint'; DELETE FROM usage_period_table; "
                      "UPDATE association_table SET job_usage=0; UPDATE "
                      "bank_table SET job_usage=0; DELETE FROM "
                      "job_usage_per_association_table\"", test_path);
            ck_assert_int_eq (system (cmd), 0);
        }
        free (now);
    }
    ck_assert_int_ge (saw_none + saw_all, 6);
    ck_assert_int_ge (saw_all, 1); /* the 5 s attempt completes */
    free (before);
    free (all);
    db = fluxacct_db_open (test_path, 0, &err);
}
END_TEST

/* fluxacct_usage_stats_init() and fluxacct_usage_report_options_init():
 * every version, the defaults, the versions refused. */
START_TEST (init_functions)
{
    fluxacct_usage_stats_t st;
    fluxacct_usage_report_options_t o;

    for (int v = 1; v <= FLUXACCT_USAGE_STATS_VERSION; v++) {
        ck_init_version (fluxacct_usage_stats_init, &st, v, sizeof (st));
        ck_assert_int_eq (st.new_jobs, 0);
        ck_assert_int_eq (st.uncharged, 0);
        ck_assert_int_eq (st.associations, 0);
        ck_assert_int_eq (st.full_recompute, 0);
        ck_assert_double_eq (st.now, 0);
    }
    ck_init_rejects (fluxacct_usage_stats_init, fluxacct_usage_stats_t,
                     FLUXACCT_USAGE_STATS_VERSION);
    for (int v = 1; v <= FLUXACCT_USAGE_REPORT_OPTIONS_VERSION; v++) {
        ck_init_version (fluxacct_usage_report_options_init, &o, v,
                         sizeof (o));
        ck_assert_double_eq (o.start, 0);
        ck_assert_double_eq (o.end, FLUXACCT_TIME_MAX); /* every job */
        ck_assert_int_eq (o.by, FLUXACCT_REPORT_BYASSOCIATION);
        ck_assert_ptr_null (o.username);
        ck_assert_ptr_null (o.bank);
        ck_assert_ptr_null (o.bins);
        ck_assert_int_eq (o.nbins, 0);
        ck_assert_double_eq (o.unit, 1);
    }
    ck_init_rejects (fluxacct_usage_report_options_init,
                     fluxacct_usage_report_options_t,
                     FLUXACCT_USAGE_REPORT_OPTIONS_VERSION);
}
END_TEST

/* Counters of an unknown version: the update fails EINVAL naming the
 * struct, charges nothing and leaves the counters alone; initialised ones
 * are filled and keep their version. */
START_TEST (update_stats_version)
{
    fluxacct_usage_stats_t st;
    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);
    char *before = usage_dump ();
    char *db_before = dump_db ();
    memset (&st, 0, sizeof (st)); /* "= {0}": version 0 */
    st.new_jobs = 42;
    ck_fail_with (fluxacct_usage_update (db, T0 + 300, &st, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_usage_stats_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_usage_stats_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_int_eq (st.version, 0);
    ck_assert_int_eq (st.new_jobs, 42);
    st.version = FLUXACCT_USAGE_STATS_VERSION + 1;
    ck_fail_with (fluxacct_usage_update (db, T0 + 300, &st, &err), EINVAL,
                  "fluxacct_usage_stats_t: unknown version");
    char *after = usage_dump ();
    char *db_after = dump_db ();
    ck_assert_str_eq (before, after);
    ck_assert_str_eq (db_before, db_after);
    ck_assert_double_eq (usage_of ("alice", "A"), 0);
    free (before);
    free (after);
    free (db_before);
    free (db_after);

    ck_ok (fluxacct_usage_stats_init (&st, FLUXACCT_USAGE_STATS_VERSION));
    st.new_jobs = 42; /* the call sets every counter */
    ck_ok (fluxacct_usage_update (db, T0 + 300, &st, &err));
    ck_assert_int_eq (st.version, FLUXACCT_USAGE_STATS_VERSION);
    ck_assert_int_eq (st.new_jobs, 1);
    ck_assert_int_eq (st.uncharged, 0);
    ck_assert_double_eq (st.now, T0 + 300);
    ck_assert_double_eq (usage_of ("alice", "A"), 100);
}
END_TEST

/* The total of the report row whose key is `key`, or -1 without one. */
static double report_total (fluxacct_rows_t *r, const char *key)
{
    int t = fluxacct_rows_column_index (r, "total");
    ck_assert_int_ge (t, 0);
    for (size_t i = 0; i < fluxacct_rows_count (r); i++)
        if (!strcmp (fluxacct_rows_text (r, i, 0), key))
            return fluxacct_rows_real (r, i, (size_t)t);
    return -1;
}

static fluxacct_usage_report_options_t report_opts (void)
{
    fluxacct_usage_report_options_t o;
    ck_ok (fluxacct_usage_report_options_init (
        &o, FLUXACCT_USAGE_REPORT_OPTIONS_VERSION));
    return o;
}

/* fluxacct_usage_report(): NULL options report every job by association in
 * seconds, as initialised options do; each option; an unknown version. */
START_TEST (report_options)
{
    fluxacct_usage_report_options_t o;
    fluxacct_rows_t *r;
    char *a, *b;

    job (1, 5000, "A", T0 + 100, T0 + 200, 1, 1, 0);   /* 100 node-s */
    job (2, 6000, "B1", T0 + 100, T0 + 300, 2, 1, 0);  /* 400 */
    job (3, 7000, "B2", T0 + 1000, T0 + 1100, 1, 1, 0); /* 100 */

    /* NULL: every job, by association ("bank:username"), seconds */
    ck_assert_ptr_nonnull (r = fluxacct_usage_report (db, NULL, &err));
    ck_assert_int_eq (fluxacct_rows_columns (r), 2);
    ck_assert_str_eq (fluxacct_rows_column_name (r, 0), "key");
    ck_assert_str_eq (fluxacct_rows_column_name (r, 1), "total");
    ck_assert_int_eq (fluxacct_rows_count (r), 3);
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "B1:bob"); /* largest */
    ck_assert_double_eq (report_total (r, "B1:bob"), 400);
    ck_assert_double_eq (report_total (r, "A:alice"), 100);
    ck_assert_double_eq (report_total (r, "B2:carol"), 100);
    ck_assert_ptr_nonnull (a = fluxacct_rows_to_json (r, 0, &err));
    fluxacct_rows_destroy (r);
    o = report_opts ();
    ck_assert_ptr_nonnull (r = fluxacct_usage_report (db, &o, &err));
    ck_assert_ptr_nonnull (b = fluxacct_rows_to_json (r, 0, &err));
    fluxacct_rows_destroy (r);
    ck_assert_str_eq (a, b);
    free (a);
    free (b);

    /* a window, by bank, size bins, minutes */
    static const int64_t bins[] = { 0, 2 };
    o = report_opts ();
    o.start = T0 + 150;
    o.end = T0 + 400;
    o.by = FLUXACCT_REPORT_BYBANK;
    o.bins = bins;
    o.nbins = 2;
    o.unit = 60;
    ck_assert_ptr_nonnull (r = fluxacct_usage_report (db, &o, &err));
    ck_assert_int_eq (fluxacct_rows_count (r), 2);
    ck_assert_int_eq (fluxacct_rows_columns (r), 4);
    ck_assert_str_eq (fluxacct_rows_column_name (r, 1), "0+");
    ck_assert_str_eq (fluxacct_rows_column_name (r, 2), "2+");
    ck_assert_str_eq (fluxacct_rows_text (r, 0, 0), "B1");
    ck_assert_double_eq (fluxacct_rows_real (r, 0, 1), 0);
    ck_assert_double_eq_tol (fluxacct_rows_real (r, 0, 2), 400 / 60.0, 1e-12);
    ck_assert_str_eq (fluxacct_rows_text (r, 1, 0), "A");
    ck_assert_double_eq_tol (fluxacct_rows_real (r, 1, 1), 100 / 60.0, 1e-12);
    fluxacct_rows_destroy (r);

    /* one user, by user; one bank */
    o = report_opts ();
    o.by = FLUXACCT_REPORT_BYUSER;
    o.username = "carol";
    ck_assert_ptr_nonnull (r = fluxacct_usage_report (db, &o, &err));
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    ck_assert_double_eq (report_total (r, "carol"), 100);
    fluxacct_rows_destroy (r);
    o = report_opts ();
    o.bank = "A";
    ck_assert_ptr_nonnull (r = fluxacct_usage_report (db, &o, &err));
    ck_assert_int_eq (fluxacct_rows_count (r), 1);
    ck_assert_double_eq (report_total (r, "A:alice"), 100);
    fluxacct_rows_destroy (r);

    /* bad options */
    o = report_opts ();
    o.start = T0 + 400;
    o.end = T0 + 150;
    ck_null_with (fluxacct_usage_report (db, &o, &err), EINVAL,
                  "invalid report window");
    o = report_opts ();
    o.by = 3;
    ck_null_with (fluxacct_usage_report (db, &o, &err), EINVAL, "invalid");
    o = report_opts ();
    o.unit = 0;
    ck_null_with (fluxacct_usage_report (db, &o, &err), EINVAL, "invalid");
    o = report_opts ();
    o.version = 0;
    ck_null_with (fluxacct_usage_report (db, &o, &err), EINVAL,
                  UNKNOWN_VERSION (fluxacct_usage_report_options_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_usage_report_options_init()"),
                   "message '%s' does not say how to initialise", err.text);
    o.version = FLUXACCT_USAGE_REPORT_OPTIONS_VERSION + 1;
    ck_null_with (fluxacct_usage_report (db, &o, &err), EINVAL,
                  "fluxacct_usage_report_options_t: unknown version");
    ck_null_with (fluxacct_usage_report (NULL, NULL, &err), EINVAL,
                  "invalid");
}
END_TEST

static Suite *usage_suite (void)
{
    Suite *s = suite_create ("usage");
    TCase *tc = tcase_create ("usage");
    tcase_add_checked_fixture (tc, setup, db_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, init_functions);
    tcase_add_test (tc, update_stats_version);
    tcase_add_test (tc, report_options);
    tcase_add_test (tc, binned_worked_example);
    tcase_add_test (tc, continuous_worked_example);
    tcase_add_test (tc, resource_weights);
    tcase_add_test (tc, period_edges);
    tcase_add_test (tc, future_and_late_jobs);
    tcase_add_test (tc, default_bank_and_unknown);
    tcase_add_test (tc, rollup_three_levels_with_disabled);
    tcase_add_test (tc, idempotent_same_time);
    tcase_add_test (tc, hourly_equals_once_binned);
    tcase_add_test (tc, hourly_equals_once_continuous);
    tcase_add_test (tc, recompute_restores);
    tcase_add_test (tc, clear_usage);
    tcase_add_test (tc, periods_view);
    tcase_add_test (tc, large_and_tiny_values);
    tcase_add_test (tc, crash_safety);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (usage_suite)
