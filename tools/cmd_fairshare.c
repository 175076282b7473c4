/* flux-account - fair-share commands: update-fshare, fairshare-emulate,
 * shares (an sshare-like view), bank-info (flux-accounting's view of the
 * same numbers) and explain-fairshare. */
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cli.h"

static int cmd_update_fshare (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;
    int64_t n = 0;
    (void)a;

    if (fluxacct_fairshare_update (ctx->db, &n, &error) < 0)
        return fail_error (&error);
    if (ctx->verbose)
        fprintf (stderr, "flux-account: update-fshare: %lld associations "
                 "changed\n", (long long)n);
    return 0;
}

/* ---- fairshare-emulate ---------------------------------------------- */

static int emulate_fail (const fluxacct_error_t *error)
{
    fprintf (stderr, "fairshare-emulate: %s\n", error->text);
    return EXIT_FAIL;
}

static void fs_text (double fs, char *buf, size_t len)
{
    fmt_double (round (fs * 1e6) / 1e6, buf, len);
}

static int emulate_format (struct ctx *ctx, fluxacct_fstree_t *t, int n,
                           const char *fmt)
{
    static const char *keys[] = { "username", "bank", "shares", "usage",
                                  "fairshare", NULL };
    for (int i = 0; i < n; i++) {
        fluxacct_fsnode_t u;
        fluxacct_error_t error;
        const char *p = fmt;
        if (fluxacct_fstree_user (t, i, &u, &error) < 0)
            return emulate_fail (&error);
        while (*p) {
            const char *end;
            char key[64], buf[64];
            if (*p != '{' || !(end = strchr (p, '}'))) {
                fputc (*p++, ctx->out);
                continue;
            }
            snprintf (key, sizeof (key), "%.*s", (int)(end - p - 1), p + 1);
            int k;
            for (k = 0; keys[k] && strcmp (keys[k], key); k++)
                ;
            switch (k) {
                case 0: fputs (u.name, ctx->out); break;
                case 1: fputs (u.bank, ctx->out); break;
                case 2: fprintf (ctx->out, "%llu", (unsigned long long)u.shares);
                        break;
                case 3: fmt_double (u.usage, buf, sizeof (buf));
                        fputs (buf, ctx->out); break;
                case 4: fs_text (u.fairshare, buf, sizeof (buf));
                        fputs (buf, ctx->out); break;
                default:
                    fprintf (stderr, "fairshare-emulate: ValueError: Invalid "
                             "format string key: %s\n", key);
                    return EXIT_FAIL;
            }
            p = end + 1;
        }
        fputc ('\n', ctx->out);
    }
    return 0;
}

static int emulate_table (struct ctx *ctx, fluxacct_fstree_t *t, int n)
{
    static const char *const hdr[] = { "Username", "Bank", "Shares", "Usage",
                                       "FairShare" };
    char **cells = calloc ((size_t)n * 5 + 1, sizeof (char *));
    int rc = cells ? 0 : fail ("out of memory");

    for (int i = 0; i < n && rc == 0; i++) {
        fluxacct_fsnode_t u;
        fluxacct_error_t error;
        char buf[64], **row = cells + (size_t)i * 5;
        if (fluxacct_fstree_user (t, i, &u, &error) < 0) {
            rc = emulate_fail (&error);
            break;
        }
        row[0] = strdup (u.name);
        row[1] = strdup (u.bank);
        snprintf (buf, sizeof (buf), "%llu", (unsigned long long)u.shares);
        row[2] = strdup (buf);
        fmt_double (round (u.usage * 100) / 100, buf, sizeof (buf));
        row[3] = strdup (buf);
        fs_text (u.fairshare, buf, sizeof (buf));
        row[4] = strdup (buf);
        for (int c = 0; c < 5 && rc == 0; c++)
            if (!row[c])
                rc = fail ("out of memory");
    }
    if (rc == 0 && print_text_table (ctx->out, 5, hdr, (size_t)n, cells) < 0)
        rc = fail ("out of memory");
    for (size_t k = 0; cells && k < (size_t)n * 5; k++)
        free (cells[k]);
    free (cells);
    return rc;
}

