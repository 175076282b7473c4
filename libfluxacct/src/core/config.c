/* libfluxacct - the configuration table. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/db_internal.h"
#include "core/schema_internal.h"
#include "fluxacct/config.h"
#include "fluxacct/parse.h"
#include "util/fmt_internal.h"

enum kind { K_DURATION_POS, K_DURATION, K_FRACTION, K_WEIGHT, K_BOOL,
            K_MODE, K_EPOCH, K_ENFORCE, K_TIMELIMIT };

static const struct protected_key {
    const char *key;
    enum kind kind;
} protected_keys[] = {
    { "priority_usage_reset_period", K_DURATION },
    { "priority_decay_half_life", K_DURATION_POS },
    { "decay_factor", K_FRACTION },
    { "node_weight", K_WEIGHT },
    { "core_weight", K_WEIGHT },
    { "gpu_weight", K_WEIGHT },
    { "deny_unknown_queues", K_BOOL },
    { "decay_mode", K_MODE },
    { "usage_epoch", K_EPOCH },
    { "allocation_enforcement", K_ENFORCE },
    { "allocation_default_time_limit", K_TIMELIMIT },
};

static const struct protected_key *find_protected (const char *key)
{
    for (size_t i = 0; i < sizeof (protected_keys) / sizeof (protected_keys[0]);
         i++)
        if (!strcmp (protected_keys[i].key, key))
            return &protected_keys[i];
    return NULL;
}

static int parse_number (const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    *out = strtod (s, &end);
    return *end || !isfinite (*out) ? -1 : 0;
}

int config_check_periods (double H, double R, fluxacct_error_t *error)
{
    double n;

    if (!(H >= FLUXACCT_HALF_LIFE_MIN && H <= (double)FLUXACCT_DURATION_MAX))
        return errprintf (error, EINVAL, "priority_decay_half_life must be "
                          "from %d s to %lld s (100 years), got %g s",
                          FLUXACCT_HALF_LIFE_MIN, FLUXACCT_DURATION_MAX, H);
    if (!(R >= 0 && R <= (double)FLUXACCT_DURATION_MAX))
        return errprintf (error, EINVAL, "priority_usage_reset_period must "
                          "be from 0 s to %lld s (100 years), got %g s",
                          FLUXACCT_DURATION_MAX, R);
    n = ceil (R / H);
    if (n > FLUXACCT_PERIODS_MAX)
        return errprintf (error, EINVAL, "a reset period of %g s with a "
                          "half-life of %g s gives %.0f decay periods; the "
                          "limit is %d", R, H, n, FLUXACCT_PERIODS_MAX);
    return 0;
}

/* Validate value for a protected key and write its stored form to buf. */
static int normalise (fluxacct_db_t *db, const struct protected_key *pk,
                      const char *value, char *buf, size_t len,
                      fluxacct_error_t *error)
{
    double d;

    switch (pk->kind) {
        case K_DURATION_POS:
        case K_DURATION:
            if (fluxacct_fsd_parse (value, &d, NULL) < 0 || isinf (d)
                || (pk->kind == K_DURATION_POS && d <= 0))
                return errprintf (error, EINVAL, "%s must be a %sduration "
                                  "(e.g. 604800, 14d, 8h), got '%s'", pk->key,
                                  pk->kind == K_DURATION_POS ? "positive "
                                                             : "",
                                  value);
            if (pk->kind == K_DURATION_POS
                    ? config_check_periods (d, db_config_double (db,
                                            "priority_usage_reset_period",
                                            2419200), error) < 0
                    : config_check_periods (db_config_double (db,
                                            "priority_decay_half_life",
                                            604800), d, error) < 0)
                return -1;
            fa_fmt_double (buf, len, d, FA_FMT_ROUNDTRIP);
            return 0;
        case K_FRACTION:
            if (parse_number (value, &d) < 0 || !(d > 0 && d < 1))
                return errprintf (error, EINVAL, "decay_factor must be a "
                                  "floating-point value between 0 and 1 "
                                  "(exclusive), got '%s'", value);
            fa_fmt_double (buf, len, d, FA_FMT_ROUNDTRIP);
            return 0;
        case K_WEIGHT:
            if (parse_number (value, &d) < 0 || d < 0 || d > FLUXACCT_WEIGHT_MAX)
                return errprintf (error, EINVAL, "%s must be a non-negative "
                                  "number, at most %d, got '%s'", pk->key,
                                  FLUXACCT_WEIGHT_MAX, value);
            fa_fmt_double (buf, len, d, FA_FMT_ROUNDTRIP);
            return 0;
        case K_BOOL:
            if (strcasecmp (value, "true") && strcasecmp (value, "false"))
                return errprintf (error, EINVAL, "deny_unknown_queues must be "
                                  "'true' or 'false', got '%s'", value);
            snprintf (buf, len, "%s", !strcasecmp (value, "true") ? "true"
                                                                  : "false");
            return 0;
        case K_MODE:
            if (strcmp (value, "binned") && strcmp (value, "continuous"))
                return errprintf (error, EINVAL, "decay_mode must be 'binned' "
                                  "or 'continuous', got '%s'", value);
            snprintf (buf, len, "%s", value);
            return 0;
        case K_EPOCH:
            if (fluxacct_time_parse (value, &d, NULL) < 0 || d < 0
                || d > (double)FLUXACCT_TIME_MAX)
                return errprintf (error, EINVAL, "usage_epoch must be a time "
                                  "from 0 to 9999-12-31 (epoch seconds or "
                                  "ISO-8601), got '%s'", value);
            fa_fmt_double (buf, len, d, FA_FMT_ROUNDTRIP);
            return 0;
        case K_ENFORCE:
            if (strcmp (value, "off") && strcmp (value, "hold")
                && strcmp (value, "reject"))
                return errprintf (error, EINVAL, "allocation_enforcement "
                                  "must be 'off', 'hold' or 'reject', got "
                                  "'%s'", value);
            snprintf (buf, len, "%s", value);
            return 0;
        case K_TIMELIMIT:
            if (fluxacct_fsd_parse (value, &d, NULL) < 0 || !(d >= 1)
                || d > 31536000 || d != floor (d))
                return errprintf (error, EINVAL, "allocation_default_time_"
                                  "limit must be a whole number of seconds "
                                  "from 1 to 31536000 (365 days; e.g. 3600, "
                                  "1h), got '%s'", value);
            fa_fmt_double (buf, len, d, FA_FMT_ROUNDTRIP);
            return 0;
    }
    return errprintf (error, EINVAL, "unknown key kind");
}

