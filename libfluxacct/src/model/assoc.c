/* libfluxacct - associations (a user in a bank). */
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"
#include "core/schema_internal.h"
#include "fluxacct/assoc.h"
#include "util/vstruct_internal.h"

#define USERID_UNKNOWN 4294967295LL

/* Version 1 ends before max_wall_pj.  An array's stride is the size of
 * its version, so every size is a multiple of the struct's alignment. */
static const struct fa_vtype fields_type = {
    "fluxacct_assoc_fields_t", "fluxacct_assoc_fields_init", 2,
    { offsetof (fluxacct_assoc_fields_t, max_wall_pj),
      sizeof (fluxacct_assoc_fields_t) },
};
_Static_assert (offsetof (fluxacct_assoc_fields_t, max_wall_pj)
                % _Alignof (fluxacct_assoc_fields_t) == 0,
                "version 1 of fluxacct_assoc_fields_t is an array stride");

static const fluxacct_assoc_fields_t fields_defaults = {
    .version = FLUXACCT_ASSOC_FIELDS_VERSION,
    .userid = FLUXACCT_UNSET,
    .shares = FLUXACCT_UNSET,
    .fairshare = NAN,
    .max_running_jobs = FLUXACCT_UNSET,
    .max_active_jobs = FLUXACCT_UNSET,
    .max_nodes = FLUXACCT_UNSET,
    .max_cores = FLUXACCT_UNSET,
    .max_sched_jobs = FLUXACCT_UNSET,
    .max_wall_pj = FLUXACCT_UNSET,
};

FLUXACCT_EXPORT int fluxacct_assoc_fields_init (fluxacct_assoc_fields_t *f,
                                                int version)
{
    return fa_vinit (&fields_type, f, version, &fields_defaults);
}

/* The caller's fields (any version; NULL refused) as the latest version. */
static int fields_in (const fluxacct_assoc_fields_t *f,
                      fluxacct_assoc_fields_t *full, fluxacct_error_t *error)
{
    if (!f)
        return errprintf (error, EINVAL, "invalid argument");
    return fa_vin (&fields_type, f, full, &fields_defaults, error);
}

/* The integer fields, their column and default, for validation and SQL. */
struct int_field {
    const char *column;
    size_t offset;
    int64_t def;
};

static const struct int_field int_fields[] = {
    { "shares", offsetof (fluxacct_assoc_fields_t, shares), 1 },
    { "max_running_jobs", offsetof (fluxacct_assoc_fields_t, max_running_jobs), 5 },
    { "max_active_jobs", offsetof (fluxacct_assoc_fields_t, max_active_jobs), 7 },
    { "max_nodes", offsetof (fluxacct_assoc_fields_t, max_nodes), FLUXACCT_UNLIMITED },
    { "max_cores", offsetof (fluxacct_assoc_fields_t, max_cores), FLUXACCT_UNLIMITED },
    { "max_sched_jobs", offsetof (fluxacct_assoc_fields_t, max_sched_jobs), FLUXACCT_UNLIMITED },
    { "max_wall_pj", offsetof (fluxacct_assoc_fields_t, max_wall_pj), FLUXACCT_UNLIMITED },
};
#define NINT (sizeof (int_fields) / sizeof (int_fields[0]))

static int64_t int_value (const fluxacct_assoc_fields_t *f, size_t i)
{
    return *(const int64_t *)((const char *)f + int_fields[i].offset);
}

/* The value to store for integer field i, or FLUXACCT_UNSET. */
static int64_t int_store (const fluxacct_assoc_fields_t *f, size_t i)
{
    int64_t v = int_value (f, i);
    return v == FLUXACCT_RESET ? int_fields[i].def : v;
}

static int is_reset (const char *s)
{
    return s && !strcmp (s, "-1");
}

static int check_values (const fluxacct_assoc_fields_t *f,
                         fluxacct_error_t *error)
{
    /* the association_table row rules (validate.c); -1 resets */
    for (size_t i = 0; i < NINT; i++) {
        int64_t v = int_value (f, i);
        if (v != FLUXACCT_UNSET && v != FLUXACCT_RESET
            && validate_int ("association_table", int_fields[i].column, v,
                             error) < 0)
            return -1;
    }
    if (!isnan (f->fairshare) && f->fairshare != -1
        && validate_number ("association_table", "fairshare", f->fairshare,
                            error) < 0)
        return -1;
    if (f->userid != FLUXACCT_UNSET
        && validate_int ("association_table", "userid", f->userid, error) < 0)
        return -1;
    if ((f->queues && !is_reset (f->queues)
         && validate_text ("association_table", "queues", f->queues,
                           error) < 0)
        || (f->projects && !is_reset (f->projects)
            && validate_text ("association_table", "projects", f->projects,
                              error) < 0)
        || (f->default_project && !is_reset (f->default_project)
            && validate_text ("association_table", "default_project",
                              f->default_project, error) < 0))
        return -1;
    return 0;
}

/* 1 if `name` is a row of `table`.`column`, 0 if not, -1 error. */
static int exists_in (fluxacct_db_t *db, const char *sql, const char *name,
                      fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, sql, error);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    sqlite3_reset (st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return db_error (db, error, "lookup");
}

