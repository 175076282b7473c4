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

/* Node `i` (node_at) or user `i` (user_at) of a computed tree, into an
 * info struct of the current version. */
static int node_at (const fluxacct_fstree_t *t, int i,
                    fluxacct_fstree_node_t *info, fluxacct_error_t *error)
{
    fluxacct_fstree_node_init (info, FLUXACCT_FSTREE_NODE_VERSION);
    return fluxacct_fstree_node (t, i, info, error);
}

static int user_at (const fluxacct_fstree_t *t, int i,
                    fluxacct_fstree_node_t *info, fluxacct_error_t *error)
{
    fluxacct_fstree_node_init (info, FLUXACCT_FSTREE_NODE_VERSION);
    return fluxacct_fstree_user (t, i, info, error);
}

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

static const struct cellcol emulate_cols[] = {
    { "username", "Username", 0, 0 }, { "bank", "Bank", 0, 0 },
    { "shares", "Shares", 0, 0 }, { "usage", "Usage", 0, 0 },
    { "fairshare", "FairShare", 0, 0 },
};

/* The users' rows: the table rounds usage to 2 places, fair-share (as
 * every output) to 6. */
static struct celltab *emulate_cells (fluxacct_fstree_t *t, int n,
                                      fluxacct_error_t *error)
{
    struct celltab *ct = ct_create (5, emulate_cols);

    if (!ct) {
        snprintf (error->text, sizeof (error->text), "out of memory");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        fluxacct_fstree_node_t u;
        char text[64], raw[64];
        double fs;
        if (user_at (t, i, &u, error) < 0) {
            ct_destroy (ct);
            return NULL;
        }
        ct_add_row (ct);
        ct_text (ct, 0, u.name, NULL);
        ct_text (ct, 1, u.bank, NULL);
        ct_int (ct, 2, (int64_t)u.shares);
        fmt_double (round (u.usage * 100) / 100, text, sizeof (text));
        fmt_double (u.usage, raw, sizeof (raw));
        ct_set (ct, 3, FLUXACCT_TYPE_REAL, text, raw, 0, u.usage);
        fs = round (u.fairshare * 1e6) / 1e6;
        fmt_double (fs, text, sizeof (text));
        ct_set (ct, 4, FLUXACCT_TYPE_REAL, text, NULL, 0, fs);
    }
    return ct;
}

/* fmt (-o or -P) checked the one way every -o is (format.c), with
 * flux-accounting's message and exit status (1) for a bad string or a
 * field that is not a column; 0 when it is good. */
static int emulate_check_format (const char *fmt)
{
    char why[256];
    struct format *fm = format_parse (fmt, why, sizeof (why));
    int rc = 0;

    if (!fm) {
        fprintf (stderr, "fairshare-emulate: ValueError: %s\n", why);
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < fm->n && rc == 0; i++) {
        size_t c = 0;
        if (fm->items[i].kind != FORMAT_FIELD)
            continue;
        while (c < 5 && strcmp (emulate_cols[c].name, fm->items[i].text))
            c++;
        if (c == 5) {
            fprintf (stderr, "fairshare-emulate: ValueError: Invalid format "
                     "string key: %s\n", fm->items[i].text);
            rc = EXIT_FAIL;
        }
    }
    format_destroy (fm);
    return rc;
}

static int cmd_fairshare_emulate (struct ctx *ctx, struct args *a)
{
    const char *input = arg_str (a, "input");
    struct outopts o = { .mode = OUT_TABLE };
    fluxacct_error_t error;
    fluxacct_fstree_t *t;
    struct celltab *ct;
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
    /* As flux-accounting: -j wins over -P, -P over -o; -j is the
     * library's Python-compatible JSON, -P and -o print no header. */
    if (arg_flag (a, "json")) {
        char *s = fluxacct_fstree_results_json (t, &error);
        rc = s ? (fprintf (ctx->out, "%s\n", s), 0) : emulate_fail (&error);
        free (s);
        fluxacct_fstree_destroy (t);
        return rc;
    }
    if (arg_flag (a, "parsable") || arg_str (a, "format")) {
        o.mode = OUT_FORMAT;
        o.format = arg_flag (a, "parsable")
                       ? "{username}|{bank}|{shares}|{usage}|{fairshare}"
                       : arg_str (a, "format");
        if ((rc = emulate_check_format (o.format)) != 0) {
            fluxacct_fstree_destroy (t);
            return rc;
        }
    }
    if (!(ct = emulate_cells (t, n, &error))) {
        fluxacct_fstree_destroy (t);
        return emulate_fail (&error);
    }
    ct->noheader = o.mode == OUT_FORMAT;
    rc = print_cells (ctx, ct, &o);
    ct_destroy (ct);
    fluxacct_fstree_destroy (t);
    return rc;
}

