/* Module usage (usage.h): decayed usage and its reports; may call model,
 * core, parse, util. */
/* libfluxacct - decayed job usage (semantics sections 1-4).
 *
 * Every job record is charged once, when first seen (import sequence
 * watermark), into per-(userid, bank, absolute period) sums in
 * usage_period_table.  An association's usage at time `now` is evaluated
 * from those sums alone, so the cost of a run is O(new jobs + associations
 * x N), and the result depends only on the records and `now`:
 *
 *   binned:      usage = sum_{k=0}^{N-1} D^k * S[P-k]
 *   continuous:  S'[p] holds sum u_j * 2^((t_j - start_p)/H); a full period
 *                contributes S'[p] * 2^(-(now - start_p)/H); the current
 *                period and the one cut by the reset window are evaluated
 *                from their job records, which makes the cut exact.
 *
 * A change of any decay or weight setting, or clear-usage, re-reads the
 * records concerned (nothing is reset or lost).
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt_internal.h"
#include "util/vstruct_internal.h"
#include "model/model_internal.h"
#include "core/schema_internal.h"
#include "fluxacct/usage.h"
#include "fluxacct/allocation.h"
#include "fluxacct/assoc.h"

struct ucfg {
    double H, R, D, nw, cw, gw, T0;
    int continuous;
    int64_t N;
    char fingerprint[256];
};

/* ---- string interning (bank names) and the sums map ---------------- */

struct strtab {
    char **v;
    size_t n, cap;
    int *slots;     /* open addressing, -1 empty */
    size_t nslots;
};

static size_t hash_str (const char *s)
{
    size_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static int strtab_grow (struct strtab *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 256;
    int *slots = malloc (ns * sizeof (int));
    if (!slots)
        return -1;
    for (size_t i = 0; i < ns; i++)
        slots[i] = -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t k = hash_str (t->v[i]) & (ns - 1);
        while (slots[k] >= 0)
            k = (k + 1) & (ns - 1);
        slots[k] = (int)i;
    }
    free (t->slots);
    t->slots = slots;
    t->nslots = ns;
    return 0;
}

/* Index of s, added if absent (add = 1), or -1. */
static int strtab_get (struct strtab *t, const char *s, int add)
{
    size_t k;

    if (!t->nslots && (!add || strtab_grow (t) < 0))
        return -1;
    k = hash_str (s) & (t->nslots - 1);
    while (t->slots[k] >= 0) {
        if (!strcmp (t->v[t->slots[k]], s))
            return t->slots[k];
        k = (k + 1) & (t->nslots - 1);
    }
    if (!add)
        return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **v = realloc (t->v, cap * sizeof (char *));
        if (!v)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    if (!(t->v[t->n] = strdup (s)))
        return -1;
    t->slots[k] = (int)t->n;
    t->n++;
    if (t->n * 2 > t->nslots && strtab_grow (t) < 0)
        return -1;
    return (int)t->n - 1;
}

static void strtab_free (struct strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free (t->v[i]);
    free (t->v);
    free (t->slots);
}

struct skey {
    int64_t userid;
    int64_t period;
    int bank;
    int used;
};

struct sums {
    struct skey *k;
    double *v;
    size_t n, cap; /* cap is a power of two */
};

static size_t hash_key (int64_t userid, int bank, int64_t period)
{
    uint64_t h = (uint64_t)userid * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)bank * 0xC2B2AE3D27D4EB4FULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)period * 0x165667B19E3779F9ULL + (h << 6) + (h >> 2);
    return (size_t)(h ^ (h >> 31));
}

static double *sums_slot (struct sums *s, int64_t userid, int bank,
                          int64_t period, int add);

static int sums_grow (struct sums *s)
{
    struct sums ns = { 0 };
    ns.cap = s->cap ? s->cap * 2 : 1024;
    if (!(ns.k = calloc (ns.cap, sizeof (*ns.k)))
        || !(ns.v = calloc (ns.cap, sizeof (*ns.v)))) {
        free (ns.k);
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->k[i].used)
            *sums_slot (&ns, s->k[i].userid, s->k[i].bank, s->k[i].period, 1)
                = s->v[i];
    free (s->k);
    free (s->v);
    *s = ns;
    return 0;
}

/* The value slot of a key; added (0.0) when absent and add is set. */
static double *sums_slot (struct sums *s, int64_t userid, int bank,
                          int64_t period, int add)
{
    size_t i;

    if (add && (s->n + 1) * 2 > s->cap && sums_grow (s) < 0)
        return NULL;
    if (!s->cap)
        return NULL;
    i = hash_key (userid, bank, period) & (s->cap - 1);
    while (s->k[i].used) {
        if (s->k[i].userid == userid && s->k[i].bank == bank
            && s->k[i].period == period)
            return &s->v[i];
        i = (i + 1) & (s->cap - 1);
    }
    if (!add)
        return NULL;
    s->k[i] = (struct skey){ userid, period, bank, 1 };
    s->v[i] = 0;
    s->n++;
    return &s->v[i];
}

/* Size the table for about n keys up front (growing by doubling rehashes
 * every key each time). */
static int sums_reserve (struct sums *s, size_t n)
{
    while (s->cap < 2 * n + 2)
        if (sums_grow (s) < 0)
            return -1;
    return 0;
}

static double sums_get (struct sums *s, int64_t userid, int bank,
                        int64_t period)
{
    double *v = sums_slot (s, userid, bank, period, 0);
    return v ? *v : 0;
}

static void sums_free (struct sums *s)
{
    free (s->k);
    free (s->v);
    memset (s, 0, sizeof (*s));
}

/* ---- configuration -------------------------------------------------- */

static int read_cfg (fluxacct_db_t *db, struct ucfg *c, fluxacct_error_t *error)
{
    char *mode;

    c->H = db_config_double (db, "priority_decay_half_life", 604800);
    c->R = db_config_double (db, "priority_usage_reset_period", 2419200);
    c->D = db_config_double (db, "decay_factor", 0.5);
    c->nw = db_config_double (db, "node_weight", 1.0);
    c->cw = db_config_double (db, "core_weight", 0.0);
    c->gw = db_config_double (db, "gpu_weight", 0.0);
    c->T0 = db_config_double (db, "usage_epoch", 0);
    if (!(c->H > 0) || !(c->R >= 0) || !(c->D > 0 && c->D < 1))
        return errprintf (error, EINVAL, "invalid decay configuration: "
                          "half-life %g, reset period %g, decay factor %g",
                          c->H, c->R, c->D);
    if (config_check_periods (c->H, c->R, error) < 0)
        return -1;
    if (!(c->nw >= 0 && c->nw <= FLUXACCT_WEIGHT_MAX && c->cw >= 0
          && c->cw <= FLUXACCT_WEIGHT_MAX && c->gw >= 0
          && c->gw <= FLUXACCT_WEIGHT_MAX))
        return errprintf (error, EINVAL, "invalid resource weights in "
                          "config_table (node %g, core %g, gpu %g): each must "
                          "be from 0 to %d", c->nw, c->cw, c->gw,
                          FLUXACCT_WEIGHT_MAX);
    if (!(c->T0 >= 0 && c->T0 <= (double)FLUXACCT_TIME_MAX))
        return errprintf (error, EINVAL, "invalid usage_epoch %g in "
                          "config_table", c->T0);
    c->N = (int64_t)ceil (c->R / c->H);
    if (c->N < 1)
        c->N = 1;
    mode = db_config_text (db, "decay_mode");
    c->continuous = mode && !strcmp (mode, "continuous");
    free (mode);
    /* the values as stored text (FA_FMT_ROUNDTRIP), '|' between them */
    const double fp[7] = { c->H, c->R, c->D, c->nw, c->cw, c->gw, c->T0 };
    size_t n = 0;
    for (int i = 0; i < 7 && n < sizeof (c->fingerprint); i++) {
        n += fa_fmt_double (c->fingerprint + n, sizeof (c->fingerprint) - n,
                            fp[i], FA_FMT_ROUNDTRIP);
        if (n < sizeof (c->fingerprint))
            n += (size_t)snprintf (c->fingerprint + n,
                                   sizeof (c->fingerprint) - n, "|");
    }
    if (n < sizeof (c->fingerprint))
        snprintf (c->fingerprint + n, sizeof (c->fingerprint) - n, "%d",
                  c->continuous);
    return 0;
}