static int check_kv (fluxacct_db_t *db, const char *key, const char *value,
                     fluxacct_error_t *error)
{
    if (!db || !key || !value)
        return errprintf (error, EINVAL, "invalid argument");
    if (check_name (key, "config key", error) < 0)
        return -1;
    if (strchr (key, '='))
        return errprintf (error, EINVAL, "config key must not contain '=': %s",
                          key);
    if (!*value)
        return errprintf (error, EINVAL, "value of %s must not be empty", key);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_config_add (fluxacct_db_t *db, const char *key,
                                         const char *value,
                                         fluxacct_error_t *error)
{
    static const char *find = "SELECT 1 FROM config_table WHERE key=?";
    static const char *sql = "INSERT INTO config_table VALUES (?, ?)";
    sqlite3_stmt *st;
    int rc = -1;

    if (check_kv (db, key, value, error) < 0 || db_txn_begin (db, error) < 0)
        return -1;
    if (!(st = db_prep (db, find, error)))
        goto done;
    sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step (st) == SQLITE_ROW) {
        sqlite3_reset (st);
        rc = errprintf (error, EEXIST, "key %s already exists in "
                        "config_table", key);
        goto done;
    }
    sqlite3_reset (st);
    if ((st = db_prep (db, sql, error))) {
        sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text (st, 2, value, -1, SQLITE_STATIC);
        rc = db_step_done (db, st, error);
    }
done:
    return db_txn_end (db, rc, error);
}

static db_config_hook_f config_hook;

void db_set_config_hook (db_config_hook_f fn)
{
    config_hook = fn;
}