static const char *queue_exists_sql = "SELECT 1 FROM queue_table WHERE queue=?";
static const char *project_exists_sql =
    "SELECT 1 FROM project_table WHERE project=?";

/* Every element of the comma list must exist in its table. */
static int check_list (fluxacct_db_t *db, const char *list, int is_queue,
                       fluxacct_error_t *error)
{
    char *copy, *tok, *save;
    int rc = 0;

    if (!list || !*list || is_reset (list))
        return 0;
    if (!(copy = strdup (list)))
        return errprintf (error, ENOMEM, "out of memory");
    for (tok = strtok_r (copy, ",", &save); tok && rc == 0;
         tok = strtok_r (NULL, ",", &save)) {
        int found = exists_in (db, is_queue ? queue_exists_sql
                                            : project_exists_sql, tok, error);
        if (found < 0)
            rc = -1;
        else if (!found)
            rc = errprintf (error, ENOENT, "%s %s does not exist in %s",
                            is_queue ? "queue" : "project", tok,
                            is_queue ? "queue_table" : "project_table");
    }
    free (copy);
    return rc;
}

static int list_has (const char *list, const char *item)
{
    size_t n = strlen (item);
    const char *p = list;

    while (p && *p) {
        const char *end = strchr (p, ',');
        size_t len = end ? (size_t)(end - p) : strlen (p);
        if (len == n && !strncmp (p, item, n))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* Append item to a malloc'd comma list (no duplicates). */
static char *list_append (char *list, const char *item)
{
    char *s;

    if (list_has (list, item))
        return list;
    if (asprintf (&s, "%s%s%s", list, *list ? "," : "", item) < 0)
        return NULL;
    free (list);
    return s;
}

/* Remove every item of `remove` from a malloc'd comma list. */
static char *list_remove (char *list, const char *remove)
{
    char *out = strdup (""), *copy = strdup (list), *tok, *save;

    if (!out || !copy) {
        free (out);
        free (copy);
        return NULL;
    }
    for (tok = strtok_r (copy, ",", &save); tok && out;
         tok = strtok_r (NULL, ",", &save))
        if (!list_has (remove, tok))
            out = list_append (out, tok);
    free (copy);
    free (list);
    return out;
}

/* Add every item of `add` to a malloc'd comma list. */
static char *list_merge (char *list, const char *add)
{
    char *copy = strdup (add), *tok, *save;

    if (!copy)
        return NULL;
    for (tok = strtok_r (copy, ",", &save); tok && list;
         tok = strtok_r (NULL, ",", &save))
        list = list_append (list, tok);
    free (copy);
    return list;
}

/* The final projects list: the given list with "*" (and default project)
 * appended, as flux-accounting does. */
static char *make_projects (const char *given, const char *def_project)
{
    char *p = strdup (given && !is_reset (given) ? given : "");
    if (p && def_project && !is_reset (def_project))
        p = list_append (p, def_project);
    if (p)
        p = list_append (p, "*");
    return p;
}

static long long lookup_userid (const char *username)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (getpwnam_r (username, &pw, buf, sizeof (buf), &res) == 0 && res)
        return (long long)res->pw_uid;
    return USERID_UNKNOWN;
}

/* The user's current default bank (malloc'd), or NULL if no rows. */
static char *user_default_bank (fluxacct_db_t *db, const char *username)
{
    static const char *sql = "SELECT default_bank FROM association_table "
                             "WHERE username=? LIMIT 1";
    sqlite3_stmt *st = db_prep (db, sql, NULL);
    char *s = NULL;

    if (!st)
        return NULL;
    sqlite3_bind_text (st, 1, username, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW)
        s = strdup ((const char *)sqlite3_column_text (st, 0));
    sqlite3_reset (st);
    return s;
}

/* -1 error, 0 absent, 1 present and disabled, 2 present and active */
static int assoc_state (fluxacct_db_t *db, const char *username,
                        const char *bank, fluxacct_error_t *error)
{
    static const char *sql = "SELECT active FROM association_table WHERE "
                             "username=? AND bank=?";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int rc, state = 0;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, username, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, bank, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW)
        state = sqlite3_column_int (st, 0) ? 2 : 1;
    sqlite3_reset (st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error (db, error, "lookup");
    return state;
}

/* The bank must exist, be active and hold no sub-banks. */
static int check_assoc_bank (fluxacct_db_t *db, const char *bank,
                             fluxacct_error_t *error)
{
    static const char *sql = "SELECT active FROM bank_table WHERE bank=?";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int rc, active = 0, n;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW)
        active = sqlite3_column_int (st, 0);
    sqlite3_reset (st);
    if (rc == SQLITE_DONE)
        return errprintf (error, ENOENT, "Bank %s does not exist in "
                          "bank_table", bank);
    if (rc != SQLITE_ROW)
        return db_error (db, error, "lookup");
    if ((n = bank_has_children (db, bank, error)) < 0)
        return -1;
    if (n > 0)
        return errprintf (error, EPERM, "associations cannot be added to the "
                          "same parent bank as a sub-bank (%s)", bank);
    if (!active)
        return errprintf (error, EPERM, "bank %s is disabled", bank);
    return 0;
}

