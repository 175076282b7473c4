/* flux-account - database administration: update-db, export-db, pop-db. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void report_line (void *arg, const char *msg)
{
    struct ctx *ctx = arg;
    if (!ctx->quiet)
        fprintf (stderr, "flux-account: %s\n", msg);
}

static int cmd_update_db (struct ctx *ctx, struct args *a)
{
    const char *path = a->npos > 0 ? a->pos[0] : ctx->path;
    int dry = arg_flag (a, "dry-run");
    fluxacct_migrate_options_t opts;
    fluxacct_migrate_stats_t s;
    fluxacct_error_t error;

    fluxacct_migrate_options_init (&opts, FLUXACCT_MIGRATE_OPTIONS_VERSION);
    fluxacct_migrate_stats_init (&s, FLUXACCT_MIGRATE_STATS_VERSION);
    opts.flags = (dry ? FLUXACCT_MIGRATE_DRY_RUN : 0)
                 | (arg_flag (a, "vacuum") ? FLUXACCT_MIGRATE_VACUUM : 0);
    opts.report = report_line;
    opts.progress = !ctx->quiet && isatty (STDERR_FILENO) ? cli_progress
                                                         : NULL;
    opts.arg = ctx;
    if (fluxacct_migrate_db (path, &opts, &s, &error) < 0)
        return fail_input (&error);
    /* -n/--new-db: flux-accounting builds the schema it migrates to in a
     * fresh database at this path and leaves it there; do the same (the
     * current schema, default configuration). */
    if (arg_str (a, "new-db")) {
        if (fluxacct_db_create (arg_str (a, "new-db"), NULL, &error) < 0)
            return fail_error (&error);
    }
    if (ctx->quiet)
        return 0;
    if (!s.migrated) {
        fprintf (stderr, "flux-account: %s is up to date (libfluxacct schema "
                 "%d); nothing changed\n", path, s.from_version);
        return 0;
    }
    if (s.migrated == 2) {
        fprintf (stderr, "flux-account: %s %s from libfluxacct schema %d to "
                 "%d (the covering usage index, association_table."
                 "max_wall_pj; %llu job records)\n", path,
                 dry ? "would be upgraded" : "upgraded", s.from_version,
                 FLUXACCT_SCHEMA_VERSION, (unsigned long long)s.jobs);
        if (!dry)
            fprintf (stderr, "flux-account: the old database is in "
                     "%s.backup\n", path);
        return 0;
    }
    fprintf (stderr, "flux-account: %s %s from flux-accounting schema %d: "
             "%llu associations, %llu banks, %llu queues, %llu projects, "
             "%llu job records (%llu not yet charged), %llu usage periods, "
             "%llu config keys\n", path, dry ? "would be migrated"
                                             : "migrated",
             s.from_version, (unsigned long long)s.associations,
             (unsigned long long)s.banks, (unsigned long long)s.queues,
             (unsigned long long)s.projects, (unsigned long long)s.jobs,
             (unsigned long long)s.jobs_pending,
             (unsigned long long)s.period_rows,
             (unsigned long long)s.config_keys);
    if (!dry)
        fprintf (stderr, "flux-account: the old database is in %s.backup\n",
                 path);
    return 0;
}