int usage_fingerprint (fluxacct_db_t *db, char *buf, size_t len,
                       fluxacct_error_t *error)
{
    struct ucfg c;

    if (read_cfg (db, &c, error) < 0)
        return -1;
    snprintf (buf, len, "%s", c.fingerprint);
    return 0;
}

static int64_t period_of (const struct ucfg *c, double t)
{
    double p = floor ((t - c->T0) / c->H);
    /* times and the epoch are within [0, FLUXACCT_TIME_MAX] and H >= 60 s,
     * so |p| < 2^33; clamp anyway rather than convert out of range */
    if (!(p > -4e18))
        return -(int64_t)4e18;
    if (p > 4e18)
        return (int64_t)4e18;
    return (int64_t)p;
}

static double period_start (const struct ucfg *c, int64_t p)
{
    return c->T0 + (double)p * c->H;
}

/* ---- banks: ignore_older_than, effective over ancestors ------------- */

struct bankinfo {
    struct strtab names;  /* bank name -> index */
    double *ignore;       /* effective ignore_older_than per index */
    int *parent;          /* parent index, -1 for the root */
    size_t n;
};

static int load_bankinfo (fluxacct_db_t *db, struct bankinfo *b,
                          fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT bank, parent_bank, ignore_older_than FROM bank_table";
    sqlite3_stmt *st = db_prep (db, sql, error);
    int *parent = NULL;
    double *own = NULL;
    int rc;

    if (!st)
        return -1;
    memset (b, 0, sizeof (*b));
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text (st, 0);
        int i = strtab_get (&b->names, name, 1);
        if (i < 0 || (size_t)i >= b->n) {
            size_t n = (size_t)i + 1;
            double *o = realloc (own, n * sizeof (double));
            int *p = o ? realloc (parent, n * sizeof (int)) : NULL;
            if (!o || !p) {
                free (o ? o : own);
                sqlite3_reset (st);
                return errprintf (error, ENOMEM, "out of memory");
            }
            own = o;
            parent = p;
            b->n = n;
        }
        const char *par = (const char *)sqlite3_column_text (st, 1);
        own[i] = sqlite3_column_double (st, 2);
        parent[i] = par && *par ? strtab_get (&b->names, par, 1) : -1;
        if (parent[i] >= (int)b->n) {
            /* parent interned before its own row: grow and fill later */
            size_t n = (size_t)parent[i] + 1;
            own = realloc (own, n * sizeof (double));
            parent = realloc (parent, n * sizeof (int));
            for (size_t k = b->n; k < n; k++) {
                own[k] = 0;
                parent[k] = -1;
            }
            b->n = n;
        }
    }
    sqlite3_reset (st);
    if (rc != SQLITE_DONE) {
        free (own);
        free (parent);
        return db_error (db, error, "banks");
    }
    b->ignore = malloc ((b->n ? b->n : 1) * sizeof (double));
    for (size_t i = 0; i < b->n; i++) {
        double m = own[i];
        size_t steps = 0;
        for (int k = parent[i]; k >= 0 && steps < b->n; k = parent[k], steps++)
            if (own[k] > m)
                m = own[k];
        b->ignore[i] = m;
    }
    free (own);
    b->parent = parent;
    return 0;
}

static void free_bankinfo (struct bankinfo *b)
{
    strtab_free (&b->names);
    free (b->ignore);
    free (b->parent);
}

/* ---- charging jobs into sums ---------------------------------------- */

/* Bank allocations at the evaluation time, by bank index (< n). */
struct alloc {
    size_t n;
    int any;            /* some bank has a window now */
    double *A, *U;      /* allocation, used in the window at `now` */
    int64_t *S, *P;
    int64_t *stored;    /* allocation_window as stored (-1: none) */
    int64_t *ws;        /* window start at now, -1: no window */
    double *we;         /* window end (exclusive), INFINITY when P = 0 */
    char *scan;         /* U needs the old jobs of the window re-read */
};

struct engine {
    fluxacct_db_t *db;
    struct ucfg cfg;
    struct bankinfo banks;
    struct sums delta;   /* contributions to add to usage_period_table */
    uint64_t charged, uncharged;
    struct alloc alloc;
};

static void alloc_add (struct engine *e, int bank, double t, double u);

/* The usage of one job row (columns as in charge_sql), or -1 when the job
 * contributes nothing. */
static double job_usage (struct engine *e, sqlite3_stmt *st, int *bank,
                         double *t_inactive)
{
    double t_run = sqlite3_column_double (st, 2);
    double t_end = sqlite3_column_double (st, 3);
    const char *b = (const char *)sqlite3_column_text (st, 1);
    int i;

    if (!b || sqlite3_column_type (st, 4) == SQLITE_NULL || !(t_run > 0)
        || t_end < t_run)
        return -1;
    i = strtab_get (&e->banks.names, b, 1);
    if (i < 0)
        return -1;
    if ((size_t)i < e->banks.n && t_end <= e->banks.ignore[i])
        return -1;
    *bank = i;
    *t_inactive = t_end;
    return (sqlite3_column_int64 (st, 4) * e->cfg.nw
            + sqlite3_column_int64 (st, 5) * e->cfg.cw
            + sqlite3_column_int64 (st, 6) * e->cfg.gw)
           * (t_end - t_run);
}

/* Accumulate the jobs selected by `st` (userid, charge_bank, t_run,
 * t_inactive, nnodes, ncores, ngpus) into e->delta. */
