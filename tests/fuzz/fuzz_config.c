/* Fuzz configuration values (edit-config): the first byte picks the key,
 * the rest is the value.  A value is stored normalised or refused; the
 * decay periods stay within their limits.  Rolled back after each input. */
#include <math.h>
#include "fuzz_db.h"

static const char *const keys[] = {
    "priority_usage_reset_period", "priority_decay_half_life",
    "decay_factor", "node_weight", "core_weight", "gpu_weight",
    "deny_unknown_queues", "decay_mode", "usage_epoch", "site",
};
#define NKEYS (sizeof (keys) / sizeof (keys[0]))

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fluxacct_db_t *db = fuzz_db ();
    fluxacct_error_t err;
    const char *key;
    char *value;

    if (size < 1)
        return 0;
    key = keys[data[0] % NKEYS];
    value = fuzz_string (data + 1, size - 1);
    FUZZ_ASSERT (fluxacct_db_begin (db, &err) == 0);
    errno = 0;
    if (fluxacct_config_edit (db, key, value, &err) < 0)
        fuzz_check_error (&err);
    else if (data[0] % NKEYS < 2) {
        char *h = fluxacct_config_get (db, "priority_decay_half_life", &err);
        char *r = fluxacct_config_get (db, "priority_usage_reset_period",
                                       &err);
        FUZZ_ASSERT (h && r);
        double hv = strtod (h, NULL), rv = strtod (r, NULL);
        FUZZ_ASSERT (hv >= FLUXACCT_HALF_LIFE_MIN);
        FUZZ_ASSERT (isfinite (rv) && rv >= 0);
        FUZZ_ASSERT (ceil (rv / hv) <= FLUXACCT_PERIODS_MAX);
        free (h);
        free (r);
    }
    FUZZ_ASSERT (fluxacct_db_rollback (db, &err) == 0);
    free (value);
    return 0;
}
