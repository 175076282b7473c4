/* libfluxacct - the one job-record normaliser (jobrec_internal.h): what
 * every ingest path stores for a job record, decided in one place. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/db_internal.h"
#include "model/model_internal.h"
#include "parse/parse_internal.h"
#include "jobs/jobrec_internal.h"

struct defbank {
    sqlite3_int64 userid;
    char *bank;
};

/* The columns of jobs that have a rule (model/validate.c), in the table's
 * order: jobrec_check() checks them in this order, as pop-db does. */
enum { JC_USERID, JC_T_SUBMIT, JC_T_RUN, JC_T_INACTIVE, JC_PROJECT, JC_BANK,
       JC_REQUESTED, JC_ACTUAL, JC_NNODES, JC_NCORES, JC_NGPUS, JC_CHARGE,
       JC_SEQ, JC_N };
static const char *const jc_name[JC_N] = {
    "userid", "t_submit", "t_run", "t_inactive", "project", "bank",
    "requested_duration", "actual_duration", "nnodes", "ncores", "ngpus",
    "charge_bank", "seq",
};

struct jobnorm {
    fluxacct_db_t *db;
    const struct colrule *rule[JC_N];   /* looked up once */
    struct defbank *defbanks;   /* sorted by userid, one per user */
    size_t ndefbanks;
    sqlite3_int64 next_seq;
};

/* The default-bank rule (jobrec_internal.h, README "Job records"): the
 * first row of each user in this order. */
static const char *defbank_sql =
    "SELECT userid, default_bank FROM association_table WHERE "
    "coalesce(default_bank, '') != '' ORDER BY userid, active DESC, "
    "creation_time, rowid";

static int load_defbanks (struct jobnorm *n, fluxacct_error_t *error)
{
    sqlite3_stmt *st;
    size_t cap = 0;
    int rc;

    if (sqlite3_prepare_v2 (n->db->h, defbank_sql, -1, &st, NULL)
        != SQLITE_OK)
        return db_error (n->db, error, "job records");
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        sqlite3_int64 uid = sqlite3_column_int64 (st, 0);
        if (n->ndefbanks > 0 && n->defbanks[n->ndefbanks - 1].userid == uid)
            continue;
        if (n->ndefbanks == cap) {
            cap = cap ? cap * 2 : 256;
            struct defbank *v = realloc (n->defbanks, cap * sizeof (*v));
            if (!v)
                goto nomem;
            n->defbanks = v;
        }
        n->defbanks[n->ndefbanks].userid = uid;
        if (!(n->defbanks[n->ndefbanks].bank
              = strdup ((const char *)sqlite3_column_text (st, 1))))
            goto nomem;
        n->ndefbanks++;
    }
    sqlite3_finalize (st);
    return rc == SQLITE_DONE ? 0 : db_error (n->db, error, "job records");
nomem:
    sqlite3_finalize (st);
    return errprintf (error, ENOMEM, "out of memory");
}

/* The next sequence number: the stored one, and past every stored record. */
static int load_next_seq (struct jobnorm *n, fluxacct_error_t *error)
{
    sqlite3_stmt *st;
    sqlite3_int64 max = 0;

    if (db_state_get (n->db, "next_seq", &n->next_seq, NULL, NULL, error) < 0)
        return -1;
    if (sqlite3_prepare_v2 (n->db->h, "SELECT coalesce(max(seq), 0) FROM "
                            "jobs", -1, &st, NULL) != SQLITE_OK)
        return db_error (n->db, error, "job records");
    if (sqlite3_step (st) == SQLITE_ROW)
        max = sqlite3_column_int64 (st, 0);
    sqlite3_finalize (st);
    if (n->next_seq <= max)
        n->next_seq = max + 1;
    return 0;
}

struct jobnorm *jobnorm_create (fluxacct_db_t *db, fluxacct_error_t *error)
{
    struct jobnorm *n = calloc (1, sizeof (*n));

    if (!n)
        return errprintf_null (error, ENOMEM, "out of memory");
    n->db = db;
    for (int c = 0; c < JC_N; c++)
        n->rule[c] = validate_rule ("jobs", jc_name[c]);
    if (load_defbanks (n, error) < 0 || load_next_seq (n, error) < 0) {
        jobnorm_destroy (n);
        return NULL;
    }
    return n;
}

void jobnorm_destroy (struct jobnorm *n)
{
    if (n) {
        int saved = errno;
        for (size_t i = 0; i < n->ndefbanks; i++)
            free (n->defbanks[i].bank);
        free (n->defbanks);
        free (n);
        errno = saved;
    }
}

int jobnorm_finish (struct jobnorm *n, int rc, fluxacct_error_t *error)
{
    if (rc == 0)
        rc = db_state_set_int (n->db, "next_seq", n->next_seq, error);
    jobnorm_destroy (n);
    return rc;
}

static int cmp_defbank (const void *a, const void *b)
{
    const struct defbank *x = a, *y = b;
    return x->userid < y->userid ? -1 : x->userid > y->userid;
}

