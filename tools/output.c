/* flux-account - printing result tables as text, JSON, '|' rows, or a
 * user format. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Characters (UTF-8 code points, as Python's len()) in the first `len`
 * bytes of s.  Column widths count these, not bytes, so that names like
 * "dépt" line up as they do in flux-accounting's tables. */
size_t utf8_width (const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

/* Bytes of s making up its first `chars` characters. */
static size_t utf8_prefix (const char *s, size_t chars)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80 && chars-- == 0)
            break;
    return i;
}

void fput_padded (FILE *f, const char *s, size_t len, int width, char align)
{
    int pad = width - (int)utf8_width (s, len);
    if (pad < 0)
        pad = 0;
    int left = align == '>' ? pad : align == '^' ? pad / 2 : 0;
    fprintf (f, "%*s%.*s%*s", left, "", (int)len, s, pad - left, "");
}

char *cell_text (const fluxacct_rows_t *r, size_t row, size_t col, int raw)
{
    char buf[64];
    const char *name = fluxacct_rows_column_name (r, col);

    switch (fluxacct_rows_type (r, row, col)) {
        case FLUXACCT_TYPE_INT: {
            long long v = fluxacct_rows_int (r, row, col);
            if (!raw && v == FLUXACCT_UNLIMITED)
                return strdup ("unlimited");
            if (!raw && name && !strcmp (name, "active"))
                return strdup (v ? "true" : "false");
            snprintf (buf, sizeof (buf), "%lld", v);
            return strdup (buf);
        }
        case FLUXACCT_TYPE_REAL:
            fa_fmt_double (buf, sizeof (buf), fluxacct_rows_real (r, row, col),
                           raw ? FA_FMT_REPR : FA_FMT_DISPLAY);
            return strdup (buf);
        case FLUXACCT_TYPE_TEXT:
            return strdup (fluxacct_rows_text (r, row, col));
        default:
            return strdup ("");
    }
}

int outopts_get (struct args *a, struct outopts *o)
{
    int n = arg_flag (a, "json") + arg_flag (a, "parsable")
            + (arg_str (a, "format") != NULL);
    if (n > 1)
        return usage_error ("--json, --parsable and --format are mutually "
                            "exclusive");
    o->format = arg_str (a, "format");
    o->mode = arg_flag (a, "json") ? OUT_JSON
              : arg_flag (a, "parsable") ? OUT_PARSABLE
              : o->format ? OUT_FORMAT : OUT_TABLE;
    return 0;
}

int print_text_table (FILE *f, size_t nc, const char *const *header,
                      size_t nr, char *const *cells)
{
    size_t *w = calloc (nc ? nc : 1, sizeof (*w));

    if (!w)
        return -1;
    for (size_t c = 0; c < nc; c++) {
        w[c] = utf8_width (header[c], strlen (header[c]));
        for (size_t i = 0; i < nr; i++) {
            const char *s = cells[i * nc + c] ? cells[i * nc + c] : "";
            size_t l = utf8_width (s, strlen (s));
            if (l > w[c])
                w[c] = l;
        }
    }
    for (size_t c = 0; c < nc; c++) {
        fputs (c ? " | " : "", f);
        fput_padded (f, header[c], strlen (header[c]),
                     c + 1 < nc ? (int)w[c] : 0, '<');
    }
    fputc ('\n', f);
    for (size_t c = 0; c < nc; c++) {
        fputs (c ? "-+-" : "", f);
        for (size_t k = 0; k < w[c]; k++)
            fputc ('-', f);
    }
    fputc ('\n', f);
    for (size_t i = 0; i < nr; i++) {
        for (size_t c = 0; c < nc; c++) {
            const char *s = cells[i * nc + c] ? cells[i * nc + c] : "";
            fputs (c ? " | " : "", f);
            fput_padded (f, s, strlen (s), c + 1 < nc ? (int)w[c] : 0, '<');
        }
        fputc ('\n', f);
    }
    free (w);
    return 0;
}