/* ---- shares --------------------------------------------------------- */

static fluxacct_fstree_t *db_tree (struct ctx *ctx, int *n)
{
    fluxacct_error_t error;
    fluxacct_fstree_t *t = fluxacct_fairshare_tree (ctx->db, &error);

    if (!t || fluxacct_fstree_compute (t, &error) < 0
        || (*n = fluxacct_fstree_node_count (t, &error)) < 0) {
        fail_error (&error);
        fluxacct_fstree_destroy (t);
        return NULL;
    }
    return t;
}

/* A shares number: empty and null when not a number. */
static void shares_num (struct celltab *t, size_t col, double v)
{
    if (isnan (v))
        ct_null (t, col);
    else
        ct_real (t, col, v, FA_FMT_FIXED6, FA_FMT_REPR);
}

/* Is node i on the path to a user matching the filters (or one itself)? */
static int shown (fluxacct_fstree_t *t, int i, const char *user,
                  const char *bank)
{
    fluxacct_fstree_node_t info;
    if (!user && !bank)
        return 1;
    if (node_at (t, i, &info, NULL) < 0)
        return 0;
    if (info.type == FLUXACCT_FSTREE_USER)
        return (!user || !strcmp (info.name, user))
               && (!bank || !strcmp (info.bank, bank));
    int n = fluxacct_fstree_node_count (t, NULL);
    for (int k = i + 1; k < n; k++) {
        fluxacct_fstree_node_t c;
        if (node_at (t, k, &c, NULL) < 0 || c.depth <= info.depth)
            break;
        if (c.type == FLUXACCT_FSTREE_USER && shown (t, k, user, bank))
            return 1;
    }
    return bank && !user && !strcmp (info.name, bank);
}

static const struct cellcol shares_cols[] = {
    { "Account", NULL, -20, 0 }, { "User", NULL, -10, 0 },
    { "RawShares", NULL, 10, 0 }, { "NormShares", NULL, 11, 0 },
    { "RawUsage", NULL, 14, 0 }, { "NormUsage", NULL, 11, 0 },
    { "EffectvUsage", NULL, 13, 0 }, { "FairShare", NULL, 10, 0 },
    { "LevelFS", NULL, 10, 0 },
};

/* Row of node d: the table indents the account by its depth. */
static void shares_row (struct celltab *t, const fluxacct_fstree_node_t *d)
{
    int isuser = d->type == FLUXACCT_FSTREE_USER;
    const char *account = isuser ? d->bank : d->name;
    char acct[300];

    snprintf (acct, sizeof (acct), "%*s%s", d->depth, "", account);
    ct_add_row (t);
    ct_text (t, 0, acct, account);
    ct_text (t, 1, isuser ? d->name : "", NULL);
    ct_int (t, 2, (int64_t)d->shares);
    shares_num (t, 3, d->norm_shares);
    shares_num (t, 4, d->usage);
    shares_num (t, 5, d->norm_usage);
    shares_num (t, 6, d->level_usage);
    shares_num (t, 7, isuser ? d->fairshare : NAN);
    if (isinf (d->weight))
        ct_text (t, 8, "inf", NULL);
    else
        shares_num (t, 8, d->weight);
}

