/* flux-account - bank commands. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* SHARES as a number; its range is the library's bank_table rule. */
static int parse_shares (const char *s, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll (s, &end, 10);
    if (errno || end == s || *end)
        return usage_error ("invalid value for shares: '%s' (expected an "
                            "integer)", s);
    *out = v;
    return 0;
}

/* --allocation: weighted usage units (node-seconds with the default
 * weights), or hours with an 'h' suffix ("500000h").  The range is the
 * library's (validate_column). */
static int arg_allocation (struct args *a, double *out)
{
    const char *s = arg_str (a, "allocation");
    double v, scale = 1;
    char *end;

    if (!s)
        return 0;
    v = strtod (s, &end);
    if (end != s && (*end == 'h' || *end == 'H') && end[1] == '\0') {
        scale = 3600;
        end++;
    }
    if (end == s || *end || !isfinite (v))
        return usage_error ("invalid value for --allocation: '%s' (expected "
                            "weighted units such as 1800000, or hours such "
                            "as 500000h)", s);
    *out = v * scale;
    return 0;
}

/* --allocation-start (a time as other time options take, whole seconds: a
 * fraction is dropped) and --allocation-period (a Flux Standard Duration,
 * 0 for a window that never resets; a bare number is seconds). */
static int arg_allocation_fields (struct args *a, fluxacct_bank_fields_t *f)
{
    const char *p = arg_str (a, "allocation-period");
    fluxacct_error_t error;

    if (arg_allocation (a, &f->allocation)
        || arg_time (a, "allocation-start", &f->allocation_start) < 0)
        return EXIT_USAGE;
    if (!isnan (f->allocation_start))
        f->allocation_start = floor (f->allocation_start);
    if (p && fluxacct_fsd_parse (p, &f->allocation_period, &error) < 0)
        return usage_error ("invalid value for --allocation-period: '%s' "
                            "(expected a duration such as 90d, or 0)", p);
    return 0;
}

