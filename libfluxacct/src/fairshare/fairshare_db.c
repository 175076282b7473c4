/* libfluxacct - fair-share over the accounting database: the tree of
 * active banks and associations, update-fshare's write-back, and the
 * emulator JSON export.  The computation itself is fairshare.c's, so the
 * database path and fairshare-emulate always agree. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "model/model_internal.h"
#include "fluxacct/fairshare.h"

/* Banks in memory: struct bankrow and bankrows_load() (bankrows.c). */

static int cmp_name (const void *a, const void *b)
{
    return strcmp ((*(struct bankrow *const *)a)->name,
                   (*(struct bankrow *const *)b)->name);
}

/* The row named `name` through the sorted index, or NULL. */
static struct bankrow *find_row (struct bankrow **index, size_t n,
                                 const char *name)
{
    struct bankrow key = { .name = (char *)name }, *kp = &key, **r;
    r = bsearch (&kp, index, n, sizeof (*index), cmp_name);
    return r ? *r : NULL;
}

/* Add banks parents first: repeated passes add every bank whose parent is
 * in the tree (a moved bank may have a smaller bank_id than its parent).
 * Banks under a disabled or missing parent stay out. */
static int add_banks (fluxacct_fstree_t *t, struct bankrow *v, size_t n,
                      struct bankrow **index, fluxacct_error_t *error)
{
    int root = -1, progress = 1;

    for (size_t i = 0; i < n; i++)
        if (!*v[i].parent)
            root = (int)i;
    if (root < 0)
        return errprintf (error, ENOENT, "root bank not found");
    if (fluxacct_fstree_add_bank (t, v[root].name, NULL,
                                  (uint64_t)v[root].shares, v[root].usage,
                                  error) < 0)
        return -1;
    v[root].added = 1;
    while (progress) {
        progress = 0;
        for (size_t i = 0; i < n; i++) {
            struct bankrow *p;
            if (v[i].added || !*v[i].parent
                || !(p = find_row (index, n, v[i].parent)) || !p->added)
                continue;
            if (fluxacct_fstree_add_bank (t, v[i].name, v[i].parent,
                                          (uint64_t)v[i].shares, v[i].usage,
                                          error) < 0)
                return -1;
            v[i].added = 1;
            progress = 1;
        }
    }
    return 0;
}

/* The rowid and stored value of every association in the tree, to write
 * results back by rowid (one b-tree seek instead of two through the
 * primary key) and only where the value changed. */
struct arow {
    size_t user, bank;  /* offsets of the names in the rows' pool */
    sqlite3_int64 rowid;
    double stored;      /* the fair-share stored now */
};

/* The names live in one pool (no allocation per row), a bank's name once
 * for each run of rows in the same bank. */
struct arows {
    struct arow *v;
    size_t n, cap;
    char *pool;
    size_t plen, pcap;
    size_t last_bank;   /* offset of the previous row's bank (n > 0) */
};

static const char *arow_user (const struct arows *r, size_t i)
{
    return r->pool + r->v[i].user;
}

static const char *arow_bank (const struct arows *r, size_t i)
{
    return r->pool + r->v[i].bank;
}

/* Copy s into the pool; its offset in *off.  0 or -1 (no memory). */
static int pool_add (struct arows *r, const char *s, size_t *off)
{
    size_t len = strlen (s) + 1;

    if (r->plen + len > r->pcap) {
        size_t cap = r->pcap ? r->pcap : 65536;
        while (cap < r->plen + len)
            cap *= 2;
        char *p = realloc (r->pool, cap);
        if (!p)
            return -1;
        r->pool = p;
        r->pcap = cap;
    }
    memcpy (r->pool + r->plen, s, len);
    *off = r->plen;
    r->plen += len;
    return 0;
}

