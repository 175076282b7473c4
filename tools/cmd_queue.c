/* flux-account - queue and project commands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int fill_queue (struct args *a, fluxacct_queue_fields_t *f)
{
    static const struct { const char *opt; size_t off; } ints[] = {
        { "min-nodes-per-job", offsetof (fluxacct_queue_fields_t, min_nodes_per_job) },
        { "max-nodes-per-job", offsetof (fluxacct_queue_fields_t, max_nodes_per_job) },
        { "max-time-per-job", offsetof (fluxacct_queue_fields_t, max_time_per_job) },
        { "priority", offsetof (fluxacct_queue_fields_t, priority) },
        { "max-running-jobs", offsetof (fluxacct_queue_fields_t, max_running_jobs) },
        { "max-nodes-per-assoc", offsetof (fluxacct_queue_fields_t, max_nodes_per_assoc) },
        { "max-sched-jobs", offsetof (fluxacct_queue_fields_t, max_sched_jobs) },
        { "max-sched-nodes-per-assoc", offsetof (fluxacct_queue_fields_t, max_sched_nodes_per_assoc) },
        { "max-sched-cores-per-assoc", offsetof (fluxacct_queue_fields_t, max_sched_cores_per_assoc) },
        { "max-nodes", offsetof (fluxacct_queue_fields_t, max_nodes) },
        { "max-cores", offsetof (fluxacct_queue_fields_t, max_cores) },
    };

    fluxacct_queue_fields_init (f, FLUXACCT_QUEUE_FIELDS_VERSION);
    f->queue = a->pos[0];
    for (size_t i = 0; i < sizeof (ints) / sizeof (ints[0]); i++)
        if (arg_int (a, ints[i].opt, strcmp (ints[i].opt, "priority") != 0,
                     (int64_t *)((char *)f + ints[i].off)) < 0)
            return -1;
    return 0;
}

static int cmd_add_queue (struct ctx *ctx, struct args *a)
{
    fluxacct_queue_fields_t f;
    fluxacct_error_t error;

    if (fill_queue (a, &f) < 0)
        return EXIT_USAGE;
    if (fluxacct_queue_add (ctx->db, &f, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_edit_queue (struct ctx *ctx, struct args *a)
{
    fluxacct_queue_fields_t f;
    fluxacct_error_t error;

    if (fill_queue (a, &f) < 0)
        return EXIT_USAGE;
    if (fluxacct_queue_edit (ctx->db, &f, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_delete_queue (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    int n = fluxacct_queue_delete (ctx->db, a->pos[0], &error);

    if (n < 0)
        return fail_error (&error);
    if (n > 0)
        warn (ctx, "%d association(s) in the association_table still "
              "reference queue %s; edit them with 'flux-account edit-user "
              "--delete-queue %s'", n, a->pos[0], a->pos[0]);
    return 0;
}


static int cmd_view_queue (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_queue_view (ctx->db, a->pos[0],
                                                        arg_str (a, "fields"),
                                                        &error), &error);
}

static int cmd_list_queues (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_queue_list (ctx->db,
                                                        arg_str (a, "fields"),
                                                        &error), &error);
}

static int cmd_add_project (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;

    if (fluxacct_project_add (ctx->db, a->pos[0], &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_delete_project (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    int n = fluxacct_project_delete (ctx->db, a->pos[0], &error);

    if (n < 0)
        return fail_error (&error);
    if (n > 0)
        warn (ctx, "%d association(s) in the association_table still "
              "reference project %s; edit them with 'flux-account edit-user "
              "--projects'", n, a->pos[0]);
    return 0;
}

static int cmd_view_project (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_project_view (ctx->db, a->pos[0],
                                                          arg_str (a, "fields"),
                                                          &error), &error);
}

static int cmd_list_projects (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    return print_and_free (ctx, a, fluxacct_project_list (ctx->db,
                                                          arg_str (a, "fields"),
                                                          &error), &error);
}

#define QUEUE_OPTS(d1, d2, d3, d4, d5) \
    { "min-nodes-per-job", 0, 1, "N", "minimum nodes per job" d1 }, \
    { "max-nodes-per-job", 'N', 1, "N", "maximum nodes per job" d2 }, \
    { "max-time-per-job", 't', 1, "N", "maximum time per job" d3 }, \
    { "priority", 'P', 1, "N", "queue priority factor (integer, may be negative)" d4 }, \
    { "max-running-jobs", 0, 1, "N", "max running jobs per association in the queue" d5 }, \
    { "max-nodes-per-assoc", 0, 1, "N", "max nodes per association (running + scheduled)" }, \
    { "max-sched-jobs", 0, 1, "N", "max SCHED jobs per association" }, \
    { "max-sched-nodes-per-assoc", 0, 1, "N", "max nodes of SCHED jobs per association" }, \
    { "max-sched-cores-per-assoc", 0, 1, "N", "max cores of SCHED jobs per association" }, \
    { "max-nodes", 0, 1, "N", "max nodes (stored, not enforced)" }, \
    { "max-cores", 0, 1, "N", "max cores (stored, not enforced)" }

static const struct optdef add_queue_opts[] = {
    QUEUE_OPTS (" (default 1)", " (default 1)", " (default 60)", "",
                " (default 100)"),
    { NULL },
};
static const struct optdef edit_queue_opts[] = {
    QUEUE_OPTS ("; -1 resets", "; -1 resets", "; -1 resets", "; -1 resets",
                "; -1 resets"),
    { NULL },
};
static const struct optdef view_opts[] = {
    OUTPUT_OPTS,
    { NULL },
};
static const struct optdef no_opts[] = { { NULL } };

const struct cmd queue_cmds[] = {
    { "add-queue", cmd_add_queue, CMD_WRITE, "QUEUE", 1, 1,
      "Add a queue with its limits.", add_queue_opts },
    { "edit-queue", cmd_edit_queue, CMD_WRITE, "QUEUE", 1, 1,
      "Change a queue's limits (-1 resets).", edit_queue_opts },
    { "delete-queue", cmd_delete_queue, CMD_WRITE, "QUEUE", 1, 1,
      "Delete a queue.", no_opts },
    { "view-queue", cmd_view_queue, CMD_READ, "QUEUE", 1, 1,
      "Show a queue.", view_opts },
    { "list-queues", cmd_list_queues, CMD_READ, NULL, 0, 0,
      "List queues.", view_opts },
    { "add-project", cmd_add_project, CMD_WRITE, "PROJECT", 1, 1,
      "Add a project.", no_opts },
    { "delete-project", cmd_delete_project, CMD_WRITE, "PROJECT", 1, 1,
      "Delete a project.", no_opts },
    { "view-project", cmd_view_project, CMD_READ, "PROJECT", 1, 1,
      "Show a project.", view_opts },
    { "list-projects", cmd_list_projects, CMD_READ, NULL, 0, 0,
      "List projects.", view_opts },
    { NULL },
};