static int cmd_fairshare_emulate (struct ctx *ctx, struct args *a)
{
    const char *input = arg_str (a, "input");
    fluxacct_error_t error;
    fluxacct_fstree_t *t;
    int n, rc;

    if (!input)
        return usage_error ("fairshare-emulate: -i/--input FILE is required");
    if (!(t = fluxacct_fstree_load_json_file (input, &error)))
        return emulate_fail (&error);
    if (fluxacct_fstree_compute (t, &error) < 0
        || (n = fluxacct_fstree_user_count (t, &error)) < 0) {
        fluxacct_fstree_destroy (t);
        return emulate_fail (&error);
    }
    if (arg_flag (a, "json")) {
        char *s = fluxacct_fstree_results_json (t, &error);
        rc = s ? (fprintf (ctx->out, "%s\n", s), 0) : emulate_fail (&error);
        free (s);
    }
    else if (arg_flag (a, "parsable"))
        rc = emulate_format (ctx, t, n,
                             "{username}|{bank}|{shares}|{usage}|{fairshare}");
    else if (arg_str (a, "format"))
        rc = emulate_format (ctx, t, n, arg_str (a, "format"));
    else
        rc = emulate_table (ctx, t, n);
    fluxacct_fstree_destroy (t);
    return rc;
}

/* ---- shares --------------------------------------------------------- */

static fluxacct_fstree_t *db_tree (struct ctx *ctx, int *n)
{
    fluxacct_error_t error;
    fluxacct_fstree_t *t = fluxacct_fstree_from_db (ctx->db, &error);

    if (!t || fluxacct_fstree_compute (t, &error) < 0
        || (*n = fluxacct_fstree_node_count (t, &error)) < 0) {
        fail_error (&error);
        fluxacct_fstree_destroy (t);
        return NULL;
    }
    return t;
}

static void num (char *buf, size_t len, double v, int raw)
{
    if (isinf (v))
        snprintf (buf, len, "inf");
    else if (isnan (v))
        snprintf (buf, len, "%s", "");
    else if (raw)
        fmt_double (v, buf, len);
    else
        fa_fmt_double (buf, len, v, FA_FMT_FIXED6);
}

/* Print s as a JSON string (names hold no control characters: the library
 * refuses them). */
static void json_str (FILE *f, const char *s)
{
    fputc ('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc ('\\', f);
        fputc (*s, f);
    }
    fputc ('"', f);
}

/* Is node i on the path to a user matching the filters (or one itself)? */
static int shown (fluxacct_fstree_t *t, int i, const char *user,
                  const char *bank)
{
    fluxacct_fsnode_t info;
    if (!user && !bank)
        return 1;
    if (fluxacct_fstree_node (t, i, &info, NULL) < 0)
        return 0;
    if (info.type == FLUXACCT_FSNODE_USER)
        return (!user || !strcmp (info.name, user))
               && (!bank || !strcmp (info.bank, bank));
    int n = fluxacct_fstree_node_count (t, NULL);
    for (int k = i + 1; k < n; k++) {
        fluxacct_fsnode_t c;
        if (fluxacct_fstree_node (t, k, &c, NULL) < 0 || c.depth <= info.depth)
            break;
        if (c.type == FLUXACCT_FSNODE_USER && shown (t, k, user, bank))
            return 1;
    }
    return bank && !user && !strcmp (info.name, bank);
}

