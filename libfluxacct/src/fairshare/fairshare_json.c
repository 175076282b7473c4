/* libfluxacct - fair-share trees from and to flux-accounting's
 * fairshare-emulate JSON (flux-accounting-compat.md section 3.5).
 *
 * Messages carry the Python exception name first, as flux-accounting prints
 * them after "fairshare-emulate: ", so the command line can pass them on
 * unchanged.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "util/fmt_internal.h"
#include "util/util_internal.h"
#include "fairshare/fairshare_internal.h"
#include "fluxacct/fstree.h"

#define NO_ROOT "ValueError: JSON must contain 'root' key"
#define NO_NAME "ValueError: Node must have 'username' or 'bank' key"
#define NO_USERS "ValueError: no users found in input"

/* ---- loading -------------------------------------------------------- */

/* Python's truth value: the emulator rejects a node whose name is falsy. */
static bool json_falsy (const json_t *v)
{
    switch (json_typeof (v)) {
        case JSON_NULL:
        case JSON_FALSE:
            return true;
        case JSON_STRING:
            return json_string_length (v) == 0;
        case JSON_INTEGER:
        case JSON_REAL:
            return json_number_value (v) == 0;
        case JSON_ARRAY:
            return json_array_size (v) == 0;
        case JSON_OBJECT:
            return json_object_size (v) == 0;
        default:
            return false;
    }
}

/* A node's description for messages: "bank 'X'" or "user 'u' in bank 'B'". */
static void describe (char *buf, size_t size, const char *name, const char *bank)
{
    if (bank)
        snprintf (buf, size, "user '%s' in bank '%s'", name, bank);
    else
        snprintf (buf, size, "bank '%s'", name);
}

static int get_shares (const json_t *node, const char *what, uint64_t *shares,
                       fluxacct_error_t *error)
{
    const json_t *v = json_object_get (node, "shares");

    *shares = 1;
    if (!v)
        return 0;
    if (!json_is_integer (v))
        return errprintf (error, EINVAL, "ValueError: %s: shares must be an integer",
                          what);
    if (json_integer_value (v) < 0)
        return errprintf (error, EINVAL, "ValueError: %s: shares must be >= 0", what);
    *shares = (uint64_t)json_integer_value (v);
    return 0;
}

static int get_usage (const json_t *node, const char *what, double dflt,
                      double *usage, bool *is_int, fluxacct_error_t *error)
{
    const json_t *v = json_object_get (node, "usage");

    *usage = dflt;
    *is_int = false;
    if (!v)
        return 0;
    if (!json_is_number (v))
        return errprintf (error, EINVAL, "ValueError: %s: usage must be a number", what);
    *usage = json_number_value (v);
    *is_int = json_is_integer (v);
    if (*usage < 0)
        return errprintf (error, EINVAL, "ValueError: %s: usage must be >= 0", what);
    return 0;
}

/* The name of node (a user if it has a "username" key, as the emulator
 * decides), or NULL with an error. */
static const char *get_name (const json_t *node, const char *parent, bool *is_user,
                             fluxacct_error_t *error)
{
    const json_t *v = json_object_get (node, "username");

    *is_user = v != NULL;
    if (!v)
        v = json_object_get (node, "bank");
    if (!v || json_falsy (v))
        return errprintf_null (error, EINVAL, NO_NAME);
    if (!json_is_string (v)) {
        if (parent)
            return errprintf_null (error, EINVAL,
                                   "ValueError: a child of bank '%s': '%s' must be a string",
                                   parent, *is_user ? "username" : "bank");
        return errprintf_null (error, EINVAL, "ValueError: root: 'bank' must be a string");
    }
    return json_string_value (v);
}

/* Pass an error from the tree on with the emulator's exception name.  In a
 * file every refusal (a duplicate too) is bad input: EINVAL. */
static int add_failed (fluxacct_error_t *error, const fluxacct_error_t *why)
{
    int errnum = errno == ENOMEM ? ENOMEM : EINVAL;
    return errprintf (error, errnum, "ValueError: %s", why->text);
}

static int load_node (fluxacct_fstree_t *t, const json_t *node, const char *parent,
                      fluxacct_error_t *error);

static int load_children (fluxacct_fstree_t *t, const json_t *node, const char *name,
                          const char *what, bool is_user, fluxacct_error_t *error)
{
    const json_t *kids = json_object_get (node, "children");
    size_t i;
    const json_t *kid;

    if (!kids)
        return 0;
    if (!json_is_array (kids))
        return errprintf (error, EINVAL, "ValueError: %s: children must be a list", what);
    if (is_user && json_array_size (kids) > 0)
        return errprintf (error, EINVAL, "ValueError: %s: a user cannot have children",
                          what);
    json_array_foreach (kids, i, kid) {
        if (load_node (t, kid, name, error) < 0)
            return -1;
    }
    return 0;
}

