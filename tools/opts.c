/* flux-account - option parsing from each command's option table, and the
 * error printers. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fluxacct/parse.h>

#include "cli.h"

/* One message on stderr, with control characters (terminal escapes from
 * names or file content) shown as \xNN, \t, \r.  Library messages come
 * escaped (newlines included); a message of the CLI's own may hold a line
 * break. */
static void put_message (const char *prefix, const char *text)
{
    fputs (prefix, stderr);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n' && p[1])
            fputc ('\n', stderr); /* a message's own line break (library
                                    * messages arrive escaped already) */
        else if (*p == '\t')
            fputs ("\\t", stderr);
        else if (*p == '\r')
            fputs ("\\r", stderr);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf (stderr, "\\x%02x", *p);
        else
            fputc (*p, stderr);
    }
    fputc ('\n', stderr);
}

static void vmessage (const char *prefix, const char *fmt, va_list ap)
{
    char *text = NULL;

    if (vasprintf (&text, fmt, ap) < 0) {
        fputs (prefix, stderr);
        fputs ("out of memory\n", stderr);
        return;
    }
    put_message (prefix, text);
    free (text);
}

static int vfail (int status, const char *fmt, va_list ap)
{
    vmessage ("flux-account: ERROR: ", fmt, ap);
    return status;
}

int fail (const char *fmt, ...)
{
    va_list ap;
    int status = errno == EROFS ? EXIT_USAGE : EXIT_FAIL;
    va_start (ap, fmt);
    vfail (status, fmt, ap);
    va_end (ap);
    return status;
}

int fail_error (const fluxacct_error_t *error)
{
    /* EINVAL: the library rejected a value from the command line (bad
     * number, name, field list, conflicting options) - a usage error, like
     * the same mistakes the option parser catches. */
    int status = errno == EROFS || errno == EINVAL || errno == EACCES
                     ? EXIT_USAGE : EXIT_FAIL;
    put_message ("flux-account: ERROR: ", error->text);
    return status;
}

int fail_input (const fluxacct_error_t *error)
{
    /* Bad content in an input file (a CSV, a job file) is a failure of the
     * data, not of the command line: exit 1, whatever errno says. */
    int status = errno == EROFS ? EXIT_USAGE : EXIT_FAIL;
    put_message ("flux-account: ERROR: ", error->text);
    return status;
}

int usage_error (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vfail (EXIT_USAGE, fmt, ap);
    va_end (ap);
    return EXIT_USAGE;
}

void warn (struct ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    if (ctx->quiet)
        return;
    va_start (ap, fmt);
    vmessage ("flux-account: WARNING: ", fmt, ap);
    va_end (ap);
}

static int opt_index (const struct cmd *cmd, const char *name)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
        if (!strcmp (cmd->opts[i].name, name))
            return i;
    /* A command asking for an option it does not declare is a bug in the
     * command table, not user error. */
    fprintf (stderr, "flux-account: internal error: %s has no option --%s\n",
             cmd->name, name);
    abort ();
}

const char *arg_str (struct args *a, const char *name)
{
    int i = opt_index (a->cmd, name);
    return a->given[i] ? a->val[i] : NULL;
}

int arg_flag (struct args *a, const char *name)
{
    return a->given[opt_index (a->cmd, name)] ? 1 : 0;
}

const char *arg_multi (struct args *a, const char *name, int n)
{
    int i = opt_index (a->cmd, name);
    return a->given[i] && n >= 0 && n < a->nmulti[i] ? a->multi[i][n] : NULL;
}

int arg_int (struct args *a, const char *name, int allow_unlimited,
             int64_t *out)
{
    const char *s = arg_str (a, name);
    char *end;
    long long v;

    if (!s)
        return 0;
    if (allow_unlimited && !strcmp (s, "unlimited")) {
        *out = FLUXACCT_UNLIMITED;
        return 0;
    }
    errno = 0;
    v = strtoll (s, &end, 10);
    if (errno || end == s || *end) {
        usage_error ("invalid value for --%s: '%s' (expected an integer%s)",
                     name, s, allow_unlimited ? " or 'unlimited'" : "");
        return -1;
    }
    *out = v;
    return 0;
}

int arg_double (struct args *a, const char *name, double *out)
{
    const char *s = arg_str (a, name);
    char *end;
    double v;

    if (!s)
        return 0;
    v = strtod (s, &end);
    if (end == s || *end || !isfinite (v)) {
        usage_error ("invalid value for --%s: '%s' (expected a number)", name,
                     s);
        return -1;
    }
    *out = v;
    return 0;
}

int weeks_to_seconds (const char *s, double *seconds)
{
    char *end;
    double v;

    v = strtod (s, &end);
    if (end == s || *end)
        return 0;
    if (strspn (s, "0123456789.+-eE") != strlen (s) || !isfinite (v)
        || !isfinite (v * 604800))
        return -1;
    *seconds = v * 604800;
    return 1;
}