static int print_table (FILE *f, const fluxacct_rows_t *r)
{
    size_t nc = fluxacct_rows_columns (r), nr = fluxacct_rows_count (r);
    const char **header = calloc (nc ? nc : 1, sizeof (*header));
    char **cells = calloc (nc * nr > 0 ? nc * nr : 1, sizeof (*cells));
    int rc = header && cells ? 0 : -1;

    for (size_t c = 0; c < nc && rc == 0; c++)
        header[c] = fluxacct_rows_column_name (r, c);
    for (size_t i = 0; i < nr && rc == 0; i++)
        for (size_t c = 0; c < nc && rc == 0; c++)
            if (!(cells[i * nc + c] = cell_text (r, i, c, 0)))
                rc = -1;
    if (rc == 0)
        rc = print_text_table (f, nc, header, nr, cells);
    for (size_t k = 0; cells && k < nc * nr; k++)
        free (cells[k]);
    free (cells);
    free (header);
    return rc;
}

static void print_parsable (FILE *f, const fluxacct_rows_t *r)
{
    size_t nc = fluxacct_rows_columns (r);

    for (size_t c = 0; c < nc; c++)
        fprintf (f, "%s%s", c ? "|" : "", fluxacct_rows_column_name (r, c));
    fputc ('\n', f);
    for (size_t i = 0; i < fluxacct_rows_count (r); i++) {
        for (size_t c = 0; c < nc; c++) {
            char *s = cell_text (r, i, c, 1);
            fprintf (f, "%s%s", c ? "|" : "", s ? s : "");
            free (s);
        }
        fputc ('\n', f);
    }
}

/* Apply one "{name[:spec]}" field: spec is [<>^][width][.prec][f|d|s].
 * As in Python's str.format, numbers align right by default, text left. */
static void emit_field (FILE *f, const char *value, double num, int isnum,
                        const char *spec, int header)
{
    char align = isnum && !header ? '>' : '<', type = 's';
    int width = 0, prec = -1;
    char buf[256];

    if (spec && *spec) {
        if (strchr ("<>^", *spec))
            align = *spec++;
        width = (int)strtol (spec, (char **)&spec, 10);
        if (*spec == '.')
            prec = (int)strtol (spec + 1, (char **)&spec, 10);
        if (*spec)
            type = *spec;
    }
    if (header) {
        prec = -1;
        type = 's';
    }
    if (isnum && type == 'f')
        snprintf (buf, sizeof (buf), "%.*f", prec < 0 ? 6 : prec, num);
    else if (isnum && type == 'd') {
        if (fabs (num) < 9.2e18)
            snprintf (buf, sizeof (buf), "%lld", (long long)num);
        else
            fa_fmt_double (buf, sizeof (buf), num, FA_FMT_INTEGRAL);
    }
    else {
        /* The value itself (no copy: lists can be longer than buf), cut
         * to `prec` characters when a precision is given. */
        size_t n = strlen (value);
        if (prec >= 0)
            n = utf8_prefix (value, (size_t)prec);
        fput_padded (f, value, n, width, align);
        return;
    }
    fput_padded (f, buf, strlen (buf), width, align);
}

/* A "[<>^][width][.prec][type]" spec with bounded numbers: a width of
 * 2147483647 would write gigabytes. */
#define FORMAT_WIDTH_MAX 1024
static int check_spec (const char *spec)
{
    char *end;
    long v;

    if (*spec && strchr ("<>^", *spec))
        spec++;
    if (*spec >= '0' && *spec <= '9') {
        errno = 0;
        v = strtol (spec, &end, 10);
        if (errno || v > FORMAT_WIDTH_MAX)
            return -1;
        spec = end;
    }
    if (*spec == '.') {
        errno = 0;
        v = strtol (spec + 1, &end, 10);
        if (errno || v < 0 || v > FORMAT_WIDTH_MAX || end == spec + 1)
            return -1;
        spec = end;
    }
    return 0;
}

