/* Fuzz the CSV reader (pop-db): the first byte picks the table, the rest
 * is the file.  Any bytes load or fail cleanly, all or nothing; a loaded
 * bank table is still one tree.  Each input runs in a batch that is
 * rolled back. */
#include "fuzz_db.h"

static const char *const tables[] = {
    "bank_table", "association_table", "jobs", "queue_table",
    "project_table", "config_table",
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fluxacct_db_t *db = fuzz_db ();
    fluxacct_error_t err;
    char name[160];
    const char *paths[2] = { name, NULL };
    FILE *f;

    if (size < 1)
        return 0;
    snprintf (name, sizeof (name), "%s",
              fuzz_path (data[0] % 6 == 0 ? "bank_table.csv"
                         : data[0] % 6 == 1 ? "association_table.csv"
                         : data[0] % 6 == 2 ? "jobs.csv"
                         : data[0] % 6 == 3 ? "queue_table.csv"
                         : data[0] % 6 == 4 ? "project_table.csv"
                         : "config_table.csv"));
    (void)tables;
    FUZZ_ASSERT ((f = fopen (name, "wb")));
    FUZZ_ASSERT (fwrite (data + 1, 1, size - 1, f) == size - 1);
    FUZZ_ASSERT (fclose (f) == 0);
    FUZZ_ASSERT (fluxacct_db_begin (db, &err) == 0);
    errno = 0;
    if (fluxacct_csv_import (db, paths, NULL, NULL, &err) < 0)
        fuzz_check_error (&err);
    else {
        /* the tree stays printable: the fair-share tree loads */
        fluxacct_fstree_t *t = fluxacct_fairshare_tree (db, &err);
        if (t)
            fluxacct_fstree_destroy (t);
    }
    FUZZ_ASSERT (fluxacct_db_rollback (db, &err) == 0);
    return 0;
}