static int charge_rows (struct engine *e, sqlite3_stmt *st, uint64_t total,
                        fluxacct_error_t *error)
{
    uint64_t n = 0;
    int rc;

    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        if ((++n & 65535) == 0)
            db_progress (e->db, "usage", n, total);
        int bank;
        double t, u = job_usage (e, st, &bank, &t);
        int64_t p;
        double *slot;

        if (u < 0) {
            e->uncharged++;
            continue;
        }
        if (e->alloc.any)
            alloc_add (e, bank, t, u);
        p = period_of (&e->cfg, t);
        if (e->cfg.continuous)
            u *= exp2 ((t - period_start (&e->cfg, p)) / e->cfg.H);
        if (!(slot = sums_slot (&e->delta, sqlite3_column_int64 (st, 0), bank,
                                p, 1))) {
            sqlite3_reset (st);
            return errprintf (error, ENOMEM, "out of memory");
        }
        *slot += u;
        if (!(*slot <= USAGE_MAX)) {
            sqlite3_reset (st);
            return errprintf (error, ERANGE, "the usage of user ID %lld in "
                              "bank %s would exceed the limit of 1e300; "
                              "check the resource weights and the job "
                              "records", (long long)sqlite3_column_int64
                                                    (st, 0),
                              e->banks.names.v[bank]);
        }
        e->charged++;
    }
    sqlite3_reset (st);
    return rc == SQLITE_DONE ? 0 : db_error (e->db, error, "usage");
}

#define JOB_COLS "userid, charge_bank, t_run, t_inactive, nnodes, ncores, ngpus"

/* Add e->delta into usage_period_table. */
static int store_delta (struct engine *e, fluxacct_error_t *error)
{
    static const char *sql =
        "INSERT INTO usage_period_table (userid, bank, period, value) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (userid, bank, period) "
        "DO UPDATE SET value = value + excluded.value";
    sqlite3_stmt *st = db_prep (e->db, sql, error);

    if (!st)
        return -1;
    for (size_t i = 0; i < e->delta.cap; i++) {
        if (!e->delta.k[i].used)
            continue;
        sqlite3_bind_int64 (st, 1, e->delta.k[i].userid);
        sqlite3_bind_text (st, 2, e->banks.names.v[e->delta.k[i].bank], -1,
                           SQLITE_STATIC);
        sqlite3_bind_int64 (st, 3, e->delta.k[i].period);
        sqlite3_bind_double (st, 4, e->delta.v[i]);
        if (db_step_done (e->db, st, error) < 0)
            return -1;
    }
    return 0;
}

/* ---- evaluation ----------------------------------------------------- */

/* Load the sums of periods [lo, hi] into *s. */
static int load_sums (struct engine *e, int64_t lo, int64_t hi,
                      struct sums *s, fluxacct_error_t *error)
{
    static const char *sql = "SELECT userid, bank, period, value FROM "
                             "usage_period_table WHERE period BETWEEN ? AND ?";
    static const char *csql = "SELECT count(*) FROM usage_period_table "
                              "WHERE period BETWEEN ? AND ?";
    sqlite3_stmt *st = db_prep (e->db, csql, error);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_int64 (st, 1, lo);
    sqlite3_bind_int64 (st, 2, hi);
    if (sqlite3_step (st) == SQLITE_ROW
        && sums_reserve (s, (size_t)sqlite3_column_int64 (st, 0)) < 0) {
        sqlite3_reset (st);
        return errprintf (error, ENOMEM, "out of memory");
    }
    sqlite3_reset (st);
    if (!(st = db_prep (e->db, sql, error)))
        return -1;
    sqlite3_bind_int64 (st, 1, lo);
    sqlite3_bind_int64 (st, 2, hi);
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        int bank = strtab_get (&e->banks.names,
                               (const char *)sqlite3_column_text (st, 1), 1);
        double *slot = bank < 0 ? NULL
                                : sums_slot (s, sqlite3_column_int64 (st, 0),
                                             bank, sqlite3_column_int64 (st, 2),
                                             1);
        if (!slot) {
            sqlite3_reset (st);
            return errprintf (error, ENOMEM, "out of memory");
        }
        *slot = sqlite3_column_double (st, 3);
    }
    sqlite3_reset (st);
    return rc == SQLITE_DONE ? 0 : db_error (e->db, error, "usage");
}

/* Continuous mode: the exact decayed usage of the jobs of period p that
 * ended in [lo, hi] (inclusive; the period test is done here, exactly),
 * per key (period index = age in periods, P - p). */
static int scan_window (struct engine *e, double lo, double hi, double now,
                        int64_t P, int64_t p, struct sums *out,
                        fluxacct_error_t *error)
{
    static const char *sql = "SELECT " JOB_COLS " FROM jobs WHERE "
                             "t_inactive >= ? AND t_inactive <= ?";
    sqlite3_stmt *st = db_prep (e->db, sql, error);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_double (st, 1, lo);
    sqlite3_bind_double (st, 2, hi);
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        int bank;
        double t, u = job_usage (e, st, &bank, &t);
        if (u < 0 || t > now || period_of (&e->cfg, t) != p
            || (e->cfg.R > 0 && !(now - t < e->cfg.R)))
            continue;
        double *slot = sums_slot (out, sqlite3_column_int64 (st, 0), bank,
                                  P - p, 1);
        if (!slot) {
            sqlite3_reset (st);
            return errprintf (error, ENOMEM, "out of memory");
        }
        *slot += u * exp2 (-(now - t) / e->cfg.H);
    }
    sqlite3_reset (st);
    return rc == SQLITE_DONE ? 0 : db_error (e->db, error, "usage");
}

struct eval {
    int lazy;            /* binned incremental run: sums loaded per key */
    struct sums sums;    /* stored sums of the window's periods */
    struct sums edges;   /* continuous: exact values of the edge periods */
    int64_t P, pc;       /* current period, cut-off period (continuous) */
    double now;
};

/* Value of period age k (0 = current) for one association. */
static double period_value (struct engine *e, struct eval *ev,
                            int64_t userid, int bank, int64_t k)
{
    int64_t p = ev->P - k;

    if (!e->cfg.continuous)
        return pow (e->cfg.D, (double)k) * sums_get (&ev->sums, userid, bank, p);
    if (p == ev->P || (e->cfg.R > 0 && p <= ev->pc))
        return sums_get (&ev->edges, userid, bank, k);
    return sums_get (&ev->sums, userid, bank, p)
           * exp2 (-(ev->now - period_start (&e->cfg, p)) / e->cfg.H);
}

/* Load the window's sums of one (userid, bank), through the primary key
 * (an incremental run touches a few keys; scanning every key's rows would
 * cost more than the rest of the run). */
static int load_key_sums (struct engine *e, struct eval *ev, int64_t userid,
                          const char *bank_name, int bank,
                          fluxacct_error_t *error)
{
    static const char *sql = "SELECT period, value FROM usage_period_table "
                             "WHERE userid=? AND bank=? AND period BETWEEN ? "
                             "AND ?";
    sqlite3_stmt *st = db_prep (e->db, sql, error);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_int64 (st, 1, userid);
    sqlite3_bind_text (st, 2, bank_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 3, ev->P - e->cfg.N + 1);
    sqlite3_bind_int64 (st, 4, ev->P);
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        double *slot = sums_slot (&ev->sums, userid, bank,
                                  sqlite3_column_int64 (st, 0), 1);
        if (!slot) {
            sqlite3_reset (st);
            return errprintf (error, ENOMEM, "out of memory");
        }
        *slot = sqlite3_column_double (st, 1);
    }
    sqlite3_reset (st);
    return rc == SQLITE_DONE ? 0 : db_error (e->db, error, "usage");
}