/* Print row `row` (or the header when row < 0) with the user format.
 * Returns -1 with a message when a key is unknown. */
static int print_format_row (FILE *f, const fluxacct_rows_t *r, long row,
                             const char *fmt)
{
    const char *p = fmt;

    while (*p) {
        if (p[0] == '{' && p[1] == '{') { fputc ('{', f); p += 2; continue; }
        if (p[0] == '}' && p[1] == '}') { fputc ('}', f); p += 2; continue; }
        if (*p != '{') { fputc (*p++, f); continue; }
        const char *end = strchr (p, '}');
        char key[128], *spec;
        if (!end || (size_t)(end - p - 1) >= sizeof (key)) {
            usage_error ("invalid format string: %s", fmt);
            return -1;
        }
        snprintf (key, sizeof (key), "%.*s", (int)(end - p - 1), p + 1);
        if ((spec = strchr (key, ':')))
            *spec++ = '\0';
        if (spec && check_spec (spec) < 0) {
            usage_error ("invalid format spec '%s' for %s: widths and "
                         "precisions are at most %d", spec, key,
                         FORMAT_WIDTH_MAX);
            return -1;
        }
        int col = fluxacct_rows_column_index (r, key);
        if (col < 0) {
            char cols[1024] = "";
            for (size_t c = 0; c < fluxacct_rows_columns (r); c++)
                snprintf (cols + strlen (cols), sizeof (cols) - strlen (cols),
                          "%s%s", c ? "," : "",
                          fluxacct_rows_column_name (r, c));
            usage_error ("Invalid column name in format string: %s.\n"
                  "Available columns: %s", key, cols);
            return -1;
        }
        if (row < 0)
            emit_field (f, key, 0, 0, spec, 1);
        else {
            char *s = cell_text (r, row, col, 1);
            int t = fluxacct_rows_type (r, row, col);
            emit_field (f, s ? s : "", fluxacct_rows_real (r, row, col),
                        t == FLUXACCT_TYPE_INT || t == FLUXACCT_TYPE_REAL, spec,
                        0);
            free (s);
        }
        p = end + 1;
    }
    fputc ('\n', f);
    return 0;
}

int print_rows (struct ctx *ctx, const fluxacct_rows_t *rows,
                const struct outopts *o)
{
    fluxacct_error_t error;
    char *s;
    int rc;

    switch (o->mode) {
        case OUT_JSON:
            if (!(s = fluxacct_rows_to_json (rows, FLUXACCT_JSON_INDENT,
                                             &error)))
                return fail_error (&error);
            fprintf (ctx->out, "%s\n", s);
            free (s);
            return 0;
        case OUT_PARSABLE:
            print_parsable (ctx->out, rows);
            return 0;
        case OUT_FORMAT: {
            /* Format the header aside first: a bad key must not leave a
             * partial line on the output. */
            char *hdr = NULL;
            size_t len = 0;
            FILE *m = open_memstream (&hdr, &len);
            if (!m)
                return fail ("out of memory");
            rc = print_format_row (m, rows, -1, o->format);
            fclose (m);
            if (rc == 0)
                fwrite (hdr, 1, len, ctx->out);
            free (hdr);
            if (rc != 0)
                return EXIT_USAGE;
            for (size_t i = 0; i < fluxacct_rows_count (rows); i++)
                print_format_row (ctx->out, rows, (long)i, o->format);
            return 0;
        }
        default:
            return print_table (ctx->out, rows) < 0 ? fail ("out of memory")
                                                    : 0;
    }
}

int print_and_free (struct ctx *ctx, struct args *a, fluxacct_rows_t *r,
                    fluxacct_error_t *error)
{
    struct outopts o;
    int rc;

    if (!r)
        return fail_error (error);
    if (outopts_get (a, &o)) {
        fluxacct_rows_destroy (r);
        return EXIT_USAGE;
    }
    rc = print_rows (ctx, r, &o);
    fluxacct_rows_destroy (r);
    return rc;
}