static int cmd_add_bank (struct ctx *ctx, struct args *a)
{
    fluxacct_bank_fields_t f;
    fluxacct_error_t error;
    int64_t shares = 1;

    fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION);
    f.bank = a->pos[0];
    if (a->npos > 1 && parse_shares (a->pos[1], &shares))
        return EXIT_USAGE;
    f.shares = shares;
    f.parent_bank = arg_str (a, "parent-bank");
    if (arg_double (a, "priority", &f.priority) < 0
        || arg_time (a, "ignore-older-than", &f.ignore_older_than) < 0
        || arg_allocation_fields (a, &f))
        return EXIT_USAGE;
    if (fluxacct_bank_add (ctx->db, &f, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_edit_bank (struct ctx *ctx, struct args *a)
{
    fluxacct_bank_fields_t f;
    fluxacct_error_t error;

    fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION);
    f.bank = a->pos[0];
    if (arg_str (a, "shares") && parse_shares (arg_str (a, "shares"),
                                               &f.shares))
        return EXIT_USAGE;
    f.parent_bank = arg_str (a, "parent-bank");
    if (arg_double (a, "priority", &f.priority) < 0
        || arg_time (a, "ignore-older-than", &f.ignore_older_than) < 0
        || arg_allocation_fields (a, &f))
        return EXIT_USAGE;
    if (fluxacct_bank_edit (ctx->db, &f, &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_delete_bank (struct ctx *ctx, struct args *a)
{
    fluxacct_error_t error;

    if (fluxacct_bank_delete (ctx->db, a->pos[0],
                              arg_flag (a, "force") ? FLUXACCT_FORCE : 0,
                              &error) < 0)
        return fail_error (&error);
    return 0;
}

static int cmd_list_banks (struct ctx *ctx, struct args *a)
{
    struct outopts o;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    int rc;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (!(r = fluxacct_bank_list (ctx->db, arg_flag (a, "inactive")
                                               ? FLUXACCT_INCLUDE_INACTIVE : 0,
                                  arg_str (a, "fields"), &error)))
        return fail_error (&error);
    rc = print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
    return rc;
}

/* ---- tree view ------------------------------------------------------ */

struct tree {
    struct ctx *ctx;
    fluxacct_rows_t *banks; /* bank, active, parent_bank, shares, job_usage */
    int parsable;
    int only_active;
    int only_used;
};

static void round2 (double v, char *buf, size_t len)
{
    fmt_double (round (v * 100) / 100, buf, len);
}

static void tree_user_rows (struct tree *t, const char *bank, int depth)
{
    char filter[600], *filters[2] = { filter, NULL };
    fluxacct_rows_t *u;

    snprintf (filter, sizeof (filter), "bank=%s", bank);
    if (!(u = fluxacct_assoc_list (t->ctx->db, (const char *const *)filters,
                                   "username,active,shares,job_usage,fairshare",
                                   NULL)))
        return;
    for (size_t i = 0; i < fluxacct_rows_count (u); i++) {
        int active = (int)fluxacct_rows_int (u, i, 1);
        double usage = fluxacct_rows_real (u, i, 3);
        char us[64], fs[64], prefix[FLUXACCT_BANK_DEPTH_MAX + 8];
        if ((t->only_active && !active) || (t->only_used && usage <= 0))
            continue;
        fmt_double (usage, us, sizeof (us));
        fmt_double (fluxacct_rows_real (u, i, 4), fs, sizeof (fs));
        snprintf (prefix, sizeof (prefix), "%*s", depth + 1, "");
        if (t->parsable)
            fprintf (t->ctx->out, "%s%s|%s|%s|%lld|%s|%s\n", prefix, bank,
                     fluxacct_rows_text (u, i, 0), active ? "true" : "false",
                     (long long)fluxacct_rows_int (u, i, 2), us, fs);
        else {
            char left[600];
            const char *user = fluxacct_rows_text (u, i, 0);
            snprintf (left, sizeof (left), "%s%s", prefix, bank);
            fput_padded (t->ctx->out, left, strlen (left), 20, '<');
            fput_padded (t->ctx->out, user, strlen (user), 20, '>');
            fprintf (t->ctx->out, "%20s%20lld%20s%20s\n",
                     active ? "true" : "false",
                     (long long)fluxacct_rows_int (u, i, 2), us, fs);
        }
    }
    fluxacct_rows_destroy (u);
}

/* One bank's line. */
static void tree_bank_line (struct tree *t, size_t idx, int depth)
{
    const fluxacct_rows_t *b = t->banks;
    const char *name = fluxacct_rows_text (b, idx, 0);
    int active = (int)fluxacct_rows_int (b, idx, 1);
    char us[64];

    if (depth == 0)
        round2 (fluxacct_rows_real (b, idx, 4), us, sizeof (us));
    else
        fmt_double (fluxacct_rows_real (b, idx, 4), us, sizeof (us));
    if (t->parsable) {
        fprintf (t->ctx->out, "%*s%s||%s|%lld|%s\n", depth, "", name,
                 active ? "true" : "false",
                 (long long)fluxacct_rows_int (b, idx, 3), us);
    }
    else {
        char *left = NULL;
        if (asprintf (&left, "%*s%s", depth, "", name) < 0)
            return;
        fput_padded (t->ctx->out, left, strlen (left), 20, '<');
        free (left);
        fprintf (t->ctx->out, "%20s%20s%20lld%20s\n", "",
                 active ? "true" : "false",
                 (long long)fluxacct_rows_int (b, idx, 3), us);
    }
}

/* qsort has no context argument: the rows being sorted, for by_parent. */
static const fluxacct_rows_t *sort_rows;

/* Row numbers by (parent name, row number). */
static int by_parent (const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const char *px = fluxacct_rows_text (sort_rows, x, 2);
    const char *py = fluxacct_rows_text (sort_rows, y, 2);
    int c = strcmp (px ? px : "", py ? py : "");
    return c ? c : x < y ? -1 : x > y;
}

/* The subtree of bank `top`, depth first, children in bank_table order,
 * without recursion: an explicit stack of (bank, depth).  Children are
 * found through an index of the rows sorted by parent name. */
static int tree_walk (struct tree *t, size_t top)
{
    const fluxacct_rows_t *b = t->banks;
    size_t n = fluxacct_rows_count (b), sp = 0;
    size_t *byparent = malloc ((n + 1) * sizeof (size_t));
    struct { size_t idx; int depth; } *stack = malloc ((n + 1)
                                                       * sizeof (*stack));
    size_t visited = 0;

    if (!byparent || !stack) {
        free (byparent);
        free (stack);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        byparent[i] = i;
    sort_rows = b;
    qsort (byparent, n, sizeof (size_t), by_parent);
    stack[sp].idx = top;
    stack[sp].depth = 0;
    sp++;
    while (sp > 0 && visited <= n) {
        size_t idx = stack[--sp].idx;
        int depth = stack[sp].depth;
        const char *name = fluxacct_rows_text (b, idx, 0);
        size_t lo = 0, hi = n, first;
        visited++;
        tree_bank_line (t, idx, depth);
        /* children: the run of rows whose parent is `name` */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const char *p = fluxacct_rows_text (b, byparent[mid], 2);
            if (strcmp (p ? p : "", name) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        first = lo;
        while (hi < n) {
            const char *p = fluxacct_rows_text (b, byparent[hi], 2);
            if (strcmp (p ? p : "", name) != 0)
                break;
            hi++;
        }
        if (hi == first) {
            tree_user_rows (t, name, depth);
            continue;
        }
        /* push in reverse so the first child is printed first */
        for (size_t k = hi; k > first && sp < n + 1; k--) {
            stack[sp].idx = byparent[k - 1];
            stack[sp].depth = depth + 1;
            sp++;
        }
    }
    free (byparent);
    free (stack);
    return 0;
}

static int print_tree (struct ctx *ctx, const char *bank, int parsable,
                       int only_active, int only_used)
{
    fluxacct_error_t error;
    struct tree t = { .ctx = ctx, .parsable = parsable,
                      .only_active = only_active, .only_used = only_used };
    int rc = EXIT_FAIL;

    if (!(t.banks = fluxacct_bank_list (ctx->db, FLUXACCT_INCLUDE_INACTIVE,
                                        "bank,active,parent_bank,shares,"
                                        "job_usage", &error)))
        return fail_error (&error);
    for (size_t i = 0; i < fluxacct_rows_count (t.banks); i++) {
        const char *name = fluxacct_rows_text (t.banks, i, 0);
        const char *p = fluxacct_rows_text (t.banks, i, 2);
        if (bank ? !strcmp (name, bank) : (!p || !*p)) {
            if (parsable)
                fprintf (ctx->out,
                         "Bank|Username|Active|RawShares|RawUsage|Fairshare\n");
            else
                fprintf (ctx->out, "%-20s%20s%20s%20s%20s%20s\n", "Bank",
                         "Username", "Active", "RawShares", "RawUsage",
                         "Fairshare");
            if (tree_walk (&t, i) < 0) {
                fluxacct_rows_destroy (t.banks);
                return fail ("out of memory");
            }
            rc = 0;
            break;
        }
    }
    if (rc != 0)
        rc = bank ? fail ("bank %s not found in bank_table", bank)
                  : fail ("root bank not found");
    fluxacct_rows_destroy (t.banks);
    return rc;
}

/* The filters for a bank's users under view-bank -u: only active ones
 * (-A), only those with usage > 0 (-c).  Fills filters (malloc'd strings,
 * NULL-terminated); returns the number of users that can match (0: none),
 * or -1 with the error printed. */
static int user_filters (struct ctx *ctx, const char *bank, int only_active,
                         int only_used, char **filters)
{
    int n = 0;

    if (asprintf (&filters[n++], "bank=%s", bank) < 0)
        return -1;
    if (only_active && !(filters[n++] = strdup ("active=1")))
        return -1;
    if (only_used) {
        fluxacct_error_t error;
        fluxacct_rows_t *u;
        char *list = strdup (""), *s;
        size_t used = 0;
        if (!list || !(u = fluxacct_assoc_list (ctx->db,
                                                (const char *const *)filters,
                                                "username,job_usage",
                                                &error))) {
            free (list);
            return -1;
        }
        for (size_t i = 0; i < fluxacct_rows_count (u); i++) {
            if (fluxacct_rows_real (u, i, 1) <= 0)
                continue;
            if (asprintf (&s, "%s%s%s", list, used ? "," : "",
                          fluxacct_rows_text (u, i, 0)) < 0) {
                free (list);
                fluxacct_rows_destroy (u);
                return -1;
            }
            free (list);
            list = s;
            used++;
        }
        fluxacct_rows_destroy (u);
        if (asprintf (&filters[n++], "username=%s", list) < 0) {
            free (list);
            return -1;
        }
        free (list);
        if (used == 0)
            return 0;
    }
    return 1;
}

static void free_filters (char **filters)
{
    for (int i = 0; filters[i]; i++)
        free (filters[i]);
}

/* The users of bank (view-bank -u's columns) into *u: 0, or the exit
 * status after the message. */
static int bank_users (struct ctx *ctx, const char *bank, int only_active,
                       int only_used, fluxacct_rows_t **u)
{
    char *filters[4] = { NULL };
    fluxacct_error_t error;

    if (user_filters (ctx, bank, only_active, only_used, filters) < 0) {
        free_filters (filters);
        return fail ("cannot list the users of bank %s", bank);
    }
    *u = fluxacct_assoc_list (ctx->db, (const char *const *)filters,
                              "username,active,default_bank,shares,"
                              "job_usage,fairshare", &error);
    free_filters (filters);
    return *u ? 0 : fail_error (&error);
}

static int print_bank_users (struct ctx *ctx, const char *bank,
                             const struct outopts *o, int only_active,
                             int only_used)
{
    fluxacct_rows_t *u;
    int rc = 0;

    if ((rc = bank_users (ctx, bank, only_active, only_used, &u)))
        return rc;
    if (fluxacct_rows_count (u) == 0 && o->mode == OUT_TABLE)
        fprintf (ctx->out, "no users under %s\n", bank);
    else
        rc = print_rows (ctx, u, o);
    fluxacct_rows_destroy (u);
    return rc;
}

static int print_bank_users_json (struct ctx *ctx, fluxacct_rows_t *bank,
                                  const char *name, int only_active,
                                  int only_used)
{
    char *b = NULL, *u = NULL;
    fluxacct_error_t error;
    fluxacct_rows_t *users;
    int rc = 0;

    if ((rc = bank_users (ctx, name, only_active, only_used, &users)))
        return rc;
    if (!(b = fluxacct_rows_to_json (bank, 0, &error))
        || !(u = fluxacct_rows_to_json (users, 0, &error)))
        rc = fail_error (&error);
    else
        fprintf (ctx->out, "{\"bank\": %s, \"users\": %s}\n", b, u);
    free (b);
    free (u);
    fluxacct_rows_destroy (users);
    return rc;
}

static int cmd_view_bank (struct ctx *ctx, struct args *a)
{
    struct outopts o;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    int rc;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (arg_flag (a, "tree")) {
        if (arg_str (a, "fields") || o.mode == OUT_FORMAT || o.mode == OUT_JSON)
            return usage_error ("--tree option does not support custom "
                                "formatting");
        if (!(r = fluxacct_bank_view (ctx->db, a->pos[0], NULL, &error)))
            return fail_error (&error);
        fluxacct_rows_destroy (r);
        return print_tree (ctx, a->pos[0], o.mode == OUT_PARSABLE,
                           arg_flag (a, "active"), arg_flag (a, "concise"));
    }
    if (arg_flag (a, "users") && o.mode == OUT_FORMAT)
        return usage_error ("-u/--users cannot be combined with -o/--format: "
                            "the bank and its users have different columns");
    if (!(r = fluxacct_bank_view (ctx->db, a->pos[0], arg_str (a, "fields"),
                                  &error)))
        return fail_error (&error);
    if (arg_flag (a, "users") && o.mode == OUT_JSON) {
        /* one JSON document: {"bank": [row], "users": [rows]} */
        rc = print_bank_users_json (ctx, r, a->pos[0], arg_flag (a, "active"),
                                    arg_flag (a, "concise"));
        fluxacct_rows_destroy (r);
        return rc;
    }
    rc = print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
    if (rc == 0 && arg_flag (a, "users")) {
        if (o.mode == OUT_TABLE)
            fputc ('\n', ctx->out);
        rc = print_bank_users (ctx, a->pos[0], &o, arg_flag (a, "active"),
                               arg_flag (a, "concise"));
    }
    return rc;
}

/* ---- allocation-report ---------------------------------------------- */

static char *alloc_amount (double v, double unit)
{
    char buf[64];
    fmt_double (round (v / unit * 100) / 100, buf, sizeof (buf));
    return strdup (buf);
}

static char *alloc_date (const fluxacct_rows_t *r, size_t row, int col)
{
    char buf[64];
    struct tm tm;
    time_t t;

    if (col < 0 || fluxacct_rows_type (r, row, (size_t)col)
                       == FLUXACCT_TYPE_NULL)
        return strdup ("-");
    t = (time_t)fluxacct_rows_real (r, row, (size_t)col);
    if (!gmtime_r (&t, &tm) || !strftime (buf, sizeof (buf),
                                          "%Y-%m-%dT%H:%M:%SZ", &tm))
        return strdup ("-");
    return strdup (buf);
}

/* The table: amounts in weighted units (or hours with --hours), the burn
 * rate per day, times in UTC. */
static int print_alloc_table (struct ctx *ctx, const fluxacct_rows_t *r,
                              int hours)
{
    static const char *const names[] = {
        "bank", "allocation", "used", "remaining", "percent", "window_start",
        "window_end", "burn_rate", "projected_exhaustion", "state",
    };
    const char *header[10];
    char hbuf[4][40];
    size_t nr = fluxacct_rows_count (r), nc = 10;
    char **cells = calloc (nr * nc + 1, sizeof (char *));
    double unit = hours ? 3600 : 1;
    int col[10], rc;

    if (!cells)
        return fail ("out of memory");
    for (size_t c = 0; c < nc; c++) {
        col[c] = fluxacct_rows_column_index (r, names[c]);
        header[c] = names[c];
    }
    for (int c = 1; c <= 3; c++) {
        snprintf (hbuf[c - 1], sizeof (hbuf[0]), "%s(%s)", names[c],
                  hours ? "hours" : "units");
        header[c] = hbuf[c - 1];
    }
    snprintf (hbuf[3], sizeof (hbuf[3]), "burn_rate(%s/day)",
              hours ? "hours" : "units");
    header[7] = hbuf[3];
    for (size_t i = 0; i < nr; i++) {
        char **row = cells + i * nc, buf[64];
        row[0] = strdup (fluxacct_rows_text (r, i, (size_t)col[0]));
        for (int c = 1; c <= 3; c++)
            row[c] = alloc_amount (fluxacct_rows_real (r, i, (size_t)col[c]),
                                   unit);
        fmt_double (round (fluxacct_rows_real (r, i, (size_t)col[4]) * 100)
                        / 100, buf, sizeof (buf));
        row[4] = strdup (buf);
        row[5] = alloc_date (r, i, col[5]);
        row[6] = fluxacct_rows_type (r, i, (size_t)col[6]) == FLUXACCT_TYPE_NULL
                     && fluxacct_rows_type (r, i, (size_t)col[5])
                            != FLUXACCT_TYPE_NULL
                     ? strdup ("never") : alloc_date (r, i, col[6]);
        row[7] = fluxacct_rows_type (r, i, (size_t)col[7]) == FLUXACCT_TYPE_NULL
                     ? strdup ("-")
                     : alloc_amount (fluxacct_rows_real (r, i, (size_t)col[7])
                                         * 86400, unit);
        row[8] = alloc_date (r, i, col[8]);
        row[9] = strdup (fluxacct_rows_text (r, i, (size_t)col[9]));
    }
    rc = print_text_table (ctx->out, nc, header, nr, cells);
    for (size_t i = 0; i < nr * nc; i++)
        free (cells[i]);
    free (cells);
    return rc < 0 ? fail ("out of memory") : 0;
}

static int cmd_allocation_report (struct ctx *ctx, struct args *a)
{
    struct outopts o;
    fluxacct_error_t error;
    fluxacct_rows_t *r;
    int rc;

    if (outopts_get (a, &o))
        return EXIT_USAGE;
    if (arg_flag (a, "hours") && o.mode != OUT_TABLE)
        return usage_error ("--hours applies to the table; --json, "
                            "--parsable and --format print weighted units");
    if (!(r = fluxacct_allocation_report (ctx->db, a->npos ? a->pos[0] : NULL,
                                          &error)))
        return fail_error (&error);
    if (o.mode == OUT_TABLE && fluxacct_rows_count (r) == 0) {
        fluxacct_rows_destroy (r);
        fprintf (stderr, "flux-account: no bank has an allocation\n");
        return 0;
    }
    rc = o.mode == OUT_TABLE ? print_alloc_table (ctx, r, arg_flag (a, "hours"))
                             : print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
    return rc;
}

static int cmd_print_hierarchy (struct ctx *ctx, struct args *a)
{
    return print_tree (ctx, NULL, arg_flag (a, "parsable"), 0, 0);
}

static const struct optdef add_bank_opts[] = {
    { "parent-bank", 0, 1, "BANK", "parent bank (omit for the root bank)" },
    { "priority", 0, 1, "N", "bank priority factor (float, default 0.0)" },
    { "ignore-older-than", 0, 1, "TIME", "jobs that ended before TIME are not charged (epoch or ISO-8601)" },
    { "allocation", 0, 1, "A", "allocation in weighted units (node-seconds by default) or hours, e.g. 500000h" },
    { "allocation-start", 0, 1, "TIME", "start of the first allocation window (epoch or ISO-8601)" },
    { "allocation-period", 0, 1, "DURATION", "length of an allocation window, e.g. 90d (0: never resets)" },
    { NULL },
};
static const struct optdef edit_bank_opts[] = {
    { "shares", 0, 1, "N", "new shares (>= 0)" },
    { "parent-bank", 0, 1, "BANK", "move the bank under BANK" },
    { "priority", 0, 1, "N", "bank priority factor (float)" },
    { "ignore-older-than", 0, 1, "TIME", "jobs that ended before TIME are not charged" },
    { "allocation", 0, 1, "A", "allocation in weighted units or hours, e.g. 500000h (0: none)" },
    { "allocation-start", 0, 1, "TIME", "start of the first allocation window (epoch or ISO-8601)" },
    { "allocation-period", 0, 1, "DURATION", "length of an allocation window, e.g. 90d (0: never resets)" },
    { NULL },
};
static const struct optdef delete_bank_opts[] = {
    { "force", 0, 0, NULL, "delete the rows (and sub-banks and associations) instead of disabling them" },
    { NULL },
};
static const struct optdef view_bank_opts[] = {
    { "tree", 't', 0, NULL, "show the bank's subtree with its users" },
    { "users", 'u', 0, NULL, "also list the bank's users" },
    { "concise", 'c', 0, NULL, "with --tree or --users: only users with usage > 0" },
    { "active", 'A', 0, NULL, "with --tree or --users: only active users" },
    OUTPUT_OPTS,
    { NULL },
};
static const struct optdef list_banks_opts[] = {
    { "inactive", 0, 0, NULL, "include disabled banks" },
    OUTPUT_OPTS,
    { NULL },
};
static const struct optdef allocation_report_opts[] = {
    { "hours", 0, 0, NULL, "table amounts in hours of weighted usage (units / 3600)" },
    { "json", 'j', 0, NULL, "print rows as a JSON array of objects" },
    { "parsable", 'P', 0, NULL, "print rows separated by '|', with a header" },
    { "format", 'o', 1, "FMT", "print each row with FMT, e.g. '{bank} {percent}'" },
    { NULL },
};
static const struct optdef hierarchy_opts[] = {
    { "parsable", 'P', 0, NULL, "print '|'-separated rows" },
    { NULL },
};

const struct cmd bank_cmds[] = {
    { "add-bank", cmd_add_bank, CMD_WRITE, "BANK [SHARES]", 1, 2,
      "Add a bank (SHARES defaults to 1).", add_bank_opts },
    { "view-bank", cmd_view_bank, CMD_READ, "BANK", 1, 1,
      "Show a bank, its subtree (-t) or its users (-u).", view_bank_opts },
    { "edit-bank", cmd_edit_bank, CMD_WRITE, "BANK", 1, 1,
      "Change a bank's shares, parent, priority, ignore-older-than or "
      "allocation.",
      edit_bank_opts },
    { "delete-bank", cmd_delete_bank, CMD_WRITE, "BANK", 1, 1,
      "Disable a bank, its sub-banks and their associations.",
      delete_bank_opts },
    { "list-banks", cmd_list_banks, CMD_READ, NULL, 0, 0,
      "List banks.", list_banks_opts },
    { "allocation-report", cmd_allocation_report, CMD_READ, "[BANK]", 0, 1,
      "Show each bank's allocation: used, remaining, burn rate, projected "
      "exhaustion.", allocation_report_opts },
    { "print-hierarchy", cmd_print_hierarchy, CMD_READ, NULL, 0, 0,
      "Show the whole bank tree with shares, usage and fair-share.",
      hierarchy_opts },
    { NULL },
};
