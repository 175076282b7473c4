/* libfluxacct - pop-db: the CSV (RFC 4180) record reader.
 *
 * Records are parsed as the file streams; a malformed one stops the read
 * with the file name and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/csv_internal.h"

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

void csv_rec_free (struct rec *rec)
{
    free (rec->data);
    free (rec->f);
}

/* Bytes that end a run inside an unquoted field. */
static const unsigned char stop_plain[256] = {
    [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, ['\0'] = 1,
};

/* Read one record.  1: read; 0: end of file; -1: malformed (message). */
int csv_read_record (struct rd *r, struct rec *rec, fluxacct_error_t *error)
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