static int cmd_shares (struct ctx *ctx, struct args *a)
{
    static const char *cols[] = { "Account", "User", "RawShares",
                                  "NormShares", "RawUsage", "NormUsage",
                                  "EffectvUsage", "FairShare", "LevelFS" };
    const char *user = arg_str (a, "user"), *bank = arg_str (a, "bank");
    int json = arg_flag (a, "json"), parsable = arg_flag (a, "parsable");
    fluxacct_fstree_t *t;
    int n, first = 1;

    if (json && parsable)
        return usage_error ("--json and --parsable are mutually exclusive");
    if (!(t = db_tree (ctx, &n)))
        return EXIT_FAIL;
    if (json)
        fputs ("[", ctx->out);
    else if (parsable)
        fprintf (ctx->out, "Account|User|RawShares|NormShares|RawUsage|"
                 "NormUsage|EffectvUsage|FairShare|LevelFS\n");
    else {
        fprintf (ctx->out, "%-20s %-10s %10s %11s %14s %11s %13s %10s %10s\n",
                 cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6],
                 cols[7], cols[8]);
        fprintf (ctx->out, "-------------------- ---------- ---------- "
                 "----------- -------------- ----------- ------------- "
                 "---------- ----------\n");
    }
    for (int i = 0; i < n; i++) {
        fluxacct_fsnode_t d;
        char ns[32], ru[32], nu[32], eu[32], fs[32], lf[32], acct[300];
        if (fluxacct_fstree_node (t, i, &d, NULL) < 0 || !shown (t, i, user,
                                                                 bank))
            continue;
        int isuser = d.type == FLUXACCT_FSNODE_USER;
        int raw = json || parsable;
        num (ns, sizeof (ns), d.norm_shares, raw);
        num (ru, sizeof (ru), d.usage, raw);
        num (nu, sizeof (nu), d.norm_usage, raw);
        num (eu, sizeof (eu), d.level_usage, raw);
        num (fs, sizeof (fs), isuser ? d.fairshare : NAN, raw);
        num (lf, sizeof (lf), d.weight, raw);
        const char *account = isuser ? d.bank : d.name;
        if (json) {
            fprintf (ctx->out, "%s\n  {\"Account\": ", first ? "" : ",");
            json_str (ctx->out, account);
            fputs (", \"User\": ", ctx->out);
            json_str (ctx->out, isuser ? d.name : "");
            fprintf (ctx->out, ", \"RawShares\": %llu, \"NormShares\": %s, "
                     "\"RawUsage\": %s, \"NormUsage\": %s, \"EffectvUsage\": "
                     "%s, \"FairShare\": %s, \"LevelFS\": %s}",
                     (unsigned long long)d.shares, ns, ru, nu, eu,
                     isuser ? fs : "null", isinf (d.weight) ? "\"inf\"" : lf);
        }
        else if (parsable)
            fprintf (ctx->out, "%s|%s|%llu|%s|%s|%s|%s|%s|%s\n", account,
                     isuser ? d.name : "", (unsigned long long)d.shares, ns, ru,
                     nu, eu, fs, lf);
        else {
            snprintf (acct, sizeof (acct), "%*s%s", d.depth, "", account);
            fprintf (ctx->out, "%-20s %-10s %10llu %11s %14s %11s %13s %10s "
                     "%10s\n", acct, isuser ? d.name : "",
                     (unsigned long long)d.shares, ns, ru, nu, eu, fs, lf);
        }
        first = 0;
    }
    if (json)
        fputs (first ? "]\n" : "\n]\n", ctx->out);
    fluxacct_fstree_destroy (t);
    return 0;
}

/* ---- explain-fairshare ---------------------------------------------- */

static const char *ordinal (int k, char *buf, size_t len)
{
    const char *suf = (k % 100 >= 11 && k % 100 <= 13) ? "th"
                      : k % 10 == 1 ? "st" : k % 10 == 2 ? "nd"
                      : k % 10 == 3 ? "rd" : "th";
    snprintf (buf, len, "%d%s", k, suf);
    return buf;
}

static void wtext (double w, char *buf, size_t len)
{
    if (isinf (w))
        snprintf (buf, len, "inf (no usage yet)");
    else
        fa_fmt_double (buf, len, w, FA_FMT_SIG6);
}

