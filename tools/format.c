/* flux-account - the -o/--format strings (format.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

size_t utf8_width (const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

size_t utf8_prefix (const char *s, size_t chars)
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

static struct format *parse_error (struct format *f, char *err, size_t errlen,
                                   const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static struct format *parse_error (struct format *f, char *err, size_t errlen,
                                   const char *fmt, ...)
{
    va_list ap;

    if (errlen > 0) {
        va_start (ap, fmt);
        vsnprintf (err, errlen, fmt, ap);
        va_end (ap);
    }
    format_destroy (f);
    errno = EINVAL;
    return NULL;
}

/* Digits 0 .. FORMAT_WIDTH_MAX at *p (advanced past them); -1 if more. */
static int bounded_number (const char **p)
{
    long v = 0;

    while (**p >= '0' && **p <= '9') {
        if (v <= FORMAT_WIDTH_MAX)
            v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v > FORMAT_WIDTH_MAX ? -1 : (int)v;
}

/* spec: [<>^][width][.precision][type], one type letter at most. */
static int parse_spec (const char *spec, struct format_item *it)
{
    if (*spec && strchr ("<>^", *spec))
        it->align = *spec++;
    if (*spec >= '0' && *spec <= '9' && (it->width = bounded_number (&spec)) < 0)
        return -1;
    if (*spec == '.') {
        spec++;
        if (!(*spec >= '0' && *spec <= '9')
            || (it->prec = bounded_number (&spec)) < 0)
            return -1;
    }
    if (*spec)
        it->type = *spec++;
    return *spec ? -1 : 0;
}

/* Append an item; the text is the n bytes at s. */
static struct format_item *add_item (struct format *f, int kind, const char *s,
                                     size_t n)
{
    struct format_item *v, *it;

    if (!(v = realloc (f->items, (f->n + 1) * sizeof (*v))))
        return NULL;
    f->items = v;
    it = &v[f->n];
    memset (it, 0, sizeof (*it));
    it->kind = kind;
    it->prec = -1;
    if (!(it->text = malloc (n + 1)))
        return NULL;
    memcpy (it->text, s, n);
    it->text[n] = '\0';
    f->n++;
    return it;
}

struct format *format_parse (const char *fmt, char *err, size_t errlen)
{
    struct format *f = calloc (1, sizeof (*f));
    const char *p = fmt;

    if (errlen > 0)
        err[0] = '\0';
    if (!f)
        goto nomem;
    while (*p) {
        const char *end, *colon;
        struct format_item *it;
        size_t n = 0;
        char *lit;

        if (p[0] != '{' || p[1] == '{') {
            /* literal text up to the next field; "{{" and "}}" are braces */
            if (!(it = add_item (f, FORMAT_LITERAL, "", 0))
                || !(lit = realloc (it->text, strlen (p) + 1)))
                goto nomem;
            it->text = lit;
            while (*p && !(p[0] == '{' && p[1] != '{')) {
                if ((p[0] == '{' || p[0] == '}') && p[1] == p[0])
                    p++;
                lit[n++] = *p++;
            }
            lit[n] = '\0';
            continue;
        }
        if (!(end = strchr (p, '}')))
            return parse_error (f, err, errlen, "invalid format string: "
                                "'{' without '}'");
        if ((size_t)(end - p - 1) >= FORMAT_KEY_MAX)
            return parse_error (f, err, errlen, "invalid format string: a "
                                "field name is %d bytes at most",
                                FORMAT_KEY_MAX - 1);
        colon = memchr (p + 1, ':', (size_t)(end - p - 1));
        if (!(it = add_item (f, FORMAT_FIELD, p + 1,
                             (size_t)((colon ? colon : end) - p - 1))))
            goto nomem;
        if (colon) {
            char spec[FORMAT_KEY_MAX];
            snprintf (spec, sizeof (spec), "%.*s", (int)(end - colon - 1),
                      colon + 1);
            if (parse_spec (spec, it) < 0)
                return parse_error (f, err, errlen, "invalid format spec "
                                    "'%s' for %s: [<>^][width][.precision]"
                                    "[type], widths and precisions are at "
                                    "most %d", spec, it->text,
                                    FORMAT_WIDTH_MAX);
        }
        p = end + 1;
    }
    return f;
nomem:
    format_destroy (f);
    if (errlen > 0)
        snprintf (err, errlen, "out of memory");
    errno = ENOMEM;
    return NULL;
}

void format_destroy (struct format *f)
{
    if (f) {
        int saved = errno;
        for (size_t i = 0; i < f->n; i++)
            free (f->items[i].text);
        free (f->items);
        free (f);
        errno = saved;
    }
}

void format_emit (FILE *f, const struct format_item *it, const char *text,
                  double num, int isnum, int header)
{
    char align = it->align ? it->align : isnum && !header ? '>' : '<';
    char buf[FORMAT_WIDTH_MAX + 400];
    size_t n;

    if (header) {
        fput_padded (f, it->text, strlen (it->text), it->width, align);
        return;
    }
    if (isnum && it->type == 'f')
        snprintf (buf, sizeof (buf), "%.*f", it->prec < 0 ? 6 : it->prec, num);
    else if (isnum && it->type == 'd') {
        if (fabs (num) < 9.2e18)
            snprintf (buf, sizeof (buf), "%lld", (long long)num);
        else
            snprintf (buf, sizeof (buf), "%.0f", num);
    }
    else {
        /* The value itself (no copy: lists can be longer than buf), cut
         * to `prec` characters when a precision is given. */
        n = strlen (text);
        if (it->prec >= 0)
            n = utf8_prefix (text, (size_t)it->prec);
        fput_padded (f, text, n, it->width, align);
        return;
    }
    fput_padded (f, buf, strlen (buf), it->width, align);
}