static int prepare_eval (struct engine *e, double now, int lazy,
                         struct eval *ev, fluxacct_error_t *error)
{
    memset (ev, 0, sizeof (*ev));
    ev->now = now;
    ev->P = period_of (&e->cfg, now);
    if (!e->cfg.continuous && lazy) {
        ev->lazy = 1;
        return 0;
    }
    if (!e->cfg.continuous)
        return load_sums (e, ev->P - e->cfg.N + 1, ev->P, &ev->sums, error);
    /* continuous: full periods strictly between the cut-off period and the
     * current one come from the sums; the two edge periods from records. */
    ev->pc = e->cfg.R > 0 ? period_of (&e->cfg, now - e->cfg.R) : INT64_MIN / 2;
    if (load_sums (e, e->cfg.R > 0 ? ev->pc + 1 : INT64_MIN / 2, ev->P - 1,
                   &ev->sums, error) < 0
        || scan_window (e, period_start (&e->cfg, ev->P), now, now, ev->P,
                        ev->P, &ev->edges, error) < 0)
        return -1;
    if (e->cfg.R > 0 && ev->pc < ev->P)
        return scan_window (e, now - e->cfg.R,
                            period_start (&e->cfg, ev->pc + 1), now, ev->P,
                            ev->pc, &ev->edges, error);
    return 0;
}

/* Number of periods reported per association, and whether older periods
 * can still hold usage (continuous mode without a reset period). */
static int64_t nperiods (const struct ucfg *c)
{
    return c->N;
}

static double assoc_usage (struct engine *e, struct eval *ev, int64_t userid,
                           int bank)
{
    double total = 0;

    if (e->cfg.continuous && e->cfg.R == 0) {
        /* no cut-off: every stored period counts */
        for (size_t i = 0; i < ev->sums.cap; i++)
            if (ev->sums.k[i].used && ev->sums.k[i].userid == userid
                && ev->sums.k[i].bank == bank)
                total += ev->sums.v[i]
                         * exp2 (-(ev->now - period_start (&e->cfg,
                                                           ev->sums.k[i].period))
                                 / e->cfg.H);
        return total + sums_get (&ev->edges, userid, bank, 0);
    }
    for (int64_t k = 0; k < nperiods (&e->cfg); k++)
        total += period_value (e, ev, userid, bank, k);
    /* continuous: the cut-off period may lie N periods back */
    if (e->cfg.continuous && ev->P - ev->pc >= nperiods (&e->cfg))
        total += sums_get (&ev->edges, userid, bank, ev->P - ev->pc);
    return total;
}

/* Write one association's period values and total.  With `partial` (an
 * incremental run in the same period) only the periods that got new jobs
 * can have changed, and the number of periods has not. */