/* Print the level of node `idx`: it and its siblings in sorted order. */
static void explain_level (struct ctx *ctx, fluxacct_fstree_t *t, int idx,
                           int n)
{
    fluxacct_fsnode_t me, sib, parent;
    int count, ahead = -1;
    char buf[64], ord[16];

    fluxacct_fstree_node (t, idx, &me, NULL);
    fluxacct_fstree_node (t, me.parent, &parent, NULL);
    count = me.siblings;
    fprintf (ctx->out, "\nlevel %d: %s among the %d children of bank %s\n",
             me.depth, me.name, count, parent.name);
    fprintf (ctx->out, "  %3s  %-20s %-4s %8s %12s %14s %12s %s\n", "pos",
             "name", "type", "shares", "share of lvl", "usage",
             "usage of lvl", "weight = share / usage");
    for (int pos = 0; pos < count; pos++)
        for (int k = 0; k < n; k++) {
            if (fluxacct_fstree_node (t, k, &sib, NULL) < 0
                || sib.parent != me.parent || sib.position != pos)
                continue;
            wtext (sib.weight, buf, sizeof (buf));
            fprintf (ctx->out, "%s %3d  %-20s %-4s %8llu %12.6f %14.6g %12.6f "
                     "%s\n", k == idx ? ">" : " ", pos + 1, sib.name,
                     sib.type == FLUXACCT_FSNODE_USER ? "user" : "bank",
                     (unsigned long long)sib.shares, sib.level_shares,
                     sib.usage, sib.level_usage, buf);
            if (pos == me.position - 1)
                ahead = k;
        }
    if (me.position == 0)
        fprintf (ctx->out, "  %s is 1st of %d: no sibling is ahead of it\n",
                 me.name, count);
    else if (ahead >= 0) {
        char w1[64], w2[64];
        fluxacct_fstree_node (t, ahead, &sib, NULL);
        wtext (sib.weight, w1, sizeof (w1));
        wtext (me.weight, w2, sizeof (w2));
        fprintf (ctx->out, "  %s is %s of %d: %s is ahead (weight %s vs %s)\n",
                 me.name, ordinal (me.position + 1, ord, sizeof (ord)), count,
                 sib.name, w1, w2);
    }
}

static int cmd_explain_fairshare (struct ctx *ctx, struct args *a)
{
    const char *user = a->pos[0], *bank = arg_str (a, "bank");
    fluxacct_error_t error;
    fluxacct_fstree_t *t;
    fluxacct_rows_t *r;
    char *def = NULL;
    int n, idx, path[256], depth = 0, nusers;
    char fsv[32];

    if (!bank) {
        if (!(r = fluxacct_assoc_view (ctx->db, user, "default_bank", &error)))
            return fail_error (&error);
        def = strdup (fluxacct_rows_text (r, 0, 0));
        fluxacct_rows_destroy (r);
        bank = def;
    }
    if (!(t = db_tree (ctx, &n))) {
        free (def);
        return EXIT_FAIL;
    }
    if ((idx = fluxacct_fstree_find_user (t, user, bank, &error)) < 0) {
        int rc = fail ("%s has no active association in bank %s (disabled "
                       "associations and banks are not in the fair-share "
                       "tree)", user, bank);
        fluxacct_fstree_destroy (t);
        free (def);
        return rc;
    }
    fluxacct_fsnode_t me;
    fluxacct_fstree_node (t, idx, &me, NULL);
    nusers = fluxacct_fstree_user_count (t, NULL);
    fa_fmt_double (fsv, sizeof (fsv), me.fairshare, FA_FMT_FIXED6);
    fprintf (ctx->out, "%s in bank %s: fair-share %s = rank %d / %d users%s\n",
             user, bank, fsv, me.rank, nusers,
             me.tied > 1 ? " (tied)" : "");
    fprintf (ctx->out, "Users are ranked by a depth-first walk of the tree, "
             "children in order of weight (share of their level / usage of "
             "their level, higher first); the first user gets rank %d, each "
             "next one rank - 1; tied users share a rank.\n", nusers);
    for (int k = idx; k > 0 && depth < 256; ) {
        fluxacct_fsnode_t node;
        fluxacct_fstree_node (t, k, &node, NULL);
        path[depth++] = k;
        k = node.parent;
    }
    while (depth > 0)
        explain_level (ctx, t, path[--depth], n);
    fluxacct_fstree_destroy (t);
    free (def);
    return 0;
}


