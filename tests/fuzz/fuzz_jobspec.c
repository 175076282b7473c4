/* Fuzz jobspec parsing: text and json_t entry points agree (and the
 * size-only counter with them), a success requests at least one node, a
 * failure leaves nothing to free (run under ASan/LeakSanitizer or valgrind
 * to see leaks). */
#include <jansson.h>
#include "fuzz.h"
#include "fluxacct/parse.h"
#include "fluxacct/json.h"
#include "parse/parse_internal.h"

static bool same_str (const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp (a, b) == 0);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s = fuzz_string (data, size);
    fluxacct_jobspec_info_t a, b;
    fluxacct_error_t err, err2;
    json_t *str;
    int rc, rc2;

    FUZZ_ASSERT (fluxacct_jobspec_info_init (&a, FLUXACCT_JOBSPEC_INFO_VERSION)
                 == 0);
    FUZZ_ASSERT (fluxacct_jobspec_info_init (&b, FLUXACCT_JOBSPEC_INFO_VERSION)
                 == 0);
    rc = fluxacct_jobspec_parse (s, &a, &err);
    if (rc < 0) {
        fuzz_check_failure (errno, &err, "jobspec: ", true);
        FUZZ_ASSERT (!a.bank && !a.queue && !a.project);
    }
    else {
        FUZZ_ASSERT (a.nnodes >= 1);
        FUZZ_ASSERT (a.duration >= 0);
    }
    if ((str = json_string_nocheck (s))) {
        rc2 = jobspec_parse_json (str, &b, &err2);
        FUZZ_ASSERT (rc == rc2);
        if (rc == 0) {
            FUZZ_ASSERT (a.nnodes == b.nnodes && a.ncores == b.ncores
                         && a.ngpus == b.ngpus && a.nslots == b.nslots);
            FUZZ_ASSERT (same_str (a.bank, b.bank)
                         && same_str (a.queue, b.queue)
                         && same_str (a.project, b.project));
        }
        fluxacct_jobspec_info_clear (&b);
        json_decref (str);
    }
    /* The size-only counter agrees whenever the whole parse succeeds. */
    json_t *obj = json_loads (s, 0, NULL);
    if (obj) {
        /* the internal parse above filled b whole: initialise it again */
        FUZZ_ASSERT (fluxacct_jobspec_info_init (
                         &b, FLUXACCT_JOBSPEC_INFO_VERSION) == 0);
        rc2 = fluxacct_jobspec_count_json (obj, &b, &err2);
        if (rc == 0)
            FUZZ_ASSERT (rc2 == 0 && a.nnodes == b.nnodes
                         && a.ncores == b.ncores && a.ngpus == b.ngpus
                         && a.nslots == b.nslots);
        if (rc2 < 0)
            FUZZ_ASSERT (rc < 0 && !b.bank);
        json_decref (obj);
    }
    fluxacct_jobspec_info_clear (&a);
    free (s);
    return 0;
}
