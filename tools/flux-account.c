/* flux-account - the operators' command line over libfluxacct.
 *
 * A thin command table: global options, then one subcommand whose options
 * come from its table entry.  Data goes to stdout (or -o FILE), messages to
 * stderr.  Exit status: 0 success, 1 failure, 2 usage error or a write
 * attempted on a database the caller cannot write.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const struct cmd *const groups[] = {
    misc_cmds, bank_cmds, user_cmds, queue_cmds, job_cmds, fairshare_cmds,
    plugin_cmds, admin_cmds, NULL,
};

static const struct cmd *find_cmd (const char *name)
{
    for (int g = 0; groups[g]; g++)
        for (int i = 0; groups[g][i].name; i++)
            if (!strcmp (groups[g][i].name, name))
                return &groups[g][i];
    return NULL;
}

static void usage (FILE *f)
{
    fprintf (f,
             "Usage: flux-account [OPTIONS] SUBCOMMAND [ARGS]\n"
             "       flux account SUBCOMMAND [ARGS]\n\n"
             "Bank accounting, usage and fair-share for Flux (libfluxacct %s).\n\n"
             "Options:\n"
             "  -p, --path=DB          accounting database (default: $FLUXACCT_DB or %s)\n"
             "  -o, --output-file=FILE write data output to FILE instead of stdout\n"
             "  -q, --quiet            no warnings or progress\n"
             "  -v, --verbose          more messages\n"
             "  -V, --version          print the version and exit\n"
             "  -h, --help             show this help and exit\n\n"
             "Subcommands:\n",
             fluxacct_version (), fluxacct_db_default_path ());
    for (int g = 0; groups[g]; g++)
        for (int i = 0; groups[g][i].name; i++)
            fprintf (f, "  %-22s %s\n", groups[g][i].name,
                     groups[g][i].summary);
    fprintf (f, "\nRun 'flux-account SUBCOMMAND --help' for a subcommand's "
             "options.\n");
}

/* A progress line on stderr, at most five times a second, only when
 * stderr is a terminal and --quiet is not given. */
void cli_progress (void *arg, const char *what, uint64_t done,
                   uint64_t total)
{
    struct ctx *ctx = arg;
    struct timespec ts;
    double now;

    clock_gettime (CLOCK_MONOTONIC, &ts);
    now = ts.tv_sec + ts.tv_nsec * 1e-9;
    if (done < total && now - ctx->progress_last < 0.2)
        return;
    ctx->progress_last = now;
    if (total)
        fprintf (stderr, "\rflux-account: %s: %3.0f%% (%llu of %llu)  ", what,
                 100.0 * (double)done / (double)total,
                 (unsigned long long)done, (unsigned long long)total);
    else
        fprintf (stderr, "\rflux-account: %s: %llu  ", what,
                 (unsigned long long)done);
    ctx->progress_shown = 1;
    if (total && done >= total) {
        /* finished: end the line so later messages start clean */
        fputc ('\n', stderr);
        ctx->progress_shown = 0;
    }
}

/* The library's message for a database that needs update-db ends with the
 * command to run, but a 160-byte message may cut a long path: print the
 * command whole, the path quoted for the shell when it needs it. */
static int fail_update_db (const fluxacct_error_t *error, const char *path)
{
    const char *cmd = strstr (error->text, "update-db -p ");
    int plain = strspn (path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                        "TUVWXYZ0123456789/._-+,:@%=") == strlen (path);

    if (!cmd)
        return fail_error (error);
    fprintf (stderr, "flux-account: ERROR: %.*s", (int)(cmd - error->text
                                                        + 13), error->text);
    if (plain)
        fputs (path, stderr);
    else {
        fputc ('\'', stderr);
        for (const char *p = path; *p; p++)
            fputs (*p == '\'' ? "'\\''" : (char[]){ *p, 0 }, stderr);
        fputc ('\'', stderr);
    }
    fputc ('\n', stderr);
    return EXIT_FAIL;
}

static int open_db (struct ctx *ctx, const struct cmd *cmd)
{
    fluxacct_error_t error;

    if (cmd->db == CMD_NODB)
        return 0;
    ctx->db = fluxacct_db_open (ctx->path, cmd->db == CMD_READ
                                               ? FLUXACCT_DB_READONLY : 0,
                                &error);
    if (!ctx->db && errno == EPROTO)
        return fail_update_db (&error, ctx->path);
    if (!ctx->db)
        return fail_error (&error);
    if (!ctx->quiet && isatty (STDERR_FILENO))
        fluxacct_db_set_progress (ctx->db, cli_progress, ctx);
    return 0;
}

/* Standalone names (the cron pipeline's commands and flux-accounting's
 * other programs): the program name picks the subcommand, and -p/--path/-f
 * DB and -v/--verbose may appear anywhere.  Run by flux (`flux
 * update-fshare`), argv[0] is the name without "flux-". */
static const struct {
    const char *name;
    const char *sub;
} standalone[] = {
    { "flux-account-update-usage", "update-usage" },
    { "flux-account-update-fshare", "update-fshare" },
    { "flux-update-fshare", "update-fshare" },
    { "flux-account-fetch-job-records", "fetch-job-records" },
    { "flux-account-priority-update", "priority-update" },
    { "flux-account-update-db", "update-db" },
    { "flux-account-fairshare-emulate", "fairshare-emulate" },
};

