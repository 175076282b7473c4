/* libfluxacct - export-db and pop-db: tables to and from CSV (RFC 4180).
 *
 * Export writes a header row and one record per row.  NULL is an empty
 * field and an empty string is "" (the distinction PostgreSQL's CSV makes),
 * reals are written with enough digits to read back the same double, and
 * in columns without a declared type (usage_state_table.value) a text that
 * reads as a number is quoted so it comes back as text.
 *
 * Import parses the file as it streams, checks and inserts each record
 * inside one transaction and stops at the first problem with the file name
 * and line, so nothing is written unless everything is right.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <jansson.h>
#include <pthread.h>

#include "core/db_internal.h"
#include "parse/parse_internal.h"
#include "admin/admin_internal.h"
#include "fluxacct/admin.h"
#include "fluxacct/parse.h"

enum aff { A_INT, A_REAL, A_TEXT, A_NONE };

/* SQLite's affinity rules (https://sqlite.org/datatype3.html 3.1). */
static enum aff affinity (const char *type)
{
    if (!type || !*type)
        return A_NONE;
    if (strcasestr (type, "INT"))
        return A_INT;
    if (strcasestr (type, "CHAR") || strcasestr (type, "CLOB")
        || strcasestr (type, "TEXT"))
        return A_TEXT;
    if (strcasestr (type, "BLOB"))
        return A_NONE;
    return A_REAL; /* REAL, FLOA, DOUB and NUMERIC: numbers */
}

struct column {
    char *name;
    enum aff aff;
};

struct table {
    char *name;
    struct column *cols;
    size_t ncols;
};

static void table_free (struct table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        free (t->cols[i].name);
    free (t->cols);
    free (t->name);
    memset (t, 0, sizeof (*t));
}

/* Columns of `name`; 0, or -1 with ENOENT when there is no such table. */
static int table_load (fluxacct_db_t *db, const char *name, struct table *t,
                       fluxacct_error_t *error)
{
    static const char *sql =
        "SELECT p.name, p.type FROM sqlite_master s, pragma_table_info(s.name)"
        " p WHERE s.type = 'table' AND s.name = ? AND s.name NOT LIKE "
        "'sqlite_%'";
    sqlite3_stmt *st;
    int rc;

    memset (t, 0, sizeof (*t));
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error (db, error, "csv");
    sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
    if (!(t->name = strdup (name)))
        goto nomem;
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        struct column *v = realloc (t->cols, (t->ncols + 1) * sizeof (*v));
        if (!v)
            goto nomem;
        t->cols = v;
        if (!(v[t->ncols].name = strdup ((const char *)
                                         sqlite3_column_text (st, 0))))
            goto nomem;
        v[t->ncols].aff = affinity ((const char *)sqlite3_column_text (st, 1));
        t->ncols++;
    }
    sqlite3_finalize (st);
    if (rc != SQLITE_DONE) {
        table_free (t);
        return db_error (db, error, "csv");
    }
    if (t->ncols == 0) {
        table_free (t);
        return errprintf (error, ENOENT, "table \"%s\" does not exist in the "
                          "database", name);
    }
    return 0;
nomem:
    sqlite3_finalize (st);
    table_free (t);
    return errprintf (error, ENOMEM, "out of memory");
}

static int table_col (const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp (t->cols[i].name, name))
            return (int)i;
    return -1;
}

/* Every user table of the database, sorted by name. */
static char **all_tables (fluxacct_db_t *db, fluxacct_error_t *error)
{
    static const char *sql = "SELECT name FROM sqlite_master WHERE type = "
                             "'table' AND name NOT LIKE 'sqlite_%' ORDER BY "
                             "name";
    sqlite3_stmt *st;
    char **v = calloc (1, sizeof (char *));
    size_t n = 0;
    int rc;

    if (!v)
        return errprintf_null (error, ENOMEM, "out of memory");
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (v);
        db_error (db, error, "csv");
        return NULL;
    }
    while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
        char **nv = realloc (v, (n + 2) * sizeof (char *));
        if (!nv)
            break;
        v = nv;
        if (!(v[n] = strdup ((const char *)sqlite3_column_text (st, 0))))
            break;
        v[++n] = NULL;
    }
    sqlite3_finalize (st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < n; i++)
            free (v[i]);
        free (v);
        return errprintf_null (error, ENOMEM, "cannot list the tables");
    }
    return v;
}

