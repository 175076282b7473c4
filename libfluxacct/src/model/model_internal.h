/* libfluxacct - the model module's private helpers, shared by its files
 * (banks, associations, the bank roll-up) and by the modules above it. */
#ifndef FLUXACCT_MODEL_INTERNAL_H
#define FLUXACCT_MODEL_INTERNAL_H

#include "core/db_internal.h"

/* Disable (force: delete) one association and fix the user's default bank.
 * Runs inside the caller's transaction. */
int assoc_remove (fluxacct_db_t *db, const char *username, const char *bank,
                  int force, fluxacct_error_t *error);

/* 1 if the bank has association rows (any state), 0 if not, -1 error. */
int bank_has_assocs (fluxacct_db_t *db, const char *bank,
                     fluxacct_error_t *error);

/* 1 if the bank has sub-bank rows (any state), 0 if not, -1 error. */
int bank_has_children (fluxacct_db_t *db, const char *bank,
                       fluxacct_error_t *error);

/* Recompute bank_table.job_usage of every bank as the sum of the
 * association usage in its subtree (semantics section 3). */
int bank_rollup_usage (fluxacct_db_t *db, fluxacct_error_t *error);

/* A bank_table row in memory (bankrows.c), with scratch fields for the
 * callers' tree walks. */
struct bankrow {
    char *name, *parent;     /* parent "" for the root */
    int64_t shares;
    double usage;            /* bank_table.job_usage */
    int active;
    int parent_idx;          /* -1; callers that resolve parents fill it */
    double direct, total;    /* roll-up: own associations, subtree */
    int added;               /* fair-share: added to the tree */
};

/* All banks in bank_id order (malloc'd; free with bankrows_free()). */
int bankrows_load (fluxacct_db_t *db, struct bankrow **out, size_t *np,
                   fluxacct_error_t *error);
void bankrows_free (struct bankrow *v, size_t n);

/* ---- the row rules (validate.c) ------------------------------------ */

/* A value as a writer has it, in SQLite's storage classes (the layout of
 * the CSV loader's values).  type 0: absent (the column default). */
enum { COLVAL_INTEGER = 1, COLVAL_REAL = 2, COLVAL_TEXT = 3, COLVAL_NULL = 5 };
struct colval {
    int type;
    sqlite3_int64 i;
    double d;
    const char *s;
    size_t len;
};

/* Check one value against the rule of table.column (names, ranges, finite
 * numbers; fluxacct-semantics(7) "Limits").  Columns without a rule pass.
 * -1 with EINVAL and a message naming table, column and value. */
int validate_column (const char *table, const char *column,
                     const struct colval *v, fluxacct_error_t *error);

/* The same in two steps, for a writer that checks many values of a few
 * columns (update-db, the job-record path): the rule of table.column
 * (NULL: the column has none) looked up once, then each value checked
 * against it (a NULL rule or an absent value passes).  Same messages. */
struct colrule;
const struct colrule *validate_rule (const char *table, const char *column);
int validate_value (const struct colrule *r, const struct colval *v,
                    fluxacct_error_t *error);

/* The same for a number, an integer, a name or list (the add-* and edit-*
 * fields; a NULL s is an empty one). */
int validate_number (const char *table, const char *column, double d,
                     fluxacct_error_t *error);
int validate_int (const char *table, const char *column, int64_t i,
                  fluxacct_error_t *error);
int validate_text (const char *table, const char *column, const char *s,
                   fluxacct_error_t *error);

/* The whole bank table as a tree: one root at most, every parent exists,
 * no bank its own parent or ancestor, at most FLUXACCT_BANK_DEPTH_MAX
 * levels.  Iterative.  0, or -1 with EINVAL naming the bank. */
int bank_tree_check (fluxacct_db_t *db, fluxacct_error_t *error);

/* Every row of the tables with rules, then the bank tree: each value that
 * breaks a rule is reported (the first 20, through report if non-NULL);
 * -1 with EINVAL giving the count and the first when any does. */
int validate_tables (fluxacct_db_t *db, void (*report) (void *, const char *),
                     void *arg, fluxacct_error_t *error);

/* The level of a bank (the root is 1), from its parent chain; the
 * height of its subtree (1: no sub-banks).  Bounded SQL walks; -1 error. */
int bank_level (fluxacct_db_t *db, const char *bank, fluxacct_error_t *error);
int bank_height (fluxacct_db_t *db, const char *bank, fluxacct_error_t *error);

#endif /* FLUXACCT_MODEL_INTERNAL_H */