static int cmd_shares (struct ctx *ctx, struct args *a)
{
    const char *user = arg_str (a, "user"), *bank = arg_str (a, "bank");
    struct celltab *ct;
    struct outopts o;
    fluxacct_fstree_t *t;
    int n, rc;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (!(t = db_tree (ctx, &n)))
        return EXIT_FAIL;
    if (!(ct = ct_create (9, shares_cols))) {
        fluxacct_fstree_destroy (t);
        return fail ("out of memory");
    }
    ct->fixed = ct->rule = 1;
    for (int i = 0; i < n; i++) {
        fluxacct_fstree_node_t d;
        if (node_at (t, i, &d, NULL) == 0
            && shown (t, i, user, bank))
            shares_row (ct, &d);
    }
    rc = print_cells (ctx, ct, &o);
    ct_destroy (ct);
    fluxacct_fstree_destroy (t);
    return rc;
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

/* The columns of a level: a marker ('>' on the node explained), its
 * position, then the numbers the order comes from. */
static const struct cellcol level_cols[] = {
    { "", NULL, 1, 0 }, { "pos", NULL, 3, 0 }, { "name", NULL, -20, 2 },
    { "type", NULL, -4, 0 }, { "shares", NULL, 8, 0 },
    { "share of lvl", NULL, 12, 0 }, { "usage", NULL, 14, 0 },
    { "usage of lvl", NULL, 12, 0 }, { "weight = share / usage", NULL, 0, 0 },
};

/* Print the level of node `idx`: it and its siblings in sorted order. */
static int explain_level (struct ctx *ctx, fluxacct_fstree_t *t, int idx,
                          int n)
{
    struct outopts o = { .mode = OUT_TABLE };
    fluxacct_fstree_node_t me, sib, parent;
    struct celltab *ct = ct_create (9, level_cols);
    int count, ahead = -1, rc;
    char buf[64], ord[16];

    if (!ct)
        return fail ("out of memory");
    ct->fixed = 1;
    node_at (t, idx, &me, NULL);
    node_at (t, me.parent, &parent, NULL);
    count = me.siblings;
    fprintf (ctx->out, "\nlevel %d: %s among the %d children of bank %s\n",
             me.depth, me.name, count, parent.name);
    for (int pos = 0; pos < count; pos++)
        for (int k = 0; k < n; k++) {
            if (node_at (t, k, &sib, NULL) < 0
                || sib.parent != me.parent || sib.position != pos)
                continue;
            ct_add_row (ct);
            ct_text (ct, 0, k == idx ? ">" : "", NULL);
            ct_int (ct, 1, pos + 1);
            ct_text (ct, 2, sib.name, NULL);
            ct_text (ct, 3, sib.type == FLUXACCT_FSTREE_USER ? "user" : "bank",
                     NULL);
            ct_int (ct, 4, (int64_t)sib.shares);
            ct_real (ct, 5, sib.level_shares, FA_FMT_FIXED6, FA_FMT_REPR);
            ct_real (ct, 6, sib.usage, FA_FMT_SIG6, FA_FMT_REPR);
            ct_real (ct, 7, sib.level_usage, FA_FMT_FIXED6, FA_FMT_REPR);
            wtext (sib.weight, buf, sizeof (buf));
            ct_text (ct, 8, buf, NULL);
            if (pos == me.position - 1)
                ahead = k;
        }
    rc = print_cells (ctx, ct, &o);
    ct_destroy (ct);
    if (rc != 0)
        return rc;
    if (me.position == 0)
        fprintf (ctx->out, "  %s is 1st of %d: no sibling is ahead of it\n",
                 me.name, count);
    else if (ahead >= 0) {
        char w1[64], w2[64];
        node_at (t, ahead, &sib, NULL);
        wtext (sib.weight, w1, sizeof (w1));
        wtext (me.weight, w2, sizeof (w2));
        fprintf (ctx->out, "  %s is %s of %d: %s is ahead (weight %s vs %s)\n",
                 me.name, ordinal (me.position + 1, ord, sizeof (ord)), count,
                 sib.name, w1, w2);
    }
    return 0;
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
    fluxacct_fstree_node_t me;
    node_at (t, idx, &me, NULL);
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
        fluxacct_fstree_node_t node;
        node_at (t, k, &node, NULL);
        path[depth++] = k;
        k = node.parent;
    }
    int rc = 0;
    while (depth > 0 && rc == 0)
        rc = explain_level (ctx, t, path[--depth], n);
    fluxacct_fstree_destroy (t);
    free (def);
    return rc;
}


/* ---- bank-info ------------------------------------------------------ */

struct binfo {
    fluxacct_fstree_t *t;
    fluxacct_fstree_node_t *nodes;
    int n;
    char *show;        /* nodes to print */
    int *order;        /* depth-first, children by name */
};