static void strv_free (char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free (v[i]);
    free (v);
}

/* ---- export ---------------------------------------------------------- */

struct wbuf {
    FILE *f;
    char *b;
    size_t n, cap;
    uint64_t total;
    int err;
};

static void wb_flush (struct wbuf *w)
{
    if (w->n && !w->err && fwrite (w->b, 1, w->n, w->f) != w->n)
        w->err = errno ? errno : EIO;
    w->total += w->n;
    w->n = 0;
}

static inline void wb_put (struct wbuf *w, const char *s, size_t len)
{
    if (w->n + len > w->cap) {
        wb_flush (w);
        if (len > w->cap) {
            if (!w->err && fwrite (s, 1, len, w->f) != len)
                w->err = errno ? errno : EIO;
            w->total += len;
            return;
        }
    }
    memcpy (w->b + w->n, s, len);
    w->n += len;
}

static inline void wb_putc (struct wbuf *w, char c)
{
    if (w->n == w->cap)
        wb_flush (w);
    w->b[w->n++] = c;
}

/* Does s read back as a number (then text must be quoted in an untyped
 * column to stay text)? */
static int looks_numeric (const char *s)
{
    char *end;
    if (!*s)
        return 0;
    (void)strtod (s, &end);
    return *end == '\0';
}

static void put_text (struct wbuf *w, const char *s, size_t len, int force)
{
    int quote = force || len == 0;

    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        wb_put (w, s, len);
        return;
    }
    wb_putc (w, '"');
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i == len || s[i] == '"') {
            wb_put (w, s + start, i - start);
            if (i < len)
                wb_put (w, "\"\"", 2);
            start = i + 1;
        }
    }
    wb_putc (w, '"');
}

/* Print |r| (an integer below 2^53) with p decimals, signed. */
static size_t fmt_fixed (int neg, uint64_t r, int p, char *buf)
{
    char digits[32];
    size_t n = 0, k = 0;

    do {
        digits[n++] = (char)('0' + r % 10);
        r /= 10;
    } while (r || n <= (size_t)p);
    if (neg)
        buf[k++] = '-';
    while (n > 0) {
        buf[k++] = digits[--n];
        if (n == (size_t)p && p > 0)
            buf[k++] = '.';
    }
    if (p == 0) {
        buf[k++] = '.';
        buf[k++] = '0';
    }
    buf[k] = '\0';
    return k;
}

/* 10^k as a 128-bit integer, k <= 38. */
static unsigned __int128 pow10_u128 (int k)
{
    unsigned __int128 v = 1;
    while (k-- > 0)
        v *= 10;
    return v;
}

/* d > 0 correctly rounded to 17 significant digits, printed positionally
 * with trailing zeros trimmed: 17 correctly rounded digits always read back
 * as the same double.  Exact integer arithmetic: d = M * 2^e2 with M < 2^53,
 * so d * 10^k = M * 10^k / 2^-e2 fits 128 bits for 1e-6 <= d < 1e17.
 * Returns 0 outside that range. */
static size_t fmt_17 (double d, char *buf)
{
    const unsigned __int128 lo = pow10_u128 (16), hi = pow10_u128 (17);
    int e, q = (int)floor (log10 (d));
    double f = frexp (d, &e);
    uint64_t M = (uint64_t)ldexp (f, 53);
    int e2 = e - 53;
    unsigned __int128 N = 0;

    for (int tries = 0; tries < 3; tries++) {
        int k = 16 - q;
        if (k < 0 || k > 22 || e2 > 0 || -e2 > 120)
            return 0;
        unsigned __int128 P = (unsigned __int128)M * pow10_u128 (k);
        int sh = -e2;
        N = P >> sh;
        unsigned __int128 rem = P - (N << sh);
        unsigned __int128 half = (unsigned __int128)1 << (sh - 1);
        if (sh > 0 && (rem > half || (rem == half && (N & 1))))
            N++;
        if (N < lo)
            q--;
        else if (N >= hi)
            q++;
        else
            break;
    }
    if (N < lo || N >= hi)
        return 0;
    /* digits of N, q = position of the first one */
    char dig[17];
    for (int i = 16; i >= 0; i--) {
        dig[i] = (char)('0' + (int)(N % 10));
        N /= 10;
    }
    int last = 16;
    while (last > 0 && dig[last] == '0' && last > q)
        last--;
    size_t n = 0;
    if (q >= 0) {
        for (int i = 0; i <= q; i++)
            buf[n++] = dig[i];
        buf[n++] = '.';
        if (last <= q)
            buf[n++] = '0';
        for (int i = q + 1; i <= last; i++)
            buf[n++] = dig[i];
    }
    else {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = -1; i > q; i--)
            buf[n++] = '0';
        for (int i = 0; i <= last; i++)
            buf[n++] = dig[i];
    }
    buf[n] = '\0';
    return n;
}

