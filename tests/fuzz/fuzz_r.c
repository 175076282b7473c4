/* Fuzz R counting: the text and the json_t entry points must agree,
 * success must describe at least one node, and whenever the bulk fast path
 * (r_count_fast, over the library's JSON reader) answers, it answers as
 * fluxacct_r_count(). */
#include <jansson.h>
#include "fuzz.h"
#include "fluxacct/parse.h"
#include "parse/parse_internal.h"

/* The counts, member by member: the internal entry points fill a whole
 * struct of their own (version included), the public one only the counts
 * of the caller's version; the padding after `version` is no count. */
static bool same_counts (const fluxacct_r_count_t *a,
                         const fluxacct_r_count_t *b)
{
    return a->nnodes == b->nnodes && a->ncores == b->ncores
           && a->ngpus == b->ngpus;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s = fuzz_string (data, size);
    fluxacct_r_count_t c, c2;
    fluxacct_error_t err, err2;
    json_t *str;
    int rc, rc2;

    FUZZ_ASSERT (fluxacct_r_count_init (&c, FLUXACCT_R_COUNT_VERSION) == 0);
    FUZZ_ASSERT (fluxacct_r_count_init (&c2, FLUXACCT_R_COUNT_VERSION) == 0);
    rc = fluxacct_r_count (s, &c, &err);
    if (rc < 0)
        fuzz_check_failure (errno, &err, "R: ", true);
    else
        FUZZ_ASSERT (c.nnodes >= 1);
    if (r_count_fast (s, &c2) == 1) {
        FUZZ_ASSERT (rc == 0);
        FUZZ_ASSERT (same_counts (&c, &c2));
    }
    /* the importer path: R handed over as a JSON string */
    if ((str = json_string_nocheck (s))) {
        rc2 = r_count_json (str, &c2, &err2);
        FUZZ_ASSERT (rc == rc2);
        if (rc == 0)
            FUZZ_ASSERT (same_counts (&c, &c2));
        else
            FUZZ_ASSERT (strcmp (err.text, err2.text) == 0);
        json_decref (str);
    }
    free (s);
    return 0;
}