int arg_weeks_or_fsd (struct args *a, const char *name, double *out)
{
    const char *s = arg_str (a, name);
    fluxacct_error_t error;
    double v;
    int bare;

    if (!s)
        return 0;
    if ((bare = weeks_to_seconds (s, &v)) < 0)
        return usage_error ("invalid value for --%s: '%s' (a bare number is "
                            "weeks: finite, decimal, no spaces)", name, s);
    if (bare) {
        if (!(v > 0))
            return usage_error ("--%s must be positive, got '%s'", name, s);
        *out = v;
        return 0;
    }
    if (fluxacct_fsd_parse (s, &v, &error) < 0 || !(v > 0))
        return usage_error ("invalid value for --%s: '%s' (expected weeks or a "
                            "duration like 14d)", name, s);
    *out = v;
    return 0;
}

int arg_time (struct args *a, const char *name, double *out)
{
    const char *s = arg_str (a, name);
    fluxacct_error_t error;

    if (!s)
        return 0;
    if (fluxacct_time_parse (s, out, &error) < 0) {
        usage_error ("invalid value for --%s: %s", name, error.text);
        return -1;
    }
    return 0;
}

/* flux-accounting's single-dash options of several letters, for the
 * commands that have the long option. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    { "msn", "max-sched-nodes-per-assoc" },
    { "msc", "max-sched-cores-per-assoc" },
};

static const char *alias_of (const char *name)
{
    for (size_t i = 0; i < sizeof (aliases) / sizeof (aliases[0]); i++)
        if (!strcmp (aliases[i].name, name))
            return aliases[i].alias;
    return NULL;
}

void print_cmd_help (FILE *f, const struct cmd *cmd)
{
    fprintf (f, "Usage: flux-account [-p DB] %s [OPTIONS]%s%s\n\n%s\n\n"
             "Options:\n", cmd->name, cmd->usage ? " " : "",
             cmd->usage ? cmd->usage : "", cmd->summary);
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const struct optdef *o = &cmd->opts[i];
        char left[80];
        if (alias_of (o->name))
            snprintf (left, sizeof (left), "-%s, --%s%s%s%s", alias_of (o->name),
                      o->name, o->has_arg ? "=" : "",
                      o->has_arg ? o->argname : "",
                      o->has_arg == OPT_MULTI ? "..." : "");
        else
            snprintf (left, sizeof (left), "%c%c%s--%s%s%s%s",
                      o->shortopt ? '-' : ' ', o->shortopt ? o->shortopt : ' ',
                      o->shortopt ? ", " : "  ", o->name,
                      o->has_arg ? "=" : "", o->has_arg ? o->argname : "",
                      o->has_arg == OPT_MULTI ? "..." : "");
        fprintf (f, "  %-34s %s\n", left, o->help);
    }
    fprintf (f, "  %-34s %s\n", "-h, --help", "show this help and exit");
}

/* The option of cmd that argument s names (as -X, --name, --name=V,
 * -XV or -alias), or NULL.  *inline_val: the value is in s itself. */
static const struct optdef *which_opt (const struct cmd *cmd, const char *s,
                                       int *inline_val)
{
    *inline_val = 0;
    if (s[0] != '-' || !s[1])
        return NULL;
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const struct optdef *o = &cmd->opts[i];
        size_t l = strlen (o->name);
        if (s[1] == '-' && !strncmp (s + 2, o->name, l)
            && (s[2 + l] == '\0' || s[2 + l] == '=')) {
            *inline_val = s[2 + l] == '=';
            return o;
        }
        if (s[1] != '-' && o->shortopt == s[1]) {
            *inline_val = s[2] != '\0';
            return o;
        }
    }
    return NULL;
}

/* A copy of argv for getopt where each -alias is spelled --name, and the
 * extra values after an OPT_MULTI flag ("-d '> 1' '< 5'") repeat the flag
 * ("-d '> 1' -d '< 5'"). */
static char **expand_argv (const struct cmd *cmd, int *argc, char **argv,
                           struct args *a)
{
    char **nv = calloc ((size_t)*argc * 2 + 1, sizeof (char *));
    int n = 0;