static int reactivate (fluxacct_db_t *db, const char *username,
                       const char *bank, fluxacct_error_t *error)
{
    static const char *sql = "UPDATE association_table SET active=1, "
                             "mod_time=? WHERE username=? AND bank=?";
    sqlite3_stmt *st;

    if (check_assoc_bank (db, bank, error) < 0
        || !(st = db_prep (db, sql, error)))
        return -1;
    sqlite3_bind_int64 (st, 1, (sqlite3_int64)now_seconds ());
    sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 3, bank, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

static int insert_assoc (fluxacct_db_t *db, const fluxacct_assoc_fields_t *f,
                         long long userid, const char *def_bank,
                         const char *projects, const char *def_project,
                         fluxacct_error_t *error)
{
    static const char *sql =
        "INSERT INTO association_table (creation_time, mod_time, active, "
        "username, userid, bank, default_bank, fairshare, queues, projects, "
        "default_project, shares, max_running_jobs, max_active_jobs, "
        "max_nodes, max_cores, max_sched_jobs, max_wall_pj) VALUES (?1, ?1, "
        "1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    static const char *usql =
        "INSERT OR IGNORE INTO job_usage_factor_table (username, userid, "
        "bank) VALUES (?, ?, ?)";
    sqlite3_stmt *st = db_prep (db, sql, error);
    double fs = isnan (f->fairshare) || f->fairshare == -1 ? 0.5 : f->fairshare;

    if (!st)
        return -1;
    sqlite3_bind_int64 (st, 1, (sqlite3_int64)now_seconds ());
    sqlite3_bind_text (st, 2, f->username, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 3, userid);
    sqlite3_bind_text (st, 4, f->bank, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 5, def_bank, -1, SQLITE_STATIC);
    sqlite3_bind_double (st, 6, fs);
    sqlite3_bind_text (st, 7, f->queues && !is_reset (f->queues) ? f->queues
                                                                 : "",
                       -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 8, projects, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 9, def_project, -1, SQLITE_STATIC);
    for (size_t i = 0; i < NINT; i++) {
        int64_t v = int_store (f, i);
        sqlite3_bind_int64 (st, 10 + (int)i,
                            v == FLUXACCT_UNSET ? int_fields[i].def : v);
    }
    if (db_step_done (db, st, error) < 0 || !(st = db_prep (db, usql, error)))
        return -1;
    sqlite3_bind_text (st, 1, f->username, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 2, userid);
    sqlite3_bind_text (st, 3, f->bank, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

/* The default project: the one given, else the first listed, else "*". */
static char *pick_def_project (const fluxacct_assoc_fields_t *f)
{
    if (f->default_project && !is_reset (f->default_project))
        return strdup (f->default_project);
    if (f->projects && *f->projects && !is_reset (f->projects)) {
        size_t n = strcspn (f->projects, ",");
        return strndup (f->projects, n);
    }
    return strdup ("*");
}

static int assoc_add (fluxacct_db_t *db, const fluxacct_assoc_fields_t *f,
                      fluxacct_error_t *error)
{
    char *def_bank = NULL, *projects = NULL, *def_project = NULL;
    int state, rc = -1;
    long long userid;

    if ((state = assoc_state (db, f->username, f->bank, error)) < 0)
        return -1;
    if (state == 2)
        return errprintf (error, EEXIST, "association %s,%s already active "
                          "in association_table", f->username, f->bank);
    if (state == 1)
        return reactivate (db, f->username, f->bank, error);
    if (check_assoc_bank (db, f->bank, error) < 0
        || check_list (db, f->queues, 1, error) < 0
        || check_list (db, f->projects, 0, error) < 0
        || check_list (db, f->default_project, 0, error) < 0)
        return -1;
    userid = f->userid != FLUXACCT_UNSET ? (long long)f->userid
                                         : lookup_userid (f->username);
    def_bank = user_default_bank (db, f->username);
    def_project = pick_def_project (f);
    projects = make_projects (f->projects, def_project);
    if (!def_project || !projects)
        errprintf (error, ENOMEM, "out of memory");
    else
        rc = insert_assoc (db, f, userid, def_bank ? def_bank : f->bank,
                           projects, def_project, error);
    free (def_bank);
    free (projects);
    free (def_project);
    return rc;
}

static int check_add_fields (const fluxacct_assoc_fields_t *f,
                             fluxacct_error_t *error)
{
    if (check_values (f, error) < 0
        || validate_text ("association_table", "username", f->username,
                          error) < 0
        || validate_text ("association_table", "bank", f->bank, error) < 0)
        return -1;
    return 0;
}

FLUXACCT_EXPORT int fluxacct_assoc_add (fluxacct_db_t *db,
                                        const fluxacct_assoc_fields_t *fields,
                                        fluxacct_error_t *error)
{
    fluxacct_assoc_fields_t f;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (fields_in (fields, &f, error) < 0 || check_add_fields (&f, error) < 0
        || db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, assoc_add (db, &f, error), error);
}

FLUXACCT_EXPORT int fluxacct_assoc_add_many (fluxacct_db_t *db,
                                             const fluxacct_assoc_fields_t *fields,
                                             size_t n, fluxacct_error_t *error)
{
    const char *base = (const char *)fields;
    fluxacct_assoc_fields_t f;
    size_t stride = 0;
    int rc = 0;

    if (!db || (!fields && n > 0))
        return errprintf (error, EINVAL, "invalid argument");
    /* every element has the version of the first, whose size is the
     * array's stride */
    if (n > 0 && (stride = fa_vcheck (&fields_type, fields, error)) == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const fluxacct_assoc_fields_t *p = (const void *)(base + i * stride);
        fluxacct_error_t e;
        if (p->version != fields->version)
            return errprintf (error, EINVAL, "element %zu: version %d "
                              "differs from element 0's %d", i, p->version,
                              fields->version);
        if (fields_in (p, &f, &e) < 0
            || check_add_fields (&f, &e) < 0)
            return errprintf (error, errno, "element %zu: %s", i, e.text);
    }
    if (db_txn_begin (db, error) < 0)
        return -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (fields_in ((const void *)(base + i * stride), &f, error) < 0)
            rc = -1;
        else if ((rc = assoc_add (db, &f, error)) < 0 && error) {
            fluxacct_error_t e = *error;
            rc = errprintf (error, errno, "element %zu: %s", i, e.text);
        }
    }
    return db_txn_end (db, rc, error);
}

/* Make the user's earliest-created active association the default bank
 * when the current default is no longer active. */
static int fix_default_bank (fluxacct_db_t *db, const char *username,
                             fluxacct_error_t *error)
{
    static const char *sql =
        "UPDATE association_table SET default_bank = (SELECT bank FROM "
        "association_table WHERE username=?1 AND active=1 ORDER BY "
        "creation_time, rowid LIMIT 1) WHERE username=?1 AND NOT EXISTS "
        "(SELECT 1 FROM association_table a WHERE a.username=?1 AND "
        "a.active=1 AND a.bank = association_table.default_bank) AND EXISTS "
        "(SELECT 1 FROM association_table WHERE username=?1 AND active=1)";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, username, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

int assoc_remove (fluxacct_db_t *db, const char *username, const char *bank,
                  int force, fluxacct_error_t *error)
{
    static const char *disable_sql =
        "UPDATE association_table SET active=0, mod_time=?3 WHERE "
        "username=?1 AND bank=?2";
    static const char *delete_sql[] = {
        "DELETE FROM association_table WHERE username=?1 AND bank=?2",
        "DELETE FROM job_usage_factor_table WHERE username=?1 AND bank=?2",
        "DELETE FROM job_usage_per_association_table WHERE username=?1 AND "
        "bank=?2",
    };
    sqlite3_stmt *st;

    for (size_t i = 0; i < (force ? 3 : 1); i++) {
        if (!(st = db_prep (db, force ? delete_sql[i] : disable_sql, error)))
            return -1;
        sqlite3_bind_text (st, 1, username, -1, SQLITE_STATIC);
        sqlite3_bind_text (st, 2, bank, -1, SQLITE_STATIC);
        if (!force)
            sqlite3_bind_int64 (st, 3, (sqlite3_int64)now_seconds ());
        if (db_step_done (db, st, error) < 0)
            return -1;
    }
    return fix_default_bank (db, username, error);
}

FLUXACCT_EXPORT int fluxacct_assoc_delete (fluxacct_db_t *db,
                                           const char *username,
                                           const char *bank, int flags,
                                           fluxacct_error_t *error)
{
    int state, rc;

    if (!db || (flags & ~FLUXACCT_FORCE))
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (username, "user", error) < 0
        || check_name (bank, "bank", error) < 0
        || db_txn_begin (db, error) < 0)
        return -1;
    if ((state = assoc_state (db, username, bank, error)) == 0)
        rc = errprintf (error, ENOENT, "user %s in bank %s not found in "
                        "association_table", username, bank);
    else if (state < 0)
        rc = -1;
    else {
        rc = assoc_remove (db, username, bank, flags & FLUXACCT_FORCE, error);
        if (rc == 0 && (flags & FLUXACCT_FORCE))
            rc = bank_rollup_usage (db, error);
    }
    return db_txn_end (db, rc, error);
}

/* ---- edit ---------------------------------------------------------- */

static int has_edit_fields (const fluxacct_assoc_fields_t *f)
{
    for (size_t i = 0; i < NINT; i++)
        if (int_value (f, i) != FLUXACCT_UNSET)
            return 1;
    return f->userid != FLUXACCT_UNSET || f->default_bank
           || !isnan (f->fairshare) || f->queues || f->projects
           || f->default_project || f->add_queues || f->delete_queues;
}

static int check_edit_fields (fluxacct_db_t *db,
                              const fluxacct_assoc_fields_t *f,
                              fluxacct_error_t *error)
{
    if (check_values (f, error) < 0)
        return -1;
    if (!has_edit_fields (f))
        return errprintf (error, EINVAL, "no fields provided for update");
    if (is_reset (f->default_bank))
        return errprintf (error, EINVAL, "default bank cannot be reset with "
                          "-1; please specify a value");
    if (f->queues && (f->add_queues || f->delete_queues))
        return errprintf (error, EINVAL, "cannot specify --queues with "
                          "--add-queue or --delete-queue; use one or the other");
    if (f->add_queues && f->delete_queues) {
        char *copy = strdup (f->add_queues), *tok, *save;
        int rc = 0;
        for (tok = copy ? strtok_r (copy, ",", &save) : NULL; tok && rc == 0;
             tok = strtok_r (NULL, ",", &save))
            if (list_has (f->delete_queues, tok))
                rc = errprintf (error, EINVAL, "cannot pass queue to both "
                                "--add-queue and --delete-queue: %s", tok);
        free (copy);
        if (rc < 0)
            return -1;
    }
    if (check_list (db, f->queues, 1, error) < 0
        || check_list (db, f->add_queues, 1, error) < 0
        || check_list (db, f->projects, 0, error) < 0
        || check_list (db, f->default_project, 0, error) < 0)
        return -1;
    return 0;
}

/* Build "UPDATE association_table SET ... WHERE username=? AND bank=?" for
 * the fields given.  Bind order: ints, fairshare, userid, queues, projects,
 * default_project, mod_time, username, bank. */
static char *edit_sql (const fluxacct_assoc_fields_t *f)
{
    char buf[1024] = "UPDATE association_table SET mod_time=?";

    for (size_t i = 0; i < NINT; i++)
        if (int_value (f, i) != FLUXACCT_UNSET)
            snprintf (buf + strlen (buf), sizeof (buf) - strlen (buf),
                      ", %s=?", int_fields[i].column);
    if (!isnan (f->fairshare))
        strcat (buf, ", fairshare=?");
    if (f->userid != FLUXACCT_UNSET)
        strcat (buf, ", userid=?");
    if (f->queues || f->add_queues || f->delete_queues)
        strcat (buf, ", queues=?");
    if (f->projects || f->default_project)
        strcat (buf, ", projects=?");
    if (f->default_project)
        strcat (buf, ", default_project=?");
    strcat (buf, " WHERE username=? AND bank=?");
    return strdup (buf);
}

/* Compute the row's new queues and projects lists (malloc'd). */
static int row_lists (const fluxacct_assoc_fields_t *f, const char *queues,
                      const char *projects, char **q_out, char **p_out)
{
    char *q, *p;

    if (f->queues)
        q = strdup (is_reset (f->queues) ? "" : f->queues);
    else {
        q = strdup (queues);
        if (q && f->add_queues)
            q = list_merge (q, f->add_queues);
        if (q && f->delete_queues)
            q = list_remove (q, f->delete_queues);
    }
    if (f->projects)
        p = make_projects (f->projects, f->default_project);
    else {
        p = strdup (projects);
        if (p && f->default_project && !is_reset (f->default_project))
            p = list_append (p, f->default_project);
    }
    *q_out = q;
    *p_out = p;
    return q && p ? 0 : -1;
}

static int bind_edit (sqlite3_stmt *st, const fluxacct_assoc_fields_t *f,
                      const char *q, const char *p, const char *username,
                      const char *bank)
{
    int k = 1;

    sqlite3_bind_int64 (st, k++, (sqlite3_int64)now_seconds ());
    for (size_t i = 0; i < NINT; i++)
        if (int_value (f, i) != FLUXACCT_UNSET)
            sqlite3_bind_int64 (st, k++, int_store (f, i));
    if (!isnan (f->fairshare))
        sqlite3_bind_double (st, k++, f->fairshare == -1 ? 0.5 : f->fairshare);
    if (f->userid != FLUXACCT_UNSET)
        sqlite3_bind_int64 (st, k++, f->userid);
    if (f->queues || f->add_queues || f->delete_queues)
        sqlite3_bind_text (st, k++, q, -1, SQLITE_TRANSIENT);
    if (f->projects || f->default_project)
        sqlite3_bind_text (st, k++, p, -1, SQLITE_TRANSIENT);
    if (f->default_project)
        sqlite3_bind_text (st, k++, is_reset (f->default_project)
                                        ? "*" : f->default_project,
                           -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (st, k++, username, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (st, k++, bank, -1, SQLITE_TRANSIENT);
    return 0;
}

static int edit_rows (fluxacct_db_t *db, fluxacct_rows_t *rows,
                      const fluxacct_assoc_fields_t *f, fluxacct_error_t *error)
{
    char *sql = edit_sql (f);
    sqlite3_stmt *st = NULL;
    int rc = 0;

    if (!sql)
        return errprintf (error, ENOMEM, "out of memory");
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
        rc = db_error (db, error, "edit");
    free (sql);
    for (size_t i = 0; rc == 0 && i < fluxacct_rows_count (rows); i++) {
        char *q, *p;
        if (row_lists (f, fluxacct_rows_text (rows, i, 2),
                       fluxacct_rows_text (rows, i, 3), &q, &p) < 0)
            rc = errprintf (error, ENOMEM, "out of memory");
        else {
            bind_edit (st, f, q, p, fluxacct_rows_text (rows, i, 0),
                       fluxacct_rows_text (rows, i, 1));
            rc = db_step_done (db, st, error);
        }
        free (q);
        free (p);
    }
    sqlite3_finalize (st);
    return rc;
}

static int set_default_bank (fluxacct_db_t *db, const char *username,
                             const char *bank, fluxacct_error_t *error)
{
    static const char *sql = "UPDATE association_table SET default_bank=? "
                             "WHERE username=?";
    sqlite3_stmt *st;
    int state = assoc_state (db, username, bank, error);

    if (state < 0)
        return -1;
    if (state == 0)
        return errprintf (error, ENOENT, "user %s has no association in bank "
                          "%s to make its default bank", username, bank);
    if (state == 1)
        return errprintf (error, EPERM, "association %s,%s is disabled; it "
                          "cannot be the default bank", username, bank);
    if (!(st = db_prep (db, sql, error)))
        return -1;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

/* Keep job_usage_factor_table's userid equal to the edited rows' (all of
 * the user's rows, or only the one in `bank`). */
static int sync_userid (fluxacct_db_t *db, const char *username,
                        const char *bank, int64_t userid,
                        fluxacct_error_t *error)
{
    static const char *sql = "UPDATE job_usage_factor_table SET userid=?1 "
                             "WHERE username=?2 AND (?3 IS NULL OR bank=?3)";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_int64 (st, 1, userid);
    sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
    if (bank)
        sqlite3_bind_text (st, 3, bank, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

static const char *target_sql[] = {
    "association_table WHERE username=? ORDER BY bank",
    "association_table WHERE username=? AND bank=?",
    "association_table ORDER BY username, bank",
    "association_table WHERE bank=? ORDER BY username",
};
static const char *const target_columns[] = {
    "username", "bank", "queues", "projects", NULL,
};

static int assoc_edit (fluxacct_db_t *db, const char *username,
                       const char *bank, const fluxacct_assoc_fields_t *f,
                       fluxacct_error_t *error)
{
    fluxacct_assoc_fields_t g = *f;
    fluxacct_rows_t *rows;
    char notfound[600];
    int rc = 0;

    if (check_edit_fields (db, f, error) < 0)
        return -1;
    if (bank)
        snprintf (notfound, sizeof (notfound), "user %s in bank %s not found "
                  "in association_table", username, bank);
    else
        snprintf (notfound, sizeof (notfound), "user %s not found in "
                  "association_table", username);
    if (!(rows = db_select (db, target_columns, NULL,
                            target_sql[bank ? 1 : 0], username, bank,
                            notfound, error)))
        return -1;
    g.default_bank = NULL;
    if (has_edit_fields (&g))
        rc = edit_rows (db, rows, &g, error);
    fluxacct_rows_destroy (rows);
    if (rc == 0 && f->default_bank)
        rc = set_default_bank (db, username, f->default_bank, error);
    if (rc == 0 && f->userid != FLUXACCT_UNSET)
        rc = sync_userid (db, username, bank, f->userid, error);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_assoc_edit (fluxacct_db_t *db,
                                         const char *username,
                                         const char *bank,
                                         const fluxacct_assoc_fields_t *fields,
                                         fluxacct_error_t *error)
{
    fluxacct_assoc_fields_t f;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (fields_in (fields, &f, error) < 0
        || check_name (username, "user", error) < 0
        || (bank && check_name (bank, "bank", error) < 0)
        || db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, assoc_edit (db, username, bank, &f, error), error);
}

/* The first user (in name order) among the associations in scope (all, or
 * those of bank `from`) that the query picks, or NULL; *err set on error. */
static char *first_user (fluxacct_db_t *db, const char *sql, const char *from,
                         const char *to, int *err, fluxacct_error_t *error)
{
    sqlite3_stmt *st = db_prep (db, sql, error);
    char *s = NULL;
    int rc;

    *err = 0;
    if (!st) {
        *err = 1;
        return NULL;
    }
    if (from)
        sqlite3_bind_text (st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, to, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW && !(s = strdup ((const char *)
                                          sqlite3_column_text (st, 0)))) {
        errprintf (error, ENOMEM, "out of memory");
        *err = 1;
    }
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_error (db, error, "lookup");
        *err = 1;
    }
    sqlite3_reset (st);
    return s;
}

/* edit-all-users --bank: every association in scope moves to bank `to`
 * (which then is its user's default bank), with its usage rows; each user
 * may have only one association in scope. */
static int move_all (fluxacct_db_t *db, const char *from, const char *to,
                     fluxacct_error_t *error)
{
    static const char *dup_sql =
        "SELECT username FROM association_table a WHERE ?2 IS NOT NULL AND "
        "(?1 IS NULL OR bank=?1) AND EXISTS (SELECT 1 FROM association_table "
        "b WHERE b.username=a.username AND b.bank != a.bank AND (?1 IS NULL "
        "OR b.bank=?2)) ORDER BY username LIMIT 1";
    static const char *const moves[] = {
        "UPDATE OR REPLACE job_usage_factor_table SET bank=?2 WHERE "
        "(username, bank) IN (SELECT username, bank FROM association_table "
        "WHERE ?1 IS NULL OR bank=?1)",
        "UPDATE OR REPLACE job_usage_per_association_table SET bank=?2 WHERE "
        "(username, bank) IN (SELECT username, bank FROM association_table "
        "WHERE ?1 IS NULL OR bank=?1)",
        "UPDATE association_table SET bank=?2, default_bank=?2, mod_time=?3 "
        "WHERE ?1 IS NULL OR bank=?1",
    };
    char *user;
    int err;

    if (check_assoc_bank (db, to, error) < 0)
        return -1;
    if ((user = first_user (db, dup_sql, from, to, &err, error))) {
        errprintf (error, EEXIST, "cannot move every association to bank %s: "
                   "user %s has more than one association", to, user);
        free (user);
        return -1;
    }
    if (err)
        return -1;
    for (size_t i = 0; i < sizeof (moves) / sizeof (moves[0]); i++) {
        sqlite3_stmt *st = db_prep (db, moves[i], error);
        if (!st)
            return -1;
        if (from)
            sqlite3_bind_text (st, 1, from, -1, SQLITE_STATIC);
        sqlite3_bind_text (st, 2, to, -1, SQLITE_STATIC);
        if (i == 2)
            sqlite3_bind_int64 (st, 3, (sqlite3_int64)now_seconds ());
        if (db_step_done (db, st, error) < 0)
            return -1;
    }
    return 0;
}

/* edit-all-users --default-bank: every user in scope gets `to` as default
 * bank; each must have an active association there. */
static int default_all (fluxacct_db_t *db, const char *from, const char *to,
                        fluxacct_error_t *error)
{
    static const char *missing_sql =
        "SELECT username FROM association_table WHERE (?1 IS NULL OR "
        "bank=?1) AND username NOT IN (SELECT username FROM "
        "association_table WHERE bank=?2 AND active=1) ORDER BY username "
        "LIMIT 1";
    static const char *sql =
        "UPDATE association_table SET default_bank=?2 WHERE username IN "
        "(SELECT username FROM association_table WHERE ?1 IS NULL OR bank=?1)";
    sqlite3_stmt *st;
    char *user;
    int err;

    if (is_reset (to))
        return errprintf (error, EINVAL, "default bank cannot be reset with "
                          "-1; please specify a value");
    if ((user = first_user (db, missing_sql, from, to, &err, error))) {
        errprintf (error, ENOENT, "user %s has no active association in bank "
                   "%s to make its default bank", user, to);
        free (user);
        return -1;
    }
    if (err || !(st = db_prep (db, sql, error)))
        return -1;
    if (from)
        sqlite3_bind_text (st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, to, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

static int assoc_edit_all (fluxacct_db_t *db, const char *bank,
                           const fluxacct_assoc_fields_t *f,
                           fluxacct_error_t *error)
{
    fluxacct_assoc_fields_t g = *f;
    fluxacct_rows_t *rows;
    int rc = 0;

    g.bank = NULL;
    g.default_bank = NULL;
    if (!f->bank && !f->default_bank) {
        if (check_edit_fields (db, f, error) < 0)
            return -1;
    }
    else if (has_edit_fields (&g) && check_edit_fields (db, &g, error) < 0)
        return -1;
    else if (check_values (f, error) < 0)
        return -1;
    if (bank) {
        int found = exists_in (db, "SELECT 1 FROM bank_table WHERE bank=?",
                               bank, error);
        if (found <= 0)
            return found < 0 ? -1 : errprintf (error, ENOENT, "bank %s not "
                                               "found in bank_table", bank);
    }
    if (has_edit_fields (&g)) {
        if (!(rows = db_select (db, target_columns, NULL,
                                target_sql[bank ? 3 : 2], bank, NULL, NULL,
                                error)))
            return -1;
        rc = edit_rows (db, rows, &g, error);
        fluxacct_rows_destroy (rows);
    }
    if (rc == 0 && f->bank) {
        rc = move_all (db, bank, f->bank, error);
        bank = f->bank;
    }
    if (rc == 0 && f->default_bank)
        rc = default_all (db, bank, f->default_bank, error);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_assoc_edit_all (fluxacct_db_t *db,
                                             const char *bank,
                                             const fluxacct_assoc_fields_t *fields,
                                             fluxacct_error_t *error)
{
    fluxacct_assoc_fields_t full, *f = &full;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (fields_in (fields, &full, error) < 0)
        return -1;
    if (f->username || f->add_queues || f->delete_queues
        || f->userid != FLUXACCT_UNSET)
        return errprintf (error, EINVAL, "edit-all-users cannot change "
                          "username, userid or add/delete queues");
    if ((f->bank && check_name (f->bank, "bank", error) < 0)
        || (f->default_bank && !is_reset (f->default_bank)
            && check_name (f->default_bank, "bank", error) < 0))
        return -1;
    if (db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, assoc_edit_all (db, bank, f, error), error);
}

static int sync_userids (fluxacct_db_t *db, int64_t *counts,
                         fluxacct_error_t *error)
{
    static const char *const sql[] = {
        "UPDATE job_usage_factor_table SET userid = (SELECT a.userid FROM "
        "association_table a WHERE a.username = job_usage_factor_table."
        "username AND a.bank = job_usage_factor_table.bank) WHERE EXISTS "
        "(SELECT 1 FROM association_table a WHERE a.username = "
        "job_usage_factor_table.username AND a.bank = job_usage_factor_table."
        "bank AND a.userid != job_usage_factor_table.userid)",
        "UPDATE job_usage_per_association_table SET userid = (SELECT "
        "a.userid FROM association_table a WHERE a.username = "
        "job_usage_per_association_table.username AND a.bank = "
        "job_usage_per_association_table.bank) WHERE EXISTS (SELECT 1 FROM "
        "association_table a WHERE a.username = "
        "job_usage_per_association_table.username AND a.bank = "
        "job_usage_per_association_table.bank AND a.userid != "
        "job_usage_per_association_table.userid)",
    };

    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = db_prep (db, sql[i], error);
        if (!st || db_step_done (db, st, error) < 0)
            return -1;
        counts[i] = sqlite3_changes (db->h);
    }
    return 0;
}

FLUXACCT_EXPORT int fluxacct_assoc_sync_userids (fluxacct_db_t *db,
                                                 int64_t *factor_rows,
                                                 int64_t *period_rows,
                                                 fluxacct_error_t *error)
{
    int64_t counts[2] = { 0, 0 };

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (db_txn_begin (db, error) < 0)
        return -1;
    if (db_txn_end (db, sync_userids (db, counts, error), error) < 0)
        return -1;
    if (factor_rows)
        *factor_rows = counts[0];
    if (period_rows)
        *period_rows = counts[1];
    return 0;
}

/* ---- view and list ------------------------------------------------- */

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_assoc_view (fluxacct_db_t *db,
                                                      const char *username,
                                                      const char *fields,
                                                      fluxacct_error_t *error)
{
    char notfound[300];

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (check_name (username, "user", error) < 0)
        return NULL;
    snprintf (notfound, sizeof (notfound), "user %s not found in "
              "association_table", username);
    return db_select (db, schema_assoc_columns, fields,
                      "association_table WHERE username=? ORDER BY bank",
                      username, NULL, notfound, error);
}

static int is_column (const char *name, size_t len)
{
    for (size_t i = 0; schema_assoc_columns[i]; i++)
        if (strlen (schema_assoc_columns[i]) == len
            && !strncmp (schema_assoc_columns[i], name, len))
            return 1;
    return 0;
}

static int is_substring_column (const char *col)
{
    return !strcmp (col, "queues") || !strcmp (col, "projects")
           || !strcmp (col, "default_project");
}

/* Append one filter's SQL to where (a malloc'd string). */
static char *add_filter (char *where, const char *col, const char *values)
{
    char *clause = strdup (""), *copy = strdup (values), *tok, *save, *s;

    if (!clause || !copy)
        goto nomem;
    for (tok = strtok_r (copy, ",", &save); tok;
         tok = strtok_r (NULL, ",", &save)) {
        char *q = sqlite3_mprintf (is_substring_column (col)
                                       ? "%sinstr(%s, %Q) > 0"
                                       : "%s%s = %Q",
                                   *clause ? " OR " : "", col, tok);
        if (!q || asprintf (&s, "%s%s", clause, q) < 0) {
            sqlite3_free (q);
            goto nomem;
        }
        sqlite3_free (q);
        free (clause);
        clause = s;
    }
    if (asprintf (&s, "%s%s(%s)", where, *where ? " AND " : " WHERE ",
                  *clause ? clause : "0") < 0)
        goto nomem;
    free (where);
    free (clause);
    free (copy);
    return s;
nomem:
    free (where);
    free (clause);
    free (copy);
    return NULL;
}

static const char *active_value (const char *v)
{
    if (!strcasecmp (v, "true") || !strcmp (v, "1"))
        return "1";
    if (!strcasecmp (v, "false") || !strcmp (v, "0"))
        return "0";
    return NULL;
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_assoc_list (fluxacct_db_t *db,
                                                      const char *const *filters,
                                                      const char *fields,
                                                      fluxacct_error_t *error)
{
    char *where = strdup (""), *from;
    fluxacct_rows_t *r;

    if (!db || !where) {
        free (where);
        return errprintf_null (error, db ? ENOMEM : EINVAL,
                               db ? "out of memory" : "invalid argument");
    }
    for (size_t i = 0; filters && filters[i]; i++) {
        const char *eq = strchr (filters[i], '=');
        const char *value = eq ? eq + 1 : NULL;
        char col[64];
        if (!eq || !is_column (filters[i], eq - filters[i])
            || (size_t)(eq - filters[i]) >= sizeof (col)) {
            free (where);
            return errprintf_null (error, EINVAL, "invalid filter: %s",
                                   filters[i]);
        }
        snprintf (col, sizeof (col), "%.*s", (int)(eq - filters[i]),
                  filters[i]);
        if (!strcmp (col, "active") && !(value = active_value (value))) {
            free (where);
            return errprintf_null (error, EINVAL, "invalid filter: %s "
                                   "(active takes true or false)", filters[i]);
        }
        if (!(where = add_filter (where, col, value)))
            return errprintf_null (error, ENOMEM, "out of memory");
    }
    if (asprintf (&from, "association_table%s ORDER BY username, bank",
                  where) < 0) {
        free (where);
        return errprintf_null (error, ENOMEM, "out of memory");
    }
    free (where);
    r = db_select (db, schema_assoc_columns, fields, from, NULL, NULL, NULL,
                   error);
    free (from);
    return r;
}