/* Text that reads back as the same double, with ".0" when it would
 * otherwise read as an integer.  Short decimals (at most 6 places, below
 * 2^53: 0.5, 3600.0, 0.1) are printed from integers: if r / 10^p computed in
 * doubles is d, strtod of "r with p decimals" is d too (both are the
 * correctly rounded r / 10^p).  Other values get 17 correctly rounded
 * significant digits (trailing zeros trimmed), computed exactly; the rest
 * (huge, tiny, inf, nan) go through printf. */
size_t csv_fmt_real (double d, char *buf, size_t len)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
    size_t n;

    if (len < 48)
        return (size_t)snprintf (buf, len, "%.17g", d);
    if (d == 0)
        return (size_t)snprintf (buf, len, signbit (d) ? "-0.0" : "0.0");
    if (isnan (d))
        return (size_t)snprintf (buf, len, "nan");
    if (isinf (d))
        return (size_t)snprintf (buf, len, d > 0 ? "inf" : "-inf");
    if (fabs (d) < 9007199254740992.0) {
        for (int p = 0; p <= 6; p++) {
            double m = d * pow10[p], r;
            if (!(fabs (m) < 9007199254740992.0))
                break;
            r = nearbyint (m);
            if (r / pow10[p] == d)
                return fmt_fixed (r < 0, (uint64_t)fabs (r), p, buf);
        }
    }
    if (d < 0) {
        buf[0] = '-';
        if ((n = fmt_17 (-d, buf + 1)) > 0)
            return n + 1;
    }
    else if ((n = fmt_17 (d, buf)) > 0)
        return n;
    snprintf (buf, len, "%.17g", d);
    if (!strpbrk (buf, ".e"))
        strncat (buf, ".0", len - strlen (buf) - 1);
    return strlen (buf);
}