const char *jobnorm_default_bank (struct jobnorm *n, sqlite3_int64 userid)
{
    struct defbank key = { .userid = userid };
    struct defbank *d = n->ndefbanks == 0
                            ? NULL
                            : bsearch (&key, n->defbanks, n->ndefbanks,
                                       sizeof (key), cmp_defbank);
    return d ? d->bank : NULL;
}

void jobrec_clear (struct jobrec *rec)
{
    for (int i = 0; i < 3; i++) {
        free (rec->owned[i]);
        rec->owned[i] = NULL;
    }
}

/* Keep s (malloc'd or NULL) in the record's slot; return it. */
static const char *own (struct jobrec *rec, int slot, char *s)
{
    free (rec->owned[slot]);
    rec->owned[slot] = s;
    return s;
}

/* attributes.system.{bank,project,duration} of the jobspec, for what the
 * record does not give; the jobspec's bank in *spec_bank (borrowed from
 * rec) for the charge rule.  A jobspec that is not JSON gives nothing (the
 * ingest paths that must refuse it check it before). */
static int spec_attrs (struct jobrec *rec, const char **spec_bank)
{
    json_t *js = NULL, *sys, *v;
    char *bank = NULL, *project = NULL;

    *spec_bank = NULL;
    if (rec->spec_read || (rec->bank && *rec->bank && rec->project
                           && rec->has_requested))
        goto fill;
    if (rec->jobspec && rec->spec_len > 0
        && (js = json_loadb (rec->jobspec, rec->spec_len, 0, NULL))) {
        sys = json_object_get (json_object_get (js, "attributes"), "system");
        if ((v = json_object_get (sys, "bank")) && json_is_string (v)
            && *json_string_value (v)
            && !(bank = strdup (json_string_value (v))))
            goto nomem;
        if (!rec->project && (v = json_object_get (sys, "project"))
            && json_is_string (v)
            && !(project = strdup (json_string_value (v))))
            goto nomem;
        if (!rec->has_requested && (v = json_object_get (sys, "duration"))
            && json_is_number (v)) {
            rec->requested_duration = json_number_value (v);
            rec->has_requested = 1;
        }
        json_decref (js);
    }
    *spec_bank = own (rec, 0, bank);
    if (project)
        rec->project = own (rec, 1, project);
fill:
    if (!rec->bank)
        rec->bank = *spec_bank ? *spec_bank : rec->null_unnamed ? NULL : "";
    if (!rec->project && !rec->null_unnamed)
        rec->project = "";
    if (!rec->has_requested) {
        rec->requested_duration = 0;
        rec->has_requested = 1;
    }
    return 0;
nomem:
    json_decref (js);
    free (bank);
    free (project);
    return -1;
}

/* nnodes, ncores, ngpus from R (NUL-terminated at R_len). */
static void counts_from_r (struct jobrec *rec)
{
    fluxacct_error_t why = { .text = "no R" };

    rec->has_counts = 1;
    rec->no_counts = 1;
    if (!rec->R || rec->R_len == 0 || !*rec->R) {
        snprintf (rec->r_problem, sizeof (rec->r_problem), "no R");
        return;
    }
    if (r_count_fast (rec->R, &rec->counts)
        || (fluxacct_r_count_init (&rec->counts, FLUXACCT_R_COUNT_VERSION),
            fluxacct_r_count (rec->R, &rec->counts, &why) == 0)) {
        rec->no_counts = 0;
        rec->r_problem[0] = '\0';
        return;
    }
    snprintf (rec->r_problem, sizeof (rec->r_problem), "%s", why.text);
}

int jobnorm_record (struct jobnorm *n, struct jobrec *rec,
                    fluxacct_error_t *error)
{
    const char *spec_bank;

    if (!rec->ranks)
        rec->ranks = "";
    if (spec_attrs (rec, &spec_bank) < 0)
        return errprintf (error, ENOMEM, "out of memory");
    if (!rec->has_actual) {
        rec->actual_duration = rec->t_run > 0 ? rec->t_inactive - rec->t_run
                                              : 0;
        rec->has_actual = 1;
    }
    if (!rec->has_counts)
        counts_from_r (rec);
    if (!rec->charge_bank)
        rec->charge_bank = rec->bank && *rec->bank ? rec->bank
                           : spec_bank ? spec_bank
                           : jobnorm_default_bank (n, rec->userid);
    if (!rec->has_seq) {
        rec->seq = n->next_seq;
        rec->has_seq = 1;
    }
    return 0;
}

static int check_int (const struct jobnorm *n, int c, sqlite3_int64 i,
                      fluxacct_error_t *error)
{
    struct colval v = { .type = COLVAL_INTEGER, .i = i };
    return validate_value (n->rule[c], &v, error);
}

static int check_real (const struct jobnorm *n, int c, double d,
                       fluxacct_error_t *error)
{
    struct colval v = { .type = COLVAL_REAL, .d = d };
    return validate_value (n->rule[c], &v, error);
}

