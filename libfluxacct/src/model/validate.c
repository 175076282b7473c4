/* libfluxacct - the row rules: one validation function per row type
 * (validate_column, by table and column: the rules[] table below) and
 * one for the bank tree (bank_tree_check).  Every writer calls them: add-*
 * and edit-* for the fields they set (through validate_int, _number and
 * _text: the same rule and the same message), pop-db for every CSV row,
 * update-db for every migrated row.  A new column gets its rule here, a
 * line in rules[], and nowhere else.  The limits are the FLUXACCT_*_MAX constants of fluxacct/db.h,
 * documented in fluxacct-semantics(7) "Limits". */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"
#include "util/fmt_internal.h"

#define USERID_MAX 4294967295.0

enum rule {
    R_NAME,         /* a name (check_name's rules) */
    R_NAME_OR_EMPTY,
    R_NAMELIST,     /* comma list of names, may be empty */
    R_LIMIT,        /* integer 0 .. FLUXACCT_UNLIMITED */
    R_SIGNED_LIMIT, /* integer -FLUXACCT_UNLIMITED .. FLUXACCT_UNLIMITED */
    R_COUNT,        /* integer 0 .. 2^53 */
    R_USERID,       /* integer 0 .. 4294967295 */
    R_BOOL,         /* 0 or 1 */
    R_USAGE,        /* finite real 0 .. USAGE_MAX */
    R_FRACTION,     /* finite real 0 .. 1 */
    R_TIME,         /* finite real 0 .. FLUXACCT_TIME_MAX */
    R_PRIORITY,     /* finite real, |p| <= FLUXACCT_PRIORITY_ABS_MAX */
    R_PERIOD,       /* integer period number, |p| <= 2^53 */
    R_WEIGHT,       /* integer 0 .. 4294967295 */
    R_DURATION,     /* integer seconds 0 .. FLUXACCT_DURATION_MAX */
    R_EPOCH,        /* integer epoch seconds 0 .. FLUXACCT_TIME_MAX */
    R_WINDOW,       /* integer epoch seconds, or -1 (not computed) */
};

