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

/* ---- the cell table ------------------------------------------------ */

struct celltab *ct_create (size_t nc, const struct cellcol *cols)
{
    struct celltab *t = calloc (1, sizeof (*t));

    if (!t || !(t->cols = calloc (nc ? nc : 1, sizeof (*t->cols)))) {
        free (t);
        return NULL;
    }
    memcpy (t->cols, cols, nc * sizeof (*cols));
    t->nc = nc;
    return t;
}

void ct_destroy (struct celltab *t)
{
    if (!t)
        return;
    for (size_t k = 0; k < (t->load ? t->cap : t->nr) * t->nc; k++) {
        free (t->cells[k].text);
        free (t->cells[k].raw);
    }
    free (t->cells);
    free (t->cols);
    free (t);
}

void ct_add_row (struct celltab *t)
{
    if (t->nr == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct cell *c = realloc (t->cells, cap * (t->nc ? t->nc : 1)
                                                * sizeof (*c));
        if (!c) {
            t->oom = 1;
            return;
        }
        t->cells = c;
        t->cap = cap;
    }
    t->cur = t->cells + t->nr * t->nc;
    memset (t->cur, 0, t->nc * sizeof (*t->cells));
    t->nr++;
}

/* ct_set taking text and raw (malloc'd, either may be NULL) over. */
static void ct_take (struct celltab *t, size_t col, int type, char *text,
                     char *raw, int64_t i, double d)
{
    struct cell *c;

    if (!t->cur || col >= t->nc) {
        t->oom = 1;   /* a caller's bug: refuse to print rather than guess */
        free (text);
        free (raw);
        return;
    }
    c = &t->cur[col];
    free (c->text);
    free (c->raw);
    c->type = type;
    c->i = i;
    c->d = d;
    c->text = text;
    if (raw && text && !strcmp (raw, text)) {
        free (raw);
        raw = NULL;
    }
    c->raw = raw;
}

void ct_set (struct celltab *t, size_t col, int type, const char *text,
             const char *raw, int64_t i, double d)
{
    char *tx = strdup (text ? text : ""), *rw = raw ? strdup (raw) : NULL;

    if (!tx || (raw && !rw))
        t->oom = 1;
    ct_take (t, col, type, tx, rw, i, d);
}

void ct_text (struct celltab *t, size_t col, const char *text,
              const char *raw)
{
    ct_set (t, col, FLUXACCT_TYPE_TEXT, text, raw, 0, 0);
}

void ct_int (struct celltab *t, size_t col, int64_t v)
{
    char buf[32];

    snprintf (buf, sizeof (buf), "%lld", (long long)v);
    ct_set (t, col, FLUXACCT_TYPE_INT, buf, NULL, v, (double)v);
}

void ct_real (struct celltab *t, size_t col, double v, int table_mode,
              int raw_mode)
{
    char text[64], raw[64];

    fa_fmt_double (text, sizeof (text), v, (enum fa_fmt)table_mode);
    fa_fmt_double (raw, sizeof (raw), v, (enum fa_fmt)raw_mode);
    ct_set (t, col, FLUXACCT_TYPE_REAL, text, raw, 0, v);
}

void ct_null (struct celltab *t, size_t col)
{
    ct_set (t, col, FLUXACCT_TYPE_NULL, "", NULL, 0, 0);
}

/* The cells of row i (made by t->load when the table has a loader). */
static struct cell *row_cells (struct celltab *t, size_t i)
{
    if (!t->load)
        return &t->cells[i * t->nc];
    t->cur = t->cells;
    if (t->load (t, i) < 0)
        t->oom = 1;
    return t->cells;
}

static const char *raw_text (const struct cell *c)
{
    return c->raw ? c->raw : c->text ? c->text : "";
}

static const char *heading (const struct cellcol *col)
{
    return col->heading ? col->heading : col->name;
}

/* ---- tables ---------------------------------------------------------- */

/* One line of a fixed-width table: the headings (row NULL) or a row. */
static void fixed_line (FILE *f, struct celltab *t,
                        const struct cell *row)
{
    for (size_t c = 0; c < t->nc; c++) {
        const struct cellcol *col = &t->cols[c];
        const char *s = row ? (row[c].text ? row[c].text : "")
                            : heading (col);
        if (c)
            fprintf (f, "%*s", col->gap > 0 ? col->gap : 1, "");
        fput_padded (f, s, strlen (s), abs (col->width),
                     col->width > 0 ? '>' : '<');
    }
    fputc ('\n', f);
}

