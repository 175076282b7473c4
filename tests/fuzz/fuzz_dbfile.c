/* Fuzz database files: the bytes are written as a database file and
 * opened read-only by every read path (lists, the fair-share tree, the
 * plugin export, usage report, configuration).  Each fails cleanly or
 * answers; nothing crashes, hangs or reads out of bounds. */
#include <unistd.h>
#include "fuzz_db.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fluxacct_error_t err;
    fluxacct_db_t *db;
    fluxacct_rows_t *r;
    fluxacct_fstree_t *t;
    const char *path;
    char *s;
    FILE *f;

    (void)fuzz_db (); /* the scratch directory */
    path = fuzz_path ("mutated.db");
    unlink (path);
    FUZZ_ASSERT ((f = fopen (path, "wb")));
    FUZZ_ASSERT (fwrite (data, 1, size, f) == size);
    FUZZ_ASSERT (fclose (f) == 0);
    errno = 0;
    if (!(db = fluxacct_db_open (path, FLUXACCT_DB_READONLY, &err))) {
        fuzz_check_error (&err);
        return 0;
    }
    fluxacct_db_set_busy_timeout (db, 0, NULL);
    if ((r = fluxacct_bank_list (db, FLUXACCT_INCLUDE_INACTIVE, NULL, &err)))
        fluxacct_rows_destroy (r);
    if ((r = fluxacct_assoc_list (db, NULL, NULL, &err)))
        fluxacct_rows_destroy (r);
    if ((r = fluxacct_config_list (db, NULL, &err)))
        fluxacct_rows_destroy (r);
    if ((r = fluxacct_jobs_list (db, NULL, &err)))
        fluxacct_rows_destroy (r);
    if ((r = fluxacct_queue_list (db, NULL, &err)))
        fluxacct_rows_destroy (r);
    if ((t = fluxacct_fairshare_tree (db, &err))) {
        (void)fluxacct_fstree_compute (t, &err);
        fluxacct_fstree_destroy (t);
    }
    if ((s = fluxacct_export_json (db, 0, &err)))
        free (s);
    if ((s = fluxacct_fairshare_export_json (db, &err)))
        free (s);
    fluxacct_db_close (db);
    return 0;
}