/* Add node (and its subtree) under bank parent (NULL: node is the root).
 * Recursion depth is bounded by jansson's own nesting limit. */
static int load_node (fluxacct_fstree_t *t, const json_t *node, const char *parent,
                      fluxacct_error_t *error)
{
    char what[128];
    fluxacct_error_t why;
    const char *name;
    bool is_user, usage_int;
    uint64_t shares;
    double usage;
    int rc;

    if (!json_is_object (node)) {
        if (parent)
            return errprintf (error, EINVAL,
                              "ValueError: a child of bank '%s' is not an object", parent);
        return errprintf (error, EINVAL, "ValueError: 'root' must be an object");
    }
    if (!(name = get_name (node, parent, &is_user, error)))
        return -1;
    if (is_user && !parent)
        return errprintf (error, EINVAL, "ValueError: root node '%s' must be a bank", name);
    describe (what, sizeof (what), name, is_user ? parent : NULL);
    if (get_shares (node, what, &shares, error) < 0
        || get_usage (node, what, is_user ? 0.0 : NAN, &usage, &usage_int, error) < 0)
        return -1;
    if (is_user)
        rc = fluxacct_fstree_add_user (t, name, parent, shares, usage, &why);
    else
        rc = fluxacct_fstree_add_bank (t, name, parent, shares, usage, &why);
    if (rc < 0)
        return add_failed (error, &why);
    if (usage_int)
        fstree_set_usage_int (t);
    return load_children (t, node, name, what, is_user, error);
}

static fluxacct_fstree_t *load_tree (const json_t *o, fluxacct_error_t *error)
{
    const json_t *root = json_is_object (o) ? json_object_get (o, "root") : NULL;
    fluxacct_fstree_t *t;

    if (!root)
        return errprintf_null (error, EINVAL, NO_ROOT);
    if (!(t = fluxacct_fstree_create (error)))
        return NULL;
    if (load_node (t, root, NULL, error) < 0)
        goto error;
    if (fluxacct_fstree_user_count (t, NULL) == 0) {
        errprintf (error, EINVAL, NO_USERS);
        goto error;
    }
    return t;
error:
    fluxacct_fstree_destroy (t);
    return NULL;
}

/* Build the tree from what jansson parsed (o NULL: it failed, with jerr). */
static fluxacct_fstree_t *load_parsed (json_t *o, const json_error_t *jerr,
                                       fluxacct_error_t *error)
{
    if (!o)
        return errprintf_null (error, EINVAL,
                               "JSONDecodeError: invalid JSON in input file: %s"
                               " (line %d, column %d)",
                               jerr->text, jerr->line, jerr->column);
    fluxacct_fstree_t *t = load_tree (o, error);
    int saved_errno = errno;
    json_decref (o);
    errno = saved_errno;
    return t;
}

/* JSON_DECODE_ANY: a bare scalar is valid JSON, only without a root. */
#define LOAD_FLAGS JSON_DECODE_ANY

FLUXACCT_EXPORT fluxacct_fstree_t *fluxacct_fstree_load_json (const char *text,
                                                              fluxacct_error_t *error)
{
    json_error_t jerr;

    if (!text)
        return errprintf_null (error, EINVAL, "ValueError: JSON text is NULL");
    return load_parsed (json_loads (text, LOAD_FLAGS, &jerr), &jerr, error);
}

struct reader {
    FILE *f;
    int errnum;  /* of a failed read, kept before jansson runs on */
};

/* jansson pulls the file through this, so it is never held whole. */
static size_t read_chunk (void *buf, size_t len, void *arg)
{
    struct reader *r = arg;
    size_t n = fread (buf, 1, len, r->f);

    if (n == 0 && ferror (r->f)) {
        r->errnum = errno ? errno : EIO;
        return (size_t)-1;
    }
    return n;
}

FLUXACCT_EXPORT fluxacct_fstree_t *fluxacct_fstree_load_json_file (const char *path,
                                                                   fluxacct_error_t *error)
{
    struct reader r = { 0 };
    json_error_t jerr;

    if (!path)
        return errprintf_null (error, EINVAL, "ValueError: input file path is NULL");
    if (!(r.f = fopen (path, "rb"))) {
        if (errno == ENOENT)
            return errprintf_null (error, ENOENT,
                                   "FileNotFoundError: input file not found: %s", path);
        return errprintf_null (error, errno, "OSError: cannot open input file %s: %s",
                               path, strerror (errno));
    }
    json_t *o = json_load_callback (read_chunk, &r, LOAD_FLAGS, &jerr);
    fclose (r.f);
    if (r.errnum) {
        json_decref (o);
        return errprintf_null (error, r.errnum, "OSError: cannot read input file %s: %s",
                               path, strerror (r.errnum));
    }
    return load_parsed (o, &jerr, error);
}

