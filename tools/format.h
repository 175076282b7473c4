/* flux-account - the -o/--format strings: "{name[:spec]}" fields between
 * literal text, spec [<>^][width][.precision][type] as in Python's
 * str.format, "{{" and "}}" for braces.  Parsed once where the option
 * enters (format_parse), then printed per row (format_emit).  No database
 * or option code here, so the fuzz target tests/fuzz/fuzz_format.c
 * builds this file alone. */
#ifndef FLUX_ACCOUNT_FORMAT_H
#define FLUX_ACCOUNT_FORMAT_H

#include <stddef.h>
#include <stdio.h>

/* Widths and precisions are at most this: a width of 2147483647 would
 * write gigabytes per field. */
#define FORMAT_WIDTH_MAX 1024
/* A field name is shorter than this many bytes. */
#define FORMAT_KEY_MAX 128

enum { FORMAT_LITERAL, FORMAT_FIELD };

struct format_item {
    int kind;     /* FORMAT_LITERAL or FORMAT_FIELD */
    char *text;   /* the literal text (braces unescaped), or the field name */
    char align;   /* '<', '>', '^', or 0: numbers right, text left */
    int width;    /* 0 .. FORMAT_WIDTH_MAX */
    int prec;     /* -1 (none) or 0 .. FORMAT_WIDTH_MAX */
    char type;    /* 0, or the spec's type letter: 'f', 'd' format numbers;
                     any other prints the value as text */
};

struct format {
    size_t n;
    struct format_item *items;
};

/* Parse fmt.  Returns a format (free with format_destroy), or NULL with
 * a message in err (NUL-terminated, naming the bad part) when a '{' has
 * no '}', a field name is empty or too long, or a spec is not
 * [<>^][width][.precision][type] with numbers up to FORMAT_WIDTH_MAX.
 * errno ENOMEM when out of memory, EINVAL otherwise. */
struct format *format_parse (const char *fmt, char *err, size_t errlen);
void format_destroy (struct format *f);

/* Print one field: the header (the field name, left-aligned, padded to the
 * width), or a value: `text` as it is, or for a number (isnum) with type
 * 'f' or 'd' `num` formatted.  A precision cuts text to that many
 * characters.  Writes at most max(width, length of the value) characters
 * (for 'f', the value has at most 310 + precision characters). */
void format_emit (FILE *f, const struct format_item *it, const char *text,
                  double num, int isnum, int header);

/* Characters (UTF-8 code points) in the first len bytes of s. */
size_t utf8_width (const char *s, size_t len);
/* Bytes of s making up its first `chars` characters. */
size_t utf8_prefix (const char *s, size_t chars);
/* Print the first len bytes of s padded with spaces to `width`
 * characters; align '<' left, '>' right, '^' centre. */
void fput_padded (FILE *f, const char *s, size_t len, int width, char align);

#endif /* FLUX_ACCOUNT_FORMAT_H */
