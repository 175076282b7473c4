/* flux-account - create-db, priority factors and configuration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fluxacct/parse.h>

#include "cli.h"

static int cmd_create_db (struct ctx *ctx, struct args *a)
{
    fluxacct_db_create_options_t o;
    fluxacct_error_t error;
    const char *path = a->npos > 0 ? a->pos[0] : ctx->path;
    const char *mode = arg_str (a, "mode");

    fluxacct_db_create_options_init (&o, FLUXACCT_DB_CREATE_OPTIONS_VERSION);

    if (arg_weeks_or_fsd (a, "priority-decay-half-life",
                            &o.priority_decay_half_life)
        || arg_weeks_or_fsd (a, "priority-usage-reset-period",
                               &o.priority_usage_reset_period)
        || arg_double (a, "decay-factor", &o.decay_factor) < 0)
        return EXIT_USAGE;
    if (arg_str (a, "decay-factor")
        && !(o.decay_factor > 0 && o.decay_factor < 1))
        return usage_error ("Value must be between 0.0 and 1.0, but got %s",
                            arg_str (a, "decay-factor"));
    if (mode) {
        char *end;
        long m = strtol (mode, &end, 8);
        if (*end || end == mode || m <= 0 || m > 0777)
            return usage_error ("invalid --mode '%s' (expected octal, e.g. "
                                "0644)", mode);
        o.mode = (int)m;
    }
    if (fluxacct_db_create (path, &o, &error) < 0)
        return fail_error (&error);
    if (ctx->verbose)
        fprintf (stderr, "flux-account: created %s\n", path);
    return 0;
}


static int cmd_view_factor (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_factor_view (ctx->db, a->pos[0],
                                                         arg_str (a, "fields"),
                                                         &error), &error);
}

static int cmd_list_factors (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_factor_list (ctx->db,
                                                         arg_str (a, "fields"),
                                                         &error), &error);
}

static int cmd_edit_factor (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    int64_t weight = 0;

    if (!arg_str (a, "factor") || !arg_str (a, "weight"))
        return usage_error ("edit-factor: --factor and --weight are required");
    if (arg_int (a, "weight", 0, &weight) < 0)
        return EXIT_USAGE;
    if (fluxacct_factor_edit (ctx->db, arg_str (a, "factor"), weight,
                              &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_reset_factors (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    (void)a;
    if (fluxacct_factor_reset (ctx->db, &error) < 0)
        return fail_error (&error);
    return 0;
}

/* Split "KEY=VALUE" with exactly one '='. */
static int split_kv (char *s, char **key, char **value)
{
    char *eq = strchr (s, '=');
    if (!eq || strchr (eq + 1, '='))
        return usage_error ("key-value string must contain exactly one \"=\": "
                            "%s", s);
    *eq = '\0';
    *key = s;
    *value = eq + 1;
    return 0;
}

static int cmd_add_config (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    char *key = NULL, *value = NULL;

    if (split_kv (a->pos[0], &key, &value))
        return EXIT_USAGE;
    if (fluxacct_config_add (ctx->db, key, value, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_edit_config (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    char *key = NULL, *value = NULL;
    int rc = 0;

    for (int i = 0; i < a->npos; i++)
        if (!strchr (a->pos[i], '=') || strchr (strchr (a->pos[i], '=') + 1, '='))
            return usage_error ("key-value string must contain exactly one "
                                "\"=\": %s", a->pos[i]);
    /* All pairs apply together or not at all. */
    if (fluxacct_db_begin (ctx->db, &error) < 0)
        return fail_error (&error);
    for (int i = 0; i < a->npos && rc == 0; i++) {
        char weeks[64];
        const char *stored;
        split_kv (a->pos[i], &key, &value);
        if ((rc = config_value (key, value, weeks, sizeof (weeks), &stored)))
            break;
        if (fluxacct_config_edit (ctx->db, key, stored, &error) < 0)
            rc = fail_error (&error);
    }
    if (rc != 0) {
        fluxacct_db_rollback (ctx->db, NULL);
        return rc;
    }
    if (fluxacct_db_commit (ctx->db, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_delete_config (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    if (fluxacct_config_delete (ctx->db, a->pos[0], &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_view_config (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_config_view (ctx->db, a->pos[0],
                                                         arg_str (a, "fields"),
                                                         &error), &error);
}

static int cmd_list_configs (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_config_list (ctx->db,
                                                         arg_str (a, "fields"),
                                                         &error), &error);
}

static const struct optdef create_opts[] = {
    { "priority-decay-half-life", 0, 1, "WEEKS|FSD", "usage half-life: a bare number is weeks, else a duration like 14d (default 1 week)" },
    { "priority-usage-reset-period", 0, 1, "WEEKS|FSD", "how long usage is remembered (default 4 weeks)" },
    { "decay-factor", 0, 1, "D", "per-period decay factor, 0 < D < 1 (default 0.5)" },
    { "mode", 0, 1, "OCTAL", "file mode of the new database (default 0644)" },
    { NULL },
};
static const struct optdef view_opts[] = {
    OUTPUT_OPTS,
    { NULL },
};
static const struct optdef edit_factor_opts[] = {
    { "factor", 0, 1, "NAME", "fairshare, queue, bank or urgency" },
    { "weight", 0, 1, "N", "integer weight" },
    { NULL },
};
static const struct optdef no_opts[] = { { NULL } };

const struct cmd misc_cmds[] = {
    { "create-db", cmd_create_db, CMD_NODB, "[PATH]", 0, 1,
      "Create a new accounting database (at PATH, or -p, or the default).",
      create_opts },
    { "view-factor", cmd_view_factor, CMD_READ, "FACTOR", 1, 1,
      "Show a priority factor's weight.", view_opts },
    { "edit-factor", cmd_edit_factor, CMD_WRITE, NULL, 0, 0,
      "Set a priority factor's weight.", edit_factor_opts },
    { "list-factors", cmd_list_factors, CMD_READ, NULL, 0, 0,
      "List the priority factor weights.", view_opts },
    { "reset-factors", cmd_reset_factors, CMD_WRITE, NULL, 0, 0,
      "Restore the default priority factor weights.", no_opts },
    { "add-config", cmd_add_config, CMD_WRITE, "KEY=VALUE", 1, 1,
      "Add a configuration key.", no_opts },
    { "edit-config", cmd_edit_config, CMD_WRITE, "KEY=VALUE...", 1, -1,
      "Change configuration values (validated; usage is recomputed).",
      no_opts },
    { "delete-config", cmd_delete_config, CMD_WRITE, "KEY", 1, 1,
      "Delete a configuration key (protected keys cannot be deleted).",
      no_opts },
    { "view-config", cmd_view_config, CMD_READ, "KEY", 1, 1,
      "Show a configuration key.", view_opts },
    { "list-configs", cmd_list_configs, CMD_READ, NULL, 0, 0,
      "List the configuration.", view_opts },
    { NULL },
};