static int export_table (fluxacct_db_t *db, const char *dir,
                         const struct table *t, fluxacct_csv_stats_t *stats,
                         fluxacct_error_t *error)
{
    char *path = NULL, *tmp = NULL, *sql = NULL;
    struct wbuf w = { 0 };
    sqlite3_stmt *st = NULL;
    int rc = -1, step;

    if (asprintf (&path, "%s/%s.csv", dir, t->name) < 0
        || asprintf (&tmp, "%s/.%s.csv.tmp", dir, t->name) < 0) {
        free (path);
        return errprintf (error, ENOMEM, "out of memory");
    }
    /* Rows in rowid order (primary key order for WITHOUT ROWID tables). */
    if (asprintf (&sql, "SELECT * FROM \"%s\" ORDER BY rowid", t->name) < 0)
        goto nomem;
    if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        free (sql);
        if (asprintf (&sql, "SELECT * FROM \"%s\"", t->name) < 0)
            goto nomem;
        if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK) {
            db_error (db, error, "export-db");
            goto done;
        }
    }
    w.cap = 1 << 20;
    if (!(w.b = malloc (w.cap)))
        goto nomem;
    if (!(w.f = fopen (tmp, "w"))) {
        errprintf (error, errno, "cannot write %s: %s", path, strerror (errno));
        goto done;
    }
    for (int c = 0; c < sqlite3_column_count (st); c++) {
        const char *name = sqlite3_column_name (st, c);
        if (c)
            wb_putc (&w, ',');
        put_text (&w, name, strlen (name), 0);
    }
    wb_put (&w, "\r\n", 2);
    while ((step = sqlite3_step (st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count (st); c++) {
            char num[64];
            if (c)
                wb_putc (&w, ',');
            switch (sqlite3_column_type (st, c)) {
                case SQLITE_NULL:
                    break;
                case SQLITE_INTEGER:
                    wb_put (&w, num, (size_t)snprintf (num, sizeof (num),
                                                       "%lld",
                                                       sqlite3_column_int64
                                                           (st, c)));
                    break;
                case SQLITE_FLOAT:
                    wb_put (&w, num, csv_fmt_real (sqlite3_column_double (st, c),
                                               num, sizeof (num)));
                    break;
                default: {
                    const char *s = (const char *)sqlite3_column_text (st, c);
                    size_t len = (size_t)sqlite3_column_bytes (st, c);
                    put_text (&w, s ? s : "", len,
                              (size_t)c < t->ncols
                                  && t->cols[c].aff == A_NONE
                                  && looks_numeric (s ? s : ""));
                }
            }
        }
        wb_put (&w, "\r\n", 2);
        stats->rows++;
    }
    if (step != SQLITE_DONE) {
        db_error (db, error, "export-db");
        goto done;
    }
    wb_flush (&w);
    if (w.err || fflush (w.f) != 0 || fsync (fileno (w.f)) < 0) {
        int e = w.err ? w.err : errno;
        errprintf (error, e, "cannot write %s: %s", path, strerror (e));
        goto done;
    }
    if (fclose (w.f) != 0) {
        w.f = NULL;
        errprintf (error, errno, "cannot write %s: %s", path, strerror (errno));
        goto done;
    }
    w.f = NULL;
    if (rename (tmp, path) < 0) {
        errprintf (error, errno, "cannot write %s: %s", path, strerror (errno));
        goto done;
    }
    stats->tables++;
    stats->bytes += w.total;
    rc = 0;
    goto done;
nomem:
    errprintf (error, ENOMEM, "out of memory");
done:
    if (w.f) {
        fclose (w.f);
        unlink (tmp);
    }
    free (w.b);
    sqlite3_finalize (st);
    free (sql);
    free (path);
    free (tmp);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_db_export_csv (fluxacct_db_t *db, const char *dir,
                                            const char *const *tables,
                                            fluxacct_csv_stats_t *stats,
                                            fluxacct_error_t *error)
{
    fluxacct_csv_stats_t local;
    char **all = NULL;
    struct stat sb;
    int own_txn = 0, rc = 0;

    if (!db)
        return errprintf (error, EINVAL, "invalid argument");
    if (!dir || !*dir)
        dir = ".";
    if (!stats)
        stats = &local;
    memset (stats, 0, sizeof (*stats));
    if (stat (dir, &sb) < 0) {
        if (errno != ENOENT || mkdir (dir, 0755) < 0)
            return errprintf (error, errno, "cannot create directory %s: %s",
                              dir, strerror (errno));
    }
    else if (!S_ISDIR (sb.st_mode))
        return errprintf (error, ENOTDIR, "%s is not a directory", dir);
    /* One read transaction: the files are one consistent snapshot. */
    if (db->depth == 0) {
        if (sqlite3_exec (db->h, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            return db_error (db, error, "export-db");
        own_txn = 1;
    }
    if (!tables) {
        if (!(all = all_tables (db, error)))
            rc = -1;
        tables = (const char *const *)all;
    }
    for (size_t i = 0; rc == 0 && tables && tables[i]; i++) {
        struct table t;
        if ((rc = table_load (db, tables[i], &t, error)) < 0)
            break;
        rc = export_table (db, dir, &t, stats, error);
        table_free (&t);
    }
    strv_free (all);
    if (own_txn) {
        int saved = errno;
        sqlite3_exec (db->h, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL,
                      NULL);
        errno = saved;
    }
    return rc;
}

/* ---- CSV reading ----------------------------------------------------- */

struct rd {
    FILE *f;
    const char *path;
    char *buf;
    size_t pos, len;
    uint64_t line;
    uint64_t bytes;
};

#define RD_EOF (-1)

static inline int rd_getc (struct rd *r)
{
    if (r->pos == r->len) {
        r->len = fread (r->buf, 1, 1 << 20, r->f);
        r->pos = 0;
        r->bytes += r->len;
        if (r->len == 0)
            return RD_EOF;
    }
    return (unsigned char)r->buf[r->pos++];
}

static inline void rd_ungetc (struct rd *r)
{
    r->pos--;
}

struct field {
    size_t off, len;
    int quoted;
};

struct rec {
    char *data;
    size_t dlen, dcap;
    struct field *f;
    size_t nf, fcap;
    uint64_t line;
};

static int rec_putc (struct rec *rec, char c)
{
    if (rec->dlen == rec->dcap) {
        size_t cap = rec->dcap ? rec->dcap * 2 : 4096;
        char *d = realloc (rec->data, cap);
        if (!d)
            return -1;
        rec->data = d;
        rec->dcap = cap;
    }
    rec->data[rec->dlen++] = c;
    return 0;
}

/* Append n bytes. */
static int rec_put (struct rec *rec, const char *p, size_t n)
{
    if (rec->dlen + n > rec->dcap) {
        size_t cap = rec->dcap ? rec->dcap : 4096;
        while (cap < rec->dlen + n)
            cap *= 2;
        char *d = realloc (rec->data, cap);
        if (!d)
            return -1;
        rec->data = d;
        rec->dcap = cap;
    }
    memcpy (rec->data + rec->dlen, p, n);
    rec->dlen += n;
    return 0;
}

/* Copy the run of ordinary bytes at the read position (up to a byte that
 * matters to the caller: stop[] is nonzero for it) into the record. */
static int take_run (struct rd *r, struct rec *rec, const unsigned char *stop)
{
    const char *p = r->buf + r->pos, *end = r->buf + r->len;
    const char *q = p;

    while (q < end && !stop[(unsigned char)*q])
        q++;
    r->pos += (size_t)(q - p);
    return q > p ? rec_put (rec, p, (size_t)(q - p)) : 0;
}

/* The same inside a quoted field, where runs are long (JSON): up to the
 * next quote, NUL or newline, found with memchr. */
static int take_quoted_run (struct rd *r, struct rec *rec)
{
    const char *p = r->buf + r->pos, *end = r->buf + r->len;
    const char *q = memchr (p, '"', (size_t)(end - p));
    const char *nl, *nul;

    if (!q)
        q = end;
    if ((nl = memchr (p, '\n', (size_t)(q - p))))
        q = nl;
    if ((nul = memchr (p, '\0', (size_t)(q - p))))
        q = nul;
    r->pos += (size_t)(q - p);
    return q > p ? rec_put (rec, p, (size_t)(q - p)) : 0;
}

static int rec_field (struct rec *rec, size_t off, int quoted)
{
    if (rec->nf == rec->fcap) {
        size_t cap = rec->fcap ? rec->fcap * 2 : 32;
        struct field *f = realloc (rec->f, cap * sizeof (*f));
        if (!f)
            return -1;
        rec->f = f;
        rec->fcap = cap;
    }
    rec->f[rec->nf++] = (struct field){ off, rec->dlen - off, quoted };
    return rec_putc (rec, '\0');
}

static const char *rec_text (const struct rec *rec, size_t i)
{
    return rec->data + rec->f[i].off;
}

static void rec_free (struct rec *rec)
{
    free (rec->data);
    free (rec->f);
}

/* Bytes that end a run inside an unquoted field. */
static unsigned char stop_plain[256];

static void init_stops (void)
{
    stop_plain[','] = stop_plain['\n'] = stop_plain['\r'] = 1;
    stop_plain['"'] = stop_plain['\0'] = 1;
}

/* Read one record.  1: read; 0: end of file; -1: malformed (message). */
static int read_record (struct rd *r, struct rec *rec, fluxacct_error_t *error)
{
    int c;

    rec->dlen = rec->nf = 0;
    /* skip empty lines */
    for (;;) {
        c = rd_getc (r);
        if (c == RD_EOF)
            return 0;
        if (c == '\n') {
            r->line++;
            continue;
        }
        if (c == '\r') {
            int c2 = rd_getc (r);
            if (c2 != '\n' && c2 != RD_EOF)
                rd_ungetc (r);
            r->line++;
            continue;
        }
        break;
    }
    rec->line = r->line;
    for (;;) {
        size_t off = rec->dlen;
        int quoted = 0;
        if (c == '"') {
            uint64_t opened = r->line;
            quoted = 1;
            for (;;) {
                if (take_quoted_run (r, rec) < 0)
                    return errprintf (error, ENOMEM, "out of memory");
                c = rd_getc (r);
                if (c == RD_EOF)
                    return errprintf (error, EINVAL, "%s:%llu: quoted field "
                                      "not closed", r->path,
                                      (unsigned long long)opened);
                if (c == '"') {
                    c = rd_getc (r);
                    if (c != '"')
                        break;
                }
                else if (c == '\n')
                    r->line++;
                else if (c == '\0')
                    return errprintf (error, EINVAL, "%s:%llu: NUL byte",
                                      r->path, (unsigned long long)r->line);
                if (rec_putc (rec, (char)c) < 0)
                    return errprintf (error, ENOMEM, "out of memory");
            }
            if (c != ',' && c != '\n' && c != '\r' && c != RD_EOF)
                return errprintf (error, EINVAL, "%s:%llu: text after the "
                                  "closing quote of a field", r->path,
                                  (unsigned long long)r->line);
        }
        else {
            while (c != ',' && c != '\n' && c != '\r' && c != RD_EOF) {
                if (c != '"' && c != '\0') {
                    if (rec_putc (rec, (char)c) < 0
                        || take_run (r, rec, stop_plain) < 0)
                        return errprintf (error, ENOMEM, "out of memory");
                    c = rd_getc (r);
                    continue;
                }
                if (c == '"')
                    return errprintf (error, EINVAL, "%s:%llu: quote inside "
                                      "an unquoted field", r->path,
                                      (unsigned long long)r->line);
                if (c == '\0')
                    return errprintf (error, EINVAL, "%s:%llu: NUL byte",
                                      r->path, (unsigned long long)r->line);
                if (rec_putc (rec, (char)c) < 0)
                    return errprintf (error, ENOMEM, "out of memory");
                c = rd_getc (r);
            }
        }
        if (rec_field (rec, off, quoted) < 0)
            return errprintf (error, ENOMEM, "out of memory");
        if (c == ',') {
            c = rd_getc (r);
            continue;
        }
        if (c == '\r') {
            int c2 = rd_getc (r);
            if (c2 != '\n' && c2 != RD_EOF)
                rd_ungetc (r);
        }
        if (c != RD_EOF)
            r->line++;
        return 1;
    }
}

/* ---- import ---------------------------------------------------------- */

struct val {
    int type;   /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, 0 = absent */
    sqlite3_int64 i;
    double d;
    const char *s;
    size_t len;
};

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
    struct stcache cache[NCACHE];
    size_t ncache;
    int kind;               /* K_* below */
    sqlite3_int64 next_seq;
    int have_next_seq;
    int c_seq, c_R, c_nnodes, c_ncores, c_ngpus, c_charge, c_bank, c_spec,
        c_userid, c_queues, c_projects, c_defproj;
    struct { sqlite3_int64 rowid; uint64_t line; } *lines;
    size_t nlines, caplines;
    char *derived[4];       /* strings owned for the current row */
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
    const char *s = rec_text (rec, hdr);
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
    l->c_seq = table_col (&l->t, "seq");
    l->c_R = table_col (&l->t, "R");
    l->c_nnodes = table_col (&l->t, "nnodes");
    l->c_ncores = table_col (&l->t, "ncores");
    l->c_ngpus = table_col (&l->t, "ngpus");
    l->c_charge = table_col (&l->t, "charge_bank");
    l->c_bank = table_col (&l->t, "bank");
    l->c_spec = table_col (&l->t, "jobspec");
    l->c_userid = table_col (&l->t, "userid");
    l->c_queues = table_col (&l->t, "queues");
    l->c_projects = table_col (&l->t, "projects");
    l->c_defproj = table_col (&l->t, "default_project");
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

static void set_derived (struct loader *l, int slot, struct val *v, char *s)
{
    free (l->derived[slot]);
    l->derived[slot] = s;
    if (s) {
        v->type = SQLITE_TEXT;
        v->s = s;
        v->len = strlen (s);
    }
}

/* Job rows: what an import computes, when the file does not give it. */
static int derive_job (struct loader *l, const struct rec *rec)
{
    struct val *seq = colval (l, l->c_seq), *R = colval (l, l->c_R);
    struct val *nn = colval (l, l->c_nnodes), *nc = colval (l, l->c_ncores);
    struct val *ng = colval (l, l->c_ngpus), *cb = colval (l, l->c_charge);
    struct val *bank = colval (l, l->c_bank), *spec = colval (l, l->c_spec);
    struct val *uid = colval (l, l->c_userid);

    if (!seq || !R || !nn || !nc || !ng || !cb || !bank || !spec || !uid)
        return 0; /* not our jobs table */
    if (!seq->type) {
        if (!l->have_next_seq) {
            if (db_state_get (l->db, "next_seq", &l->next_seq, NULL, NULL,
                              l->error) < 0)
                return -1;
            sqlite3_int64 max = 0;
            sqlite3_stmt *st = db_prep (l->db, "SELECT coalesce(max(seq), 0) "
                                        "FROM jobs", l->error);
            if (!st)
                return -1;
            if (sqlite3_step (st) == SQLITE_ROW)
                max = sqlite3_column_int64 (st, 0);
            sqlite3_reset (st);
            if (l->next_seq <= max)
                l->next_seq = max + 1;
            l->have_next_seq = 1;
        }
        seq->type = SQLITE_INTEGER;
        seq->i = l->next_seq++;
    }
    if (!nn->type && !nc->type && !ng->type && R->type == SQLITE_TEXT) {
        fluxacct_rcount_t c;
        if (r_count_fast (R->s, &c) || fluxacct_r_count (R->s, &c, NULL) == 0) {
            nn->type = nc->type = ng->type = SQLITE_INTEGER;
            nn->i = (sqlite3_int64)c.nnodes;
            nc->i = (sqlite3_int64)c.ncores;
            ng->i = (sqlite3_int64)c.ngpus;
        }
    }
    if (!cb->type) {
        if (bank->type == SQLITE_TEXT && bank->len > 0)
            *cb = *bank;
        else {
            fluxacct_jobspec_info_t info = { 0 };
            char *b = NULL;
            if (spec->type == SQLITE_TEXT
                && fluxacct_jobspec_parse (spec->s, &info, NULL) == 0
                && info.bank)
                b = strdup (info.bank);
            fluxacct_jobspec_info_clear (&info);
            if (!b && uid->type == SQLITE_INTEGER) {
                sqlite3_stmt *st = db_prep (l->db, "SELECT default_bank FROM "
                                            "association_table WHERE userid ="
                                            " ? ORDER BY active DESC, "
                                            "creation_time LIMIT 1", l->error);
                if (!st)
                    return -1;
                sqlite3_bind_int64 (st, 1, uid->i);
                if (sqlite3_step (st) == SQLITE_ROW)
                    b = strdup ((const char *)sqlite3_column_text (st, 0));
                sqlite3_reset (st);
            }
            set_derived (l, 0, cb, b);
        }
    }
    (void)rec;
    return 0;
}

static int insert_row (struct loader *l, const struct rec *rec)
{
    uint64_t mask = 0;
    sqlite3_stmt *st;
    int rc;

    for (size_t c = 0; c < l->t.ncols; c++)
        l->v[c].type = 0;
    for (size_t h = 0; h < l->nhdr; h++)
        if (l->map[h] >= 0 && convert (l, rec, h, &l->v[l->map[h]]) < 0)
            return -1;
    if ((l->kind == K_ASSOC && check_assoc (l, rec) < 0)
        || (l->kind == K_JOBS && derive_job (l, rec) < 0))
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
        if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_READONLY)
            return db_error (l->db, l->error, "pop-db");
        return errprintf (l->error, e, "%s:%llu: %s", l->path,
                          (unsigned long long)rec->line,
                          sqlite3_errmsg (l->db->h));
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
        const char *name = rec_text (rec, h);
        if ((l->map[h] = table_col (&l->t, name)) < 0)
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
            if (table_col (&l->t, want[i]) < 0 && blen < sizeof (bad))
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
            found = !strcmp (rec_text (rec, h), want[i]);
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
            keep = !strcmp (rec_text (rec, h), want[i]);
        if (!keep)
            l->map[h] = -1;
    }
    rc = 0;
done:
    strv_free (want);
    return rc;
}

/* The table a file loads: its base name without ".csv". */
static char *table_of_path (const char *path)
{
    const char *base = strrchr (path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen (base);
    if (n > 4 && !strcmp (base + n - 4, ".csv"))
        n -= 4;
    return strndup (base, n);
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
    strv_free (names);
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
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct rec rec = { 0 };
    char *table = table_of_path (path);
    char **indexes = NULL;
    int rc = -1, got;

    pthread_once (&once, init_stops);
    if (!table)
        return errprintf (error, ENOMEM, "out of memory");
    if (table_load (db, table, &l.t, error) < 0) {
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
    if ((got = read_record (&r, &rec, error)) < 0)
        goto done;
    if (got == 0) {
        errprintf (error, EINVAL, "%s:1: empty file (no header row)", path);
        goto done;
    }
    if (map_header (&l, &rec, fields) < 0)
        goto done;
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
    while ((got = read_record (&r, &rec, error)) > 0) {
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
    if (l.have_next_seq
        && db_state_set_int (db, "next_seq", l.next_seq, error) < 0)
        goto done;
    stats->tables++;
    stats->bytes += r.bytes;
    rc = 0;
done:
    if (r.f)
        fclose (r.f);
    free (r.buf);
    rec_free (&rec);
    loader_clear_cache (&l);
    for (int i = 0; i < 4; i++)
        free (l.derived[i]);
    free (l.v);
    free (l.map);
    free (l.lines);
    strv_free (indexes);
    table_free (&l.t);
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
    char *t = table_of_path (path);
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
        char *t = table_of_path (paths[i]);
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

FLUXACCT_EXPORT int fluxacct_db_import_csv (fluxacct_db_t *db,
                                            const char *const *paths,
                                            const char *fields, int flags,
                                            fluxacct_csv_stats_t *stats,
                                            fluxacct_error_t *error)
{
    fluxacct_csv_stats_t local;

    if (!db || !paths || !paths[0])
        return errprintf (error, EINVAL, "invalid argument");
    if (flags & ~FLUXACCT_CSV_REPLACE)
        return errprintf (error, EINVAL, "invalid flags 0x%x", flags);
    if (!stats)
        stats = &local;
    memset (stats, 0, sizeof (*stats));
    if (db_txn_begin (db, error) < 0)
        return -1;
    /* A big load in one transaction: a page cache that holds the working
     * set instead of spilling it (to the WAL) and reading it back. */
    int64_t cache = cache_size (db);
    sqlite3_exec (db->h, "PRAGMA cache_size=-262144", NULL, NULL, NULL);
    int rc = db_txn_end (db, import_all (db, paths, fields, flags, stats,
                                         error), error);
    set_cache_size (db, cache);
    return rc;
}

FLUXACCT_EXPORT int fluxacct_db_import_csv_dir (fluxacct_db_t *db,
                                                const char *dir, int flags,
                                                fluxacct_report_f report,
                                                void *arg,
                                                fluxacct_csv_stats_t *stats,
                                                fluxacct_error_t *error)
{
    char **tables, **paths = NULL;
    size_t n = 0;
    struct dirent *e;
    DIR *d;
    int rc = -1;

    if (!db || !dir)
        return errprintf (error, EINVAL, "invalid argument");
    if (!(d = opendir (dir)))
        return errprintf (error, errno, "%s: %s", dir, strerror (errno));
    if (!(tables = all_tables (db, error))) {
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
    rc = fluxacct_db_import_csv (db, (const char *const *)paths, NULL, flags,
                                 stats, error);
done:
    closedir (d);
    strv_free (tables);
    strv_free (paths);
    return rc;
}