static int arows_add (struct arows *r, const char *user, const char *bank,
                      sqlite3_int64 rowid, double stored)
{
    struct arow *a;

    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        struct arow *v = realloc (r->v, cap * sizeof (*v));
        if (!v)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    a = &r->v[r->n];
    if (pool_add (r, user, &a->user) < 0)
        return -1;
    if (r->n > 0 && !strcmp (r->pool + r->last_bank, bank))
        a->bank = r->last_bank;
    else if (pool_add (r, bank, &a->bank) < 0)
        return -1;
    r->last_bank = a->bank;
    a->rowid = rowid;
    a->stored = stored;
    r->n++;
    return 0;
}

static void arows_free (struct arows *r)
{
    free (r->v);
    free (r->pool);
}

static int add_users (fluxacct_db_t *db, fluxacct_fstree_t *t,
                      struct bankrow **index, size_t n, struct arows *rows,
                      fluxacct_error_t *error)
{
    /* no ORDER BY: the engine's results do not depend on insertion order */
    static const char *sql = "SELECT username, bank, shares, job_usage, rowid, "
                             "fairshare FROM association_table WHERE active=1";
    sqlite3_stmt *st = db_prep (db, sql, error);
    /* Banks found before, in an open-addressing table by a hash of the
     * name (filled to 3/4 at most; past that, the binary search): about
     * one strcmp per row instead of ten (rows come in any bank order). */
    enum { SEEN = 4096 };
    struct bankrow **seen = calloc (SEEN, sizeof (*seen));
    size_t nseen = 0;
    int rc, ret = 0;

    if (!seen)
        return errprintf (error, ENOMEM, "out of memory");
    if (!st) {
        free (seen);
        return -1;
    }
    while (ret == 0 && (rc = sqlite3_step (st)) == SQLITE_ROW) {
        const char *bank = (const char *)sqlite3_column_text (st, 1);
        uint32_t h = 2166136261u;
        for (const char *c = bank; *c; c++)
            h = (h ^ (unsigned char)*c) * 16777619u;
        size_t i = h & (SEEN - 1);
        while (seen[i] && strcmp (seen[i]->name, bank))
            i = (i + 1) & (SEEN - 1);
        struct bankrow *b = seen[i];
        if (!b && (b = find_row (index, n, bank)) && nseen < SEEN / 4 * 3) {
            seen[i] = b;
            nseen++;
        }
        if (!b || !b->added)
            continue; /* its bank is disabled */
        const char *user = (const char *)sqlite3_column_text (st, 0);
        ret = fluxacct_fstree_add_user (t, user, bank,
                                        (uint64_t)sqlite3_column_int64 (st, 2),
                                        sqlite3_column_double (st, 3), error);
        if (ret == 0 && rows
            && arows_add (rows, user, bank, sqlite3_column_int64 (st, 4),
                          sqlite3_column_double (st, 5)) < 0)
            ret = errprintf (error, ENOMEM, "out of memory");
    }
    sqlite3_reset (st);
    free (seen);
    if (ret == 0 && rc != SQLITE_DONE)
        return db_error (db, error, "fair-share");
    return ret;
}

