/* Fuzz job id parsing: an id that parses encodes in every type and parses
 * back to itself.  The first 8 bytes are also used as an id directly, so
 * encoding is exercised on arbitrary values. */
#include "fuzz.h"
#include "fluxacct/parse.h"

static const char *types[] = { "dec", "hex", "dothex", "kvs", "f58",
                               "f58plain" };

static void roundtrip (uint64_t id)
{
    size_t t;

    for (t = 0; t < sizeof (types) / sizeof (types[0]); t++) {
        char buf[FLUXACCT_JOBID_STRSZ];
        fluxacct_error_t err;
        uint64_t back;

        FUZZ_ASSERT (fluxacct_jobid_encode (id, types[t], buf, sizeof (buf),
                                            &err) == 0);
        FUZZ_ASSERT (fluxacct_jobid_parse (buf, &back, &err) == 0);
        FUZZ_ASSERT (back == id);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s = fuzz_string (data, size);
    fluxacct_error_t err;
    uint64_t id;

    if (fluxacct_jobid_parse (s, &id, &err) == 0)
        roundtrip (id);
    else
        fuzz_check_failure (errno, &err, "jobid", true);
    if (size >= 8) {
        memcpy (&id, data, sizeof (id));
        roundtrip (id);
    }
    free (s);
    return 0;
}