static int config_edit (fluxacct_db_t *db, const char *key, const char *value,
                        fluxacct_error_t *error)
{
    static const char *sql = "UPDATE config_table SET value=? WHERE key=?";
    const struct protected_key *pk = find_protected (key);
    sqlite3_stmt *st;
    char buf[64];

    if (pk && normalise (db, pk, value, buf, sizeof (buf), error) < 0)
        return -1;
    if (!(st = db_prep (db, sql, error)))
        return -1;
    sqlite3_bind_text (st, 1, pk ? buf : value, -1, SQLITE_STATIC);
    sqlite3_bind_text (st, 2, key, -1, SQLITE_STATIC);
    if (db_step_done (db, st, error) < 0)
        return -1;
    if (sqlite3_changes (db->h) == 0)
        return errprintf (error, ENOENT, "key %s not found in config_table",
                          key);
    /* Usage depends on the decay and weight keys: recompute it from the
     * stored jobs (semantics section 2). */
    if (pk && pk->kind != K_BOOL && pk->kind != K_ENFORCE
        && pk->kind != K_TIMELIMIT && config_hook)
        return config_hook (db, key, error);
    return 0;
}

FLUXACCT_EXPORT int fluxacct_config_edit (fluxacct_db_t *db, const char *key,
                                          const char *value,
                                          fluxacct_error_t *error)
{
    if (check_kv (db, key, value, error) < 0 || db_txn_begin (db, error) < 0)
        return -1;
    return db_txn_end (db, config_edit (db, key, value, error), error);
}

FLUXACCT_EXPORT int fluxacct_config_delete (fluxacct_db_t *db,
                                            const char *key,
                                            fluxacct_error_t *error)
{
    static const char *sql = "DELETE FROM config_table WHERE key=?";
    sqlite3_stmt *st;
    int rc = -1;

    if (!db || !key)
        return errprintf (error, EINVAL, "invalid argument");
    if (find_protected (key))
        return errprintf (error, EPERM, "key-value pair is not allowed to be "
                          "removed from config_table: %s", key);
    if (db_txn_begin (db, error) < 0)
        return -1;
    if ((st = db_prep (db, sql, error))) {
        sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
        rc = db_step_done (db, st, error);
        if (rc == 0 && sqlite3_changes (db->h) == 0)
            rc = errprintf (error, ENOENT, "key %s not found in config_table",
                            key);
    }
    return db_txn_end (db, rc, error);
}

FLUXACCT_EXPORT char *fluxacct_config_get (fluxacct_db_t *db, const char *key,
                                           fluxacct_error_t *error)
{
    static const char *sql = "SELECT value FROM config_table WHERE key=?";
    sqlite3_stmt *st;
    char *s = NULL;
    int rc;

    if (!db || !key)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (!(st = db_prep (db, sql, error)))
        return NULL;
    sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_ROW)
        s = strdup ((const char *)sqlite3_column_text (st, 0));
    sqlite3_reset (st);
    if (rc == SQLITE_DONE)
        return errprintf_null (error, ENOENT, "key %s not found in "
                               "config_table", key);
    if (rc != SQLITE_ROW) {
        db_error (db, error, "config");
        return NULL;
    }
    return s ? s : errprintf_null (error, ENOMEM, "out of memory");
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_config_view (fluxacct_db_t *db,
                                                       const char *key,
                                                       const char *fields,
                                                       fluxacct_error_t *error)
{
    char msg[300];

    if (!db || !key)
        return errprintf_null (error, EINVAL, "invalid argument");
    snprintf (msg, sizeof (msg), "key %s not found in config_table", key);
    return db_select (db, schema_config_columns, fields,
                      "config_table WHERE key=?", key, NULL, msg, error);
}

FLUXACCT_EXPORT fluxacct_rows_t *fluxacct_config_list (fluxacct_db_t *db,
                                                       const char *fields,
                                                       fluxacct_error_t *error)
{
    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    return db_select (db, schema_config_columns, fields,
                      "config_table ORDER BY rowid", NULL, NULL, NULL, error);
}