/* ---- bank-info ------------------------------------------------------ */

struct binfo {
    fluxacct_fstree_t *t;
    fluxacct_fsnode_t *nodes;
    int n;
    char *show;        /* nodes to print */
    int *order;        /* depth-first, children by name */
};

static int name_cmp (const void *a, const void *b, void *arg)
{
    const fluxacct_fsnode_t *nodes = arg;
    return strcmp (nodes[*(const int *)a].name, nodes[*(const int *)b].name);
}

/* bi->order: the nodes depth first from the root, each node's children
 * sorted by name (an explicit stack: no recursion on the tree). */
static int binfo_order (struct binfo *bi)
{
    int *stack = malloc (sizeof (int) * (size_t)bi->n);
    int *kids = malloc (sizeof (int) * (size_t)bi->n);
    int sp = 0, k = 0;

    if (!stack || !kids) {
        free (stack);
        free (kids);
        return -1;
    }
    stack[sp++] = 0;
    while (sp > 0) {
        int i = stack[--sp], nk = 0;
        bi->order[k++] = i;
        for (int c = 0; c < bi->n; c++)
            if (bi->nodes[c].parent == i)
                kids[nk++] = c;
        qsort_r (kids, (size_t)nk, sizeof (int), name_cmp, bi->nodes);
        while (nk > 0)          /* push in reverse: the first pops first */
            stack[sp++] = kids[--nk];
    }
    free (stack);
    free (kids);
    return 0;
}

/* Is node i inside the subtree of node top (top included)? */
static int in_subtree (const struct binfo *bi, int i, int top)
{
    for (; i >= 0; i = bi->nodes[i].parent)
        if (i == top)
            return 1;
    return 0;
}

static int find_bank (const struct binfo *bi, const char *name)
{
    for (int i = 0; i < bi->n; i++)
        if (bi->nodes[i].type == FLUXACCT_FSNODE_BANK
            && !strcmp (bi->nodes[i].name, name))
            return i;
    return -1;
}

static void binfo_row (struct ctx *ctx, const fluxacct_fsnode_t *d,
                       int verbose, int parsable, const char *star)
{
    int isuser = d->type == FLUXACCT_FSNODE_USER;
    char name[300], fs[32], ns[32], us[32], nu[32];

    snprintf (name, sizeof (name), "%*s%s%s", d->depth, "", d->name,
              star ? star : "");
    if (d->parent < 0)
        snprintf (fs, sizeof (fs), "inf");
    else if (!isuser)
        snprintf (fs, sizeof (fs), "--");
    else
        fa_fmt_double (fs, sizeof (fs), d->fairshare,
                       verbose && parsable ? FA_FMT_FIXED6 : FA_FMT_FIXED3);
    fa_fmt_double (ns, sizeof (ns), d->norm_shares, FA_FMT_FIXED6);
    fa_fmt_double (us, sizeof (us), d->usage, FA_FMT_FIXED1);
    fa_fmt_double (nu, sizeof (nu), d->norm_usage, FA_FMT_FIXED6);
    if (parsable && verbose)
        fprintf (ctx->out, "%s|%llu|%s|%s|%s|%s|%s\n", name,
                 (unsigned long long)d->shares, ns, us, nu, fs,
                 isuser ? "user" : "bank");
    else if (parsable)
        fprintf (ctx->out, "%s|%llu|%s|%s|%s\n", name,
                 (unsigned long long)d->shares, ns, nu, fs);
    else if (verbose)
        fprintf (ctx->out, "%-20s %10llu %12s %13s %12s %10s %5s\n", name,
                 (unsigned long long)d->shares, ns, us, nu, fs,
                 isuser ? "user" : "bank");
    else
        fprintf (ctx->out, "%-20s %10llu %12s %12s %10s\n", name,
                 (unsigned long long)d->shares, ns, nu, fs);
}

