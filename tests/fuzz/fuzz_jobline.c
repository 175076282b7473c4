/* Fuzz the JSON Lines job record path (import-jobs): any bytes import or
 * fail cleanly; what is stored has finite times within the limits.  Each
 * input runs in a batch that is rolled back. */
#include <math.h>
#include "fuzz_db.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fluxacct_db_t *db = fuzz_db ();
    fluxacct_jobs_import_stats_t st;
    fluxacct_error_t err;
    fluxacct_rows_t *r;

    FUZZ_ASSERT (fluxacct_jobs_import_stats_init (
                     &st, FLUXACCT_JOBS_IMPORT_STATS_VERSION) == 0);
    FUZZ_ASSERT (fluxacct_db_begin (db, &err) == 0);
    errno = 0;
    if (fluxacct_jobs_import_buffer (db, (const char *)data, size, NULL, &st,
                                     &err) < 0)
        fuzz_check_error (&err);
    if ((r = fluxacct_jobs_list (db, NULL, &err))) {
        int c = fluxacct_rows_column_index (r, "t_inactive");
        for (size_t i = 0; c >= 0 && i < fluxacct_rows_count (r); i++) {
            double t = fluxacct_rows_real (r, i, (size_t)c);
            FUZZ_ASSERT (isfinite (t) && t >= 0 && t <= FLUXACCT_TIME_MAX);
        }
        fluxacct_rows_destroy (r);
    }
    FUZZ_ASSERT (fluxacct_db_rollback (db, &err) == 0);
    return 0;
}
