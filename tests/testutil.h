/* Shared fixtures for the libfluxacct Check suites: every test gets a fresh
 * database in its own temporary directory. */
#ifndef FLUXACCT_TESTUTIL_H
#define FLUXACCT_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <fluxacct/fluxacct.h>

/* The rules of every fluxacct_X_init (p, version) (libfluxacct(3), "API
 * RULES"), for the checks of each module's suite.
 *
 * ck_init_version: fill *p with junk, init it at version v, and check that
 * init returned 0, set the version, and left every byte from offset `end`
 * on alone (end is sizeof (*p) for the latest version, the offset of the
 * first member a later version added for an older one: a caller of an
 * older version has no such bytes).  The caller then checks the defaults.
 *
 * ck_init_rejects: 0, -1, latest + 1 and INT_MAX fail -1 EINVAL, and so
 * does a NULL pointer with the latest version. */
#define INIT_JUNK 0xa5

#define ck_init_version(init, p, v, end)                                    \
    do {                                                                    \
        size_t end_ = (end);                                                \
        memset ((p), INIT_JUNK, sizeof (*(p)));                             \
        errno = 0;                                                          \
        ck_assert_msg (init ((p), (v)) == 0, "%s (p, %d): %s", #init,       \
                       (int)(v), strerror (errno));                         \
        ck_assert_int_eq ((p)->version, (v));                               \
        for (size_t i_ = end_; i_ < sizeof (*(p)); i_++)                    \
            ck_assert_msg (((unsigned char *)(p))[i_] == INIT_JUNK,         \
                           "%s (p, %d) wrote byte %zu, past its version's " \
                           "%zu", #init, (int)(v), i_, end_);               \
    } while (0)

#define ck_init_rejects(init, type, latest)                                 \
    do {                                                                    \
        type s_;                                                            \
        const int bad_[] = { 0, -1, (latest) + 1, INT_MAX };                \
        for (size_t i_ = 0; i_ < sizeof (bad_) / sizeof (bad_[0]); i_++) {  \
            errno = 0;                                                      \
            ck_assert_msg (init (&s_, bad_[i_]) == -1 && errno == EINVAL,   \
                           "%s (p, %d) did not fail EINVAL", #init,         \
                           bad_[i_]);                                       \
        }                                                                   \
        errno = 0;                                                          \
        ck_assert_msg (init (NULL, (latest)) == -1 && errno == EINVAL,      \
                       "%s (NULL, %d) did not fail EINVAL", #init,          \
                       (int)(latest));                                      \
    } while (0)

/* The message of a call given a struct of unknown version v. */
#define UNKNOWN_VERSION(type, v) #type ": unknown version " #v

/* A suite that needs none of the database fixtures below (and has names
 * of its own, such as a local `err`) defines TESTUTIL_VERSIONED_ONLY
 * before including this file: it gets the checks above only. */
#ifndef TESTUTIL_VERSIONED_ONLY

static char test_dir[256];
static char test_path[300];
static fluxacct_db_t *db;
static fluxacct_error_t err;

static inline void tmp_setup (void)
{
    snprintf (test_dir, sizeof (test_dir), "/tmp/fluxacct-test-XXXXXX");
    ck_assert_ptr_nonnull (mkdtemp (test_dir));
    snprintf (test_path, sizeof (test_path), "%s/FluxAccounting.db", test_dir);
}

static inline void tmp_teardown (void)
{
    char cmd[400];
    snprintf (cmd, sizeof (cmd), "rm -rf '%s'", test_dir);
    if (system (cmd) != 0)
        fprintf (stderr, "cleanup of %s failed\n", test_dir);
}

/* Fixture: a created and opened database. */
static inline void db_setup (void)
{
    tmp_setup ();
    ck_assert_int_eq (fluxacct_db_create (test_path, NULL, &err), 0);
    db = fluxacct_db_open (test_path, 0, &err);
    ck_assert_msg (db != NULL, "open: %s", err.text);
}

static inline void db_teardown (void)
{
    fluxacct_db_close (db);
    db = NULL;
    tmp_teardown ();
}

/* Assert a call failed with errno e and a message containing s. */
#define ck_fail_with(call, e, s)                                            \
    do {                                                                    \
        memset (&err, 0, sizeof (err));                                     \
        errno = 0;                                                          \
        ck_assert_int_eq ((call), -1);                                      \
        ck_assert_msg (errno == (e), "errno %d (%s), expected %d; msg: %s", \
                       errno, strerror (errno), (e), err.text);             \
        ck_assert_msg (strstr (err.text, (s)) != NULL,                      \
                       "message '%s' lacks '%s'", err.text, (s));           \
    } while (0)

#define ck_null_with(call, e, s)                                            \
    do {                                                                    \
        memset (&err, 0, sizeof (err));                                     \
        errno = 0;                                                          \
        ck_assert_ptr_null ((call));                                        \
        ck_assert_msg (errno == (e), "errno %d (%s), expected %d; msg: %s", \
                       errno, strerror (errno), (e), err.text);             \
        ck_assert_msg (strstr (err.text, (s)) != NULL,                      \
                       "message '%s' lacks '%s'", err.text, (s));           \
    } while (0)

#define ck_ok(call) ck_assert_msg ((call) == 0, "%s: %s", #call, err.text)

/* Add a bank under parent (NULL = root). */
static inline void add_bank (const char *name, const char *parent,
                             int64_t shares)
{
    fluxacct_bank_fields_t f;
    ck_ok (fluxacct_bank_fields_init (&f, FLUXACCT_BANK_FIELDS_VERSION));
    f.bank = name;
    f.parent_bank = parent;
    f.shares = shares;
    ck_ok (fluxacct_bank_add (db, &f, &err));
}

static inline void add_user (const char *user, const char *bank)
{
    fluxacct_assoc_fields_t f;
    ck_ok (fluxacct_assoc_fields_init (&f, FLUXACCT_ASSOC_FIELDS_VERSION));
    f.username = user;
    f.bank = bank;
    f.userid = 5000;
    ck_ok (fluxacct_assoc_add (db, &f, &err));
}

/* An SQL dump of the database, to check that failed calls change nothing. */
static inline char *dump_db (void)
{
    char cmd[400], *buf = NULL;
    size_t len = 0;
    FILE *p, *out = open_memstream (&buf, &len);
    int c;

    snprintf (cmd, sizeof (cmd), "sqlite3 '%s' .dump", test_path);
    ck_assert_ptr_nonnull ((p = popen (cmd, "r")));
    while ((c = fgetc (p)) != EOF)
        fputc (c, out);
    pclose (p);
    fclose (out);
    return buf;
}

/* One int cell of a one-row result of view calls. */
static inline int64_t cell_int (fluxacct_rows_t *r, const char *col)
{
    int c = fluxacct_rows_column_index (r, col);
    ck_assert_int_ge (c, 0);
    return fluxacct_rows_int (r, 0, (size_t)c);
}

static inline const char *cell_text (fluxacct_rows_t *r, const char *col)
{
    int c = fluxacct_rows_column_index (r, col);
    ck_assert_int_ge (c, 0);
    return fluxacct_rows_text (r, 0, (size_t)c);
}

#define RUN_SUITE(s)                                   \
    int main (void)                                    \
    {                                                  \
        SRunner *sr = srunner_create (s ());           \
        srunner_run_all (sr, CK_NORMAL);               \
        int nf = srunner_ntests_failed (sr);           \
        srunner_free (sr);                             \
        return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;  \
    }

/* First cell of a query as a malloc'd string ("" for none). */
static inline char *sql_text (const char *path, const char *text)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *v;
    ck_assert_int_eq (sqlite3_open (path, &h), SQLITE_OK);
    ck_assert_msg (sqlite3_prepare_v2 (h, text, -1, &st, NULL) == SQLITE_OK,
                   "%s: %s", text, sqlite3_errmsg (h));
    if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0))
        v = strdup ((const char *)sqlite3_column_text (st, 0));
    else
        v = strdup ("");
    sqlite3_finalize (st);
    sqlite3_close (h);
    return v;
}

#endif /* !TESTUTIL_VERSIONED_ONLY */

#endif