/* The argument vector standalone_argv() builds, freed at exit (main has
 * many returns). */
static char **standalone_vec;

static void standalone_free (void)
{
    free (standalone_vec);
    standalone_vec = NULL;
}

static int standalone_argv (int *argc, char ***argv, const char **path,
                            int *verbose)
{
    const char *base = strrchr ((*argv)[0], '/');
    char **nv;
    int n = 0;

    base = base ? base + 1 : (*argv)[0];
    for (size_t i = 0; i < sizeof (standalone) / sizeof (standalone[0]); i++) {
        /* flux's command driver runs flux-NAME with argv[0] "NAME" */
        if (strcmp (base, standalone[i].name) != 0
            && strcmp (base, standalone[i].name + strlen ("flux-")) != 0)
            continue;
        if (!(nv = calloc ((size_t)*argc + 2, sizeof (char *))))
            return -1;
        standalone_vec = nv;
        atexit (standalone_free);
        nv[n++] = (*argv)[0];
        nv[n++] = (char *)standalone[i].sub;
        for (int k = 1; k < *argc; k++) {
            char *a = (*argv)[k];
            if ((!strcmp (a, "-p") || !strcmp (a, "-f") || !strcmp (a, "--path"))
                && k + 1 < *argc)
                *path = (*argv)[++k];
            else if (!strncmp (a, "--path=", 7))
                *path = a + 7;
            else if (!strcmp (a, "--verbose"))
                (*verbose)++;
            else if (a[0] == '-' && a[1] == 'v' && strspn (a + 1, "v")
                                                      == strlen (a + 1))
                *verbose += (int)strlen (a + 1);
            else
                nv[n++] = a;
        }
        *argc = n;
        *argv = nv;
        return 1;
    }
    return 0;
}

/* Run a parsed command: -o FILE, the database, the command itself. */
static int run_cmd (struct ctx *ctx_, const struct cmd *cmd, struct args *a_,
                    const char *outfile)
{
    struct ctx ctx = *ctx_;
    int rc = 0;

    /* -o FILE: write a temporary file beside it and rename it into place
     * only when the command succeeded, so a failure leaves FILE as it was. */
    char *tmpname = NULL;
    if (outfile) {
        int fd;
        if (asprintf (&tmpname, "%s.XXXXXX", outfile) < 0
            || (fd = mkstemp (tmpname)) < 0 || !(ctx.out = fdopen (fd, "w")))
            return fail ("cannot write %s: %s", outfile, strerror (errno));
        (void)fchmod (fd, 0644);
    }
    if ((rc = open_db (&ctx, cmd)) == 0)
        rc = cmd->fn (&ctx, a_);
    if (ctx.progress_shown)
        fputc ('\n', stderr);
    fluxacct_db_close (ctx.db);
    if (fflush (ctx.out) != 0 || (ctx.out != stdout && fclose (ctx.out) != 0))
        rc = rc ? rc : fail ("error writing output: %s", strerror (errno));
    if (tmpname) {
        if (rc == 0 && rename (tmpname, outfile) < 0)
            rc = fail ("cannot write %s: %s", outfile, strerror (errno));
        if (rc != 0)
            unlink (tmpname);
        free (tmpname);
    }
    return rc;
}

int main (int argc, char **argv)
{
    static const struct option longopts[] = {
        { "path", 1, NULL, 'p' },
        { "output-file", 1, NULL, 'o' },
        { "quiet", 0, NULL, 'q' },
        { "verbose", 0, NULL, 'v' },
        { "version", 0, NULL, 'V' },
        { "help", 0, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct ctx ctx = { .out = stdout };
    const struct cmd *cmd;
    struct args a;
    const char *outfile = NULL;
    int c, rc;

    setlocale (LC_CTYPE, "");
    ctx.path = fluxacct_db_default_path ();
    if (standalone_argv (&argc, &argv, &ctx.path, &ctx.verbose) < 0)
        return fail ("out of memory");
    opterr = 0;
    while ((c = getopt_long (argc, argv, "+p:o:qvVh", longopts, NULL)) != -1) {
        switch (c) {
            case 'p': ctx.path = optarg; break;
            case 'o': outfile = optarg; break;
            case 'q': ctx.quiet = 1; break;
            case 'v': ctx.verbose++; break;
            case 'V': printf ("flux-account %s\n", fluxacct_version ()); return 0;
            case 'h': usage (stdout); return 0;
            default:
                usage (stderr);
                return usage_error ("unknown or incomplete option %s",
                                    argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        usage (stderr);
        return EXIT_USAGE;
    }
    if (!(cmd = find_cmd (argv[optind])))
        return usage_error ("unknown subcommand '%s' (see 'flux-account "
                            "--help')", argv[optind]);
    rc = parse_args (cmd, argc - optind, argv + optind, &a);
    if (rc == 0)
        rc = run_cmd (&ctx, cmd, &a, outfile);
    args_free (&a);
    return rc;
}