static void print_fixed (FILE *f, struct celltab *t)
{
    if (!t->noheader) {
        fixed_line (f, t, NULL);
        for (size_t c = 0; t->rule && c < t->nc; c++) {
            const struct cellcol *col = &t->cols[c];
            if (c)
                fprintf (f, "%*s", col->gap > 0 ? col->gap : 1, "");
            for (int k = 0; k < abs (col->width); k++)
                fputc ('-', f);
        }
        if (t->rule)
            fputc ('\n', f);
    }
    for (size_t i = 0; i < t->nr; i++)
        fixed_line (f, t, row_cells (t, i));
}

static int print_table (FILE *f, struct celltab *t)
{
    const char **header = calloc (t->nc ? t->nc : 1, sizeof (*header));
    char **cells = calloc (t->nc * t->nr > 0 ? t->nc * t->nr : 1,
                           sizeof (*cells));
    int rc = -1;

    if (header && cells) {
        for (size_t c = 0; c < t->nc; c++)
            header[c] = heading (&t->cols[c]);
        for (size_t i = 0; i < t->nr; i++) {
            struct cell *row = row_cells (t, i);
            for (size_t c = 0; c < t->nc; c++) {
                cells[i * t->nc + c] = row[c].text;
                if (t->load)    /* the next load would free it: keep it */
                    row[c].text = NULL;
            }
        }
        rc = print_text_table (f, t->nc, header, t->nr, cells);
    }
    for (size_t k = 0; t->load && cells && k < t->nc * t->nr; k++)
        free (cells[k]);
    free (header);
    free (cells);
    return rc;
}

/* ---- JSON, parsable, -o ---------------------------------------------- */

/* A JSON array of objects, one key a line (fluxacct_rows_to_json's
 * FLUXACCT_JSON_INDENT layout), followed by a newline. */
static void print_json (FILE *f, struct celltab *t)
{
    char buf[64];

    fputc ('[', f);
    for (size_t i = 0; i < t->nr; i++) {
        const struct cell *row = row_cells (t, i);
        fputs (i ? ",\n  {" : "\n  {", f);
        for (size_t c = 0; c < t->nc; c++) {
            const struct cell *v = &row[c];
            fputs (c ? ",\n    " : "\n    ", f);
            fa_fmt_json_string (f, t->cols[c].name);
            fputs (": ", f);
            switch (v->type) {
                case FLUXACCT_TYPE_INT:
                    fprintf (f, "%lld", (long long)v->i);
                    break;
                case FLUXACCT_TYPE_REAL:
                    if (!isfinite (v->d))
                        fputs ("null", f);
                    else {
                        fa_fmt_double (buf, sizeof (buf), v->d, FA_FMT_REPR);
                        fputs (buf, f);
                    }
                    break;
                case FLUXACCT_TYPE_TEXT:
                    fa_fmt_json_string (f, raw_text (v));
                    break;
                default:
                    fputs ("null", f);
            }
        }
        fputs ("\n  }", f);
    }
    fputs (t->nr ? "\n]\n" : "]\n", f);
}

static void print_parsable (FILE *f, struct celltab *t)
{
    if (!t->noheader) {
        for (size_t c = 0; c < t->nc; c++)
            fprintf (f, "%s%s", c ? "|" : "", t->cols[c].name);
        fputc ('\n', f);
    }
    for (size_t i = 0; i < t->nr; i++) {
        const struct cell *row = row_cells (t, i);
        for (size_t c = 0; c < t->nc; c++)
            fprintf (f, "%s%s", c ? "|" : "", raw_text (&row[c]));
        fputc ('\n', f);
    }
}

static int column_index (struct celltab *t, const char *name)
{
    for (size_t c = 0; c < t->nc; c++)
        if (!strcmp (t->cols[c].name, name))
            return (int)c;
    return -1;
}

/* Check that every field of the format names a column (before anything
 * is printed).  Returns -1 after the message when one does not. */
