/* Module model (bank.h, assoc.h, queue.h, project.h, factor.h): banks,
 * associations, queues, projects, factors, the bank roll-up; may call
 * core, parse, util. */
/* libfluxacct - banks. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"
#include "core/schema_internal.h"
#include "fluxacct/bank.h"
#include "fluxacct/assoc.h"
#include "model/model_internal.h"
#include "util/vstruct_internal.h"

/* Version 1 ends before the allocation fields. */
static const struct fa_vtype fields_type = {
    "fluxacct_bank_fields_t", "fluxacct_bank_fields_init", 2,
    { offsetof (fluxacct_bank_fields_t, allocation),
      sizeof (fluxacct_bank_fields_t) },
};

static const fluxacct_bank_fields_t fields_defaults = {
    .version = FLUXACCT_BANK_FIELDS_VERSION,
    .shares = FLUXACCT_UNSET,
    .priority = NAN,
    .ignore_older_than = NAN,
    .allocation = NAN,
    .allocation_start = NAN,
    .allocation_period = NAN,
};

FLUXACCT_EXPORT int fluxacct_bank_fields_init (fluxacct_bank_fields_t *f,
                                               int version)
{
    return fa_vinit (&fields_type, f, version, &fields_defaults);
}

/* The caller's fields (any version; NULL refused) as the latest version:
 * a version 1 caller's allocation fields are "not given". */
static int fields_in (const fluxacct_bank_fields_t *f,
                      fluxacct_bank_fields_t *full, fluxacct_error_t *error)
{
    if (!f)
        return errprintf (error, EINVAL, "invalid argument");
    return fa_vin (&fields_type, f, full, &fields_defaults, error);
}

/* Look a bank up.  Returns 1 found (active, parent filled if non-NULL and
 * malloc'd), 0 not found, -1 error. */
static int bank_lookup (fluxacct_db_t *db, const char *bank, int *active,
                        char **parent, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT active, parent_bank FROM bank_table WHERE bank=?";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW) {
        if (active)
            *active = sqlite3_column_int (st, 0);
        if (parent) {
            const char *p = (const char *)sqlite3_column_text (st, 1);
            *parent = strdup (p ? p : "");
        }
        sqlite3_reset (st);
        return 1;
    }
    sqlite3_reset (st);
    if (rc != SQLITE_DONE)
        return db_error (db, error, "bank lookup");
    return 0;
}

/* Allocation field `which` (alloc_columns), NAN when not given. */
static double alloc_field (const fluxacct_bank_fields_t *f, int which)
{
    return which == 0 ? f->allocation
         : which == 1 ? f->allocation_start : f->allocation_period;
}

static const char *const alloc_columns[] = {
    "allocation", "allocation_start", "allocation_period",
};

/* The bank_table row rules (validate.c) for the fields an add or an edit
 * sets: the parent's name, shares, priority, ignore_older_than.  The
 * bank's own name is checked by the caller (a new row's name on add, a
 * lookup key on edit). */
static int check_bank_values (const fluxacct_bank_fields_t *f,
                              fluxacct_error_t *error)
{
    for (int i = 0; i < 3; i++) {
        double d = alloc_field (f, i);
        if (!isnan (d)
            && validate_number ("bank_table", alloc_columns[i], d, error) < 0)
            return -1;
    }
    if (f->parent_bank && *f->parent_bank
        && validate_text ("bank_table", "parent_bank", f->parent_bank,
                          error) < 0)
        return -1;
    if (f->shares != FLUXACCT_UNSET
        && validate_int ("bank_table", "shares", f->shares, error) < 0)
        return -1;
    if (!isnan (f->priority)
        && validate_number ("bank_table", "priority", f->priority, error) < 0)
        return -1;
    if (!isnan (f->ignore_older_than)
        && validate_number ("bank_table", "ignore_older_than",
                            f->ignore_older_than, error) < 0)
        return -1;
    return 0;
}

static int check_parent (fluxacct_db_t *db, const char *parent,
                         fluxacct_error_t *error)
{
    int active, n;
    int found = bank_lookup (db, parent, &active, NULL, error);

    if (found < 0)
        return -1;
    if (!found)
        return errprintf (error, ENOENT, "parent bank %s not found in bank "
                          "table", parent);
    if (!active)
        return errprintf (error, EPERM, "parent bank %s is disabled", parent);
    if ((n = bank_has_assocs (db, parent, error)) < 0)
        return -1;
    if (n > 0)
        return errprintf (error, EPERM, "banks cannot be added to a bank "
                          "that currently has associations in it (%s)",
                          parent);
    return 0;
}

