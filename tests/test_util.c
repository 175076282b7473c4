/* libfluxacct util module: the one double formatter (fa_fmt_double).
 * Links the library's objects (the formatter is internal). */
#include <math.h>
#include "testutil.h"
#include "util/fmt_internal.h"

static const char *fmt (double v, enum fa_fmt mode)
{
    static char buf[64];
    size_t n = fa_fmt_double (buf, sizeof (buf), v, mode);
    ck_assert_uint_eq (n, strlen (buf));
    return buf;
}

START_TEST (fmt_double_modes)
{
    char small[4];

    ck_assert_str_eq (fmt (0.1, FA_FMT_ROUNDTRIP), "0.10000000000000001");
    ck_assert_str_eq (fmt (3600, FA_FMT_ROUNDTRIP), "3600");

    ck_assert_str_eq (fmt (0.1, FA_FMT_REPR), "0.1");
    ck_assert_str_eq (fmt (3600, FA_FMT_REPR), "3600.0");
    ck_assert_str_eq (fmt (1e22, FA_FMT_REPR), "1e+22");
    ck_assert_str_eq (fmt (NAN, FA_FMT_REPR), "nan");
    ck_assert_str_eq (fmt (-INFINITY, FA_FMT_REPR), "-inf");

    ck_assert_str_eq (fmt (0.5, FA_FMT_JSON), "0.5");
    ck_assert_str_eq (fmt (3, FA_FMT_JSON), "3.0");
    ck_assert_str_eq (fmt (-0.0, FA_FMT_JSON), "-0.0");
    ck_assert_str_eq (fmt (0.1, FA_FMT_JSON), "0.10000000000000001");
    ck_assert_str_eq (fmt (1e20, FA_FMT_JSON), "1e20");
    ck_assert_str_eq (fmt (1e-5 / 3, FA_FMT_JSON), "3.3333333333333337e-6");
    ck_assert_str_eq (fmt (2e6, FA_FMT_JSON), "2000000.0");

    ck_assert_str_eq (fmt (0.1, FA_FMT_CSV), "0.1");
    ck_assert_str_eq (fmt (3600, FA_FMT_CSV), "3600.0");
    ck_assert_str_eq (fmt (1.0 / 3, FA_FMT_CSV), "0.33333333333333331");
    ck_assert_str_eq (fmt (-0.0, FA_FMT_CSV), "-0.0");
    ck_assert_str_eq (fmt (INFINITY, FA_FMT_CSV), "inf");

    ck_assert_str_eq (fmt (0.5, FA_FMT_FIXED6), "0.500000");
    ck_assert_str_eq (fmt (0.5, FA_FMT_FIXED3), "0.500");
    ck_assert_str_eq (fmt (12.25, FA_FMT_FIXED1), "12.2");
    ck_assert_str_eq (fmt (1.0 / 3, FA_FMT_SIG6), "0.333333");
    ck_assert_str_eq (fmt (2.5, FA_FMT_INTEGRAL), "2");

    ck_assert_str_eq (fmt (0.5, FA_FMT_DISPLAY), "0.5");
    ck_assert_str_eq (fmt (3, FA_FMT_DISPLAY), "3.0");
    ck_assert_str_eq (fmt (1.0 / 3, FA_FMT_DISPLAY), "0.333333");
    ck_assert_str_eq (fmt (2e-7, FA_FMT_DISPLAY), "2e-07");
    ck_assert_str_eq (fmt (1e15, FA_FMT_DISPLAY), "1e+15");
    ck_assert_str_eq (fmt (INFINITY, FA_FMT_DISPLAY), "inf");

    /* cut as snprintf cuts; the length it would have had */
    ck_assert_uint_eq (fa_fmt_double (small, sizeof (small), 3600,
                                      FA_FMT_ROUNDTRIP), 4);
    ck_assert_str_eq (small, "360");
    ck_assert_uint_eq (fa_fmt_double (small, sizeof (small), 0.5,
                                      FA_FMT_JSON), 3);
    ck_assert_str_eq (small, "0.5");
}
END_TEST

static Suite *util_suite (void)
{
    Suite *s = suite_create ("util");
    TCase *tc = tcase_create ("fmt");
    tcase_add_test (tc, fmt_double_modes);
    suite_add_tcase (s, tc);
    return s;
}

RUN_SUITE (util_suite)