    /* at most one allocated string per argument or per extra value */
    if (!nv || !(a->owned = calloc ((size_t)*argc * 2 + 1, sizeof (char *)))) {
        free (nv);
        return NULL;
    }
    for (int i = 0; i < *argc; i++) {
        const struct optdef *o = NULL;
        int inl = 0;
        if (!strcmp (argv[i], "--")) {
            while (i < *argc)
                nv[n++] = argv[i++];
            break;
        }
        for (int k = 0; cmd->opts && cmd->opts[k].name; k++) {
            const char *al = alias_of (cmd->opts[k].name);
            size_t l = al ? strlen (al) : 0;
            if (al && argv[i][0] == '-' && !strncmp (argv[i] + 1, al, l)
                && (argv[i][1 + l] == '\0' || argv[i][1 + l] == '=')) {
                char *s;
                if (asprintf (&s, "--%s%s", cmd->opts[k].name,
                              argv[i] + 1 + l) < 0) {
                    free (nv);
                    return NULL;
                }
                a->owned[a->nowned++] = s;
                argv[i] = s;
                break;
            }
        }
        nv[n++] = argv[i];
        if (i == 0 || !(o = which_opt (cmd, argv[i], &inl)) || !o->has_arg)
            continue;
        if (!inl && i + 1 < *argc)
            nv[n++] = argv[++i];
        if (o->has_arg != OPT_MULTI)
            continue;
        while (i + 1 < *argc && argv[i + 1][0] != '-') {
            char *s;
            if (asprintf (&s, "--%s", o->name) < 0) {
                free (nv);
                return NULL;
            }
            a->owned[a->nowned++] = s;
            nv[n++] = s;
            nv[n++] = argv[++i];
        }
    }
    *argc = n;
    return nv;
}

void args_free (struct args *a)
{
    for (int i = 0; i < a->nowned; i++)
        free (a->owned[i]);
    free (a->owned);
    for (int i = 0; i < MAX_OPTS; i++)
        free ((void *)a->multi[i]);
    free (a->argv);
    memset (a, 0, sizeof (*a));
}

int parse_args (const struct cmd *cmd, int argc, char **argv, struct args *a)
{
    struct option longopts[MAX_OPTS + 2];
    char shortopts[MAX_OPTS * 2 + 4] = "h";
    int n = 0, c;

    memset (a, 0, sizeof (*a));
    a->cmd = cmd;
    if (!(argv = expand_argv (cmd, &argc, argv, a)))
        return fail ("out of memory");
    a->argv = argv;
    for (; cmd->opts && cmd->opts[n].name; n++) {
        const struct optdef *o = &cmd->opts[n];
        longopts[n] = (struct option){ o->name, o->has_arg ? 1 : 0, NULL,
                                       256 + n };
        if (o->shortopt) {
            size_t l = strlen (shortopts);
            shortopts[l] = (char)o->shortopt;
            shortopts[l + 1] = o->has_arg ? ':' : '\0';
            shortopts[l + 2] = '\0';
        }
    }
    longopts[n] = (struct option){ "help", 0, NULL, 'h' };
    longopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
    /* Negative numbers ("-1" resets a field) must reach options as values,
     * and a bare "--" ends options; getopt handles both. */
    optind = 0;
    opterr = 0;
    while ((c = getopt_long (argc, argv, shortopts, longopts, NULL)) != -1) {
        int idx = -1;
        if (c == 'h') {
            print_cmd_help (stdout, cmd);
            exit (EXIT_OK);
        }
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            if (optopt && optopt < 256)
                return usage_error ("%s: %s option -%c (see 'flux-account %s "
                                    "--help')", cmd->name,
                                    c == ':' ? "missing value for" : "unknown",
                                    optopt, cmd->name);
            return usage_error ("%s: unknown or incomplete option %s (see "
                                "'flux-account %s --help')", cmd->name, bad,
                                cmd->name);
        }
        if (c >= 256)
            idx = c - 256;
        else
            for (int i = 0; i < n; i++)
                if (cmd->opts[i].shortopt == c)
                    idx = i;
        if (idx < 0)
            return usage_error ("%s: unknown option", cmd->name);
        a->given[idx] = 1;
        a->val[idx] = optarg;
        if (cmd->opts[idx].has_arg == OPT_MULTI) {
            const char **m = realloc (a->multi[idx], sizeof (*m)
                                      * (size_t)(a->nmulti[idx] + 2));
            if (!m)
                return fail ("out of memory");
            m[a->nmulti[idx]++] = optarg;
            m[a->nmulti[idx]] = NULL;
            a->multi[idx] = m;
        }
    }
    a->pos = argv + optind;
    a->npos = argc - optind;
    if (a->npos < cmd->min_pos
        || (cmd->max_pos >= 0 && a->npos > cmd->max_pos))
        return usage_error ("%s: expected %s%s (see 'flux-account %s --help')",
                            cmd->name, cmd->max_pos == 0 ? "no arguments"
                                                         : "arguments ",
                            cmd->max_pos == 0 ? "" : cmd->usage, cmd->name);
    return 0;
}

int config_value (const char *key, const char *value, char *buf,
                  size_t len, const char **out)
{
    double v;
    int bare;

    *out = value;
    if (strcmp (key, "priority_decay_half_life") != 0
        && strcmp (key, "priority_usage_reset_period") != 0)
        return 0;
    if ((bare = weeks_to_seconds (value, &v)) < 0)
        return usage_error ("invalid value for %s: '%s' (a bare number is "
                            "weeks: finite, decimal, no spaces)", key, value);
    if (bare) {
        fa_fmt_double (buf, len, v, FA_FMT_ROUNDTRIP);
        *out = buf;
    }
    return 0;
}
