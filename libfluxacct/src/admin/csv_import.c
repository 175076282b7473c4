/* libfluxacct - pop-db: CSV files (RFC 4180) into tables.
 *
 * Import parses the file as it streams, checks and inserts each record
 * inside one transaction and stops at the first problem with the file name
 * and line, so nothing is written unless everything is right.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "core/db_internal.h"
#include "parse/parse_internal.h"
#include "admin/csv_internal.h"
#include "jobs/jobrec_internal.h"
#include "model/model_internal.h"
#include "fluxacct/csv.h"
#include "fluxacct/parse.h"

/* ---- import ---------------------------------------------------------- */

struct val {
    int type;   /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, 0 = absent */
    sqlite3_int64 i;
    double d;
    const char *s;
    size_t len;
};
/* the row rules (model/validate.c) read values as struct colval */
_Static_assert (sizeof (struct val) == sizeof (struct colval)
                && offsetof (struct val, len) == offsetof (struct colval, len)
                && offsetof (struct val, d) == offsetof (struct colval, d),
                "struct val is struct colval");

struct stcache {
    uint64_t mask;
    sqlite3_stmt *st;
};

#define NCACHE 32

struct loader {
    fluxacct_db_t *db;
    const char *path;
    struct table t;
    int *map;               /* header position -> table column, -1 skip */
    size_t nhdr;
    struct val *v;          /* per table column */
    const struct colrule *rule[64]; /* its rule (validate.c), found once */
    struct stcache cache[NCACHE];
    size_t ncache;
    int kind;               /* K_* below */
    int c_seq, c_R, c_nnodes, c_ncores, c_ngpus, c_charge, c_bank, c_spec,
        c_userid, c_queues, c_projects, c_defproj, c_id, c_ranks, c_project,
        c_req, c_act, c_tsubmit, c_trun, c_tinactive;
    uint64_t in_file;       /* table columns the file gives (a bit each) */
    struct jobnorm *norm;   /* job rows: the one job-record normaliser */
    struct jobrec jr;       /* its record for the current row */
    struct { sqlite3_int64 rowid; uint64_t line; } *lines;
    size_t nlines, caplines;
    fluxacct_error_t *error;
};

enum { K_OTHER, K_ASSOC, K_BANK, K_JOBS };

static void loader_clear_cache (struct loader *l)
{
    for (size_t i = 0; i < l->ncache; i++)
        sqlite3_finalize (l->cache[i].st);
    l->ncache = 0;
}

