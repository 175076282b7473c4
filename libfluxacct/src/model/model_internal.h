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

#endif /* FLUXACCT_MODEL_INTERNAL_H */