static int write_assoc (struct engine *e, struct eval *ev, const char *user,
                        int64_t userid, const char *bank_name, int bank,
                        int partial, fluxacct_error_t *error)
{
    static const char *usql =
        "UPDATE association_table SET job_usage=?1 WHERE username=?2 AND "
        "bank=?3 AND job_usage IS NOT ?1";
    static const char *psql =
        "INSERT INTO job_usage_per_association_table (username, userid, bank,"
        " period, value) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username,"
        " bank, period) DO UPDATE SET value = excluded.value, userid ="
        " excluded.userid WHERE value IS NOT excluded.value OR userid IS NOT"
        " excluded.userid";
    static const char *dsql =
        "DELETE FROM job_usage_per_association_table WHERE username=? AND "
        "bank=? AND period >= ?";
    sqlite3_stmt *st;

    if (!(st = db_prep (e->db, psql, error)))
        return -1;
    for (int64_t k = 0; k < nperiods (&e->cfg); k++) {
        if (partial && !sums_slot (&e->delta, userid, bank, ev->P - k, 0))
            continue;
        sqlite3_bind_text (st, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (st, 2, userid);
        sqlite3_bind_text (st, 3, bank_name, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (st, 4, k);
        sqlite3_bind_double (st, 5, period_value (e, ev, userid, bank, k));
        if (db_step_done (e->db, st, error) < 0)
            return -1;
    }
    if (!partial) {
        if (!(st = db_prep (e->db, dsql, error)))
            return -1;
        sqlite3_bind_text (st, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_text (st, 2, bank_name, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (st, 3, nperiods (&e->cfg));
        if (db_step_done (e->db, st, error) < 0)
            return -1;
    }
    if (!(st = db_prep (e->db, usql, error)))
        return -1;
    double total = assoc_usage (e, ev, userid, bank);
    if (!(total >= 0 && total <= USAGE_MAX))
        return errprintf (error, ERANGE, "the usage of %s in bank %s would be "
                          "%g, beyond the limit of 1e300; check the resource "
                          "weights and the job records", user, bank_name,
                          total);
    sqlite3_bind_double (st, 1, total);
    sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 3, bank_name, -1, SQLITE_STATIC);
    return db_step_done (e->db, st, error);
}

/* Write the values of every association the statement returns (username,
 * userid, bank). */
static int evaluate_rows (struct engine *e, struct eval *ev, sqlite3_stmt *st,
                          int partial, uint64_t *count,
                          fluxacct_error_t *error)
{
    int rc = 0, step;

    while (rc == 0 && (step = sqlite3_step (st)) == SQLITE_ROW) {
        char *u = strdup ((const char *)sqlite3_column_text (st, 0));
        int64_t userid = sqlite3_column_int64 (st, 1);
        char *b = strdup ((const char *)sqlite3_column_text (st, 2));
        int bank = b ? strtab_get (&e->banks.names, b, 1) : -1;
        if (!u || !b || bank < 0)
            rc = errprintf (error, ENOMEM, "out of memory");
        else if (ev->lazy && load_key_sums (e, ev, userid, b, bank, error) < 0)
            rc = -1;
        else
            rc = write_assoc (e, ev, u, userid, b, bank, partial, error);
        free (u);
        free (b);
        (*count)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error (e->db, error, "usage");
    sqlite3_reset (st);
    return rc;
}

/* Only the associations whose (userid, bank) got new jobs, and those that
 * have no values yet (added since the last run). */
static int evaluate_touched (struct engine *e, struct eval *ev,
                             uint64_t *count, fluxacct_error_t *error)
{
    static const char *keysql =
        "SELECT username, userid, bank FROM association_table WHERE "
        "userid=? AND bank=?";
    static const char *newsql =
        "SELECT username, userid, bank FROM association_table a WHERE NOT "
        "EXISTS (SELECT 1 FROM job_usage_per_association_table p WHERE "
        "p.username = a.username AND p.bank = a.bank)";
    sqlite3_stmt *st;
    int rc = 0;

    /* several periods of one key may be touched: visit each key once */
    struct sums done = { 0 };
    for (size_t i = 0; rc == 0 && i < e->delta.cap; i++) {
        struct skey *k = &e->delta.k[i];
        if (!k->used || sums_slot (&done, k->userid, k->bank, 0, 0))
            continue;
        if (!sums_slot (&done, k->userid, k->bank, 0, 1)) {
            rc = errprintf (error, ENOMEM, "out of memory");
            break;
        }
        if (!(st = db_prep (e->db, keysql, error))) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64 (st, 1, k->userid);
        sqlite3_bind_text (st, 2, e->banks.names.v[k->bank], -1,
                           SQLITE_TRANSIENT);
        rc = evaluate_rows (e, ev, st, 1, count, error);
    }
    sums_free (&done);
    if (rc == 0 && (st = db_prep (e->db, newsql, error)))
        rc = evaluate_rows (e, ev, st, 0, count, error);
    return rc;
}

/* Rewrite every association's values (or, when only_touched, those whose
 * (userid, bank) got new jobs, and those without period rows yet). */
static int evaluate (struct engine *e, double now, int only_touched,
                     uint64_t *count, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT username, userid, bank FROM association_table";
    struct eval ev;
    sqlite3_stmt *st;
    int rc;

    if (prepare_eval (e, now, only_touched, &ev, error) < 0)
        rc = -1;
    else if (only_touched)
        rc = evaluate_touched (e, &ev, count, error);
    else
        rc = (st = db_prep (e->db, sql, error))
                 ? evaluate_rows (e, &ev, st, 0, count, error) : -1;
    sums_free (&ev.sums);
    sums_free (&ev.edges);
    return rc;
}

/* ---- allocations (fluxacct-semantics(7) "Allocations") ---------------
 *
 * U(bank) = the undecayed usage (job_usage) of every job charged to the
 * bank or its sub-banks with t_inactive in the bank's current window
 * [S + kP, S + (k+1)P) (P = 0: [S, inf)).  Kept per bank in bank_table
 * (allocation_used, with allocation_window the start of the window it
 * belongs to).  A run adds the jobs charged for the first time (the same
 * stream that feeds the period sums); a bank whose window moved since the
 * last run (or whose allocation was edited: window -1) re-reads the old
 * jobs of its new window through jobs_inactive_idx, never the whole
 * table.  A full recompute (a changed weight, clear-usage) streams every
 * job, so U is rebuilt from scratch with everything else. */

static void alloc_free (struct alloc *a)
{
    free (a->A);
    free (a->U);
    free (a->S);
    free (a->P);
    free (a->stored);
    free (a->ws);
    free (a->we);
    free (a->scan);
    memset (a, 0, sizeof (*a));
}

/* The window containing `now` of an allocation (start S, period P):
 * its start, or -1 when there is none (no allocation, or now < S). */
static int64_t alloc_window (double A, int64_t S, int64_t P, double now,
                             double *end)
{
    int64_t t = (int64_t)floor (now), ws;

    *end = 0;
    if (!(A > 0) || t < S)
        return -1;
    if (P <= 0) {
        *end = INFINITY;
        return S;
    }
    ws = S + (t - S) / P * P;
    *end = (double)ws + (double)P;
    return ws;
}

/* Load every bank's allocation and decide, for evaluation time `now`,
 * which start from the stored U, which from zero (full: every job is
 * streamed) and which re-read their window's old jobs. */
static int alloc_load (struct engine *e, double now, int full,
                       fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT bank, allocation, allocation_start, allocation_period, "
        "allocation_used, allocation_window FROM bank_table";
    struct alloc *a = &e->alloc;
    size_t n = e->banks.n;
    sqlite3_stmt *st;
    int rc;

    memset (a, 0, sizeof (*a));
    a->n = n;
    if (!(a->A = calloc (n + 1, sizeof (double)))
        || !(a->U = calloc (n + 1, sizeof (double)))
        || !(a->S = calloc (n + 1, sizeof (int64_t)))
        || !(a->P = calloc (n + 1, sizeof (int64_t)))
        || !(a->stored = calloc (n + 1, sizeof (int64_t)))
        || !(a->ws = calloc (n + 1, sizeof (int64_t)))
        || !(a->we = calloc (n + 1, sizeof (double)))
        || !(a->scan = calloc (n + 1, 1)))
        return errprintf (error, ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        a->stored[i] = a->ws[i] = -1;
    if (!(st = db_prep (e->db, sql, error)))
        return -1;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        int i = strtab_get (&e->banks.names,
                            (const char *)sqlite3_column_text (st, 0), 0);
        if (i < 0 || (size_t)i >= n)
            continue;
        a->A[i] = sqlite3_column_double (st, 1);
        a->S[i] = sqlite3_column_int64 (st, 2);
        a->P[i] = sqlite3_column_int64 (st, 3);
        a->stored[i] = sqlite3_column_int64 (st, 5);
        a->ws[i] = alloc_window (a->A[i], a->S[i], a->P[i], now, &a->we[i]);
        if (a->ws[i] < 0)
            continue;
        a->any = 1;
        if (full)
            continue; /* every job is streamed: U from zero */
        if (a->stored[i] == a->ws[i])
            a->U[i] = sqlite3_column_double (st, 4);
        else
            a->scan[i] = 1;
    }
    sqlite3_reset (st);
    return rc == SQLITE_DONE ? 0 : db_error (e->db, error, "allocations");
}

/* Add a job's usage u (ended at t, charged to bank index `bank`) to every
 * bank on its path to the root whose current window holds t; with `only`
 * >= 0, only to the banks re-reading the window starting at ws[only]. */
static void alloc_add_to (struct engine *e, int bank, double t, double u,
                          int only)
{
    struct alloc *a = &e->alloc;
    size_t steps = 0;

    for (int k = bank; k >= 0 && (size_t)k < a->n && steps <= a->n;
         k = e->banks.parent[k], steps++) {
        if (a->ws[k] < 0 || !(t >= (double)a->ws[k] && t < a->we[k]))
            continue;
        if (only >= 0 && (!a->scan[k] || a->ws[k] != a->ws[only]
                          || a->we[k] != a->we[only]))
            continue;
        a->U[k] += u;
    }
}

static void alloc_add (struct engine *e, int bank, double t, double u)
{
    alloc_add_to (e, bank, t, u, -1);
}

/* The jobs already charged (seq <= charged) of the windows that moved.
 * Banks sharing a window share one index range scan. */
static int alloc_scan (struct engine *e, sqlite3_int64 charged,
                       fluxacct_error_t *error)
{
    /* "+seq": the seq term must not steer SQLite to the seq index; the
     * t_inactive range is the selective one. */
    static const char *sql = "SELECT " JOB_COLS " FROM jobs WHERE "
                             "t_inactive >= ?1 AND t_inactive < ?2 AND "
                             "+seq <= ?3";
    struct alloc *a = &e->alloc;

    for (size_t i = 0; i < a->n; i++) {
        sqlite3_stmt *st;
        int rc;

        if (!a->scan[i])
            continue;
        if (!(st = db_prep (e->db, sql, error)))
            return -1;
        sqlite3_bind_double (st, 1, (double)a->ws[i]);
        sqlite3_bind_double (st, 2, isinf (a->we[i]) ? 1e300 : a->we[i]);
        sqlite3_bind_int64 (st, 3, charged);
        while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
            int bank;
            double t, u = job_usage (e, st, &bank, &t);
            if (u >= 0)
                alloc_add_to (e, bank, t, u, (int)i);
        }
        sqlite3_reset (st);
        if (rc != SQLITE_DONE)
            return db_error (e->db, error, "allocations");
        /* every bank of this window is done */
        for (size_t k = i + 1; k < a->n; k++)
            if (a->scan[k] && a->ws[k] == a->ws[i] && a->we[k] == a->we[i])
                a->scan[k] = 0;
        a->scan[i] = 0;
    }
    return 0;
}

static int alloc_store (struct engine *e, fluxacct_error_t *error)
{
    static const char *sql =
        "UPDATE bank_table SET allocation_used=?1, allocation_window=?2 "
        "WHERE bank=?3 AND (allocation_used IS NOT ?1 OR allocation_window "
        "IS NOT ?2)";
    struct alloc *a = &e->alloc;

    for (size_t i = 0; i < a->n; i++) {
        sqlite3_stmt *st;
        double U = a->ws[i] >= 0 ? a->U[i] : 0;

        if (!(U >= 0 && U <= USAGE_MAX))
            return errprintf (error, ERANGE, "the allocation used by bank %s "
                              "would be %g, beyond the limit of 1e300; check "
                              "the resource weights and the job records",
                              e->banks.names.v[i], U);
        if (!(st = db_prep (e->db, sql, error)))
            return -1;
        sqlite3_bind_double (st, 1, U);
        sqlite3_bind_int64 (st, 2, a->ws[i]);
        sqlite3_bind_text (st, 3, e->banks.names.v[i], -1, SQLITE_STATIC);
        if (db_step_done (e->db, st, error) < 0)
            return -1;
    }
    return 0;
}

/* ---- the update ------------------------------------------------------ */

static int engine_init (struct engine *e, fluxacct_db_t *db,
                        fluxacct_error_t *error)
{
    memset (e, 0, sizeof (*e));
    e->db = db;
    if (read_cfg (db, &e->cfg, error) < 0)
        return -1;
    return load_bankinfo (db, &e->banks, error);
}

static void engine_free (struct engine *e)
{
    free_bankinfo (&e->banks);
    sums_free (&e->delta);
    alloc_free (&e->alloc);
}

static int charge_since (struct engine *e, sqlite3_int64 after,
                         sqlite3_int64 *max_seq, fluxacct_error_t *error)
{
    static const char *sql = "SELECT " JOB_COLS " FROM jobs WHERE seq > ? "
                             "ORDER BY seq";
    static const char *maxsql = "SELECT coalesce(max(seq), 0) FROM jobs";
    sqlite3_stmt *st = db_prep (e->db, maxsql, error);
    sqlite3_int64 top = 0;

    if (!st)
        return -1;
    if (sqlite3_step (st) == SQLITE_ROW)
        top = sqlite3_column_int64 (st, 0);
    sqlite3_reset (st);
    if (!(st = db_prep (e->db, sql, error)))
        return -1;
    sqlite3_bind_int64 (st, 1, after);
    if (charge_rows (e, st, top > after ? (uint64_t)(top - after) : 0, error)
        < 0 || !(st = db_prep (e->db, maxsql, error)))
        return -1;
    if (sqlite3_step (st) == SQLITE_ROW)
        *max_seq = sqlite3_column_int64 (st, 0);
    sqlite3_reset (st);
    if (*max_seq < after)
        *max_seq = after;
    return 0;
}

static int write_compat (struct engine *e, double now, fluxacct_error_t *error)
{
    static const char *sql = "UPDATE t_half_life_period_table SET "
                             "end_half_life_period = ?";
    sqlite3_stmt *st = db_prep (e->db, sql, error);

    if (!st)
        return -1;
    sqlite3_bind_double (st, 1, period_start (&e->cfg,
                                              period_of (&e->cfg, now) + 1));
    return db_step_done (e->db, st, error);
}

/* The whole update; runs inside a transaction.  force_full: re-read all
 * records even if the configuration fingerprint is unchanged. */
static int usage_update (fluxacct_db_t *db, double now, int force_full,
                         fluxacct_usage_stats_t *stats,
                         fluxacct_error_t *error)
{
    struct engine e;
    sqlite3_int64 charged = 0, max_seq = 0, last_p = 0;
    char *fp = NULL;
    int full, rc = -1;

    if (engine_init (&e, db, error) < 0)
        goto done;
    if (db_state_get (db, "charged_seq", &charged, NULL, NULL, error) < 0
        || db_state_get (db, "fingerprint", NULL, NULL, &fp, error) < 0
        || db_state_get (db, "last_period", &last_p, NULL, NULL, error) < 0)
        goto done;
    full = force_full || !fp || strcmp (fp, e.cfg.fingerprint) != 0;
    if (full) {
        if (db_exec (db, "DELETE FROM usage_period_table", error) < 0)
            goto done;
        charged = 0;
    }
    if (alloc_load (&e, now, full, error) < 0
        || alloc_scan (&e, charged, error) < 0)
        goto done;
    if (charge_since (&e, charged, &max_seq, error) < 0
        || store_delta (&e, error) < 0)
        goto done;
    stats->new_jobs = e.charged;
    stats->uncharged = e.uncharged;
    stats->full_recompute = full;
    stats->now = now;
    /* Binned values only change with the period or with new jobs; when
     * neither changed for an association there is nothing to rewrite. */
    if (evaluate (&e, now, !full && !e.cfg.continuous
                               && last_p == period_of (&e.cfg, now),
                  &stats->associations, error) < 0
        || bank_rollup_usage (db, error) < 0
        || alloc_store (&e, error) < 0
        || write_compat (&e, now, error) < 0
        || db_state_set_int (db, "charged_seq", max_seq, error) < 0
        || db_state_set_text (db, "fingerprint", e.cfg.fingerprint, error) < 0
        || db_state_set_int (db, "last_period", period_of (&e.cfg, now),
                             error) < 0
        || db_state_set_real (db, "last_now", now, error) < 0)
        goto done;
    rc = 0;
done:
    free (fp);
    engine_free (&e);
    return rc;
}

static const fluxacct_usage_stats_t stats_zero = {
    .version = FLUXACCT_USAGE_STATS_VERSION,
};
FA_VSTRUCT1 (stats_type, fluxacct_usage_stats_t,
             fluxacct_usage_stats_init, stats_zero);

FLUXACCT_EXPORT int fluxacct_usage_update (fluxacct_db_t *db, double now,
                                           fluxacct_usage_stats_t *stats,
                                           fluxacct_error_t *error)
{
    fluxacct_usage_stats_t local = stats_zero;
    int rc;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (stats && fa_vcheck (&stats_type, stats, error) == 0)
        return -1;
    if (isnan (now))
        now = now_seconds ();
    if (!isfinite (now) || now < 0 || now > (double)FLUXACCT_TIME_MAX)
        return errprintf (error, EINVAL, "invalid evaluation time %g", now);
    if (db_txn_begin (db, error) < 0)
        return -1;
    rc = db_txn_end (db, usage_update (db, now, 0, &local, error), error);
    if (stats)
        fa_vout (&stats_type, stats, &local);
    return rc;
}

/* A decay or weight key changed (inside its edit transaction): re-read all
 * records and re-evaluate at the last evaluation time, so the stored values
 * stay those of the last update-usage run under the new settings. */
static int usage_config_changed (fluxacct_db_t *db, const char *key,
                                 fluxacct_error_t *error)
{
    fluxacct_usage_stats_t stats = { 0 };
    double last_now = 0;

    (void)key;
    if (db_state_get (db, "last_now", NULL, &last_now, NULL, error) < 0)
        return -1;
    return usage_update (db, last_now > 0 ? last_now : now_seconds (), 1,
                         &stats, error);

}

/* Installed when the library is loaded: config_edit (core) tells usage
 * through this hook, since core may not call up into usage. */
__attribute__((constructor)) static void usage_install_hook (void)
{
    db_set_config_hook (usage_config_changed);
}

static int clear_bank (fluxacct_db_t *db, const char *bank, double t,
                       fluxacct_error_t *error)
{
    static const char *setsql =
        "UPDATE bank_table SET ignore_older_than=? WHERE bank=?";
    sqlite3_stmt *st = db_prep (db, setsql, error);

    if (!st)
        return -1;
    sqlite3_bind_int64 (st, 1, (sqlite3_int64)ceil (t));
    sqlite3_bind_text (st, 2, bank, -1, SQLITE_STATIC);
    if (db_step_done (db, st, error) < 0)
        return -1;
    if (sqlite3_changes (db->h) == 0)
        return errprintf (error, ENOENT, "bank %s not found in bank_table",
                          bank);
    /* The period sums of the bank's subtree include jobs now ignored:
     * rebuild everything from the records (ignore_older_than applies at
     * charge time), evaluated at the last evaluation time. */
    return usage_config_changed (db, "ignore_older_than", error);
}

FLUXACCT_EXPORT int fluxacct_usage_clear (fluxacct_db_t *db, const char *bank,
                                          double t, fluxacct_error_t *error)
{
    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (bank, "bank", error) < 0)
        return -1;
    if (isnan (t))
        t = now_seconds ();
    if (!isfinite (t) || t < 0 || t > (double)FLUXACCT_TIME_MAX)
        return errprintf (error, EINVAL, "invalid time %g (must be from 0 to "
                          "9999-12-31)", t);
    if (db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, clear_bank (db, bank, t, error), error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_usage_periods (fluxacct_db_t *db,
                                                         const char *username,
                                                         fluxacct_error_t *error)
{
    static const char *const cols[] = { "username", "bank", "period",
                                        "value", NULL };
    char notfound[300];
    fluxacct_rows_t *r;

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (check_name (username, "user", error) < 0)
        return NULL;
    snprintf (notfound, sizeof (notfound), "user %s not found in "
              "association_table", username);
    if (!(r = fluxacct_assoc_view (db, username, "username", error)))
        return NULL;
    fluxacct_rows_destroy (r);
    return db_select (db, cols, NULL, "job_usage_per_association_table WHERE "
                      "username=? ORDER BY bank, period", username, NULL, NULL,
                      error);
}

/* ---- view-usage-report ---------------------------------------------- */

#define USERNAME_SQL \
    "coalesce((SELECT username FROM association_table a WHERE a.userid = " \
    "jobs.userid AND a.bank = jobs.charge_bank), (SELECT username FROM " \
    "association_table a WHERE a.userid = jobs.userid LIMIT 1), " \
    "CAST(jobs.userid AS TEXT))"

static int append (char **s, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static int append (char **s, const char *fmt, ...)
{
    va_list ap;
    char *add, *n;
    int rc;

    va_start (ap, fmt);
    rc = vasprintf (&add, fmt, ap);
    va_end (ap);
    if (rc < 0)
        return -1;
    rc = asprintf (&n, "%s%s", *s, add);
    free (add);
    if (rc < 0)
        return -1;
    free (*s);
    *s = n;
    return 0;
}

static char *report_sql (int by, const char *username, const char *bank,
                         const int64_t *bins, size_t nbins, double unit)
{
    static const char *keys[] = {
        "coalesce(charge_bank, '') || ':' || " USERNAME_SQL,
        "coalesce(charge_bank, '')",
        USERNAME_SQL,
    };
    char *s = strdup ("SELECT key");
    char u[FA_FMT_DOUBLE_MAX];
    int rc = 0;

    if (!s)
        return NULL;
    fa_fmt_double (u, sizeof (u), unit, FA_FMT_ROUNDTRIP);
    for (size_t i = 0; i < nbins && rc == 0; i++) {
        if (i + 1 < nbins)
            rc = append (&s, ", sum(CASE WHEN nnodes >= %lld AND nnodes < %lld "
                         "THEN u ELSE 0 END) / %s AS \"%lld+\"",
                         (long long)bins[i], (long long)bins[i + 1], u,
                         (long long)bins[i]);
        else
            rc = append (&s, ", sum(CASE WHEN nnodes >= %lld THEN u ELSE 0 "
                         "END) / %s AS \"%lld+\"", (long long)bins[i],
                         u, (long long)bins[i]);
    }
    if (rc == 0)
        rc = append (&s, ", sum(u) / %s AS total FROM (SELECT %s AS key, "
                     "nnodes, nnodes * (t_inactive - t_run) AS u FROM jobs "
                     "WHERE t_inactive >= ?1 AND t_inactive <= ?2 AND t_run > "
                     "0 AND nnodes IS NOT NULL%s%s) GROUP BY key ORDER BY "
                     "total DESC, key", u, keys[by],
                     username ? " AND " USERNAME_SQL " = ?3" : "",
                     bank ? " AND charge_bank = ?4" : "");
    if (rc < 0) {
        free (s);
        return NULL;
    }
    return s;
}

static const fluxacct_usage_report_options_t report_options_defaults = {
    .version = FLUXACCT_USAGE_REPORT_OPTIONS_VERSION,
    .start = 0,
    .end = FLUXACCT_TIME_MAX,
    .by = FLUXACCT_REPORT_BYASSOCIATION,
    .unit = 1,
};
FA_VSTRUCT1 (report_options_type, fluxacct_usage_report_options_t,
             fluxacct_usage_report_options_init, report_options_defaults);

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_usage_report (fluxacct_db_t *db,
                                                        const fluxacct_usage_report_options_t *opts,
                                                        fluxacct_error_t *error)
{
    fluxacct_usage_report_options_t o;
    sqlite3_stmt *st;
    fluxacct_rows_t *r;
    char *sql;

    if (fa_vin (&report_options_type, opts, &o, &report_options_defaults,
                error) < 0)
        return NULL;
    double start = o.start, end = o.end, unit = o.unit;
    const char *username = o.username, *bank = o.bank;
    const int64_t *bins = o.bins;
    size_t nbins = o.nbins;
    int by = o.by;

    if (!db || by < 0 || by > 2 || (nbins && !bins) || !(unit > 0)
        || !isfinite (unit))
        return errprintf_null (error, EINVAL, "invalid argument");
    if (!isfinite (start) || !isfinite (end) || end < start)
        return errprintf_null (error, EINVAL, "invalid report window: the end "
                               "(%.0f) is before the start (%.0f)", end, start);
    for (size_t i = 0; i < nbins; i++)
        if (bins[i] < 0 || (i && bins[i] <= bins[i - 1]))
            return errprintf_null (error, EINVAL, "job size bins must be "
                                   "ascending non-negative node counts");
    if (!(sql = report_sql (by, username, bank, bins, nbins, unit)))
        return errprintf_null (error, ENOMEM, "out of memory");
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (sql);
        db_error (db, error, "view-usage-report");
        return NULL;
    }
    free (sql);
    sqlite3_bind_double (st, 1, start);
    sqlite3_bind_double (st, 2, end);
    if (username)
        sqlite3_bind_text (st, 3, username, -1, SQLITE_STATIC);
    if (bank)
        sqlite3_bind_text (st, 4, bank, -1, SQLITE_STATIC);
    r = rows_from_stmt (db, st, error);
    sqlite3_finalize (st);
    return r;
}

/* ---- the allocation report and burn-down --------------------------- */

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_allocation_report (fluxacct_db_t *db,
                                                             const char *bank,
                                                             fluxacct_error_t *error)
{
    /* ?1 = as_of, the last update-usage time: U belongs to its window */
    static const char *sql =
        "SELECT bank, allocation, allocation_used AS used, "
        "allocation - allocation_used AS remaining, "
        "100.0 * allocation_used / allocation AS percent, "
        "allocation_start, allocation_period, "
        "CASE WHEN allocation_window >= 0 THEN allocation_window END "
        "AS window_start, "
        "CASE WHEN allocation_window >= 0 AND allocation_period > 0 THEN "
        "allocation_window + allocation_period END AS window_end, "
        "?1 AS as_of, "
        "CASE WHEN allocation_window >= 0 AND ?1 > allocation_window THEN "
        "allocation_used / (?1 - allocation_window) END AS burn_rate, "
        "CASE WHEN allocation_window < 0 OR allocation_used >= allocation "
        "OR NOT (?1 > allocation_window) OR allocation_used <= 0 THEN NULL "
        "WHEN allocation_period > 0 AND ?1 + (allocation - allocation_used) "
        "* (?1 - allocation_window) / allocation_used >= allocation_window "
        "+ allocation_period THEN NULL "
        "ELSE ?1 + (allocation - allocation_used) * (?1 - allocation_window) "
        "/ allocation_used END AS projected_exhaustion, "
        "CASE WHEN allocation_window < 0 AND ?1 > 0 AND allocation_start > ?1 "
        "THEN 'not-started' WHEN allocation_window < 0 THEN 'pending' "
        "WHEN allocation_used >= allocation THEN 'exhausted' ELSE 'ok' END "
        "AS state "
        "FROM bank_table WHERE allocation > 0 AND (?2 IS NULL OR bank = ?2) "
        "ORDER BY bank_id";
    sqlite3_stmt *st;
    fluxacct_rows_t *r;
    double as_of = 0;
    int n;

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (bank) {
        if (check_name (bank, "bank", error) < 0)
            return NULL;
        if ((n = db_query_int (db, "SELECT count(*) FROM bank_table WHERE "
                               "bank=?", bank, error)) < 0)
            return NULL;
        if (n == 0)
            return errprintf_null (error, ENOENT, "bank %s not found in "
                                   "bank_table", bank);
    }
    if (db_state_get (db, "last_now", NULL, &as_of, NULL, error) < 0
        || !(st = db_prep (db, sql, error)))
        return NULL;
    sqlite3_bind_double (st, 1, as_of);
    if (bank)
        sqlite3_bind_text (st, 2, bank, -1, SQLITE_STATIC);
    r = rows_from_stmt (db, st, error);
    if (r && bank && fluxacct_rows_count (r) == 0) {
        fluxacct_rows_destroy (r);
        return errprintf_null (error, ENOENT, "bank %s has no allocation",
                               bank);
    }
    return r;
}

static int series (fluxacct_db_t *db, const char *bank, size_t npoints,
                   double *t, double *used, fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT allocation, allocation_window, allocation_period FROM "
        "bank_table WHERE bank=?";
    static const char *jobsql = "SELECT " JOB_COLS " FROM jobs WHERE "
                                "t_inactive >= ?1 AND t_inactive < ?2";
    struct engine e;
    sqlite3_stmt *st;
    double A = 0, as_of = 0, ws, end, span;
    int64_t win = -1, P = 0;
    int top, rc = -1, found = 0;

    if (engine_init (&e, db, error) < 0)
        goto done;
    if (!(st = db_prep (db, sql, error)))
        goto done;
    sqlite3_bind_text (st, 1, bank, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW) {
        found = 1;
        A = sqlite3_column_double (st, 0);
        win = sqlite3_column_int64 (st, 1);
        P = sqlite3_column_int64 (st, 2);
    }
    sqlite3_reset (st);
    if (!found) {
        errprintf (error, ENOENT, "bank %s not found in bank_table", bank);
        goto done;
    }
    if (!(A > 0)) {
        errprintf (error, ENOENT, "bank %s has no allocation", bank);
        goto done;
    }
    if (db_state_get (db, "last_now", NULL, &as_of, NULL, error) < 0)
        goto done;
    if (win < 0) {
        errprintf (error, ENODATA, "bank %s has no current allocation window "
                   "(it starts later, or update-usage has not run since the "
                   "allocation was set)", bank);
        goto done;
    }
    ws = (double)win;
    end = P > 0 && as_of > ws + (double)P ? ws + (double)P : as_of;
    if (end < ws)
        end = ws;
    span = end - ws;
    for (size_t i = 0; i < npoints; i++) {
        t[i] = ws + span * (double)i / (double)(npoints - 1);
        used[i] = 0;
    }
    top = strtab_get (&e.banks.names, bank, 0);
    if (!(st = db_prep (db, jobsql, error)))
        goto done;
    sqlite3_bind_double (st, 1, ws);
    sqlite3_bind_double (st, 2, P > 0 ? ws + (double)P : 1e300);
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        int b, in = 0;
        size_t steps = 0, k;
        double tj, u = job_usage (&e, st, &b, &tj);
        if (u < 0)
            continue;
        for (int j = b; j >= 0 && (size_t)j < e.banks.n && steps <= e.banks.n;
             j = e.banks.parent[j], steps++)
            if (j == top) {
                in = 1;
                break;
            }
        if (!in)
            continue;
        /* the job counts from the first point at or after its end; a job
         * ending after the last point (after as_of) counts at the last */
        k = span > 0 ? (size_t)ceil ((tj - ws) / span * (double)(npoints - 1))
                     : 0;
        if (k >= npoints)
            k = npoints - 1;
        used[k] += u;
    }
    sqlite3_reset (st);
    if (rc != SQLITE_DONE) {
        rc = db_error (db, error, "allocation series");
        goto done;
    }
    for (size_t i = 1; i < npoints; i++)
        used[i] += used[i - 1];
    rc = 0;
done:
    engine_free (&e);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_allocation_series (fluxacct_db_t *db,
                                                const char *bank,
                                                size_t npoints, double *t,
                                                double *used,
                                                fluxacct_error_t *error)
{
    if (!db || !t || !used)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (bank, "bank", error) < 0)
        return -1;
    if (npoints < 2 || npoints > 100000)
        return errprintf (error, EINVAL, "the number of points must be from 2 "
                          "to 100000, got %zu", npoints);
    return series (db, bank, npoints, t, used, error);

}