/* A name column: NULL is stored as NULL (no rule applies). */
static int check_text (const struct jobnorm *n, int c, const char *s,
                       fluxacct_error_t *error)
{
    struct colval v = { .type = COLVAL_NULL };
    if (s) {
        v.type = COLVAL_TEXT;
        v.s = s;
        v.len = strlen (s);
    }
    return validate_value (n->rule[c], &v, error);
}

/* A count as stored (jobrec_insert binds it as an int64): past INT64_MAX
 * it is checked as the real number it is, which the rule refuses. */
static int check_count (const struct jobnorm *n, int c, uint64_t u,
                        fluxacct_error_t *error)
{
    return u > (uint64_t)INT64_MAX ? check_real (n, c, (double)u, error)
                                   : check_int (n, c, (sqlite3_int64)u, error);
}

int jobrec_check (const struct jobnorm *n, const struct jobrec *rec,
                  fluxacct_error_t *error)
{
    if (check_int (n, JC_USERID, rec->userid, error) < 0
        || check_real (n, JC_T_SUBMIT, rec->t_submit, error) < 0
        || check_real (n, JC_T_RUN, rec->t_run, error) < 0
        || check_real (n, JC_T_INACTIVE, rec->t_inactive, error) < 0)
        return -1;
    /* the record's own rule, once its times are known good */
    if (rec->t_run > 0 && rec->t_inactive < rec->t_run)
        return errprintf (error, EINVAL, "jobs.t_inactive (%.3f) is before "
                          "jobs.t_run (%.3f)", rec->t_inactive, rec->t_run);
    if (rec->t_submit > 0 && rec->t_run > 0 && rec->t_run < rec->t_submit)
        return errprintf (error, EINVAL, "jobs.t_run (%.3f) is before "
                          "jobs.t_submit (%.3f)", rec->t_run, rec->t_submit);
    if (check_text (n, JC_PROJECT, rec->project, error) < 0
        || check_text (n, JC_BANK, rec->bank, error) < 0
        || check_real (n, JC_REQUESTED, rec->requested_duration, error) < 0
        || check_real (n, JC_ACTUAL, rec->actual_duration, error) < 0)
        return -1;
    if (!rec->no_counts
        && (check_count (n, JC_NNODES, rec->counts.nnodes, error) < 0
            || check_count (n, JC_NCORES, rec->counts.ncores, error) < 0
            || check_count (n, JC_NGPUS, rec->counts.ngpus, error) < 0))
        return -1;
    /* charge_bank is most often the bank itself, just checked */
    if (rec->charge_bank != rec->bank
        && check_text (n, JC_CHARGE, rec->charge_bank, error) < 0)
        return -1;
    return check_int (n, JC_SEQ, rec->seq, error);
}

void jobnorm_stored (struct jobnorm *n, const struct jobrec *rec)
{
    if (rec->seq >= n->next_seq)
        n->next_seq = rec->seq + 1;
}

sqlite3_int64 jobnorm_next_seq (const struct jobnorm *n)
{
    return n->next_seq;
}

int jobrec_insert (fluxacct_db_t *db, const struct jobrec *rec,
                   fluxacct_error_t *error)
{
    static const char *sql =
        "INSERT OR IGNORE INTO jobs (id, userid, t_submit, t_run, t_inactive,"
        " ranks, R, jobspec, project, bank, requested_duration,"
        " actual_duration, nnodes, ncores, ngpus, charge_bank, seq) VALUES"
        " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
        " ?16, ?17)";
    sqlite3_stmt *st = db_prep (db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, rec->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 2, rec->userid);
    sqlite3_bind_double (st, 3, rec->t_submit);
    sqlite3_bind_double (st, 4, rec->t_run);
    sqlite3_bind_double (st, 5, rec->t_inactive);
    sqlite3_bind_text (st, 6, rec->ranks, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 7, rec->R ? rec->R : "", rec->R ? (int)rec->R_len
                                                           : 0, SQLITE_STATIC);
    sqlite3_bind_text (st, 8, rec->jobspec ? rec->jobspec : "",
                       rec->jobspec ? (int)rec->spec_len : 0, SQLITE_STATIC);
    if (rec->project)
        sqlite3_bind_text (st, 9, rec->project, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null (st, 9);
    if (rec->bank)
        sqlite3_bind_text (st, 10, rec->bank, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null (st, 10);
    sqlite3_bind_double (st, 11, rec->requested_duration);
    sqlite3_bind_double (st, 12, rec->actual_duration);
    if (!rec->no_counts) {
        sqlite3_bind_int64 (st, 13, (sqlite3_int64)rec->counts.nnodes);
        sqlite3_bind_int64 (st, 14, (sqlite3_int64)rec->counts.ncores);
        sqlite3_bind_int64 (st, 15, (sqlite3_int64)rec->counts.ngpus);
    }
    if (rec->charge_bank)
        sqlite3_bind_text (st, 16, rec->charge_bank, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 17, rec->seq);
    if (db_step_done (db, st, error) < 0)
        return -1;
    return sqlite3_changes (db->h) > 0 ? 1 : 0;
}