static const struct colrule {
    const char *table, *column;
    enum rule rule;
} rules[] = {
    { "bank_table", "bank", R_NAME },
    { "bank_table", "parent_bank", R_NAME_OR_EMPTY },
    { "bank_table", "active", R_BOOL },
    { "bank_table", "shares", R_LIMIT },
    { "bank_table", "job_usage", R_USAGE },
    { "bank_table", "priority", R_PRIORITY },
    { "bank_table", "ignore_older_than", R_TIME },
    { "bank_table", "allocation", R_USAGE },
    { "bank_table", "allocation_start", R_EPOCH },
    { "bank_table", "allocation_period", R_DURATION },
    { "bank_table", "allocation_used", R_USAGE },
    { "bank_table", "allocation_window", R_WINDOW },
    { "association_table", "creation_time", R_TIME },
    { "association_table", "mod_time", R_TIME },
    { "association_table", "active", R_BOOL },
    { "association_table", "username", R_NAME },
    { "association_table", "userid", R_USERID },
    { "association_table", "bank", R_NAME },
    { "association_table", "default_bank", R_NAME },
    { "association_table", "shares", R_LIMIT },
    { "association_table", "job_usage", R_USAGE },
    { "association_table", "fairshare", R_FRACTION },
    { "association_table", "max_running_jobs", R_LIMIT },
    { "association_table", "max_active_jobs", R_LIMIT },
    { "association_table", "max_nodes", R_LIMIT },
    { "association_table", "max_cores", R_LIMIT },
    { "association_table", "max_sched_jobs", R_LIMIT },
    { "association_table", "max_wall_pj", R_LIMIT },
    { "association_table", "queues", R_NAMELIST },
    { "association_table", "projects", R_NAMELIST },
    { "association_table", "default_project", R_NAMELIST },
    { "queue_table", "queue", R_NAME },
    { "queue_table", "min_nodes_per_job", R_LIMIT },
    { "queue_table", "max_nodes_per_job", R_LIMIT },
    { "queue_table", "max_time_per_job", R_LIMIT },
    { "queue_table", "priority", R_SIGNED_LIMIT },
    { "queue_table", "max_running_jobs", R_LIMIT },
    { "queue_table", "max_nodes_per_assoc", R_LIMIT },
    { "queue_table", "max_sched_jobs", R_LIMIT },
    { "queue_table", "max_sched_nodes_per_assoc", R_LIMIT },
    { "queue_table", "max_sched_cores_per_assoc", R_LIMIT },
    { "queue_table", "max_nodes", R_LIMIT },
    { "queue_table", "max_cores", R_LIMIT },
    { "project_table", "project", R_NAME },
    { "project_table", "usage", R_USAGE },
    { "jobs", "userid", R_USERID },
    { "jobs", "t_submit", R_TIME },
    { "jobs", "t_run", R_TIME },
    { "jobs", "t_inactive", R_TIME },
    { "jobs", "project", R_NAME_OR_EMPTY },
    { "jobs", "bank", R_NAME_OR_EMPTY },
    { "jobs", "requested_duration", R_TIME },
    { "jobs", "actual_duration", R_TIME },
    { "jobs", "nnodes", R_COUNT },
    { "jobs", "ncores", R_COUNT },
    { "jobs", "ngpus", R_COUNT },
    { "jobs", "charge_bank", R_NAME_OR_EMPTY },
    { "jobs", "seq", R_COUNT },
    { "job_usage_factor_table", "username", R_NAME },
    { "job_usage_factor_table", "userid", R_USERID },
    { "job_usage_factor_table", "bank", R_NAME },
    { "job_usage_factor_table", "last_job_timestamp", R_TIME },
    { "t_half_life_period_table", "end_half_life_period", R_TIME },
    { "usage_period_table", "userid", R_USERID },
    { "usage_period_table", "bank", R_NAME },
    { "usage_period_table", "period", R_PERIOD },
    { "usage_period_table", "value", R_USAGE },
    { "job_usage_per_association_table", "username", R_NAME },
    { "job_usage_per_association_table", "userid", R_USERID },
    { "job_usage_per_association_table", "bank", R_NAME },
    { "job_usage_per_association_table", "value", R_USAGE },
    { "config_table", "key", R_NAME },
    { "priority_factor_weight_table", "factor", R_NAME },
    { "priority_factor_weight_table", "weight", R_WEIGHT },
};

static const struct colrule *find_rule (const char *table, const char *column)
{
    for (size_t i = 0; i < sizeof (rules) / sizeof (rules[0]); i++)
        if (!strcmp (rules[i].table, table) && !strcmp (rules[i].column, column))
            return &rules[i];
    return NULL;
}

/* The value as a number; 0 when it is not one (why filled). */
static int as_number (const struct colval *v, double *d)
{
    char buf[64], *end;

    switch (v->type) {
        case COLVAL_INTEGER:
            *d = (double)v->i;
            return 1;
        case COLVAL_REAL:
            *d = v->d;
            return 1;
        case COLVAL_TEXT:
            if (v->len == 0 || v->len >= sizeof (buf))
                return 0;
            memcpy (buf, v->s, v->len);
            buf[v->len] = '\0';
            *d = strtod (buf, &end);
            return end != buf && !*end;
    }
    return 0;
}

static int range (double d, double lo, double hi, int integer)
{
    return isfinite (d) && d >= lo && d <= hi && (!integer || d == floor (d));
}

static void shown (const struct colval *v, char *buf, size_t len)
{
    if (v->type == COLVAL_TEXT)
        escape_text (v->s, v->len, buf, len > 48 ? 48 : len);
    else if (v->type == COLVAL_INTEGER)
        snprintf (buf, len, "%lld", (long long)v->i);
    else if (v->type == COLVAL_REAL)
        fa_fmt_double (buf, len, v->d, FA_FMT_ROUNDTRIP);
    else
        snprintf (buf, len, "NULL");
}

const struct colrule *validate_rule (const char *table, const char *column)
{
    return find_rule (table, column);
}

/* The message for a value that breaks its rule (out of the checking
 * function: the check of a good value, the import's hot path, stays
 * lean). */
static int __attribute__ ((noinline, cold))
refuse (const struct colrule *r, const struct colval *v, const char *problem,
        fluxacct_error_t *error)
{
    char val[64];

    shown (v, val, sizeof (val));
    return errprintf (error, EINVAL, "%s.%s %s, got '%s'", r->table,
                      r->column, problem, val);
}

