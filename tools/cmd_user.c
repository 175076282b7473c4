/* flux-account - user (association) commands. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Fill the fields shared by add-user, edit-user and edit-all-users from
 * the options the command declares. */
static int has_opt (struct args *a, const char *name)
{
    for (int i = 0; a->cmd->opts[i].name; i++)
        if (!strcmp (a->cmd->opts[i].name, name))
            return 1;
    return 0;
}

static const char *opt_str (struct args *a, const char *name)
{
    return has_opt (a, name) ? arg_str (a, name) : NULL;
}

static int fill_fields (struct args *a, fluxacct_assoc_fields_t *f)
{
    static const struct { const char *opt; size_t off; int unlimited; } ints[] = {
        { "shares", offsetof (fluxacct_assoc_fields_t, shares), 0 },
        { "max-running-jobs", offsetof (fluxacct_assoc_fields_t, max_running_jobs), 1 },
        { "max-active-jobs", offsetof (fluxacct_assoc_fields_t, max_active_jobs), 1 },
        { "max-nodes", offsetof (fluxacct_assoc_fields_t, max_nodes), 1 },
        { "max-cores", offsetof (fluxacct_assoc_fields_t, max_cores), 1 },
        { "max-sched-jobs", offsetof (fluxacct_assoc_fields_t, max_sched_jobs), 1 },
        { "max-wall-pj", offsetof (fluxacct_assoc_fields_t, max_wall_pj), 1 },
        { "userid", offsetof (fluxacct_assoc_fields_t, userid), 0 },
    };

    fluxacct_assoc_fields_init (f, FLUXACCT_ASSOC_FIELDS_VERSION);
    for (size_t i = 0; i < sizeof (ints) / sizeof (ints[0]); i++)
        if (has_opt (a, ints[i].opt)
            && arg_int (a, ints[i].opt, ints[i].unlimited,
                        (int64_t *)((char *)f + ints[i].off)) < 0)
            return -1;
    if (has_opt (a, "fairshare") && arg_double (a, "fairshare", &f->fairshare))
        return -1;
    f->queues = opt_str (a, "queues");
    f->projects = opt_str (a, "projects");
    f->default_project = opt_str (a, "default-project");
    f->default_bank = opt_str (a, "default-bank");
    f->add_queues = opt_str (a, "add-queue");
    f->delete_queues = opt_str (a, "delete-queue");
    return 0;
}