/* A subtree `height` levels tall fits under `parent`. */
static int check_depth (fluxacct_db_t *db, const char *parent, int height,
                        fluxacct_error_t *error)
{
    int level = bank_level (db, parent, error);

    if (level < 0)
        return -1;
    if (level + height > FLUXACCT_BANK_DEPTH_MAX)
        return errprintf (error, EINVAL, "the bank tree would be %d levels "
                          "deep under %s; the limit is %d levels",
                          level + height, parent, FLUXACCT_BANK_DEPTH_MAX);
    return 0;
}

static int bank_insert (fluxacct_db_t *db, const fluxacct_bank_fields_t *f,
                        const char *parent, fluxacct_error_t *error)
{
    static const char *sql =
        "INSERT INTO bank_table (bank, active, parent_bank, shares, priority,"
        " ignore_older_than, allocation, allocation_start, allocation_period)"
        " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, f->bank, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, parent, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 3, f->shares == FLUXACCT_UNSET ? 1 : f->shares);
    sqlite3_bind_double (st, 4, isnan (f->priority) ? 0. : f->priority);
    sqlite3_bind_int64 (st, 5, isnan (f->ignore_older_than)
                                   ? 0 : (sqlite3_int64)f->ignore_older_than);
    for (int i = 0; i < 3; i++) {
        double d = alloc_field (f, i);
        if (i == 0)
            sqlite3_bind_double (st, 6, isnan (d) ? 0. : d);
        else
            sqlite3_bind_int64 (st, 6 + i, isnan (d) ? 0 : (sqlite3_int64)d);
    }
    return db_step_done (db, st, error);
}

static int bank_reactivate (fluxacct_db_t *db, const char *bank,
                            fluxacct_error_t *error)
{
    static const char *sql = "UPDATE bank_table SET active=1 WHERE bank=?";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    return db_step_done (db, st, error);
}

static int bank_add (fluxacct_db_t *db, const fluxacct_bank_fields_t *f,
                     fluxacct_error_t *error)
{
    const char *parent = f->parent_bank ? f->parent_bank : "";
    char *old_parent = NULL;
    int active, found, n;

    if ((found = bank_lookup (db, f->bank, &active, &old_parent, error)) < 0)
        return -1;
    if (found) {
        int same = !strcmp (old_parent, parent);
        free (old_parent);
        if (same && !active) {
            /* Re-enabling under a disabled parent would leave an active
             * bank (and soon users) inside a disabled subtree. */
            if (*parent && check_parent (db, parent, error) < 0)
                return -1;
            return bank_reactivate (db, f->bank, error);
        }
        return errprintf (error, EEXIST, "bank %s already exists in "
                          "bank_table", f->bank);
    }
    if (!*parent) {
        static const char *sql =
            "SELECT COUNT(*) FROM bank_table WHERE parent_bank=? ";
        if ((n = db_query_int (db, sql, "", error)) < 0)
            return -1;
        if (n > 0)
            return errprintf (error, EEXIST, "bank_table already has a root "
                              "bank");
    }
    else if (check_parent (db, parent, error) < 0
             || check_depth (db, parent, 1, error) < 0)
        return -1;
    return bank_insert (db, f, parent, error);
}

FLUXACCT_EXPORT int fluxacct_bank_add (fluxacct_db_t *db,
                                       const fluxacct_bank_fields_t *fields,
                                       fluxacct_error_t *error)
{
    fluxacct_bank_fields_t full, *f = &full;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (fields_in (fields, &full, error) < 0)
        return -1;
    if (validate_text ("bank_table", "bank", f->bank, error) < 0
        || check_bank_values (f, error) < 0)
        return -1;
    if (f->parent_bank && *f->parent_bank
        && !strcmp (f->parent_bank, f->bank))
        return errprintf (error, EINVAL, "bank %s cannot be its own parent",
                          f->bank);
    if (db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, bank_add (db, f, error), error);
}

/* Is `bank` inside the subtree of `top` (or equal to it)? */
static int in_subtree (fluxacct_db_t *db, const char *top, const char *bank,
                       fluxacct_error_t *error)
{
    static const char *sql =
        "WITH RECURSIVE sub(b) AS (SELECT ? UNION "
        "SELECT bank_table.bank FROM bank_table JOIN sub "
        "ON bank_table.parent_bank = sub.b) "
        "SELECT COUNT(*) FROM sub WHERE b=?";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int n = -1;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, top, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, bank, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW)
        n = sqlite3_column_int (st, 0);
    else
        db_error (db, error, "subtree");
    sqlite3_reset (st);
    return n;
}