/* Split a comma list into a NULL-terminated vector (in place). */
static char **split_list (char *s)
{
    size_t n = 1;
    char **v, *save = NULL, *tok;

    for (char *p = s; *p; p++)
        n += *p == ',';
    if (!(v = calloc (n + 1, sizeof (char *))))
        return NULL;
    n = 0;
    for (tok = strtok_r (s, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
        v[n++] = tok;
    return v;
}

static int cmd_export_db (struct ctx *ctx, struct args *a)
{
    const char *dir = arg_str (a, "dir");
    char *list = arg_str (a, "tables") ? strdup (arg_str (a, "tables")) : NULL;
    char **tables = list ? split_list (list) : NULL;
    fluxacct_csv_stats_t s;
    fluxacct_error_t error;
    int rc = 0;

    fluxacct_csv_stats_init (&s, FLUXACCT_CSV_STATS_VERSION);

    if (arg_flag (a, "fairshare-emulate")) {
        /* the fair-share tree as fairshare-emulate input, on stdout */
        char *json;
        free (tables);
        free (list);
        if (dir || arg_str (a, "tables"))
            return usage_error ("export-db: -F/--fairshare-emulate prints "
                                "JSON; it takes no --dir or --tables");
        if (!(json = fluxacct_fairshare_export_json (ctx->db, &error)))
            return fail_error (&error);
        fprintf (ctx->out, "%s\n", json);
        free (json);
        return 0;
    }
    /* The directory is the caller's: relative to where flux-account runs,
     * not some service's working directory (quirk 15). */
    if (fluxacct_csv_export (ctx->db, dir ? dir : ".",
                                (const char *const *)tables, &s, &error) < 0)
        rc = fail_error (&error);
    else if (ctx->verbose)
        fprintf (stderr, "flux-account: exported %llu tables, %llu rows, "
                 "%llu bytes to %s\n", (unsigned long long)s.tables,
                 (unsigned long long)s.rows, (unsigned long long)s.bytes,
                 dir ? dir : ".");
    free (tables);
    free (list);
    return rc;
}

static int cmd_pop_db (struct ctx *ctx, struct args *a)
{
    const char *file = arg_str (a, "csv-file");
    const char *dir = arg_str (a, "dir");
    const char *one[2] = { file, NULL };
    fluxacct_csv_import_options_t opts;
    fluxacct_csv_stats_t s;
    fluxacct_error_t error;
    int rc;

    fluxacct_csv_import_options_init (&opts,
                                      FLUXACCT_CSV_IMPORT_OPTIONS_VERSION);
    fluxacct_csv_stats_init (&s, FLUXACCT_CSV_STATS_VERSION);
    opts.flags = arg_flag (a, "replace") ? FLUXACCT_CSV_REPLACE : 0;

    if (!!file == !!dir)
        return usage_error ("pop-db: give one of -c/--csv-file FILE or "
                            "-d/--dir DIR");
    if (dir && arg_str (a, "fields"))
        return usage_error ("pop-db: -f/--fields goes with -c/--csv-file");
    /* A directory is a restore: each table with a file is replaced. */
    if (dir) {
        opts.flags |= FLUXACCT_CSV_REPLACE;
        opts.report = report_line;
        opts.arg = ctx;
        rc = fluxacct_csv_import_dir (ctx->db, dir, &opts, &s, &error);
    }
    else {
        opts.fields = arg_str (a, "fields");
        rc = fluxacct_csv_import (ctx->db, one, &opts, &s, &error);
    }
    if (rc < 0)
        return fail_input (&error);
    if (ctx->verbose)
        fprintf (stderr, "flux-account: loaded %llu rows from %llu files\n",
                 (unsigned long long)s.rows, (unsigned long long)s.tables);
    return 0;
}

static const struct optdef update_opts[] = {
    { "dry-run", 0, 0, NULL, "migrate, then roll back: report what would be migrated, change nothing" },
    { "new-db", 'n', 1, "NEW_DB", "also create a fresh database with the current schema at NEW_DB (must not exist), as flux-accounting does" },
    { "vacuum", 0, 0, NULL, "then VACUUM: give the old tables' space back (rewrites the file)" },
    { NULL },
};
static const struct optdef export_opts[] = {
    { "dir", 'd', 1, "DIR", "write the CSV files into DIR (default: the current directory)" },
    { "tables", 't', 1, "LIST", "comma-separated tables to export (default: all)" },
    { "fairshare-emulate", 'F', 0, NULL, "print the fair-share tree as fairshare-emulate input JSON instead" },
    { NULL },
};
static const struct optdef pop_opts[] = {
    { "csv-file", 'c', 1, "FILE", "load FILE into the table named by its base name (TABLE.csv)" },
    { "dir", 'd', 1, "DIR", "restore every TABLE.csv of DIR (each such table is emptied first)" },
    { "fields", 'f', 1, "LIST", "load only these columns, matched to the CSV header by name" },
    { "replace", 0, 0, NULL, "empty the table before loading -c FILE" },
    { NULL },
};

const struct cmd admin_cmds[] = {
    { "update-db", cmd_update_db, CMD_NODB, "[PATH]", 0, 1,
      "Migrate a flux-accounting database in place (writes PATH.backup first).",
      update_opts },
    { "export-db", cmd_export_db, CMD_READ, NULL, 0, 0,
      "Write every table to TABLE.csv files.", export_opts },
    { "pop-db", cmd_pop_db, CMD_WRITE, NULL, 0, 0,
      "Populate tables from TABLE.csv files (all or nothing).", pop_opts },
    { NULL },
};