static int check_format_keys (struct celltab *t, const struct format *fm)
{
    for (size_t i = 0; i < fm->n; i++) {
        const char *key = fm->items[i].text;
        if (fm->items[i].kind != FORMAT_FIELD || column_index (t, key) >= 0)
            continue;
        char cols[1024] = "";
        for (size_t c = 0; c < t->nc; c++)
            snprintf (cols + strlen (cols), sizeof (cols) - strlen (cols),
                      "%s%s", c ? "," : "", t->cols[c].name);
        usage_error ("Invalid column name in format string: %s.\n"
                     "Available columns: %s", key, cols);
        return -1;
    }
    return 0;
}

/* Print row `row` (or the header when row < 0) with the user format. */
static void print_format_row (FILE *f, struct celltab *t, long row,
                              const struct format *fm)
{
    const struct cell *cells = row < 0 ? NULL : row_cells (t, (size_t)row);

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
        const struct cell *v = &cells[column_index (t, it->text)];
        format_emit (f, it, raw_text (v), v->d,
                     v->type == FLUXACCT_TYPE_INT
                         || v->type == FLUXACCT_TYPE_REAL, 0);
    }
    fputc ('\n', f);
}

static int print_format (FILE *f, struct celltab *t, const char *fmt)
{
    char why[256];
    struct format *fm = format_parse (fmt, why, sizeof (why));

    if (!fm)
        return errno == ENOMEM ? fail ("out of memory")
                               : usage_error ("%s", why);
    if (check_format_keys (t, fm) < 0) {
        format_destroy (fm);
        return EXIT_USAGE;
    }
    for (long i = t->noheader ? 0 : -1; i < (long)t->nr; i++)
        print_format_row (f, t, i, fm);
    format_destroy (fm);
    return 0;
}

int print_cells (struct ctx *ctx, struct celltab *t,
                 const struct outopts *o)
{
    int rc = 0;

    if (t->oom)
        return fail ("out of memory");
    t->mode = o->mode;
    switch (o->mode) {
        case OUT_JSON:
            print_json (ctx->out, t);
            break;
        case OUT_PARSABLE:
            print_parsable (ctx->out, t);
            break;
        case OUT_FORMAT:
            rc = print_format (ctx->out, t, o->format);
            break;
        default:
            if (t->fixed)
                print_fixed (ctx->out, t);
            else if (print_table (ctx->out, t) < 0)
                t->oom = 1;
    }
    return rc == 0 && t->oom ? fail ("out of memory") : rc;
}

/* ---- results as cells ------------------------------------------------ */

/* t->load for a result: row i's cells from the rows in t->src, with the
 * one text the output mode reads (the table's, or the raw one as the
 * text; JSON writes numbers from i and d). */
static int rows_load (struct celltab *t, size_t i)
{
    const fluxacct_rows_t *rows = t->src;

    for (size_t c = 0; c < t->nc; c++) {
        int type = fluxacct_rows_type (rows, i, c);
        char *text = NULL;
        if (type == FLUXACCT_TYPE_TEXT)
            text = strdup (fluxacct_rows_text (rows, i, c));
        else if (type != FLUXACCT_TYPE_INT && type != FLUXACCT_TYPE_REAL)
            text = strdup ("");
        else if (t->mode != OUT_JSON)
            text = cell_text (rows, i, c, t->mode != OUT_TABLE);
        if (!text && (t->mode != OUT_JSON || type == FLUXACCT_TYPE_TEXT))
            return -1;
        ct_take (t, c, type, text, NULL,
                 type == FLUXACCT_TYPE_INT ? fluxacct_rows_int (rows, i, c) : 0,
                 fluxacct_rows_real (rows, i, c));
    }
    return 0;
}

/* The result is not copied: print_cells asks rows_load for one row at a
 * time. */
int print_rows (struct ctx *ctx, const fluxacct_rows_t *rows,
                const struct outopts *o)
{
    size_t nc = fluxacct_rows_columns (rows);
    struct cellcol *cols = calloc (nc ? nc : 1, sizeof (*cols));
    struct celltab *t;
    int rc;

    for (size_t c = 0; cols && c < nc; c++)
        cols[c].name = fluxacct_rows_column_name (rows, c);
    t = cols ? ct_create (nc, cols) : NULL;
    free (cols);
    if (!t || !(t->cells = calloc (nc ? nc : 1, sizeof (*t->cells)))) {
        ct_destroy (t);
        return fail ("out of memory");
    }
    t->cap = 1;
    t->nr = fluxacct_rows_count (rows);
    t->load = rows_load;
    t->src = rows;
    rc = print_cells (ctx, t, o);
    ct_destroy (t);
    return rc;
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