/* The user's default bank, malloc'd, or NULL. */
static char *user_default_bank (struct ctx *ctx, const char *user)
{
    fluxacct_rows_t *r = fluxacct_assoc_view (ctx->db, user, "default_bank",
                                              NULL);
    char *s = NULL;

    if (r && fluxacct_rows_count (r) > 0 && fluxacct_rows_text (r, 0, 0))
        s = strdup (fluxacct_rows_text (r, 0, 0));
    fluxacct_rows_destroy (r);
    return s;
}

static int cmd_bank_info (struct ctx *ctx, struct args *a)
{
    static const char *modes[] = { "tree", "tree-no-users", "to-root",
                                   "user" };
    const char *target = NULL, *mode = NULL, *exclude = arg_str (a, "exclude");
    int verbose = arg_flag (a, "verbose"), parsable = arg_flag (a, "parsable");
    struct binfo bi = { 0 };
    char *defbank = NULL, *me = NULL;
    int top = -1, ex = -1, rc = EXIT_FAIL, found = 0;

    for (size_t i = 0; i < sizeof (modes) / sizeof (modes[0]); i++) {
        if (!arg_str (a, modes[i]))
            continue;
        if (mode)
            return usage_error ("bank-info: --%s and --%s are mutually "
                                "exclusive", mode, modes[i]);
        mode = modes[i];
        target = arg_str (a, modes[i]);
    }
    if (!mode) {
        /* flux-accounting asks the service for its own user; the caller is
         * who is meant. */
        struct passwd *pw = getpwuid (getuid ());
        if (!pw)
            return fail ("bank-info: uid %u has no user name; give -u USER",
                         (unsigned)getuid ());
        mode = "user";
        target = me = strdup (pw->pw_name);
    }
    if (!(bi.t = db_tree (ctx, &bi.n)))
        goto done;
    bi.nodes = calloc ((size_t)bi.n, sizeof (*bi.nodes));
    bi.show = calloc ((size_t)bi.n, 1);
    bi.order = calloc ((size_t)bi.n, sizeof (int));
    if (!bi.nodes || !bi.show || !bi.order) {
        rc = fail ("out of memory");
        goto done;
    }
    for (int i = 0; i < bi.n; i++)
        fluxacct_fstree_node (bi.t, i, &bi.nodes[i], NULL);
    if (binfo_order (&bi) < 0) {
        rc = fail ("out of memory");
        goto done;
    }
    if (exclude && (ex = find_bank (&bi, exclude)) < 0) {
        rc = fail ("Could not find \"%s\"", exclude);
        goto done;
    }
    if (!strcmp (mode, "user")) {
        defbank = user_default_bank (ctx, target);
        for (int i = 0; i < bi.n; i++) {
            if (bi.nodes[i].type != FLUXACCT_FSNODE_USER
                || strcmp (bi.nodes[i].name, target) != 0)
                continue;
            found = 1;
            if (ex >= 0 && in_subtree (&bi, i, ex))
                continue;
            for (int k = i; k >= 0; k = bi.nodes[k].parent)
                bi.show[k] = 1;
        }
    }
    else {
        if ((top = find_bank (&bi, target)) >= 0) {
            found = 1;
            for (int i = 0; i < bi.n; i++) {
                if (!strcmp (mode, "to-root"))
                    bi.show[i] = in_subtree (&bi, top, i)
                                 && !(ex >= 0 && in_subtree (&bi, top, ex));
                else
                    bi.show[i] = in_subtree (&bi, i, top)
                                 && !(ex >= 0 && in_subtree (&bi, i, ex))
                                 && !(!strcmp (mode, "tree-no-users")
                                      && bi.nodes[i].type
                                             == FLUXACCT_FSNODE_USER);
            }
        }
    }
    if (!found) {
        rc = fail ("Could not find \"%s\"", target);
        goto done;
    }
    if (!arg_flag (a, "noheader")) {
        if (parsable)
            fprintf (ctx->out, verbose ? "Name|Shares|Norm_Shares|Usage|"
                                         "Norm_Usage|Norm_FS|Type\n"
                                       : "Name|Shares|Norm_Shares|Norm_Usage|"
                                         "Norm_FS\n");
        else if (verbose)
            fprintf (ctx->out, "%-20s %10s %12s %13s %12s %10s %5s\n", "Name",
                     "Shares", "Norm Shares", "Usage", "Norm Usage",
                     "Level FS", "Type");
        else
            fprintf (ctx->out, "%-20s %10s %12s %12s %10s\n", "Name",
                     "Shares", "Norm Shares", "Norm Usage", "Level FS");
    }
    for (int k = 0; k < bi.n; k++) {
        const fluxacct_fsnode_t *d = &bi.nodes[bi.order[k]];
        if (!bi.show[bi.order[k]])
            continue;
        binfo_row (ctx, d, verbose, parsable,
                   defbank && d->type == FLUXACCT_FSNODE_BANK
                           && !strcmp (d->name, defbank) ? "*" : NULL);
    }
    rc = 0;
done:
    free (bi.nodes);
    free (bi.show);
    free (bi.order);
    fluxacct_fstree_destroy (bi.t);
    free (defbank);
    free (me);
    return rc;
}

