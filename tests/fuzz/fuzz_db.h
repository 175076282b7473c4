/* A scratch accounting database for the fuzz targets that need one: made
 * once per process in a temporary directory, with a small bank tree, and
 * removed at exit.  Targets run each input inside a batch they roll back,
 * so every input sees the same database. */
#ifndef FLUXACCT_FUZZ_DB_H
#define FLUXACCT_FUZZ_DB_H

#include <stdlib.h>
#include <unistd.h>
#include "fuzz.h"
#include "fluxacct/fluxacct.h"

static char fuzz_dir[64];
static fluxacct_db_t *fuzz_dbh;

static void fuzz_db_cleanup (void)
{
    char cmd[128];

    if (fuzz_dbh)
        fluxacct_db_close (fuzz_dbh);
    fuzz_dbh = NULL;
    if (*fuzz_dir) {
        snprintf (cmd, sizeof (cmd), "rm -rf '%s'", fuzz_dir);
        if (system (cmd) != 0)
            fprintf (stderr, "fuzz: could not remove %s\n", fuzz_dir);
    }
}

/* The path of a file in the scratch directory (static buffer). */
static inline const char *fuzz_path (const char *name)
{
    static char path[128];
    snprintf (path, sizeof (path), "%s/%s", fuzz_dir, name);
    return path;
}

static inline fluxacct_db_t *fuzz_db (void)
{
    fluxacct_error_t err;
    fluxacct_bank_fields_t b;
    fluxacct_assoc_fields_t a;

    if (fuzz_dbh)
        return fuzz_dbh;
    snprintf (fuzz_dir, sizeof (fuzz_dir), "/tmp/fluxacct-fuzz-XXXXXX");
    FUZZ_ASSERT (mkdtemp (fuzz_dir) != NULL);
    atexit (fuzz_db_cleanup);
    FUZZ_ASSERT (fluxacct_db_create (fuzz_path ("f.db"), NULL, &err) == 0);
    FUZZ_ASSERT ((fuzz_dbh = fluxacct_db_open (fuzz_path ("f.db"), 0, &err)));
    FUZZ_ASSERT (fluxacct_bank_fields_init (&b, FLUXACCT_BANK_FIELDS_VERSION)
                 == 0);
    b.bank = "root";
    FUZZ_ASSERT (fluxacct_bank_add (fuzz_dbh, &b, &err) == 0);
    b.bank = "A";
    b.parent_bank = "root";
    FUZZ_ASSERT (fluxacct_bank_add (fuzz_dbh, &b, &err) == 0);
    FUZZ_ASSERT (fluxacct_assoc_fields_init (&a, FLUXACCT_ASSOC_FIELDS_VERSION)
                 == 0);
    a.username = "alice";
    a.bank = "A";
    a.userid = 1001;
    FUZZ_ASSERT (fluxacct_assoc_add (fuzz_dbh, &a, &err) == 0);
    return fuzz_dbh;
}

/* A failed call sets errno and a non-empty, NUL-terminated message. */
static inline void fuzz_check_error (const fluxacct_error_t *err)
{
    FUZZ_ASSERT (errno != 0);
    FUZZ_ASSERT (memchr (err->text, '\0', sizeof (err->text)) != NULL);
    FUZZ_ASSERT (err->text[0] != '\0');
    for (const unsigned char *p = (const unsigned char *)err->text; *p; p++)
        FUZZ_ASSERT (*p >= 0x20 && *p != 0x7f); /* escaped */
}

#endif /* FLUXACCT_FUZZ_DB_H */