static sqlite3_stmt *insert_stmt (struct loader *l, uint64_t mask)
{
    char *cols = NULL, *qs = NULL;
    size_t clen = 0, qlen = 0;
    FILE *cf, *qf;
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    int n = 0;

    for (size_t i = 0; i < l->ncache; i++)
        if (l->cache[i].mask == mask)
            return l->cache[i].st;
    if (l->ncache == NCACHE)
        loader_clear_cache (l);
    if (!(cf = open_memstream (&cols, &clen)))
        goto nomem;
    if (!(qf = open_memstream (&qs, &qlen))) {
        fclose (cf);
        goto nomem;
    }
    for (size_t c = 0; c < l->t.ncols; c++) {
        if (!(mask & (1ULL << c)))
            continue;
        fprintf (cf, "%s\"%s\"", n ? ", " : "", l->t.cols[c].name);
        fprintf (qf, "%s?%zu", n ? ", " : "", c + 1);
        n++;
    }
    fclose (cf);
    fclose (qf);
    if (n == 0) {
        if (asprintf (&sql, "INSERT INTO \"%s\" DEFAULT VALUES", l->t.name) < 0)
            sql = NULL;
    }
    else if (asprintf (&sql, "INSERT INTO \"%s\" (%s) VALUES (%s)", l->t.name,
                       cols, qs) < 0)
        sql = NULL;
    free (cols);
    free (qs);
    if (!sql)
        goto nomem;
    if (sqlite3_prepare_v2 (l->db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (sql);
        db_error (l->db, l->error, "pop-db");
        return NULL;
    }
    free (sql);
    l->cache[l->ncache].mask = mask;
    l->cache[l->ncache].st = st;
    l->ncache++;
    return st;
nomem:
    errprintf (l->error, ENOMEM, "out of memory");
    return NULL;
}

static int is_integer (const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Convert field text to a value of the column's kind. */
static int convert (struct loader *l, const struct rec *rec, size_t hdr,
                    struct val *v)
{
    const struct column *col = &l->t.cols[l->map[hdr]];
    const char *s = csv_rec_text (rec, hdr);
    size_t len = rec->f[hdr].len;
    char *end;

    v->s = s;
    v->len = len;
    if (len == 0 && !rec->f[hdr].quoted) {
        v->type = 0; /* blank: the column default */
        return 0;
    }
    if (col->aff == A_TEXT || (col->aff == A_NONE && rec->f[hdr].quoted)) {
        v->type = SQLITE_TEXT;
        return 0;
    }
    if (col->aff == A_INT || (col->aff == A_NONE && is_integer (s))) {
        if (is_integer (s)) {
            errno = 0;
            v->i = strtoll (s, &end, 10);
            if (errno == 0 && !*end) {
                v->type = SQLITE_INTEGER;
                return 0;
            }
        }
        if (col->aff == A_INT)
            return errprintf (l->error, EINVAL, "%s:%llu: %s: '%.40s' is not "
                              "an integer", l->path,
                              (unsigned long long)rec->line, col->name, s);
    }
    v->d = strtod (s, &end);
    if (end != s && !*end && !isspace ((unsigned char)*s)) {
        v->type = SQLITE_FLOAT;
        return 0;
    }
    if (col->aff == A_NONE) {
        v->type = SQLITE_TEXT;
        return 0;
    }
    return errprintf (l->error, EINVAL, "%s:%llu: %s: '%.40s' is not a "
                      "number", l->path, (unsigned long long)rec->line,
                      col->name, s);
}

static struct val *colval (struct loader *l, int c)
{
    return c < 0 ? NULL : &l->v[c];
}

static void find_columns (struct loader *l)
{
    l->c_seq = csv_table_col (&l->t, "seq");
    l->c_R = csv_table_col (&l->t, "R");
    l->c_nnodes = csv_table_col (&l->t, "nnodes");
    l->c_ncores = csv_table_col (&l->t, "ncores");
    l->c_ngpus = csv_table_col (&l->t, "ngpus");
    l->c_charge = csv_table_col (&l->t, "charge_bank");
    l->c_bank = csv_table_col (&l->t, "bank");
    l->c_spec = csv_table_col (&l->t, "jobspec");
    l->c_userid = csv_table_col (&l->t, "userid");
    l->c_queues = csv_table_col (&l->t, "queues");
    l->c_projects = csv_table_col (&l->t, "projects");
    l->c_defproj = csv_table_col (&l->t, "default_project");
    l->c_id = csv_table_col (&l->t, "id");
    l->c_ranks = csv_table_col (&l->t, "ranks");
    l->c_project = csv_table_col (&l->t, "project");
    l->c_req = csv_table_col (&l->t, "requested_duration");
    l->c_act = csv_table_col (&l->t, "actual_duration");
    l->c_tsubmit = csv_table_col (&l->t, "t_submit");
    l->c_trun = csv_table_col (&l->t, "t_run");
    l->c_tinactive = csv_table_col (&l->t, "t_inactive");
}

enum { X_BANK, X_QUEUE, X_PROJECT };

static const char *const exists_sql[] = {
    "SELECT 1 FROM bank_table WHERE bank = ?",
    "SELECT 1 FROM queue_table WHERE queue = ?",
    "SELECT 1 FROM project_table WHERE project = ?",
};
static const char *const exists_table[] = {
    "bank_table", "queue_table", "project_table",
};
static const char *const exists_what[] = { "bank", "queue", "project" };

/* Is `name` (len bytes) a bank / queue / project?  1, 0, or -1. */
static int exists (struct loader *l, int kind, const char *name, size_t len)
{
    sqlite3_stmt *st = db_prep (l->db, exists_sql[kind], l->error);
    int found;

    if (!st)
        return -1;
    sqlite3_bind_text (st, 1, name, (int)len, SQLITE_STATIC);
    found = sqlite3_step (st) == SQLITE_ROW;
    sqlite3_reset (st);
    return found;
}

/* Every element of a comma list must exist. */
static int check_list (struct loader *l, const struct rec *rec,
                       const struct val *v, int kind)
{
    const char *s, *p;

    if (!v || v->type != SQLITE_TEXT)
        return 0;
    for (s = v->s; *s; s = *p ? p + 1 : p) {
        p = strchr (s, ',');
        if (!p)
            p = s + strlen (s);
        if (p == s)
            continue;
        int found = exists (l, kind, s, (size_t)(p - s));
        if (found < 0)
            return -1;
        if (!found)
            return errprintf (l->error, EINVAL, "%s:%llu: %s %.*s does not "
                              "exist in %s", l->path,
                              (unsigned long long)rec->line,
                              exists_what[kind], (int)(p - s), s,
                              exists_table[kind]);
    }
    return 0;
}

static int check_assoc (struct loader *l, const struct rec *rec)
{
    const struct val *b = colval (l, l->c_bank);
    int found;

    if (b && b->type == SQLITE_TEXT) {
        if ((found = exists (l, X_BANK, b->s, b->len)) < 0)
            return -1;
        if (!found)
            return errprintf (l->error, EINVAL, "%s:%llu: bank %.60s does "
                              "not exist in bank_table", l->path,
                              (unsigned long long)rec->line, b->s);
    }
    return check_list (l, rec, colval (l, l->c_queues), X_QUEUE) < 0
           || check_list (l, rec, colval (l, l->c_projects), X_PROJECT) < 0
           || check_list (l, rec, colval (l, l->c_defproj), X_PROJECT) < 0
           ? -1 : 0;
}

static double num (const struct val *v)
{
    return v->type == SQLITE_FLOAT ? v->d
           : v->type == SQLITE_INTEGER ? (double)v->i : 0;
}

static const char *text (const struct val *v)
{
    return v && v->type == SQLITE_TEXT ? v->s : NULL;
}

static void set_text (struct val *v, const char *s)
{
    if (s) {
        v->type = SQLITE_TEXT;
        v->s = s;
        v->len = strlen (s);
    }
}

static void set_real (struct val *v, double d)
{
    v->type = SQLITE_FLOAT;
    v->d = d;
}

static int in_file (const struct loader *l, int c)
{
    return (l->in_file >> c) & 1;
}

/* Job rows: what the file does not give, the job-record normaliser decides,
 * as for every other way records come in: seq, the counts and charge_bank
 * when blank; bank, project and the durations when the file has no such
 * column (a blank field there is the column's default, as in any table). */
static int derive_job (struct loader *l)
{
    struct val *seq = colval (l, l->c_seq), *R = colval (l, l->c_R);
    struct val *nn = colval (l, l->c_nnodes), *nc = colval (l, l->c_ncores);
    struct val *ng = colval (l, l->c_ngpus), *cb = colval (l, l->c_charge);
    struct val *bank = colval (l, l->c_bank), *spec = colval (l, l->c_spec);
    struct val *uid = colval (l, l->c_userid), *id = colval (l, l->c_id);
    struct val *project = colval (l, l->c_project);
    struct val *req = colval (l, l->c_req), *act = colval (l, l->c_act);
    struct val *ts = colval (l, l->c_tsubmit), *tr = colval (l, l->c_trun);
    struct val *ti = colval (l, l->c_tinactive);
    struct jobrec *j = &l->jr;

    if (!seq || !R || !nn || !nc || !ng || !cb || !bank || !spec || !uid
        || !id || !project || !req || !act || !ts || !tr || !ti)
        return 0; /* not our jobs table */
    if (!l->norm && !(l->norm = jobnorm_create (l->db, l->error)))
        return -1;
    jobrec_clear (j);
    *j = (struct jobrec){
        .id = text (id),
        .userid = uid->type == SQLITE_INTEGER ? uid->i : 0,
        .t_submit = num (ts),
        .t_run = num (tr),
        .t_inactive = num (ti),
        .R = text (R),
        .R_len = R->len,
        .jobspec = text (spec),
        .spec_len = spec->len,
        .bank = text (bank),
        .project = text (project),
        .has_requested = req->type != 0,
        .requested_duration = num (req),
        .has_actual = act->type != 0,
        .actual_duration = num (act),
        /* counts are derived only when the file gives none of them */
        .has_counts = nn->type || nc->type || ng->type,
        .no_counts = 1,
        .charge_bank = cb->type ? "" : NULL,
        .has_seq = seq->type != 0,
        .seq = seq->type == SQLITE_INTEGER ? seq->i : 0,
    };
    if (jobnorm_record (l->norm, j, l->error) < 0)
        return -1;
    jobnorm_stored (l->norm, j);
    if (!seq->type) {
        seq->type = SQLITE_INTEGER;
        seq->i = j->seq;
    }
    if (!(nn->type || nc->type || ng->type) && !j->no_counts) {
        nn->type = nc->type = ng->type = SQLITE_INTEGER;
        nn->i = (sqlite3_int64)j->counts.nnodes;
        nc->i = (sqlite3_int64)j->counts.ncores;
        ng->i = (sqlite3_int64)j->counts.ngpus;
    }
    if (!cb->type)
        set_text (cb, j->charge_bank);
    if (!in_file (l, l->c_bank))
        set_text (bank, j->bank);
    if (!in_file (l, l->c_project))
        set_text (project, j->project);
    if (!in_file (l, l->c_req))
        set_real (req, j->requested_duration);
    if (!in_file (l, l->c_act))
        set_real (act, j->actual_duration);
    return 0;
}

static int insert_row (struct loader *l, const struct rec *rec)
{
    fluxacct_error_t why;
    uint64_t mask = 0;
    sqlite3_stmt *st;
    int rc;

    for (size_t c = 0; c < l->t.ncols; c++)
        l->v[c].type = 0;
    for (size_t h = 0; h < l->nhdr; h++)
        if (l->map[h] >= 0 && convert (l, rec, h, &l->v[l->map[h]]) < 0)
            return -1;
    if (l->kind == K_JOBS && derive_job (l) < 0)
        return -1;
    /* the rules of add-*, before the references are looked up: the same
     * bad value gets the same message as through add-* and edit-* */
    for (size_t c = 0; c < l->t.ncols; c++)
        if (validate_value (l->rule[c], (const struct colval *)&l->v[c],
                            &why) < 0)
            return errprintf (l->error, EINVAL, "%s:%llu: %s", l->path,
                              (unsigned long long)rec->line, why.text);
    if (l->kind == K_ASSOC && check_assoc (l, rec) < 0)
        return -1;
    for (size_t c = 0; c < l->t.ncols; c++)
        if (l->v[c].type)
            mask |= 1ULL << c;
    if (!(st = insert_stmt (l, mask)))
        return -1;
    for (size_t c = 0; c < l->t.ncols; c++) {
        struct val *v = &l->v[c];
        switch (v->type) {
            case SQLITE_INTEGER:
                sqlite3_bind_int64 (st, (int)c + 1, v->i);
                break;
            case SQLITE_FLOAT:
                sqlite3_bind_double (st, (int)c + 1, v->d);
                break;
            case SQLITE_TEXT:
                sqlite3_bind_text (st, (int)c + 1, v->s, (int)v->len,
                                   SQLITE_STATIC);
                break;
        }
    }
    rc = sqlite3_step (st);
    sqlite3_reset (st);
    if (rc != SQLITE_DONE) {
        int code = sqlite3_extended_errcode (l->db->h);
        int e = (code & 0xff) != SQLITE_CONSTRAINT ? EIO
                : code == SQLITE_CONSTRAINT_UNIQUE
                          || code == SQLITE_CONSTRAINT_PRIMARYKEY
                      ? EEXIST : EINVAL;
        if ((code & 0xff) != SQLITE_CONSTRAINT)
            return db_error (l->db, l->error, "pop-db");
        constraint_error (&why, l->t.name, sqlite3_errmsg (l->db->h));
        return errprintf (l->error, e, "%s:%llu: %s", l->path,
                          (unsigned long long)rec->line, why.text);
    }
    if (l->kind == K_BANK) {
        if (l->nlines == l->caplines) {
            size_t cap = l->caplines ? l->caplines * 2 : 64;
            void *p = realloc (l->lines, cap * sizeof (*l->lines));
            if (!p)
                return errprintf (l->error, ENOMEM, "out of memory");
            l->lines = p;
            l->caplines = cap;
        }
        l->lines[l->nlines].rowid = sqlite3_last_insert_rowid (l->db->h);
        l->lines[l->nlines].line = rec->line;
        l->nlines++;
    }
    return 0;
}

static uint64_t line_of (struct loader *l, sqlite3_int64 rowid)
{
    for (size_t i = 0; i < l->nlines; i++)
        if (l->lines[i].rowid == rowid)
            return l->lines[i].line;
    return 0;
}

/* After a bank file: every parent exists, one root at most. */
static int check_banks (struct loader *l)
{
    sqlite3_stmt *st;
    int rc = 0;

    if (sqlite3_prepare_v2 (l->db->h, "SELECT rowid, bank, parent_bank FROM "
                            "bank_table WHERE coalesce(parent_bank, '') != '' "
                            "AND parent_bank NOT IN (SELECT bank FROM "
                            "bank_table) LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return db_error (l->db, l->error, "pop-db");
    if (sqlite3_step (st) == SQLITE_ROW)
        rc = errprintf (l->error, EINVAL, "%s:%llu: bank %.40s: parent bank "
                        "%.40s does not exist in bank_table", l->path,
                        (unsigned long long)line_of (l, sqlite3_column_int64
                                                            (st, 0)),
                        sqlite3_column_text (st, 1),
                        sqlite3_column_text (st, 2));
    sqlite3_finalize (st);
    if (rc < 0)
        return rc;
    if (sqlite3_prepare_v2 (l->db->h, "SELECT rowid, bank FROM bank_table "
                            "WHERE coalesce(parent_bank, '') = '' ORDER BY "
                            "rowid LIMIT 1 OFFSET 1", -1, &st, NULL)
        != SQLITE_OK)
        return db_error (l->db, l->error, "pop-db");
    if (sqlite3_step (st) == SQLITE_ROW)
        rc = errprintf (l->error, EINVAL, "%s:%llu: bank %.40s: bank_table "
                        "already has a root bank", l->path,
                        (unsigned long long)line_of (l, sqlite3_column_int64
                                                            (st, 0)),
                        sqlite3_column_text (st, 1));
    sqlite3_finalize (st);
    fluxacct_error_t why;
    if (rc == 0 && bank_tree_check (l->db, &why) < 0) /* add-bank's rules */
        return errprintf (l->error, EINVAL, "%s: %s", l->path, why.text);
    return rc;
}

static int split_fields (const char *fields, char ***out)
{
    char *copy = strdup (fields), *save = NULL, *tok;
    char **v = NULL;
    size_t n = 0;

    if (!copy)
        return -1;
    for (tok = strtok_r (copy, ",", &save); tok;
         tok = strtok_r (NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char **nv = realloc (v, (n + 2) * sizeof (char *));
        if (!nv || !(nv[n] = strdup (tok))) {
            free (nv ? nv : v);
            free (copy);
            return -1;
        }
        v = nv;
        v[++n] = NULL;
    }
    free (copy);
    *out = v;
    return 0;
}

/* Header: names must be the table's columns; with `fields`, only those
 * (looked up by name in the header) are loaded. */
static int map_header (struct loader *l, const struct rec *rec,
                       const char *fields)
{
    char **want = NULL;
    int rc = -1;

    l->nhdr = rec->nf;
    if (!(l->map = calloc (rec->nf, sizeof (int))))
        return errprintf (l->error, ENOMEM, "out of memory");
    for (size_t h = 0; h < rec->nf; h++) {
        const char *name = csv_rec_text (rec, h);
        if ((l->map[h] = csv_table_col (&l->t, name)) < 0)
            return errprintf (l->error, EINVAL, "%s:%llu: %.40s is not a "
                              "column of %s", l->path,
                              (unsigned long long)rec->line, name, l->t.name);
        for (size_t k = 0; k < h; k++)
            if (l->map[k] == l->map[h])
                return errprintf (l->error, EINVAL, "%s:%llu: column %.40s "
                                  "appears twice", l->path,
                                  (unsigned long long)rec->line, name);
    }
    if (!fields)
        return 0;
    if (split_fields (fields, &want) < 0)
        return errprintf (l->error, ENOMEM, "out of memory");
    if (!want) {
        errprintf (l->error, EINVAL, "no fields given");
        goto done;
    }
    /* "invalid fields: a, b" as flux-accounting says it */
    {
        char bad[120] = "";
        size_t blen = 0;
        for (size_t i = 0; want[i]; i++)
            if (csv_table_col (&l->t, want[i]) < 0 && blen < sizeof (bad))
                blen += snprintf (bad + blen, sizeof (bad) - blen, "%s%s",
                                  blen ? ", " : "", want[i]);
        if (blen) {
            errprintf (l->error, EINVAL, "invalid fields: %s", bad);
            goto done;
        }
    }
    for (size_t i = 0; want[i]; i++) {
        int found = 0;
        for (size_t h = 0; h < rec->nf && !found; h++)
            found = !strcmp (csv_rec_text (rec, h), want[i]);
        if (!found) {
            errprintf (l->error, EINVAL, "%s:%llu: field %s is not in the "
                       "header", l->path, (unsigned long long)rec->line,
                       want[i]);
            goto done;
        }
    }
    for (size_t h = 0; h < rec->nf; h++) {
        int keep = 0;
        for (size_t i = 0; want[i] && !keep; i++)
            keep = !strcmp (csv_rec_text (rec, h), want[i]);
        if (!keep)
            l->map[h] = -1;
    }
    rc = 0;
done:
    csv_strv_free (want);
    return rc;
}


/* Drop the table's own indexes while it is refilled; recreate them after
 * from their stored text. */
static int drop_indexes (fluxacct_db_t *db, const char *table, char ***sqls,
                         fluxacct_error_t *error)
{
    sqlite3_stmt *st;
    char **v = NULL, **names = NULL;
    size_t n = 0;
    int rc = 0, step;

    if (sqlite3_prepare_v2 (db->h, "SELECT name, sql FROM sqlite_master "
                            "WHERE type = 'index' AND tbl_name = ? AND sql IS"
                            " NOT NULL", -1, &st, NULL) != SQLITE_OK)
        return db_error (db, error, "pop-db");
    sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
    while ((step = sqlite3_step (st)) == SQLITE_ROW) {
        char **nv = realloc (v, (n + 2) * sizeof (char *));
        char **nn = nv ? realloc (names, (n + 2) * sizeof (char *)) : NULL;
        if (!nv || !nn) {
            free (nv ? nv : v);
            v = NULL;
            rc = errprintf (error, ENOMEM, "out of memory");
            break;
        }
        v = nv;
        names = nn;
        v[n] = strdup ((const char *)sqlite3_column_text (st, 1));
        names[n] = strdup ((const char *)sqlite3_column_text (st, 0));
        v[++n] = NULL;
        names[n] = NULL;
    }
    sqlite3_finalize (st);
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error (db, error, "pop-db");
    for (size_t i = 0; rc == 0 && names && names[i]; i++) {
        char *sql;
        if (asprintf (&sql, "DROP INDEX \"%s\"", names[i]) < 0)
            rc = errprintf (error, ENOMEM, "out of memory");
        else {
            rc = db_exec (db, sql, error);
            free (sql);
        }
    }
    csv_strv_free (names);
    *sqls = v;
    return rc;
}

static int load_file (fluxacct_db_t *db, const char *path, const char *fields,
                      int flags, fluxacct_csv_stats_t *stats,
                      fluxacct_error_t *error)
{
    struct loader l = { .db = db, .path = path, .error = error };
    struct rd r = { .path = path, .line = 1 };
    struct stat sb;
    uint64_t total = 0;
    struct rec rec = { 0 };
    char *table = csv_table_of_path (path);
    char **indexes = NULL;
    int rc = -1, got;

    if (!table)
        return errprintf (error, ENOMEM, "out of memory");
    if (csv_table_load (db, table, &l.t, error) < 0) {
        if (errno == ENOENT)
            errprintf (error, ENOENT, "%s: table \"%.60s\" does not exist in "
                       "the database", path, table);
        free (table);
        return -1;
    }
    if (l.t.ncols > 64) {
        errprintf (error, EINVAL, "%s: table %s has more than 64 columns",
                   path, table);
        goto done;
    }
    for (size_t c = 0; c < l.t.ncols; c++)
        l.rule[c] = validate_rule (l.t.name, l.t.cols[c].name);
    find_columns (&l);
    l.kind = !strcmp (table, "association_table") ? K_ASSOC
             : !strcmp (table, "bank_table") ? K_BANK
             : !strcmp (table, "jobs") ? K_JOBS : K_OTHER;
    if (!(r.f = fopen (path, "r"))) {
        errprintf (error, errno, "%s: %s", path, strerror (errno));
        goto done;
    }
    if (fstat (fileno (r.f), &sb) == 0)
        total = (uint64_t)sb.st_size;
    if (!(r.buf = malloc (1 << 20)) || !(l.v = calloc (l.t.ncols,
                                                       sizeof (*l.v)))) {
        errprintf (error, ENOMEM, "out of memory");
        goto done;
    }
    if ((got = csv_read_record (&r, &rec, error)) < 0)
        goto done;
    if (got == 0) {
        errprintf (error, EINVAL, "%s:1: empty file (no header row)", path);
        goto done;
    }
    if (map_header (&l, &rec, fields) < 0)
        goto done;
    for (size_t h = 0; h < l.nhdr; h++)
        if (l.map[h] >= 0)
            l.in_file |= 1ULL << l.map[h];
    if (flags & FLUXACCT_CSV_REPLACE) {
        char *sql;
        if (asprintf (&sql, "DELETE FROM \"%s\"", table) < 0) {
            errprintf (error, ENOMEM, "out of memory");
            goto done;
        }
        int e = db_exec (db, sql, error);
        free (sql);
        if (e < 0 || drop_indexes (db, table, &indexes, error) < 0)
            goto done;
    }
    while ((got = csv_read_record (&r, &rec, error)) > 0) {
        if (rec.nf != l.nhdr) {
            errprintf (error, EINVAL, "%s:%llu: %zu fields, but the header "
                       "has %zu", path, (unsigned long long)rec.line, rec.nf,
                       l.nhdr);
            goto done;
        }
        if (insert_row (&l, &rec) < 0)
            goto done;
        if ((++stats->rows & 16383) == 0)
            db_progress (db, "pop-db", r.bytes, total);
    }
    db_progress (db, "pop-db", r.bytes, total);
    if (got < 0)
        goto done;
    if (ferror (r.f)) {
        errprintf (error, EIO, "%s: read error", path);
        goto done;
    }
    for (size_t i = 0; indexes && indexes[i]; i++)
        if (db_exec (db, indexes[i], error) < 0)
            goto done;
    if (l.kind == K_BANK && check_banks (&l) < 0)
        goto done;
    if (l.norm) {
        struct jobnorm *n = l.norm;
        l.norm = NULL;
        if (jobnorm_finish (n, 0, error) < 0)
            goto done;
    }
    stats->tables++;
    stats->bytes += r.bytes;
    rc = 0;
done:
    if (r.f)
        fclose (r.f);
    free (r.buf);
    csv_rec_free (&rec);
    loader_clear_cache (&l);
    jobrec_clear (&l.jr);
    jobnorm_destroy (l.norm);
    free (l.v);
    free (l.map);
    free (l.lines);
    csv_strv_free (indexes);
    csv_table_free (&l.t);
    free (table);
    return rc;
}

/* Load order: what association rows refer to comes first. */
static int rank_of (const char *path)
{
    static const char *const order[] = {
        "bank_table", "queue_table", "project_table", "association_table",
        NULL,
    };
    char *t = csv_table_of_path (path);
    int r = 4;

    for (int i = 0; t && order[i]; i++)
        if (!strcmp (t, order[i]))
            r = i;
    free (t);
    return r;
}

static int64_t cache_size (fluxacct_db_t *db)
{
    sqlite3_stmt *st;
    int64_t v = -2000;

    if (sqlite3_prepare_v2 (db->h, "PRAGMA cache_size", -1, &st, NULL)
        == SQLITE_OK) {
        if (sqlite3_step (st) == SQLITE_ROW)
            v = sqlite3_column_int64 (st, 0);
        sqlite3_finalize (st);
    }
    return v;
}

static void set_cache_size (fluxacct_db_t *db, int64_t v)
{
    char sql[64];
    int saved = errno;
    snprintf (sql, sizeof (sql), "PRAGMA cache_size=%lld", (long long)v);
    sqlite3_exec (db->h, sql, NULL, NULL, NULL);
    errno = saved;
}

static int touches (const char *const *paths, const char *table)
{
    for (size_t i = 0; paths[i]; i++) {
        char *t = csv_table_of_path (paths[i]);
        int match = t && !strcmp (t, table);
        free (t);
        if (match)
            return 1;
    }
    return 0;
}

static int import_all (fluxacct_db_t *db, const char *const *paths,
                       const char *fields, int flags,
                       fluxacct_csv_stats_t *stats, fluxacct_error_t *error)
{
    for (int rank = 0; rank <= 4; rank++)
        for (size_t i = 0; paths[i]; i++)
            if (rank_of (paths[i]) == rank
                && load_file (db, paths[i], fields, flags, stats, error) < 0)
                return -1;
    /* Records replaced under the usage engine: its sums no longer match
     * them, so the next update-usage re-reads every record (unless the
     * engine's own state was restored along with them). */
    if ((flags & FLUXACCT_CSV_REPLACE)
        && (touches (paths, "jobs") || touches (paths, "bank_table")
            || touches (paths, "usage_period_table"))
        && !touches (paths, "usage_state_table"))
        return db_state_set_text (db, "fingerprint", "", error);
    return 0;
}

static const fluxacct_csv_import_options_t options_defaults = {
    .version = FLUXACCT_CSV_IMPORT_OPTIONS_VERSION,
};
FA_VSTRUCT1 (options_type, fluxacct_csv_import_options_t,
             fluxacct_csv_import_options_init, options_defaults);

/* The caller's options (NULL: the defaults) and stats (NULL or of a known
 * version), checked before anything is read. */
static int import_args (const fluxacct_csv_import_options_t *opts,
                        fluxacct_csv_import_options_t *o,
                        const fluxacct_csv_stats_t *stats,
                        fluxacct_error_t *error)
{
    if (fa_vin (&options_type, opts, o, &options_defaults, error) < 0
        || (stats && fa_vcheck (&csv_stats_type, stats, error) == 0))
        return -1;
    if (o->flags & ~FLUXACCT_CSV_REPLACE)
        return errprintf (error, EINVAL, "invalid flags 0x%x",
                          (unsigned)o->flags);
    return 0;
}

static int csv_import (fluxacct_db_t *db, const char *const *paths,
                       const fluxacct_csv_import_options_t *o,
                       fluxacct_csv_stats_t *stats, fluxacct_error_t *error)
{
    fluxacct_csv_stats_t local = csv_stats_zero;

    if (!db || !paths || !paths[0])
        return errprintf (error, EINVAL, "invalid argument");
    if (db_txn_begin (db, error) < 0)
        return -1;
    /* A big load in one transaction: a page cache that holds the working
     * set instead of spilling it (to the WAL) and reading it back. */
    int64_t cache = cache_size (db);
    sqlite3_exec (db->h, "PRAGMA cache_size=-262144", NULL, NULL, NULL);
    int rc = db_txn_end (db, import_all (db, paths, o->fields, o->flags,
                                         &local, error), error);
    set_cache_size (db, cache);
    if (stats) {
        int saved = errno;
        fa_vout (&csv_stats_type, stats, &local);
        errno = saved;
    }
    return rc;
}

FLUXACCT_EXPORT int fluxacct_csv_import (fluxacct_db_t *db,
                                         const char *const *paths,
                                         const fluxacct_csv_import_options_t *opts,
                                         fluxacct_csv_stats_t *stats,
                                         fluxacct_error_t *error)
{
    fluxacct_csv_import_options_t o;

    if (import_args (opts, &o, stats, error) < 0)
        return -1;
    return csv_import (db, paths, &o, stats, error);

}

FLUXACCT_EXPORT int fluxacct_csv_import_dir (fluxacct_db_t *db,
                                             const char *dir,
                                             const fluxacct_csv_import_options_t *opts,
                                             fluxacct_csv_stats_t *stats,
                                             fluxacct_error_t *error)
{
    fluxacct_csv_import_options_t o;
    char **tables, **paths = NULL;
    size_t n = 0;
    struct dirent *e;
    DIR *d;
    int rc = -1;

    if (import_args (opts, &o, stats, error) < 0)
        return -1;
    if (o.fields)
        return errprintf (error, EINVAL, "import-dir takes no fields list");
    fluxacct_report_f report = o.report;
    void *arg = o.arg;
    if (!db || !dir)
        return errprintf (error, EINVAL, "invalid argument");
    if (!(d = opendir (dir)))
        return errprintf (error, errno, "%s: %s", dir, strerror (errno));
    if (!(tables = csv_all_tables (db, error))) {
        closedir (d);
        return -1;
    }
    if (!(paths = calloc (1, sizeof (char *)))) {
        errprintf (error, ENOMEM, "out of memory");
        goto done;
    }
    while ((e = readdir (d))) {
        size_t len = strlen (e->d_name);
        int known = 0;
        if (len <= 4 || strcmp (e->d_name + len - 4, ".csv")
            || e->d_name[0] == '.')
            continue;
        for (size_t i = 0; tables[i] && !known; i++)
            known = strlen (tables[i]) == len - 4
                    && !strncmp (e->d_name, tables[i], len - 4);
        if (!known) {
            if (report) {
                char msg[300];
                snprintf (msg, sizeof (msg), "%s/%s names no table of the "
                          "database; skipped", dir, e->d_name);
                report (arg, msg);
            }
            continue;
        }
        char **nv = realloc (paths, (n + 2) * sizeof (char *));
        if (!nv) {
            errprintf (error, ENOMEM, "out of memory");
            goto done;
        }
        paths = nv;
        if (asprintf (&paths[n], "%s/%s", dir, e->d_name) < 0) {
            paths[n] = NULL;
            errprintf (error, ENOMEM, "out of memory");
            goto done;
        }
        paths[++n] = NULL;
    }
    if (n == 0) {
        errprintf (error, ENOENT, "%s holds no TABLE.csv file of this "
                   "database's tables", dir);
        goto done;
    }
    rc = csv_import (db, (const char *const *)paths, &o, stats, error);
done:
    closedir (d);
    csv_strv_free (tables);
    csv_strv_free (paths);
    return rc;
}