static fluxacct_fstree_t *tree_from_db (fluxacct_db_t *db, struct arows *rows,
                                        fluxacct_error_t *error)
{
    struct bankrow *v = NULL, **index = NULL;
    fluxacct_fstree_t *t = NULL;
    size_t n = 0;

    if (!db)
        return errprintf_null (error, EINVAL, "invalid argument");
    if (bankrows_load (db, &v, &n, error) < 0)
        return NULL;
    /* the fair-share tree holds active banks only */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].active)
            v[k++] = v[i];
        else {
            free (v[i].name);
            free (v[i].parent);
        }
    }
    n = k;
    if (!(index = malloc ((n ? n : 1) * sizeof (*index)))) {
        errprintf (error, ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        index[i] = &v[i];
    qsort (index, n, sizeof (*index), cmp_name);
    if (!(t = fluxacct_fstree_create (error)))
        goto fail;
    if (add_banks (t, v, n, index, error) < 0
        || add_users (db, t, index, n, rows, error) < 0)
        goto fail;
    free (index);
    bankrows_free (v, n);
    return t;
fail:;
    int saved = errno;
    free (index);
    bankrows_free (v, n);
    fluxacct_fstree_destroy (t);
    errno = saved;
    return NULL;
}

FLUXACCT_EXPORT fluxacct_fstree_t *fluxacct_fairshare_tree (fluxacct_db_t *db,
                                                            fluxacct_error_t *error)
{
    return tree_from_db (db, NULL, error);
}

/* Write the changed values with one UPDATE joined to a JSON object
 * {rowid: rank} (json_each): one statement instead of one per association.
 * Fair-share is rank / N exactly, and SQLite's division gives the same
 * double as the engine's, so integers travel instead of 17-digit reals. */
struct change {
    sqlite3_int64 rowid;
    int rank;
};

static int cmp_change (const void *a, const void *b)
{
    sqlite3_int64 x = ((const struct change *)a)->rowid;
    sqlite3_int64 y = ((const struct change *)b)->rowid;
    return (x > y) - (x < y);
}

/* Map each tree node to its association row through the engine's own
 * (hashed) lookup: node index -> struct arow *. */
static struct arow **rows_by_node (fluxacct_fstree_t *t, struct arows *rows,
                                   fluxacct_error_t *error)
{
    int nn = fluxacct_fstree_node_count (t, error);
    struct arow **by;

    if (nn < 0)
        return NULL;
    if (!(by = calloc ((size_t)nn + 1, sizeof (*by))))
        return errprintf_null (error, ENOMEM, "out of memory");
    for (size_t i = 0; i < rows->n; i++) {
        int idx = fluxacct_fstree_find_user (t, arow_user (rows, i),
                                             arow_bank (rows, i), NULL);
        if (idx >= 0 && idx < nn)
            by[idx] = &rows->v[i];
    }
    return by;
}

/* Write the changed values with one UPDATE joined to a JSON object
 * {rowid: rank} (json_each): one statement instead of one per association.
 * Fair-share is rank / N exactly, and SQLite's division gives the same
 * double as the engine's, so integers travel instead of 17-digit reals.
 * In rowid order the UPDATE walks the table instead of seeking at random. */
static int write_fairshare (fluxacct_db_t *db, fluxacct_fstree_t *t,
                            struct arows *rows, int64_t *updated,
                            fluxacct_error_t *error)
{
    static const char *sql =
        "UPDATE association_table SET fairshare = CAST(j.value AS REAL) / ?2 "
        "FROM json_each(?1) AS j WHERE association_table.rowid = "
        "CAST(j.key AS INTEGER)";
    int n = fluxacct_fstree_user_count (t, error), changed = 0, rc = 0;
    struct arow **by = n < 0 ? NULL : rows_by_node (t, rows, error);
    struct change *ch = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    sqlite3_stmt *st;

    if (!by)
        return -1;
    if (!(ch = malloc (((size_t)n + 1) * sizeof (*ch)))) {
        rc = errprintf (error, ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        fluxacct_fstree_node_t u = { .version = FLUXACCT_FSTREE_NODE_VERSION };
        struct arow *a;
        if (fluxacct_fstree_user (t, i, &u, error) < 0) {
            rc = -1;
            goto done;
        }
        if (!(a = by[u.index])) {
            rc = errprintf (error, EIO, "fair-share: association %s,%s "
                            "vanished", u.name, u.bank);
            goto done;
        }
        if (a->stored != (double)u.rank / n) /* unchanged: not rewritten */
            ch[changed++] = (struct change){ a->rowid, u.rank };
    }
    *updated = changed;
    if (changed == 0)
        goto done;
    qsort (ch, (size_t)changed, sizeof (*ch), cmp_change);
    if (!(f = open_memstream (&buf, &len))) {
        rc = errprintf (error, ENOMEM, "out of memory");
        goto done;
    }
    fputc ('{', f);
    for (int i = 0; i < changed; i++)
        fprintf (f, "%s\"%lld\":%d", i ? "," : "", (long long)ch[i].rowid,
                 ch[i].rank);
    fputc ('}', f);
    if (fclose (f) != 0 || !buf) {
        rc = errprintf (error, ENOMEM, "out of memory");
        goto done;
    }
    if (!(st = db_prep (db, sql, error))) {
        rc = -1;
        goto done;
    }
    sqlite3_bind_text (st, 1, buf, (int)len, SQLITE_STATIC);
    sqlite3_bind_int (st, 2, n);
    rc = db_step_done (db, st, error);
    sqlite3_clear_bindings (st);
done:
    free (buf);
    free (ch);
    free (by);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_fairshare_update (fluxacct_db_t *db,
                                               int64_t *updated,
                                               fluxacct_error_t *error)
{
    fluxacct_fstree_t *t = NULL;
    struct arows rows = { 0 };
    int64_t count = 0;
    int rc = -1;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (db_txn_begin (db, error) < 0)
        return -1;
    if ((t = tree_from_db (db, &rows, error))
        && fluxacct_fstree_compute (t, error) == 0)
        rc = write_fairshare (db, t, &rows, &count, error);
    rc = db_txn_end (db, rc, error);
    fluxacct_fstree_destroy (t);
    arows_free (&rows);
    if (rc == 0 && updated)
        *updated = count;
    return rc;
}

FLUXACCT_EXPORT char *fluxacct_fairshare_export_json (fluxacct_db_t *db,
                                                      fluxacct_error_t *error)
{
    fluxacct_fstree_t *t = fluxacct_fairshare_tree (db, error);
    json_t **nodes = NULL, *root = NULL;
    char *s = NULL;
    int n;

    if (!t)
        return NULL;
    /* the node accessors read a computed tree; computing leaves the
     * inputs (names, shares, usage) as they are */
    if (fluxacct_fstree_compute (t, error) < 0
        || (n = fluxacct_fstree_node_count (t, error)) < 0)
        goto done;
    if (!(nodes = calloc ((size_t)n + 1, sizeof (json_t *))))
        goto nomem;
    /* node indexes are depth-first: a parent comes before its children */
    for (int i = 0; i < n; i++) {
        fluxacct_fstree_node_t info = { .version = FLUXACCT_FSTREE_NODE_VERSION };
        if (fluxacct_fstree_node (t, i, &info, error) < 0)
            goto done;
        int user = info.type == FLUXACCT_FSTREE_USER;
        nodes[i] = json_pack ("{s:s s:I s:f}", user ? "username" : "bank",
                              info.name, "shares", (json_int_t)info.shares,
                              "usage", info.usage);
        if (!nodes[i])
            goto nomem;
        if (!user && json_object_set_new (nodes[i], "children",
                                          json_array ()) < 0)
            goto nomem;
        if (info.parent < 0)
            root = nodes[i];
        else if (json_array_append (json_object_get (nodes[info.parent],
                                                     "children"), nodes[i]) < 0)
            goto nomem;
    }
    if (!root) {
        errprintf (error, ENOENT, "root bank not found");
        goto done;
    }
    json_t *doc = json_pack ("{s:O}", "root", root);
    s = doc ? json_dumps (doc, JSON_INDENT (2) | JSON_PRESERVE_ORDER
                                   | JSON_REAL_PRECISION (17)) : NULL;
    json_decref (doc);
    if (!s)
        goto nomem;
    goto done;
nomem:
    errprintf (error, ENOMEM, "out of memory");
done:
    for (int i = 0; nodes && i < n; i++)
        json_decref (nodes[i]);
    free (nodes);
    fluxacct_fstree_destroy (t);
    return s;
}
