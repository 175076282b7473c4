/* flux-account - the operators' command line over libfluxacct.
 *
 * A thin command table: global options, then one subcommand whose options
 * come from its table entry.  Data goes to stdout (or -o FILE), messages to
 * stderr.  Exit status: 0 success, 1 failure, 2 usage error or a write
 * attempted on a database the caller cannot write.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cmd *const groups[] = {
    misc_cmds, bank_cmds, user_cmds, queue_cmds, job_cmds, admin_cmds,
    NULL,
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
             fluxacct_version (), fluxacct_default_db_path ());
    for (int g = 0; groups[g]; g++)
        for (int i = 0; groups[g][i].name; i++)
            fprintf (f, "  %-22s %s\n", groups[g][i].name,
                     groups[g][i].summary);
    fprintf (f, "\nRun 'flux-account SUBCOMMAND --help' for a subcommand's "
             "options.\n");
}

static int open_db (struct ctx *ctx, const struct cmd *cmd)
{
    fluxacct_error_t error;

    if (cmd->db == CMD_NODB)
        return 0;
    ctx->db = fluxacct_db_open (ctx->path, cmd->db == CMD_READ
                                               ? FLUXACCT_DB_READONLY : 0,
                                &error);
    if (!ctx->db)
        return fail_error (&error);
    return 0;
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

    ctx.path = fluxacct_default_db_path ();
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
    if ((rc = parse_args (cmd, argc - optind, argv + optind, &a)) != 0)
        return rc;
    if (outfile && !(ctx.out = fopen (outfile, "w")))
        return fail ("cannot write %s: %s", outfile, strerror (errno));
    if ((rc = open_db (&ctx, cmd)) != 0)
        return rc;
    rc = cmd->fn (&ctx, &a);
    fluxacct_db_close (ctx.db);
    if (fflush (ctx.out) != 0 || (ctx.out != stdout && fclose (ctx.out) != 0))
        return rc ? rc : fail ("error writing output: %s", strerror (errno));
    return rc;
}