static int name_cmp (const void *a, const void *b, void *arg)
{
    const fluxacct_fstree_node_t *nodes = arg;
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
        if (bi->nodes[i].type == FLUXACCT_FSTREE_BANK
            && !strcmp (bi->nodes[i].name, name))
            return i;
    return -1;
}

/* bank-info's columns: the first five, or with -v all seven. */
static const struct cellcol binfo_cols[] = {
    { "Name", NULL, -20, 0 }, { "Shares", NULL, 10, 0 },
    { "Norm_Shares", "Norm Shares", 12, 0 },
    { "Norm_Usage", "Norm Usage", 12, 0 }, { "Norm_FS", "Level FS", 10, 0 },
};
static const struct cellcol binfo_cols_verbose[] = {
    { "Name", NULL, -20, 0 }, { "Shares", NULL, 10, 0 },
    { "Norm_Shares", "Norm Shares", 12, 0 }, { "Usage", NULL, 13, 0 },
    { "Norm_Usage", "Norm Usage", 12, 0 }, { "Norm_FS", "Level FS", 10, 0 },
    { "Type", NULL, 5, 0 },
};

/* The row of node d (its name indented by depth, `star` after it). */
static void binfo_row (struct celltab *t, const fluxacct_fstree_node_t *d,
                       int verbose, const char *star)
{
    int isuser = d->type == FLUXACCT_FSTREE_USER;
    size_t c = 0;
    char name[300];

    snprintf (name, sizeof (name), "%*s%s%s", d->depth, "", d->name,
              star ? star : "");
    ct_add_row (t);
    ct_text (t, c++, name, NULL);
    ct_int (t, c++, (int64_t)d->shares);
    ct_real (t, c++, d->norm_shares, FA_FMT_FIXED6, FA_FMT_FIXED6);
    if (verbose)
        ct_real (t, c++, d->usage, FA_FMT_FIXED1, FA_FMT_FIXED1);
    ct_real (t, c++, d->norm_usage, FA_FMT_FIXED6, FA_FMT_FIXED6);
    if (d->parent < 0)
        ct_text (t, c++, "inf", NULL);
    else if (!isuser)
        ct_set (t, c++, FLUXACCT_TYPE_NULL, "--", NULL, 0, 0);
    else    /* -v -P prints six decimals, as flux-accounting does */
        ct_real (t, c++, d->fairshare, FA_FMT_FIXED3,
                 verbose ? FA_FMT_FIXED6 : FA_FMT_FIXED3);
    if (verbose)
        ct_text (t, c++, isuser ? "user" : "bank", NULL);
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
    struct outopts o = { .format = arg_str (a, "format") };
    struct celltab *ct = NULL;
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
    if (parsable && o.format)
        return usage_error ("bank-info: --parsable and --format are mutually "
                            "exclusive");
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
        node_at (bi.t, i, &bi.nodes[i], NULL);
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
            if (bi.nodes[i].type != FLUXACCT_FSTREE_USER
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
                                             == FLUXACCT_FSTREE_USER);
            }
        }
    }
    if (!found) {
        rc = fail ("Could not find \"%s\"", target);
        goto done;
    }
    o.mode = parsable ? OUT_PARSABLE : o.format ? OUT_FORMAT : OUT_TABLE;
    if (!(ct = verbose ? ct_create (7, binfo_cols_verbose)
                       : ct_create (5, binfo_cols))) {
        rc = fail ("out of memory");
        goto done;
    }
    ct->fixed = 1;
    ct->noheader = arg_flag (a, "noheader");
    for (int k = 0; k < bi.n; k++) {
        const fluxacct_fstree_node_t *d = &bi.nodes[bi.order[k]];
        if (!bi.show[bi.order[k]])
            continue;
        binfo_row (ct, d, verbose,
                   defbank && d->type == FLUXACCT_FSTREE_BANK
                           && !strcmp (d->name, defbank) ? "*" : NULL);
    }
    rc = print_cells (ctx, ct, &o);
done:
    ct_destroy (ct);
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
    { "format", 'o', 1, "FMT", "print each row with FMT, e.g. '{Name} {Norm_FS}' (the columns of -P)" },
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
    { "format", 'o', 1, "FMT", "print each row with FMT, e.g. '{Account} {User} {FairShare}'" },
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
