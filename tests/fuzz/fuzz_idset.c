/* Fuzz the idset decoder.  The grammar is strict enough that an accepted
 * string is exactly its ranges written back out, which checks the count,
 * the range list and the ordering rules at once. */
#include <inttypes.h>
#include "fuzz.h"
#include "fluxacct/parse.h"
#include "parse/parse_internal.h"

/* Write the ranges back as "lo" / "lo-hi" joined by ','. */
static char *reencode (const struct idset_ranges *r, size_t max)
{
    char *out = malloc (max + 1);
    size_t len = 0, i;

    FUZZ_ASSERT (out != NULL);
    out[0] = '\0';
    for (i = 0; i < r->n; i++) {
        int n;
        if (r->v[i].lo == r->v[i].hi)
            n = snprintf (out + len, max + 1 - len, "%s%" PRIu32,
                          i ? "," : "", r->v[i].lo);
        else
            n = snprintf (out + len, max + 1 - len, "%s%" PRIu32 "-%" PRIu32,
                          i ? "," : "", r->v[i].lo, r->v[i].hi);
        FUZZ_ASSERT (n > 0 && (size_t)n <= max - len);
        len += (size_t)n;
    }
    return out;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s = fuzz_string (data, size);
    struct idset_ranges r = { 0 };
    fluxacct_error_t err;
    uint64_t count, count2;
    int rc;

    rc = fluxacct_idset_count (s, &count, &err);
    if (rc < 0)
        fuzz_check_failure (errno, &err, "idset", true);
    rc = idset_decode_ranges (s, &r, &count2, &err);
    if (rc == 0) {
        size_t len = strlen (s);
        const char *body = s;
        char *back;

        FUZZ_ASSERT (fluxacct_idset_count (s, &count, NULL) == 0);
        FUZZ_ASSERT (count == count2);
        FUZZ_ASSERT (count <= (uint64_t)UINT32_MAX + 1);
        FUZZ_ASSERT (idset_ranges_union_count (&r) == count);
        if (len >= 2 && s[0] == '[') {
            body = s + 1;
            len -= 2;
        }
        back = reencode (&r, len);
        FUZZ_ASSERT (strlen (back) == len && memcmp (back, body, len) == 0);
        free (back);
    }
    else
        FUZZ_ASSERT (fluxacct_idset_count (s, &count, NULL) < 0);
    idset_ranges_clear (&r);
    free (s);
    return 0;
}
