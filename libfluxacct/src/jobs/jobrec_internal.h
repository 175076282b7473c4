/* libfluxacct - the one job-record normaliser: a record as an ingest path
 * read it in, the row of the jobs table out.
 *
 * Every path that stores job records (import-jobs, fetch-job-records,
 * pop-db, update-db) reads its source into a struct jobrec, marks what the
 * source did not give, and calls jobnorm_record(), which fills the rest by
 * one set of rules:
 *
 *   bank, project       attributes.system.bank / .project of the jobspec
 *                       (a bank only when a non-empty string), else ""
 *                       (NULL with null_unnamed: update-db keeps
 *                       flux-accounting's NULL for what nothing names)
 *   requested_duration  attributes.system.duration of the jobspec, else 0
 *   actual_duration     t_inactive - t_run for a job that ran, else 0
 *   nnodes, ncores,     counted from R; absent (NULL) when R is missing or
 *   ngpus               does not parse (the record is kept, usage 0)
 *   charge_bank         the record's bank when non-empty, else the
 *                       jobspec's bank, else the user's default bank
 *                       (jobnorm_default_bank()), else absent (NULL)
 *   seq                 the next import sequence number
 */
#ifndef FLUXACCT_JOBREC_INTERNAL_H
#define FLUXACCT_JOBREC_INTERNAL_H

#include <stddef.h>
#include <sqlite3.h>

#include "core/db_internal.h"
#include "fluxacct/parse.h"

struct jobrec {
    /* in: what every source gives */
    const char *id;             /* decimal job id */
    sqlite3_int64 userid;
    double t_submit, t_run, t_inactive;
    const char *ranks;          /* NULL: "" */
    const char *R;              /* R_len bytes (no NUL needed); NULL: none */
    size_t R_len;
    const char *jobspec;        /* spec_len bytes; NULL: none */
    size_t spec_len;
    /* in, optional: NULL / has_* = 0 means "derive it" */
    int spec_read;              /* bank, project and requested_duration
                                 * were read from the jobspec by the caller
                                 * (NULL / unset: none there) */
    const char *bank;
    const char *project;
    int null_unnamed;           /* bank / project nothing names: NULL */
    int has_requested, has_actual;
    double requested_duration, actual_duration;
    int has_counts;             /* counts given (or known absent: no_counts) */
    int no_counts;              /* with has_counts: the source stores none */
    fluxacct_r_count_t counts;
    const char *charge_bank;
    int has_seq;
    sqlite3_int64 seq;
    /* out (besides the fields above, all set by jobnorm_record) */
    char r_problem[160];        /* why R gave no counts ("" when it did) */
    char *owned[3];             /* strings the fields above point into */
};

struct jobnorm;

/* A normaliser for one transaction on db: loads the default banks and the
 * next sequence number.  NULL with a message on error. */
struct jobnorm *jobnorm_create (fluxacct_db_t *db, fluxacct_error_t *error);

/* Fill what rec does not give (see above).  Strings rec points to stay
 * valid until the next call with rec or jobrec_clear (rec).  0, or -1 with
 * ENOMEM. */
int jobnorm_record (struct jobnorm *n, struct jobrec *rec,
                    fluxacct_error_t *error);

/* Check every value of the normalised rec that jobrec_insert() stores
 * against its column's rule (model/validate.c: the rules pop-db and
 * update-db apply to rows of jobs, with their messages, in the table's
 * column order), and the record's own rule: a job that ran has
 * t_submit <= t_run <= t_inactive (checked right after the times).
 * Columns without a rule (id, ranks, R, jobspec) are the parsers'
 * business.  0, or -1 with EINVAL naming jobs.<column> and the value. */
int jobrec_check (const struct jobnorm *n, const struct jobrec *rec,
                  fluxacct_error_t *error);

/* The record jobnorm_record() gave rec->seq was stored: the next one gets
 * the following number. */
void jobnorm_stored (struct jobnorm *n, const struct jobrec *rec);

/* The default bank of userid (borrowed), or NULL.  The rule: the
 * default_bank of the user's association rows, taken from the first in the
 * order active rows first, then earliest creation_time, then lowest rowid
 * (rows with an empty default_bank are passed over).  Every row of a user
 * normally carries the same value; the order decides when they disagree. */
const char *jobnorm_default_bank (struct jobnorm *n, sqlite3_int64 userid);

/* The sequence number the next record gets. */
sqlite3_int64 jobnorm_next_seq (const struct jobnorm *n);

/* Store the next sequence number in the database state; then free n. */
int jobnorm_finish (struct jobnorm *n, int rc, fluxacct_error_t *error);
void jobnorm_destroy (struct jobnorm *n);

void jobrec_clear (struct jobrec *rec);

/* Insert rec (normalised) into jobs: 1 stored, 0 a record with that id is
 * already there (INSERT OR IGNORE), -1 error. */
int jobrec_insert (fluxacct_db_t *db, const struct jobrec *rec,
                   fluxacct_error_t *error);

#endif /* FLUXACCT_JOBREC_INTERNAL_H */