/* validate_column with its rule r already found (validate_tables and the
 * job-record path look each column's rule up once, not once a cell). */
int validate_value (const struct colrule *r, const struct colval *v,
                    fluxacct_error_t *error)
{
    const char *problem = NULL;
    double d = 0;

    if (!r || !v->type)
        return 0;
    if (v->type == COLVAL_NULL)
        return 0; /* the schema's NOT NULL constraints decide */
    switch (r->rule) {
        case R_NAME:
        case R_NAME_OR_EMPTY:
            if (v->type != COLVAL_TEXT) {
                if (v->type == COLVAL_INTEGER)
                    return 0; /* a numeric name, e.g. user 1234 */
                problem = "must be a name";
                break;
            }
            if (r->rule == R_NAME_OR_EMPTY && v->len == 0)
                return 0;
            if ((problem = name_problem (v->s, v->len)))
                break;
            return 0;
        case R_NAMELIST:
            if (v->type != COLVAL_TEXT)
                return 0;
            if (v->len > 65535) {
                problem = "is longer than 65535 bytes";
                break;
            }
            for (size_t i = 0, start = 0; i <= v->len; i++) {
                if (i < v->len && v->s[i] != ',')
                    continue;
                if (i > start && (problem = name_problem (v->s + start,
                                                          i - start)))
                    break;
                start = i + 1;
            }
            if (!problem)
                return 0;
            break;
        case R_LIMIT:
            if (!as_number (v, &d) || !range (d, 0, FLUXACCT_UNLIMITED, 1))
                problem = "must be an integer from 0 to 2147483647";
            break;
        case R_SIGNED_LIMIT:
            if (!as_number (v, &d)
                || !range (d, -FLUXACCT_UNLIMITED, FLUXACCT_UNLIMITED, 1))
                problem = "must be an integer from -2147483647 to 2147483647";
            break;
        case R_COUNT:
            if (!as_number (v, &d) || !range (d, 0, 9007199254740992.0, 1))
                problem = "must be an integer from 0 to 2^53";
            break;
        case R_PERIOD:
            if (!as_number (v, &d)
                || !range (d, -9007199254740992.0, 9007199254740992.0, 1))
                problem = "must be an integer from -2^53 to 2^53";
            break;
        case R_USERID:
        case R_WEIGHT:
            if (!as_number (v, &d) || !range (d, 0, USERID_MAX, 1))
                problem = "must be an integer from 0 to 4294967295";
            break;
        case R_BOOL:
            if (!as_number (v, &d) || !(d == 0 || d == 1))
                problem = "must be 0 or 1";
            break;
        case R_USAGE:
            if (!as_number (v, &d) || !range (d, 0, USAGE_MAX, 0))
                problem = "must be a finite number from 0 to 1e300";
            break;
        case R_FRACTION:
            if (!as_number (v, &d) || !range (d, 0, 1, 0))
                problem = "must be a number from 0 to 1";
            break;
        case R_TIME:
            if (!as_number (v, &d) || !range (d, 0, (double)FLUXACCT_TIME_MAX, 0))
                problem = "must be a time from 0 to 253402300799 (epoch "
                          "seconds, 9999-12-31)";
            break;
        case R_DURATION:
            if (!as_number (v, &d)
                || !range (d, 0, (double)FLUXACCT_DURATION_MAX, 1))
                problem = "must be a whole number of seconds from 0 to "
                          "3155760000 (100 years)";
            break;
        case R_EPOCH:
        case R_WINDOW:
            if (!as_number (v, &d)
                || !range (d, r->rule == R_WINDOW ? -1 : 0,
                           (double)FLUXACCT_TIME_MAX, 1))
                problem = r->rule == R_WINDOW
                              ? "must be -1 or whole epoch seconds up to "
                                "253402300799 (9999-12-31)"
                              : "must be whole epoch seconds from 0 to "
                                "253402300799 (9999-12-31)";
            break;
        case R_PRIORITY:
            if (!as_number (v, &d)
                || !range (d, -FLUXACCT_PRIORITY_ABS_MAX,
                           FLUXACCT_PRIORITY_ABS_MAX, 0))
                problem = "must be a finite number from -1e9 to 1e9";
            break;
    }
    if (!problem)
        return 0;
    return refuse (r, v, problem, error);
}