static const struct optdef no_opts[] = { { NULL } };
static const struct optdef bank_info_opts[] = {
    { "tree", 't', 1, "BANK", "BANK and everything under it, children by name" },
    { "tree-no-users", 'T', 1, "BANK", "as --tree, banks only" },
    { "to-root", 'r', 1, "BANK", "the path from the root bank to BANK" },
    { "user", 'u', 1, "USER", "the paths from the root to each of USER's associations (default: the caller)" },
    { "exclude", 'x', 1, "BANK", "leave out BANK's subtree (and paths through it)" },
    { "verbose", 'v', 0, NULL, "also print raw usage and each row's type" },
    { "parsable", 'P', 0, NULL, "print '|'-separated rows" },
    { "noheader", 'n', 0, NULL, "no header line" },
    { NULL },
};
static const struct optdef emulate_opts[] = {
    { "input", 'i', 1, "FILE", "the tree as JSON: {\"root\": {\"bank\", \"shares\", \"usage\", \"children\": [...]}}" },
    { "json", 'j', 0, NULL, "print a JSON list of {username, bank, shares, usage, fairshare}" },
    { "parsable", 'P', 0, NULL, "print username|bank|shares|usage|fairshare lines" },
    { "format", 'o', 1, "FMT", "print each user with FMT ({username} {bank} {shares} {usage} {fairshare})" },
    { NULL },
};
static const struct optdef shares_opts[] = {
    { "user", 'u', 1, "USER", "only USER's associations (and their banks)" },
    { "bank", 'B', 1, "BANK", "only associations of BANK" },
    { "json", 'j', 0, NULL, "print rows as a JSON array of objects" },
    { "parsable", 'P', 0, NULL, "print '|'-separated rows with a header" },
    { NULL },
};
static const struct optdef explain_opts[] = {
    { "bank", 'B', 1, "BANK", "the association in BANK (default: the user's default bank)" },
    { NULL },
};

const struct cmd fairshare_cmds[] = {
    { "update-fshare", cmd_update_fshare, CMD_WRITE, NULL, 0, 0,
      "Compute fair-share over the bank tree and store it per association.",
      no_opts },
    { "fairshare-emulate", cmd_fairshare_emulate, CMD_NODB, NULL, 0, 0,
      "Compute fair-share for a tree given as JSON (no database).",
      emulate_opts },
    { "shares", cmd_shares, CMD_READ, NULL, 0, 0,
      "Show shares, usage and fair-share per bank and user (like sshare -l).",
      shares_opts },
    { "bank-info", cmd_bank_info, CMD_READ, NULL, 0, 0,
      "Normalised shares, usage and fair-share along the bank tree (as "
      "flux-accounting prints them).", bank_info_opts },
    { "explain-fairshare", cmd_explain_fairshare, CMD_READ, "USER", 1, 1,
      "Explain a user's fair-share: its path, weights and positions.",
      explain_opts },
    { NULL },
};