static int check_move (fluxacct_db_t *db, const char *bank,
                       const char *old_parent, const char *parent,
                       fluxacct_error_t *error)
{
    int n;

    if (!*old_parent)
        return errprintf (error, EPERM, "the root bank %s cannot be moved",
                          bank);
    if (!*parent)
        return errprintf (error, EPERM, "bank_table already has a root bank");
    if ((n = in_subtree (db, bank, parent, error)) < 0)
        return -1;
    if (n > 0)
        return errprintf (error, EPERM, "cannot move bank %s under %s: %s is "
                          "inside its subtree", bank, parent, parent);
    if (check_parent (db, parent, error) < 0
        || (n = bank_height (db, bank, error)) < 0)
        return -1;
    return check_depth (db, parent, n, error);
}

static int bank_update (fluxacct_db_t *db, const fluxacct_bank_fields_t *f,
                        fluxacct_error_t *error)
{
    static const char *sql =
        "UPDATE bank_table SET shares=coalesce(?, shares), "
        "parent_bank=coalesce(?, parent_bank), "
        "priority=coalesce(?, priority), "
        "ignore_older_than=coalesce(?, ignore_older_than), "
        "allocation=coalesce(?6, allocation), "
        "allocation_start=coalesce(?7, allocation_start), "
        "allocation_period=coalesce(?8, allocation_period), "
        "allocation_window=CASE WHEN ?6 IS NULL AND ?7 IS NULL AND ?8 IS NULL "
        "THEN allocation_window ELSE -1 END WHERE bank=?5";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    if (f->shares != FLUXACCT_UNSET)
        sqlite3_bind_int64 (st, 1, f->shares);
    if (f->parent_bank)
        sqlite3_bind_text (st, 2, f->parent_bank, -1, SQLITE_STATIC);
    if (!isnan (f->priority))
        sqlite3_bind_double (st, 3, f->priority);
    if (!isnan (f->ignore_older_than))
        sqlite3_bind_int64 (st, 4, (sqlite3_int64)f->ignore_older_than);
    sqlite3_bind_text (st, 5, f->bank, -1, SQLITE_STATIC);
    for (int i = 0; i < 3; i++) {
        double d = alloc_field (f, i);
        if (isnan (d))
            continue;
        if (i == 0)
            sqlite3_bind_double (st, 6, d);
        else
            sqlite3_bind_int64 (st, 6 + i, (sqlite3_int64)d);
    }
    return db_step_done (db, st, error);
}