int validate_column (const char *table, const char *column,
                     const struct colval *v, fluxacct_error_t *error)
{
    const struct colrule *r;

    if (!v->type || !(r = find_rule (table, column)))
        return 0;
    return validate_value (r, v, error);
}

int validate_number (const char *table, const char *column, double d,
                     fluxacct_error_t *error)
{
    struct colval v = { .type = COLVAL_REAL, .d = d };
    return validate_column (table, column, &v, error);
}

int validate_int (const char *table, const char *column, int64_t i,
                  fluxacct_error_t *error)
{
    struct colval v = { .type = COLVAL_INTEGER, .i = i };
    return validate_column (table, column, &v, error);
}

int validate_text (const char *table, const char *column, const char *s,
                   fluxacct_error_t *error)
{
    struct colval v = { .type = COLVAL_TEXT, .s = s ? s : "",
                        .len = s ? strlen (s) : 0 };
    return validate_column (table, column, &v, error);
}

/* ---- the bank tree -------------------------------------------------- */

static int cmp_name (const void *a, const void *b)
{
    return strcmp (((const struct bankrow *)a)->name,
                   ((const struct bankrow *)b)->name);
}

int bank_tree_check (fluxacct_db_t *db, fluxacct_error_t *error)
{
    struct bankrow *v = NULL;
    size_t n = 0, roots = 0;
    int *level = NULL, *stack = NULL;
    int rc = -1;

    if (bankrows_load (db, &v, &n, error) < 0)
        return -1;
    qsort (v, n, sizeof (*v), cmp_name);
    if (!(level = calloc (n + 1, sizeof (int)))
        || !(stack = malloc ((n + 1) * sizeof (int)))) {
        errprintf (error, ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!*v[i].parent) {
            v[i].parent_idx = -1;
            if (++roots > 1) {
                errprintf (error, EINVAL, "bank %s: bank_table already has a "
                           "root bank", v[i].name);
                goto done;
            }
            continue;
        }
        struct bankrow key = { .name = v[i].parent };
        struct bankrow *p = bsearch (&key, v, n, sizeof (*v), cmp_name);
        if (!p) {
            errprintf (error, EINVAL, "bank %s: parent bank %s does not exist "
                       "in bank_table", v[i].name, v[i].parent);
            goto done;
        }
        if (p == &v[i]) {
            errprintf (error, EINVAL, "bank %s cannot be its own parent",
                       v[i].name);
            goto done;
        }
        v[i].parent_idx = (int)(p - v);
    }
    /* Levels without recursion: walk up to a bank whose level is known
     * (or the root), then assign the levels back down.  -1 marks a bank on
     * the current path: meeting it again is a cycle. */
    for (size_t i = 0; i < n; i++) {
        size_t sp = 0;
        int k = (int)i, base;
        while (k >= 0 && level[k] == 0) {
            level[k] = -1;
            stack[sp++] = k;
            k = v[k].parent_idx;
        }
        if (k >= 0 && level[k] < 0) {
            errprintf (error, EINVAL, "bank %s is in a parent cycle (%s is "
                       "its own ancestor)", v[k].name, v[k].name);
            goto done;
        }
        base = k >= 0 ? level[k] : 0;
        while (sp > 0) {
            int j = stack[--sp];
            level[j] = ++base;
            if (level[j] > FLUXACCT_BANK_DEPTH_MAX) {
                errprintf (error, EINVAL, "bank %s is at level %d of the bank "
                           "tree; the limit is %d levels", v[j].name,
                           level[j], FLUXACCT_BANK_DEPTH_MAX);
                goto done;
            }
        }
    }
    rc = 0;
done:
    free (level);
    free (stack);
    bankrows_free (v, n);
    return rc;
}

int bank_level (fluxacct_db_t *db, const char *bank, fluxacct_error_t *error)
{
    static const char *sql =
        "WITH RECURSIVE up(b, d) AS (SELECT ?, 1 UNION ALL "
        "SELECT bank_table.parent_bank, up.d + 1 FROM bank_table JOIN up "
        "ON bank_table.bank = up.b WHERE coalesce(bank_table.parent_bank, '')"
        " != '' AND up.d <= 1000) SELECT max(d) FROM up";
    return db_query_int (db, sql, bank, error);
}

