/* flux-account - printing result tables as text, JSON, '|' rows, or a
 * user format. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

/* Check that every field of the format names a column (before anything
 * is printed).  Returns -1 after the message when one does not. */
static int check_format_keys (const fluxacct_rows_t *r, const struct format *fm)
{
    for (size_t i = 0; i < fm->n; i++) {
        const char *key = fm->items[i].text;
        if (fm->items[i].kind != FORMAT_FIELD
            || fluxacct_rows_column_index (r, key) >= 0)
            continue;
        char cols[1024] = "";
        for (size_t c = 0; c < fluxacct_rows_columns (r); c++)
            snprintf (cols + strlen (cols), sizeof (cols) - strlen (cols),
                      "%s%s", c ? "," : "", fluxacct_rows_column_name (r, c));
        usage_error ("Invalid column name in format string: %s.\n"
                     "Available columns: %s", key, cols);
        return -1;
    }
    return 0;
}

/* Print row `row` (or the header when row < 0) with the user format. */
static void print_format_row (FILE *f, const fluxacct_rows_t *r, long row,
                              const struct format *fm)
{
    for (size_t i = 0; i < fm->n; i++) {
        const struct format_item *it = &fm->items[i];
        if (it->kind == FORMAT_LITERAL) {
            fputs (it->text, f);
            continue;
        }
        if (row < 0) {
            format_emit (f, it, NULL, 0, 0, 1);
            continue;
        }
        int col = fluxacct_rows_column_index (r, it->text);
        char *s = cell_text (r, (size_t)row, (size_t)col, 1);
        int t = fluxacct_rows_type (r, (size_t)row, (size_t)col);
        format_emit (f, it, s ? s : "", fluxacct_rows_real (r, (size_t)row,
                                                            (size_t)col),
                     t == FLUXACCT_TYPE_INT || t == FLUXACCT_TYPE_REAL, 0);
        free (s);
    }
    fputc ('\n', f);
}

int print_rows (struct ctx *ctx, const fluxacct_rows_t *rows,
                const struct outopts *o)
{
    fluxacct_error_t error;
    char *s;

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
            char why[256];
            struct format *fm = format_parse (o->format, why, sizeof (why));
            if (!fm)
                return errno == ENOMEM ? fail ("out of memory")
                                       : usage_error ("%s", why);
            if (check_format_keys (rows, fm) < 0) {
                format_destroy (fm);
                return EXIT_USAGE;
            }
            for (long i = -1; i < (long)fluxacct_rows_count (rows); i++)
                print_format_row (ctx->out, rows, i, fm);
            format_destroy (fm);
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
