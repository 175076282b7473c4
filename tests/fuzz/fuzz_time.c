/* Fuzz FSD and timestamp parsing: a parsed duration is >= 0, formats, and
 * the formatted text parses again. */
#include <math.h>
#include "fuzz.h"
#include "fluxacct/parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s = fuzz_string (data, size);
    fluxacct_error_t err;
    char buf[16];
    double d, back;

    if (fluxacct_fsd_parse (s, &d, &err) == 0) {
        FUZZ_ASSERT (!isnan (d) && d >= 0);
        FUZZ_ASSERT (fluxacct_fsd_format (d, buf, sizeof (buf)) == 0);
        FUZZ_ASSERT (fluxacct_fsd_parse (buf, &back, &err) == 0);
        /* %g keeps 6 significant digits */
        FUZZ_ASSERT (isinf (d) ? isinf (back)
                               : fabs (back - d) <= d * 1e-5 + 1e-300);
    }
    else
        fuzz_check_failure (errno, &err, "FSD", true);
    if (fluxacct_time_parse (s, &d, &err) == 0)
        FUZZ_ASSERT (!isnan (d));
    else
        fuzz_check_failure (errno, &err, "timestamp", true);
    free (s);
    return 0;
}