static int bank_edit (fluxacct_db_t *db, const fluxacct_bank_fields_t *f,
                      fluxacct_error_t *error)
{
    char *old_parent = NULL;
    int found, rc = 0;

    if ((found = bank_lookup (db, f->bank, NULL, &old_parent, error)) < 0)
        return -1;
    if (!found)
        return errprintf (error, ENOENT, "bank %s not found in bank_table",
                          f->bank);
    if (f->parent_bank && strcmp (f->parent_bank, old_parent) != 0)
        rc = check_move (db, f->bank, old_parent, f->parent_bank, error);
    free (old_parent);
    if (rc == 0)
        rc = bank_update (db, f, error);
    if (rc == 0 && f->parent_bank)
        rc = bank_rollup_usage (db, error);
    /* a move changes which jobs count toward the allocations above the
     * bank: the next update-usage recomputes them */
    if (rc == 0 && f->parent_bank)
        rc = db_exec (db, "UPDATE bank_table SET allocation_window=-1 "
                      "WHERE allocation > 0", error);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_bank_edit (fluxacct_db_t *db,
                                        const fluxacct_bank_fields_t *fields,
                                        fluxacct_error_t *error)
{
    fluxacct_bank_fields_t full, *f = &full;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (fields_in (fields, &full, error) < 0)
        return -1;
    if (check_name (f->bank, "bank", error) < 0
        || check_bank_values (f, error) < 0)
        return -1;
    if (f->shares == FLUXACCT_UNSET && !f->parent_bank && isnan (f->priority)
        && isnan (f->ignore_older_than) && isnan (alloc_field (f, 0))
        && isnan (alloc_field (f, 1)) && isnan (alloc_field (f, 2)))
        return errprintf (error, EINVAL, "no fields provided for update");
    if (db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, bank_edit (db, f, error), error);
}


static int bank_delete (fluxacct_db_t *db, const char *bank, int force,
                        fluxacct_error_t *error)
{
    static const char *assoc_sql =
        "WITH RECURSIVE sub(b) AS (SELECT ? UNION SELECT bank_table.bank FROM "
        "bank_table JOIN sub ON bank_table.parent_bank = sub.b) "
        "SELECT username, bank FROM association_table WHERE bank IN "
        "(SELECT b FROM sub)";
    static const char *disable_sql =
        "WITH RECURSIVE sub(b) AS (SELECT ? UNION SELECT bank_table.bank FROM "
        "bank_table JOIN sub ON bank_table.parent_bank = sub.b) "
        "UPDATE bank_table SET active=0 WHERE bank IN (SELECT b FROM sub)";
    static const char *delete_sql =
        "WITH RECURSIVE sub(b) AS (SELECT ? UNION SELECT bank_table.bank FROM "
        "bank_table JOIN sub ON bank_table.parent_bank = sub.b) "
        "DELETE FROM bank_table WHERE bank IN (SELECT b FROM sub)";
    fluxacct_rows_t *assocs;
    sqlite3_stmt *st;
    int found, rc = 0;

    if ((found = bank_lookup (db, bank, NULL, NULL, error)) < 0)
        return -1;
    if (!found)
        return errprintf (error, ENOENT, "bank %s not found in bank_table",
                          bank);
    if (!(st = db_prep (db, assoc_sql, error)))
        return -1;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    if (!(assocs = rows_from_stmt (db, st, error)))
        return -1;
    for (size_t i = 0; rc == 0 && i < fluxacct_rows_count (assocs); i++)
        rc = assoc_remove (db, fluxacct_rows_text (assocs, i, 0),
                           fluxacct_rows_text (assocs, i, 1), force, error);
    fluxacct_rows_destroy (assocs);
    if (rc < 0)
        return -1;
    if (!(st = db_prep (db, force ? delete_sql : disable_sql, error)))
        return -1;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    if (db_step_done (db, st, error) < 0)
        return -1;
    if (!force)
        return 0;
    if (bank_rollup_usage (db, error) < 0)
        return -1;
    /* the deleted subtree's jobs no longer count toward the allocations
     * above it: the next update-usage recomputes them */
    return db_exec (db, "UPDATE bank_table SET allocation_window=-1 WHERE "
                    "allocation > 0", error);
}

FLUXACCT_EXPORT int fluxacct_bank_delete (fluxacct_db_t *db, const char *bank,
                                          int flags, fluxacct_error_t *error)
{
    if (!db || (flags & ~FLUXACCT_FORCE))
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (bank, "bank", error) < 0)
        return -1;
    if (db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, bank_delete (db, bank, flags & FLUXACCT_FORCE,
                                        error), error);
}

/* What view and list show: bank_table's columns, with the allocation's
 * remaining amount and percentage used (NULL for a bank without an
 * allocation) after allocation_used. */
static const char *const bank_view_columns[] = {
    "bank_id", "bank", "active", "parent_bank", "shares", "job_usage",
    "priority", "ignore_older_than", "allocation", "allocation_used",
    "allocation_remaining", "allocation_percent", "allocation_start",
    "allocation_period", "allocation_window", NULL,
};

#define BANK_VIEW \
    "(SELECT *, CASE WHEN allocation > 0 THEN allocation - allocation_used " \
    "END AS allocation_remaining, CASE WHEN allocation > 0 THEN 100.0 * " \
    "allocation_used / allocation END AS allocation_percent FROM bank_table)"

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_bank_view (fluxacct_db_t *db,
                                                     const char *bank,
                                                     const char *fields,
                                                     fluxacct_error_t *error)
{
    char notfound[300];

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (check_name (bank, "bank", error) < 0)
        return NULL;
    snprintf (notfound, sizeof (notfound), "bank %s not found in bank_table",
              bank);
    return db_select (db, bank_view_columns, fields,
                      BANK_VIEW " WHERE bank=?", bank, NULL, notfound, error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_bank_list (fluxacct_db_t *db,
                                                     int flags,
                                                     const char *fields,
                                                     fluxacct_error_t *error)
{
    if (!db || (flags & ~FLUXACCT_INCLUDE_INACTIVE))
        return errprintf_null (error, EINVAL, "invalid argument");
    return db_select (db, bank_view_columns, fields,
                      (flags & FLUXACCT_INCLUDE_INACTIVE)
                          ? BANK_VIEW " ORDER BY bank_id"
                          : BANK_VIEW " WHERE active=1 ORDER BY bank_id",
                      NULL, NULL, NULL, error);
}