static int cmd_add_user (struct ctx *ctx, struct args *a)
{
    fluxacct_assoc_fields_t f;
    fluxacct_error_t error;

    if (fill_fields (a, &f) < 0)
        return EXIT_USAGE;
    f.username = arg_str (a, "username");
    f.bank = arg_str (a, "bank");
    if (!f.username || !f.bank)
        return usage_error ("add-user: --username and --bank are required");
    if (fluxacct_assoc_add (ctx->db, &f, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_delete_user (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;

    if (fluxacct_assoc_delete (ctx->db, a->pos[0], a->pos[1],
                               arg_flag (a, "force") ? FLUXACCT_FORCE : 0,
                               &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_edit_user (struct ctx *ctx, struct args *a)
{
    fluxacct_assoc_fields_t f;
    fluxacct_error_t error;

    if (fill_fields (a, &f) < 0)
        return EXIT_USAGE;
    if (fluxacct_assoc_edit (ctx->db, a->pos[0], arg_str (a, "bank"), &f,
                             &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_edit_all_users (struct ctx *ctx, struct args *a)
{
    fluxacct_assoc_fields_t f;
    fluxacct_error_t error;

    if (fill_fields (a, &f) < 0)
        return EXIT_USAGE;
    /* --bank is a field to set, as in flux-accounting: every association
     * moves to that bank. */
    f.bank = arg_str (a, "bank");
    if (fluxacct_assoc_edit_all (ctx->db, NULL, &f, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_view_user (struct ctx *ctx, struct args *a)
{
    struct outopts o;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    int rc = 0;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (arg_flag (a, "job-usage")) {
        if (arg_str (a, "fields"))
            return usage_error ("-J/--job-usage cannot be combined with "
                                "--fields");
        if (!(r = fluxacct_usage_periods (ctx->db, a->pos[0], &error)))
            return fail_error (&error);
        rc = print_rows (ctx, r, &o);
        fluxacct_rows_destroy (r);
        return rc;
    }
    if (!(r = fluxacct_assoc_view (ctx->db, a->pos[0],
                                   arg_flag (a, "list-banks")
                                       ? "bank" : arg_str (a, "fields"),
                                   &error)))
        return fail_error (&error);
    if (arg_flag (a, "list-banks"))
        for (size_t i = 0; i < fluxacct_rows_count (r); i++)
            fprintf (ctx->out, "%s\n", fluxacct_rows_text (r, i, 0));
    else
        rc = print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
    return rc;
}

static int cmd_sync_userids (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    int64_t f = 0, p = 0;
    (void)a;

    if (fluxacct_assoc_sync_userids (ctx->db, &f, &p, &error) < 0)
        return fail_error (&error);
    if (!ctx->quiet)
        fprintf (stderr, "flux-account: sync-userids: %lld job_usage_factor_"
                 "table rows and %lld job_usage_per_association_table rows "
                 "now carry their association's userid\n", (long long)f,
                 (long long)p);
    return 0;
}

/* list-users filter options: option name -> column. */
static const struct { const char *opt, *col; } list_filters[] = {
    { "bank", "bank" },
    { "shares", "shares" },
    { "max-running-jobs", "max_running_jobs" },
    { "max-active-jobs", "max_active_jobs" },
    { "max-nodes", "max_nodes" },
    { "max-cores", "max_cores" },
    { "queues", "queues" },
    { "projects", "projects" },
    { "default-project", "default_project" },
    { "max-sched-jobs", "max_sched_jobs" },
};
#define NFILTERS (sizeof (list_filters) / sizeof (list_filters[0]))

static int cmd_list_users (struct ctx *ctx, struct args *a)
{
    char *filters[NFILTERS + 2] = { NULL };
    struct outopts o;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    int n = 0, rc;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (arg_str (a, "active")
        && asprintf (&filters[n++], "active=%s", arg_str (a, "active")) < 0)
        return fail ("out of memory");
    for (size_t i = 0; i < NFILTERS; i++) {
        const char *v = arg_str (a, list_filters[i].opt);
        if (v && asprintf (&filters[n++], "%s=%s", list_filters[i].col, v) < 0)
            return fail ("out of memory");
    }
    r = fluxacct_assoc_list (ctx->db, (const char *const *)filters,
                             arg_str (a, "fields"), &error);
    for (int i = 0; i < n; i++)
        free (filters[i]);
    if (!r)
        return fail_error (&error);
    rc = print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
    return rc;
}

#define LIMIT_OPTS(verb) \
    { "shares", 0, 1, "N", verb " shares (integer >= 0)" }, \
    { "fairshare", 0, 1, "F", verb " fair-share value (0..1)" }, \
    { "max-running-jobs", 0, 1, "N", verb " max running jobs ('unlimited' allowed)" }, \
    { "max-active-jobs", 0, 1, "N", verb " max active jobs ('unlimited' allowed)" }, \
    { "max-nodes", 'N', 1, "N", verb " max nodes across running jobs" }, \
    { "max-cores", 'c', 1, "N", verb " max cores across running jobs" }, \
    { "max-sched-jobs", 0, 1, "N", verb " max jobs in SCHED state" }, \
    { "max-wall-pj", 0, 1, "MINUTES", verb " max wall time per job, in minutes ('unlimited' allowed)" }, \
    { "queues", 'q', 1, "LIST", verb " comma-separated permitted queues" }, \
    { "projects", 'P', 1, "LIST", verb " comma-separated permitted projects" }, \
    { "default-project", 0, 1, "PROJECT", verb " default project" }

static const struct optdef add_user_opts[] = {
    { "username", 'u', 1, "USER", "user name (required)" },
    { "bank", 'B', 1, "BANK", "bank (required)" },
    { "userid", 'i', 1, "UID", "user id (default: from passwd)" },
    LIMIT_OPTS ("the"),
    { NULL },
};
static const struct optdef edit_user_opts[] = {
    { "bank", 'B', 1, "BANK", "edit only the association in BANK (default: all of the user's)" },
    { "userid", 'i', 1, "UID", "new user id" },
    { "default-bank", 0, 1, "BANK", "new default bank" },
    LIMIT_OPTS ("new; -1 resets"),
    { "add-queue", 0, 1, "LIST", "queues to add" },
    { "delete-queue", 0, 1, "LIST", "queues to remove" },
    { NULL },
};
static const struct optdef edit_all_opts[] = {
    { "bank", 'B', 1, "BANK", "move every association to BANK (each user must have only one)" },
    { "default-bank", 0, 1, "BANK", "make BANK every user's default bank (each must have an active association in it)" },
    LIMIT_OPTS ("new; -1 resets"),
    { NULL },
};
static const struct optdef delete_user_opts[] = {
    { "force", 0, 0, NULL, "delete the row and its usage history instead of disabling it" },
    { NULL },
};
static const struct optdef view_user_opts[] = {
    { "list-banks", 0, 0, NULL, "print only the user's banks, one per line" },
    { "job-usage", 'J', 0, NULL, "print the per-period usage of each association (period 0 = current)" },
    OUTPUT_OPTS,
    { NULL },
};
static const struct optdef sync_opts[] = { { NULL } };
static const struct optdef list_users_opts[] = {
    { "active", 0, 1, "0|1", "only active (1, true) or disabled (0, false) associations" },
    { "bank", 'B', 1, "LIST", "only these banks" },
    { "shares", 0, 1, "LIST", "only these shares values" },
    { "max-running-jobs", 0, 1, "LIST", "filter by max running jobs" },
    { "max-active-jobs", 0, 1, "LIST", "filter by max active jobs" },
    { "max-nodes", 'N', 1, "LIST", "filter by max nodes" },
    { "max-cores", 'c', 1, "LIST", "filter by max cores" },
    { "queues", 'q', 1, "LIST", "associations whose queues contain any of LIST" },
    { "projects", 'P', 1, "LIST", "associations whose projects contain any of LIST" },
    { "default-project", 0, 1, "LIST", "filter by default project" },
    { "max-sched-jobs", 0, 1, "LIST", "filter by max sched jobs" },
    { "json", 'j', 0, NULL, "print rows as a JSON array of objects" },
    { "parsable", 0, 0, NULL, "print rows separated by '|', with a header" },
    { "format", 'o', 1, "FMT", "print each row with FMT, e.g. '{username} {bank}'" },
    { "fields", 'f', 1, "LIST", "comma-separated columns to show" },
    { NULL },
};

const struct cmd user_cmds[] = {
    { "add-user", cmd_add_user, CMD_WRITE, NULL, 0, 0,
      "Add an association (a user in a bank).", add_user_opts },
    { "delete-user", cmd_delete_user, CMD_WRITE, "USERNAME BANK", 2, 2,
      "Disable an association (--force: delete it).", delete_user_opts },
    { "edit-user", cmd_edit_user, CMD_WRITE, "USERNAME", 1, 1,
      "Change an association's fields (-1 resets a field).", edit_user_opts },
    { "edit-all-users", cmd_edit_all_users, CMD_WRITE, NULL, 0, 0,
      "Change a field of every association (or of one bank's).",
      edit_all_opts },
    { "view-user", cmd_view_user, CMD_READ, "USERNAME", 1, 1,
      "Show a user's associations.", view_user_opts },
    { "list-users", cmd_list_users, CMD_READ, NULL, 0, 0,
      "List associations, optionally filtered.", list_users_opts },
    { "sync-userids", cmd_sync_userids, CMD_WRITE, NULL, 0, 0,
      "Make the usage tables' user ids agree with the associations'.",
      sync_opts },
    { NULL },
};