int bank_height (fluxacct_db_t *db, const char *bank, fluxacct_error_t *error)
{
    static const char *sql =
        "WITH RECURSIVE sub(b, d) AS (SELECT ?, 1 UNION ALL "
        "SELECT bank_table.bank, sub.d + 1 FROM bank_table JOIN sub "
        "ON bank_table.parent_bank = sub.b WHERE sub.d <= 1000) "
        "SELECT max(d) FROM sub";
    return db_query_int (db, sql, bank, error);
}

/* ---- whole tables (update-db) ---------------------------------------- */

static const char *const checked_tables[] = {
    "bank_table", "association_table", "queue_table", "project_table",
    "job_usage_factor_table", "config_table", "jobs",
};

/* SELECT of the ruled columns of table (names from the rule table, which
 * holds no quote characters). */
static char *columns_sql (const struct colrule *const *rule, int n,
                          const char *table)
{
    size_t len = strlen (table) + 32;
    char *sql, *p;

    for (int c = 0; c < n; c++)
        len += strlen (rule[c]->column) + 4;
    if (!(sql = malloc (len)))
        return NULL;
    p = sql + sprintf (sql, "SELECT ");
    for (int c = 0; c < n; c++)
        p += sprintf (p, "%s\"%s\"", c ? ", " : "", rule[c]->column);
    sprintf (p, " FROM \"%s\"", table);
    return sql;
}

int validate_tables (fluxacct_db_t *db, void (*report) (void *, const char *),
                     void *arg, fluxacct_error_t *error)
{
    uint64_t bad = 0;
    char first[200] = "";

    for (size_t t = 0; t < sizeof (checked_tables) / sizeof (*checked_tables);
         t++) {
        const char *table = checked_tables[t];
        const struct colrule *rule[64];
        sqlite3_stmt *st;
        char sql[128], *cols;
        int ncol, rc;

        /* Read only the columns that have a rule (jobs rows carry R and
         * jobspec, ~1 KB, that no rule looks at), each rule found once. */
        snprintf (sql, sizeof (sql), "SELECT * FROM \"%s\"", table);
        if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
            return db_error (db, error, "check");
        ncol = 0;
        for (int c = 0; c < sqlite3_column_count (st) && ncol < 64; c++)
            if ((rule[ncol] = find_rule (table, sqlite3_column_name (st, c))))
                ncol++;
        sqlite3_finalize (st);
        if (ncol == 0)
            continue;
        if (!(cols = columns_sql (rule, ncol, table)))
            return errprintf (error, ENOMEM, "out of memory");
        rc = sqlite3_prepare_v2 (db->h, cols, -1, &st, NULL);
        free (cols);
        if (rc != SQLITE_OK)
            return db_error (db, error, "check");
        while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
            for (int c = 0; c < ncol; c++) {
                struct colval v = { .type = sqlite3_column_type (st, c) };
                fluxacct_error_t why;
                if (v.type == COLVAL_INTEGER)
                    v.i = sqlite3_column_int64 (st, c);
                else if (v.type == COLVAL_REAL)
                    v.d = sqlite3_column_double (st, c);
                else if (v.type == COLVAL_TEXT || v.type == SQLITE_BLOB) {
                    v.type = COLVAL_TEXT;
                    v.s = (const char *)sqlite3_column_text (st, c);
                    v.len = (size_t)sqlite3_column_bytes (st, c);
                    if (!v.s)
                        v.s = "";
                }
                if (validate_value (rule[c], &v, &why) == 0)
                    continue;
                if (bad++ == 0)
                    snprintf (first, sizeof (first), "%s", why.text);
                if (report && bad <= 20)
                    report (arg, why.text);
            }
        }
        sqlite3_finalize (st);
        if (rc != SQLITE_DONE)
            return db_error (db, error, "check");
    }
    if (bad > 0)
        return errprintf (error, EINVAL, "%llu values break the rules of "
                          "add-* and edit-* (first: %s); fix them in the old "
                          "database and run this again",
                          (unsigned long long)bad, first);
    return bank_tree_check (db, error);
}