/* ---- writing -------------------------------------------------------- */

struct strbuf {
    char *s;
    size_t len;
    size_t cap;
    bool failed;
};

static void sb_append (struct strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->cap - b->len <= n) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len <= n)
            cap *= 2;
        char *p = realloc (b->s, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy (b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf (struct strbuf *b, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void sb_printf (struct strbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start (ap, fmt);
    int n = vsnprintf (tmp, sizeof (tmp), fmt, ap);
    va_end (ap);
    sb_append (b, tmp, n < (int)sizeof (tmp) ? (size_t)n : sizeof (tmp) - 1);
}

/* Move the decimal digit string d (nd digits) by delta (+1 or -1) in its
 * last digit; false if that would carry out of the first digit. */
static bool bump (char *d, int nd, int delta)
{
    int i = nd - 1;

    while (i >= 0 && d[i] == (delta > 0 ? '9' : '0'))
        d[i--] = delta > 0 ? '0' : '9';
    if (i < 0 || (i == 0 && delta < 0 && d[0] == '1'))
        return false;
    d[i] += delta;
    return true;
}

static bool reads_back (const char *digits, int exp, double v)
{
    char tmp[48];
    snprintf (tmp, sizeof (tmp), "%c.%se%d", digits[0], digits + 1, exp);
    return strtod (tmp, NULL) == v;
}

/* The nd-digit string closest to v > 0 that reads back to v, into digits
 * (with the decimal exponent of its first digit); false if there is none.
 * The correctly rounded string is the closest; where the interval of reals
 * that round to v is lopsided (at powers of two), the neighbour on v's
 * other side may read back when it does not. */
static bool digits_of (double v, int nd, char *digits, int *exp)
{
    char tmp[48], d[24];
    int k = 0;

    snprintf (tmp, sizeof (tmp), "%.*e", nd - 1, v);
    for (const char *p = tmp; *p != 'e'; p++)
        if (*p != '.')
            digits[k++] = *p;
    digits[k] = '\0';
    *exp = atoi (strchr (tmp, 'e') + 1);
    if (strtod (tmp, NULL) == v)
        return true;
    for (int delta = -1; delta <= 1; delta += 2) {
        memcpy (d, digits, nd + 1);
        if (bump (d, nd, delta) && reads_back (d, *exp, v)) {
            memcpy (digits, d, nd + 1);
            return true;
        }
    }
    return false;
}

/* Python's layout of the digits d[0..nd) x 10^(exp - nd + 1): fixed
 * notation for exponents in [-4, 16), with ".0" when integral, else
 * d.ddde+XX. */
static void layout_repr (char *out, size_t size, const char *sign, const char *d,
                         int nd, int exp)
{
    char body[48];
    int k = 0;

    if (exp < -4 || exp >= 16) {
        body[k++] = d[0];
        if (nd > 1)
            body[k++] = '.';
        for (int i = 1; i < nd; i++)
            body[k++] = d[i];
        snprintf (body + k, sizeof (body) - k, "e%c%02d", exp < 0 ? '-' : '+', abs (exp));
        snprintf (out, size, "%s%s", sign, body);
        return;
    }
    if (exp < 0) {
        body[k++] = '0';
        body[k++] = '.';
        for (int i = 0; i < -exp - 1; i++)
            body[k++] = '0';
        for (int i = 0; i < nd; i++)
            body[k++] = d[i];
    }
    else {
        for (int i = 0; i <= exp; i++)
            body[k++] = i < nd ? d[i] : '0';
        body[k++] = '.';
        if (nd <= exp + 1)
            body[k++] = '0';
        for (int i = exp + 1; i < nd; i++)
            body[k++] = d[i];
    }
    body[k] = '\0';
    snprintf (out, size, "%s%s", sign, body);
}

/* Python's repr() of a float: the shortest digits that read back to v.
 * A normal double tells apart all decimals of 15 digits, so if 15 digits
 * read back, the shortest string is those digits less trailing zeros;
 * otherwise it has 16 or 17.  Subnormals carry fewer bits: for them, a
 * binary search on the length (if n digits read back, n + 1 do). */
static void py_float_repr (char *out, size_t size, double v)
{
    char digits[24] = "0";
    int exp = 0, nd = 1;
    double a = fabs (v);

    if (isnan (v) || isinf (v)) {
        snprintf (out, size, "%s", isnan (v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (a >= DBL_MIN) {
        for (nd = 15; nd < 17; nd++)
            if (digits_of (a, nd, digits, &exp))
                break;
        if (nd == 17)
            digits_of (a, nd, digits, &exp);
    }
    else if (a > 0) {
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (digits_of (a, mid, digits, &exp))
                hi = mid;
            else
                lo = mid + 1;
        }
        nd = lo;
        digits_of (a, nd, digits, &exp);
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    layout_repr (out, size, signbit (v) ? "-" : "", digits, nd, exp);
}

/* repr (round (x, 6)) as Python prints it.  round() gives the double
 * nearest the correctly rounded 6-decimal string of x (what "%.6f" prints).
 * From 1e-4 up that string, less its trailing zeros, is already the
 * shortest text that reads back to it (a double tells apart every decimal
 * of up to 15 digits) and Python shows it in fixed notation, so only the
 * smaller values need the general repr. */
static void py_round6_repr (char *out, size_t size, double x)
{
    fa_fmt_double (out, size, x, FA_FMT_FIXED6);
    double r = strtod (out, NULL);
    if (fabs (r) < 1e-4) {
        py_float_repr (out, size, r);
        return;
    }
    char *end = out + strlen (out) - 1;
    while (*end == '0' && end[-1] != '.')
        *end-- = '\0';
}

/* Decode one UTF-8 sequence at *s (NUL-terminated) into *cp and advance
 * *s; -1 if invalid. */
static int utf8_next (const unsigned char **s, uint32_t *cp)
{
    unsigned c;
    size_t n = utf8_decode (*s, 4, &c);

    if (n == 0)
        return -1;
    *cp = c;
    *s += n;
    return 0;
}

/* A JSON string as Python's json.dumps writes it (ensure_ascii): printable
 * ASCII as is, the usual short escapes, everything else as lowercase
 * \uXXXX, with surrogate pairs above the BMP. */
static int sb_json_string (struct strbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t cp;

    sb_append (b, "\"", 1);
    while (*s) {
        const unsigned char *plain = s;
        while (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
            s++;
        sb_append (b, (const char *)plain, s - plain);
        if (!*s)
            break;
        if (utf8_next (&s, &cp) < 0)
            return -1;
        const char *esc = cp == '"' ? "\\\"" : cp == '\\' ? "\\\\" : cp == '\n' ? "\\n"
                          : cp == '\r' ? "\\r" : cp == '\t' ? "\\t" : cp == '\b' ? "\\b"
                          : cp == '\f' ? "\\f" : NULL;
        char c = (char)cp;
        if (esc)
            sb_append (b, esc, 2);
        else if (cp >= 0x20 && cp < 0x7f)
            sb_append (b, &c, 1);
        else if (cp < 0x10000)
            sb_printf (b, "\\u%04x", (unsigned)cp);
        else
            sb_printf (b, "\\u%04x\\u%04x", (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
                       (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
    }
    sb_append (b, "\"", 1);
    return 0;
}

static int write_user (struct strbuf *b, const fluxacct_fstree_t *t,
                       const fluxacct_fstree_node_t *u)
{
    char num[64];

#define LIT(s) sb_append (b, s, sizeof (s) - 1)
    LIT ("  {\n    \"username\": ");
    if (sb_json_string (b, u->name) < 0)
        return -1;
    LIT (",\n    \"bank\": ");
    if (sb_json_string (b, u->bank) < 0)
        return -1;
    sb_printf (b, ",\n    \"shares\": %" PRIu64 ",\n    \"usage\": ", u->shares);
    if (fstree_usage_is_int (t, u->index))
        fa_fmt_double (num, sizeof (num), u->usage, FA_FMT_INTEGRAL);
    else
        py_float_repr (num, sizeof (num), u->usage);
    sb_append (b, num, strlen (num));
    LIT (",\n    \"fairshare\": ");
    py_round6_repr (num, sizeof (num), u->fairshare);
    sb_append (b, num, strlen (num));
    LIT ("\n  }");
#undef LIT
    return 0;
}

FLUXACCT_EXPORT char *fluxacct_fstree_results_json (const fluxacct_fstree_t *t,
                                                    fluxacct_error_t *error)
{
    struct strbuf b = { 0 };
    fluxacct_fstree_node_t u = { .version = FLUXACCT_FSTREE_NODE_VERSION };
    int n = fluxacct_fstree_user_count (t, error);

    /* Node 0 (the root) exists in every computed tree: this checks that. */
    if (n < 0 || fluxacct_fstree_node (t, 0, &u, error) < 0)
        return NULL;
    sb_append (&b, "[", 1);
    for (int i = 0; i < n; i++) {
        fluxacct_fstree_user (t, i, &u, NULL);
        sb_append (&b, i ? ",\n" : "\n", i ? 2 : 1);
        if (write_user (&b, t, &u) < 0) {
            free (b.s);
            return errprintf_null (error, EINVAL, "user '%s' in bank '%s': name is not UTF-8",
                                   u.name, u.bank);
        }
    }
    sb_append (&b, n ? "\n]" : "]", n ? 2 : 1);
    if (b.failed) {
        free (b.s);
        return errprintf_null (error, ENOMEM, "out of memory writing fair-share results");
    }
    return b.s;
}
