/* Fuzz the -o/--format strings (tools/format.c): the input is the format.
 * It is parsed, or refused with a message; a parsed format is printed as
 * a header and as rows of text and numbers (huge, tiny, non-finite,
 * multibyte) into memory, and every field stays within its bound: no
 * field writes more than max(width, value) characters, so no format can
 * make the output grow without limit.  A format without fields prints
 * itself with "{{" and "}}" as braces. */
#include <math.h>
#include "fuzz.h"
#include "../../tools/format.h"

static const struct {
    const char *text;
    double num;
    int isnum;
} values[] = {
    { "root", 0, 0 },
    { "", 0, 0 },
    { "d\xc3\xa9pt\xe2\x82\xac", 0, 0 },
    { "1e+308", 1e308, 1 },
    { "-1e+308", -1e308, 1 },
    { "5e-324", 5e-324, 1 },
    { "nan", NAN, 1 },
    { "inf", INFINITY, 1 },
    { "-inf", -INFINITY, 1 },
    { "9300000000000000000", 9.3e18, 1 },
    { "-9223372036854775808", -9223372036854775808.0, 1 },
    { "2147483647", 2147483647, 1 },
};
#define NVALUES (sizeof (values) / sizeof (values[0]))

/* The characters (not bytes) a field may write. */
static size_t field_bound (const struct format_item *it, const char *text,
                           int isnum, int header)
{
    size_t v;

    if (header)
        v = strlen (it->text);
    else if (isnum && it->type == 'f')
        v = 311 + (size_t)(it->prec < 0 ? 6 : it->prec);
    else if (isnum && it->type == 'd')
        v = 311;
    else
        v = strlen (text);
    return v > (size_t)it->width ? v : (size_t)it->width;
}

static void emit_checked (const struct format_item *it, const char *text,
                          double num, int isnum, int header)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream (&out, &len);

    FUZZ_ASSERT (m != NULL);
    format_emit (m, it, text, num, isnum, header);
    FUZZ_ASSERT (fclose (m) == 0);
    FUZZ_ASSERT (utf8_width (out, len) <= field_bound (it, text, isnum,
                                                       header));
    free (out);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *fmt = fuzz_string (data, size);
    char err[256];
    struct format *f;

    memset (err, 'x', sizeof (err));
    if (!(f = format_parse (fmt, err, sizeof (err)))) {
        FUZZ_ASSERT (errno == EINVAL || errno == ENOMEM);
        FUZZ_ASSERT (memchr (err, '\0', sizeof (err)) != NULL);
        FUZZ_ASSERT (errno == ENOMEM
                     || strncmp (err, "invalid format ", 15) == 0);
        FUZZ_ASSERT (strchr (fmt, '{') != NULL);
        free (fmt);
        return 0;
    }
    int fields = 0;
    for (size_t i = 0; i < f->n; i++) {
        const struct format_item *it = &f->items[i];
        FUZZ_ASSERT (it->text != NULL);
        FUZZ_ASSERT (it->width >= 0 && it->width <= FORMAT_WIDTH_MAX);
        FUZZ_ASSERT (it->prec >= -1 && it->prec <= FORMAT_WIDTH_MAX);
        if (it->kind == FORMAT_LITERAL)
            continue;
        FUZZ_ASSERT (it->kind == FORMAT_FIELD);
        FUZZ_ASSERT (strlen (it->text) < FORMAT_KEY_MAX);
        fields++;
        emit_checked (it, NULL, 0, 0, 1);
        for (size_t k = 0; k < NVALUES; k++)
            emit_checked (it, values[k].text, values[k].num, values[k].isnum,
                          0);
    }
    if (fields == 0) {
        /* literals only: the input with "{{" and "}}" unescaped */
        size_t at = 0;
        for (size_t i = 0; i < f->n; i++) {
            size_t n = strlen (f->items[i].text);
            for (size_t k = 0; k < n; k++, at++) {
                if ((fmt[at] == '{' || fmt[at] == '}') && fmt[at + 1] == fmt[at])
                    at++;
                FUZZ_ASSERT (fmt[at] == f->items[i].text[k]);
            }
        }
        FUZZ_ASSERT (fmt[at] == '\0');
    }
    format_destroy (f);
    free (fmt);
    return 0;
}
