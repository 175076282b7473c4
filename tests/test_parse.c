/* Check tests for the parsers (include/fluxacct/parse.h) and their
 * internal helpers (src/parse_internal.h).
 *
 * Linked against the library's object files rather than the .so so the
 * internal json_t entry points can be tested too; the public functions are
 * the same code. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <locale.h>
#include <jansson.h>
#include "fluxacct/parse.h"
#include "parse/parse_internal.h"
#define TESTUTIL_VERSIONED_ONLY /* the init checks; no database */
#include "testutil.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* Run with a known zone; individual tests switch it when needed. */
static void set_tz (const char *tz)
{
    setenv ("TZ", tz, 1);
    tzset ();
}

/* Initialised output structs. */
static fluxacct_r_count_t rcount0 (void)
{
    fluxacct_r_count_t c;
    ck_assert_int_eq (fluxacct_r_count_init (&c, FLUXACCT_R_COUNT_VERSION), 0);
    return c;
}

static fluxacct_jobspec_info_t jsinfo0 (void)
{
    fluxacct_jobspec_info_t info;
    ck_assert_int_eq (fluxacct_jobspec_info_init (
                          &info, FLUXACCT_JOBSPEC_INFO_VERSION), 0);
    return info;
}

/* Assert a failure: rc -1, errno, and a message containing want. */
#define ck_fail_with(rc, err, want_errno, want_text)                        \
    do {                                                                    \
        ck_assert_int_eq ((rc), -1);                                        \
        ck_assert_msg (errno == (want_errno), "errno %d (%s), want %d",     \
                       errno, strerror (errno), (want_errno));              \
        ck_assert_msg (strstr ((err).text, (want_text)) != NULL,            \
                       "message \"%s\" lacks \"%s\"", (err).text,           \
                       (want_text));                                        \
    } while (0)

/* ------------------------------------------------------------------------
 * idset
 */

static const struct {
    const char *s;
    uint64_t count;
} idset_good[] = {
    { "", 0 },
    { "[]", 0 },
    { "0", 1 },
    { "[0]", 1 },
    { "0-3", 4 },
    { "0-3,5", 5 },
    { "[1-3,5-6,42]", 6 },
    { "1,2,3", 3 },
    { "0-3,4", 5 },
    { "0,4294967295", 2 },
    { "4294967294-4294967295", 2 },
    { "0-4294967295", 4294967296ULL },
    { "10-19,100-199,1000", 111 },
};

static const struct {
    const char *s;
    int errnum;
    const char *text; /* expected in the message */
} idset_bad[] = {
    { "0-3,,5", EINVAL, "idset \"0-3,,5\": empty element at offset 4" },
    { ",1", EINVAL, "empty element at offset 0" },
    { "1,", EINVAL, "trailing ',' at offset 1" },
    { "[1,]", EINVAL, "trailing ',' at offset 2" },
    { ",", EINVAL, "empty element at offset 0" },
    { "01", EINVAL, "leading zero at offset 0" },
    { "1,007", EINVAL, "leading zero at offset 2" },
    { "1-03", EINVAL, "leading zero at offset 2" },
    { "3-1", EINVAL, "\"3-1\": reversed range at offset 0" },
    { "3-3", EINVAL, "range with equal bounds at offset 0" },
    { "1-", EINVAL, "missing range end at offset 2" },
    { "1-,4", EINVAL, "missing range end at offset 2" },
    { "-1", EINVAL, "unexpected '-' at offset 0" },
    { "1-2-3", EINVAL, "unexpected '-' at offset 3" },
    { "5,3", EINVAL, "not above the previous one at offset 2" },
    { "3,3", EINVAL, "not above the previous one at offset 2" },
    { "1-5,3-7", EINVAL, "not above the previous one at offset 4" },
    { "1-5,5", EINVAL, "not above the previous one at offset 4" },
    { "4294967296", ERANGE, "larger than 4294967295 at offset 0" },
    { "0-99999999999999999999", ERANGE, "at offset 2" },
    { "[1", EINVAL, "missing ']'" },
    { "[", EINVAL, "missing ']'" },
    { "1]", EINVAL, "unexpected ']' at offset 1" },
    { "[[1]]", EINVAL, "unexpected '[' at offset 1" },
    { " 1", EINVAL, "unexpected ' ' at offset 0" },
    { "1 ", EINVAL, "unexpected ' ' at offset 1" },
    { "1;2", EINVAL, "unexpected ';' at offset 1" },
    { "a", EINVAL, "unexpected 'a' at offset 0" },
    { "+1", EINVAL, "unexpected '+'" },
    { "1\t", EINVAL, "unexpected byte 0x09 at offset 1" },
    { "\"", EINVAL, "idset \"\\\"\"" },
};

START_TEST (test_idset_good)
{
    fluxacct_error_t err = { "" };
    uint64_t count = 12345;
    int rc = fluxacct_idset_count (idset_good[_i].s, &count, &err);

    ck_assert_msg (rc == 0, "\"%s\": %s", idset_good[_i].s, err.text);
    ck_assert_uint_eq (count, idset_good[_i].count);
}
END_TEST

START_TEST (test_idset_bad)
{
    fluxacct_error_t err = { "" };
    uint64_t count = 12345;
    int rc = fluxacct_idset_count (idset_bad[_i].s, &count, &err);

    ck_fail_with (rc, err, idset_bad[_i].errnum, idset_bad[_i].text);
    ck_assert_uint_eq (count, 12345); /* untouched */
}
END_TEST

START_TEST (test_idset_badparam)
{
    fluxacct_error_t err = { "" };
    uint64_t count;

    errno = 0;
    ck_fail_with (fluxacct_idset_count (NULL, &count, &err), err, EINVAL,
                  "NULL");
    errno = 0;
    ck_fail_with (fluxacct_idset_count ("1", NULL, &err), err, EINVAL,
                  "NULL");
    /* error is optional */
    errno = 0;
    ck_assert_int_eq (fluxacct_idset_count ("1,,", &count, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
}
END_TEST

START_TEST (test_idset_ranges)
{
    struct idset_ranges r = { 0 };
    fluxacct_error_t err;
    uint64_t n;

    ck_assert_int_eq (idset_decode_ranges ("[5-9,20]", &r, &n, &err), 0);
    ck_assert_uint_eq (n, 6);
    ck_assert_uint_eq (r.n, 2);
    ck_assert_uint_eq (r.v[0].lo, 5);
    ck_assert_uint_eq (r.v[0].hi, 9);
    ck_assert_uint_eq (r.v[1].lo, 20);
    ck_assert_uint_eq (r.v[1].hi, 20);
    /* appending overlapping sets: union counts each id once */
    ck_assert_int_eq (idset_decode_ranges ("0-6,8,20-21", &r, NULL, &err), 0);
    ck_assert_int_eq (idset_decode_ranges ("9", &r, NULL, &err), 0);
    ck_assert_uint_eq (r.n, 6);
    /* {0..9, 20, 21} */
    ck_assert_uint_eq (idset_ranges_union_count (&r), 12);
    idset_ranges_clear (&r);
    ck_assert_ptr_null (r.v);
    ck_assert_uint_eq (idset_ranges_union_count (&r), 0);
    idset_ranges_clear (NULL);
}
END_TEST

START_TEST (test_idset_many)
{
    /* a long ascending list: exercises range array growth */
    char *s = malloc (10000 * 8);
    struct idset_ranges r = { 0 };
    fluxacct_error_t err;
    size_t len = 0;
    uint64_t n;
    int i;

    ck_assert_ptr_nonnull (s);
    for (i = 0; i < 10000; i++)
        len += (size_t)sprintf (s + len, "%s%d", i ? "," : "", i * 2);
    ck_assert_int_eq (idset_decode_ranges (s, &r, &n, &err), 0);
    ck_assert_uint_eq (n, 10000);
    ck_assert_uint_eq (r.n, 10000);
    ck_assert_uint_eq (idset_ranges_union_count (&r), 10000);
    idset_ranges_clear (&r);
    free (s);
}
END_TEST

START_TEST (test_quote)
{
    char buf[FA_QUOTE_SZ];
    char longs[200];

    ck_assert_str_eq (fa_quote ("abc", buf, sizeof (buf)), "abc");
    ck_assert_str_eq (fa_quote ("a\"b\\c", buf, sizeof (buf)),
                      "a\\\"b\\\\c");
    ck_assert_str_eq (fa_quote ("\x01\n", buf, sizeof (buf)), "\\x01\\x0a");
    /* well-formed UTF-8 is kept, broken UTF-8 escaped */
    ck_assert_str_eq (fa_quote ("\xc6\x92" "1", buf, sizeof (buf)),
                      "\xc6\x92" "1");
    ck_assert_str_eq (fa_quote ("\xc6" "1", buf, sizeof (buf)), "\\xc61");
    ck_assert_str_eq (fa_quote ("\xc0\x80", buf, sizeof (buf)),
                      "\\xc0\\x80");
    ck_assert_str_eq (fa_quote ("\xed\xa0\x80", buf, sizeof (buf)),
                      "\\xed\\xa0\\x80");
    memset (longs, 'x', sizeof (longs) - 1);
    longs[sizeof (longs) - 1] = '\0';
    fa_quote (longs, buf, sizeof (buf));
    ck_assert_uint_le (strlen (buf), 43);
    ck_assert_str_eq (buf + strlen (buf) - 3, "...");
    /* tiny buffers never overflow */
    ck_assert_str_eq (fa_quote ("abcdef", buf, 6), "ab...");
    ck_assert_str_eq (fa_quote ("abcdef", buf, 4), "...");
}
END_TEST

/* ------------------------------------------------------------------------
 * R
 */

#define RL(entries) \
    "{\"version\":1,\"execution\":{\"R_lite\":[" entries "]," \
    "\"starttime\":0,\"expiration\":0,\"nodelist\":[\"node[0-1]\"]}}"
#define ENTRY(rank, core) \
    "{\"rank\":\"" rank "\",\"children\":{\"core\":\"" core "\"}}"
#define ENTRYG(rank, core, gpu) \
    "{\"rank\":\"" rank "\",\"children\":{\"core\":\"" core "\"," \
    "\"gpu\":\"" gpu "\"}}"

static const struct {
    const char *R;
    uint64_t nnodes, ncores, ngpus;
} r_good[] = {
    /* compat 6.2 (t/python/t1022) */
    { RL (ENTRYG ("0", "0-3", "0")), 1, 4, 1 },
    { RL (ENTRYG ("0", "0-3", "0-1") "," ENTRYG ("1", "0-3", "0-1")), 2, 8, 4 },
    /* one entry spanning ranks */
    { RL (ENTRYG ("0-1", "0-3", "0-1")), 2, 8, 4 },
    /* overlapping ranks across entries count once */
    { RL (ENTRY ("0-1", "0-1") "," ENTRY ("1-2", "2-3")), 3, 8, 0 },
    { RL (ENTRY ("5", "0") "," ENTRY ("5", "1") "," ENTRY ("5", "2")), 1, 3, 0 },
    { RL (ENTRY ("[0-3,8]", "[0-7]")), 5, 40, 0 },
    /* empty core and gpu sets count zero */
    { RL (ENTRYG ("0", "", "")), 1, 0, 0 },
    /* unknown keys and child types are ignored */
    { "{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":\"0\","
      "\"children\":{\"core\":\"0\",\"fpga\":\"0-9\"},\"x\":1}],"
      "\"properties\":{\"a\":\"0\"}},\"attributes\":{}}", 1, 1, 0 },
    /* largest sizes that fit */
    { RL (ENTRY ("0-4294967295", "0-4294967294")), 4294967296ULL,
      18446744069414584320ULL, 0 },
};

static const struct {
    const char *R;
    int errnum;
    const char *text;
} r_bad[] = {
    { "", EINVAL, "R: invalid JSON" },
    { "{", EINVAL, "R: invalid JSON" },
    { "[]", EINVAL, "R: expected a JSON object, got array" },
    { "{}", EINVAL, "R: version: missing" },
    { "{\"version\":\"1\"}", EINVAL, "R: version: expected 1, got string" },
    { "{\"version\":2}", EINVAL, "R: version: expected 1, got 2" },
    { "{\"version\":true}", EINVAL, "R: version: expected 1, got true" },
    { "{\"version\":false}", EINVAL, "R: version: expected 1, got false" },
    { "{\"version\":1}", EINVAL, "R: execution: expected an object, got nothing" },
    { "{\"version\":1,\"execution\":[]}", EINVAL,
      "R: execution: expected an object, got array" },
    { "{\"version\":1,\"execution\":{}}", EINVAL,
      "R: execution.R_lite: expected an array, got nothing" },
    { "{\"version\":1,\"execution\":{\"R_lite\":{}}}", EINVAL,
      "R: execution.R_lite: expected an array, got object" },
    { RL (""), EINVAL, "R: execution.R_lite: empty" },
    { RL ("1"), EINVAL, "R: execution.R_lite[0]: expected an object, got integer" },
    { RL ("{\"children\":{\"core\":\"0\"}}"), EINVAL,
      "R: execution.R_lite[0].rank: missing" },
    { RL ("{\"rank\":0,\"children\":{\"core\":\"0\"}}"), EINVAL,
      "R: execution.R_lite[0].rank: expected an idset string, got integer" },
    { RL (ENTRY ("", "0")), EINVAL, "R: execution.R_lite[0].rank: empty rank idset" },
    { RL (ENTRY ("0", "0") ",{\"rank\":\"1\"}"), EINVAL,
      "R: execution.R_lite[1].children: expected an object, got nothing" },
    { RL ("{\"rank\":\"1\",\"children\":{}}"), EINVAL,
      "R: execution.R_lite[0].children.core: missing" },
    { RL (ENTRY ("0", "0-3") "," ENTRY ("1", "0-3,,5")), EINVAL,
      "R: execution.R_lite[1].children.core: idset \"0-3,,5\": "
      "empty element at offset 4" },
    { RL (ENTRYG ("0", "0", "1-0")), EINVAL,
      "R: execution.R_lite[0].children.gpu: idset \"1-0\": reversed range" },
    { RL ("{\"rank\":\"0\",\"children\":{\"core\":\"0\",\"gpu\":null}}"), EINVAL,
      "R: execution.R_lite[0].children.gpu: expected an idset string, got null" },
    { RL (ENTRY ("0,0", "0")), EINVAL, "R: execution.R_lite[0].rank: idset \"0,0\"" },
    { RL (ENTRY ("4294967296", "0")), ERANGE, "R: execution.R_lite[0].rank: idset" },
    /* |ranks| x |cores| = 2^64 */
    { RL (ENTRY ("0-4294967295", "0-4294967295")), ERANGE,
      "R: execution.R_lite[0].children.core: count overflows 64 bits" },
    /* sum over entries overflows */
    { RL (ENTRY ("0-4294967295", "0-4294967294") ","
          ENTRY ("0-4294967295", "0-4294967294")), ERANGE,
      "R: execution.R_lite[1].children.core: count overflows" },
};

START_TEST (test_r_good)
{
    fluxacct_error_t err = { "" };
    fluxacct_r_count_t c = rcount0 ();
    int rc = fluxacct_r_count (r_good[_i].R, &c, &err);

    ck_assert_msg (rc == 0, "%s: %s", r_good[_i].R, err.text);
    ck_assert_uint_eq (c.nnodes, r_good[_i].nnodes);
    ck_assert_uint_eq (c.ncores, r_good[_i].ncores);
    ck_assert_uint_eq (c.ngpus, r_good[_i].ngpus);
}
END_TEST

START_TEST (test_r_bad)
{
    fluxacct_error_t err = { "" };
    fluxacct_r_count_t c = rcount0 ();
    int rc;

    c.nnodes = c.ncores = c.ngpus = 7;
    rc = fluxacct_r_count (r_bad[_i].R, &c, &err);
    ck_fail_with (rc, err, r_bad[_i].errnum, r_bad[_i].text);
    ck_assert_uint_eq (c.nnodes, 7); /* untouched */
    ck_assert_uint_eq (c.ncores, 7);
    ck_assert_uint_eq (c.ngpus, 7);
    ck_assert_int_eq (c.version, FLUXACCT_R_COUNT_VERSION);
}
END_TEST

START_TEST (test_r_json)
{
    fluxacct_error_t err = { "" };
    fluxacct_r_count_t c = rcount0 ();
    json_t *obj, *str;
    const char *R = RL (ENTRYG ("0-1", "0-3", "0-1"));

    /* the importer gets R as an object or as a JSON string */
    ck_assert_ptr_nonnull ((obj = json_loads (R, 0, NULL)));
    ck_assert_ptr_nonnull ((str = json_string (R)));
    ck_assert_int_eq (r_count_json (obj, &c, &err), 0);
    ck_assert_uint_eq (c.nnodes, 2);
    ck_assert_uint_eq (c.ncores, 8);
    ck_assert_int_eq (r_count_json (str, &c, &err), 0);
    ck_assert_uint_eq (c.ngpus, 4);
    json_decref (obj);
    json_decref (str);

    str = json_string ("{\"version\":1");
    ck_fail_with (r_count_json (str, &c, &err), err, EINVAL, "R: invalid JSON");
    json_decref (str);
    obj = json_integer (1);
    ck_fail_with (r_count_json (obj, &c, &err), err, EINVAL,
                  "R: expected a JSON object, got integer");
    json_decref (obj);
    ck_fail_with (r_count_json (NULL, &c, &err), err, EINVAL, "NULL");
}
END_TEST

START_TEST (test_r_badparam)
{
    fluxacct_error_t err = { "" };
    fluxacct_r_count_t c = rcount0 ();

    ck_fail_with (fluxacct_r_count (NULL, &c, &err), err, EINVAL, "NULL");
    ck_fail_with (fluxacct_r_count ("{}", NULL, &err), err, EINVAL, "NULL");
    errno = 0;
    ck_assert_int_eq (fluxacct_r_count ("{}", &c, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
}
END_TEST

/* fluxacct_r_count_init(): every version, counts 0; the versions refused.
 * A count of an unknown version is refused, naming the type, and left
 * alone. */
START_TEST (test_r_versions)
{
    fluxacct_error_t err = { "" };
    fluxacct_r_count_t c, before;
    const char *R = RL (ENTRYG ("0-1", "0-3", "0-1"));

    for (int v = 1; v <= FLUXACCT_R_COUNT_VERSION; v++) {
        ck_init_version (fluxacct_r_count_init, &c, v, sizeof (c));
        ck_assert_uint_eq (c.nnodes, 0);
        ck_assert_uint_eq (c.ncores, 0);
        ck_assert_uint_eq (c.ngpus, 0);
    }
    ck_init_rejects (fluxacct_r_count_init, fluxacct_r_count_t,
                     FLUXACCT_R_COUNT_VERSION);

    memset (&c, 0, sizeof (c)); /* "= {0}": version 0 */
    c.nnodes = 7;
    memcpy (&before, &c, sizeof (c));
    errno = 0;
    ck_fail_with (fluxacct_r_count (R, &c, &err), err, EINVAL,
                  UNKNOWN_VERSION (fluxacct_r_count_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_r_count_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_mem_eq (&c, &before, sizeof (c));
    c.version = FLUXACCT_R_COUNT_VERSION + 1;
    memcpy (&before, &c, sizeof (c));
    errno = 0;
    ck_fail_with (fluxacct_r_count (R, &c, &err), err, EINVAL,
                  "fluxacct_r_count_t: unknown version");
    ck_assert_mem_eq (&c, &before, sizeof (c));
    errno = 0;
    ck_assert_int_eq (fluxacct_r_count (R, &c, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
    /* initialised: counted, the version kept */
    c = rcount0 ();
    ck_assert_int_eq (fluxacct_r_count (R, &c, &err), 0);
    ck_assert_int_eq (c.version, FLUXACCT_R_COUNT_VERSION);
    ck_assert_uint_eq (c.nnodes, 2);
    ck_assert_uint_eq (c.ncores, 8);
    ck_assert_uint_eq (c.ngpus, 4);
}
END_TEST

/* ------------------------------------------------------------------------
 * jobspec
 */

#define JS(resources, attrs) \
    "{\"version\":1,\"resources\":" resources ",\"tasks\":[{\"command\":" \
    "[\"app\"],\"slot\":\"task\",\"count\":{\"per_slot\":1}}]" attrs "}"
#define SYS(body) ",\"attributes\":{\"system\":{" body "}}"
#define V(type, count) "{\"type\":\"" type "\",\"count\":" count "}"
#define VW(type, count, with) \
    "{\"type\":\"" type "\",\"count\":" count ",\"with\":[" with "]}"
#define SLOT(count, with) \
    "{\"type\":\"slot\",\"count\":" count ",\"label\":\"task\",\"with\":[" \
    with "]}"

static const struct {
    const char *js;
    uint64_t nnodes, ncores, ngpus, nslots;
    double duration;
    const char *bank, *queue, *project;
} js_good[] = {
    /* flux run -n4: slot[4]->core[1], no node level -> 1 node */
    { JS ("[" SLOT ("4", V ("core", "1")) "]", SYS ("\"duration\":0")),
      1, 4, 0, 4, 0, NULL, NULL, NULL },
    /* flux run -N2 -n6 -c4 -g1: node[2]->slot[3]->core[4],gpu[1] */
    { JS ("[" VW ("node", "2", SLOT ("3", V ("core", "4") "," V ("gpu", "1")))
          "]",
          SYS ("\"duration\":3600,\"bank\":\"physics\",\"queue\":\"batch\","
               "\"project\":\"p1\"")),
      2, 24, 6, 6, 3600, "physics", "batch", "p1" },
    /* quirk #22: slot above node -> 2 nodes, 8 cores (not 16) */
    { JS ("[" SLOT ("2", VW ("node", "1", V ("core", "4"))) "]", ""),
      2, 8, 0, 2, 0, NULL, NULL, NULL },
    /* count as an object: min is used */
    { JS ("[" SLOT ("{\"min\":4,\"max\":8,\"operator\":\"+\",\"operand\":1}",
                    V ("core", "{\"min\":2}")) "]", ""),
      1, 8, 0, 4, 0, NULL, NULL, NULL },
    /* node only (exclusive nodes, no core level) */
    { JS ("[" V ("node", "3") "]", SYS ("\"duration\":1.5")),
      3, 0, 0, 0, 1.5, NULL, NULL, NULL },
    /* unknown types only multiply */
    { JS ("[" VW ("cluster", "2", VW ("node", "2", SLOT ("1", V ("core", "3"))))
          "]", ""),
      4, 12, 0, 4, 0, NULL, NULL, NULL },
    /* several top-level vertices are summed */
    { JS ("[" VW ("node", "1", V ("core", "2")) "," VW ("node", "2", V ("core", "1"))
          "]", ""),
      3, 4, 0, 0, 0, NULL, NULL, NULL },
    /* empty attributes and system are fine; unrelated keys ignored */
    { JS ("[" SLOT ("1", V ("core", "1")) "]",
          ",\"attributes\":{\"user\":{\"x\":1},\"system\":{\"cwd\":\"/\"}}"),
      1, 1, 0, 1, 0, NULL, NULL, NULL },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", ",\"attributes\":{}"),
      1, 1, 0, 1, 0, NULL, NULL, NULL },
    /* empty strings are kept as empty strings */
    { JS ("[" SLOT ("1", V ("core", "1")) "]", SYS ("\"bank\":\"\"")),
      1, 1, 0, 1, 0, "", NULL, NULL },
};

static const struct {
    const char *js;
    int errnum;
    const char *text;
} js_bad[] = {
    { "", EINVAL, "jobspec: invalid JSON" },
    { "[1]", EINVAL, "jobspec: expected a JSON object, got array" },
    { "{\"resources\":[]}", EINVAL, "jobspec: version: missing" },
    { "{\"version\":2,\"resources\":[]}", EINVAL,
      "jobspec: version: expected 1, got 2" },
    { "{\"version\":1.0,\"resources\":[]}", EINVAL,
      "jobspec: version: expected 1, got real" },
    { "{\"version\":1}", EINVAL, "jobspec: resources: missing" },
    { "{\"version\":1,\"resources\":{}}", EINVAL,
      "jobspec: resources: expected an array, got object" },
    { "{\"version\":1,\"resources\":[]}", EINVAL, "jobspec: resources: empty" },
    { JS ("[1]", ""), EINVAL,
      "jobspec: resources[0]: expected an object, got integer" },
    { JS ("[{\"count\":1}]", ""), EINVAL,
      "jobspec: resources[0].type: expected a string, got nothing" },
    { JS ("[{\"type\":\"slot\"}]", ""), EINVAL,
      "jobspec: resources[0].count: missing" },
    { JS ("[" SLOT ("2", V ("core", "0")) "]", ""), EINVAL,
      "jobspec: resources[0].with[0].count: must be >= 1, got 0" },
    { JS ("[" SLOT ("-1", V ("core", "1")) "]", ""), EINVAL,
      "jobspec: resources[0].count: must be >= 1, got -1" },
    { JS ("[" SLOT ("2.5", V ("core", "1")) "]", ""), EINVAL,
      "jobspec: resources[0].count: expected an integer, got real" },
    { JS ("[" SLOT ("\"2\"", V ("core", "1")) "]", ""), EINVAL,
      "jobspec: resources[0].count: expected an integer, got string" },
    { JS ("[" SLOT ("{\"max\":2}", V ("core", "1")) "]", ""), EINVAL,
      "jobspec: resources[0].count.min: missing" },
    { JS ("[" SLOT ("{\"min\":0}", V ("core", "1")) "]", ""), EINVAL,
      "jobspec: resources[0].count.min: must be >= 1, got 0" },
    { JS ("[{\"type\":\"slot\",\"count\":1,\"with\":{}}]", ""), EINVAL,
      "jobspec: resources[0].with: expected an array, got object" },
    { JS ("[" SLOT ("1", V ("memory", "4")) "]", ""), EINVAL,
      "jobspec: resources: requests neither nodes nor cores" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", ",\"attributes\":[]"), EINVAL,
      "jobspec: attributes: expected an object, got array" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", ",\"attributes\":{\"system\":1}"),
      EINVAL, "jobspec: attributes.system: expected an object, got integer" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", SYS ("\"duration\":\"1h\"")),
      EINVAL, "jobspec: attributes.system.duration: expected a number, got string" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", SYS ("\"duration\":-5")),
      EINVAL, "jobspec: attributes.system.duration: must be >= 0, got -5" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", SYS ("\"bank\":5")),
      EINVAL, "jobspec: attributes.system.bank: expected a string, got integer" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", SYS ("\"bank\":\"b\",\"queue\":[]")),
      EINVAL, "jobspec: attributes.system.queue: expected a string, got array" },
    { JS ("[" SLOT ("1", V ("core", "1")) "]", SYS ("\"project\":null")),
      EINVAL, "jobspec: attributes.system.project: expected a string, got null" },
    /* 2^32 x 2^32 cores */
    { JS ("[" SLOT ("4294967296", V ("core", "4294967296")) "]", ""), ERANGE,
      "jobspec: resources[0].with[0]: job size overflows 64 bits" },
    /* sum of two top-level node counts overflows */
    { JS ("[" V ("node", "9223372036854775807") ","
          V ("node", "9223372036854775807") "," V ("node", "2") "]", ""),
      ERANGE, "jobspec: resources[2]: job size overflows 64 bits" },
};

static void check_str (const char *got, const char *want)
{
    if (!want)
        ck_assert_ptr_null (got);
    else {
        ck_assert_ptr_nonnull (got);
        ck_assert_str_eq (got, want);
    }
}

START_TEST (test_jobspec_good)
{
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info = jsinfo0 ();
    int rc = fluxacct_jobspec_parse (js_good[_i].js, &info, &err);

    ck_assert_msg (rc == 0, "%s: %s", js_good[_i].js, err.text);
    ck_assert_uint_eq (info.nnodes, js_good[_i].nnodes);
    ck_assert_uint_eq (info.ncores, js_good[_i].ncores);
    ck_assert_uint_eq (info.ngpus, js_good[_i].ngpus);
    ck_assert_uint_eq (info.nslots, js_good[_i].nslots);
    ck_assert_double_eq (info.duration, js_good[_i].duration);
    check_str (info.bank, js_good[_i].bank);
    check_str (info.queue, js_good[_i].queue);
    check_str (info.project, js_good[_i].project);
    fluxacct_jobspec_info_clear (&info);
    ck_assert_ptr_null (info.bank);
    fluxacct_jobspec_info_clear (&info); /* twice is fine */
}
END_TEST

START_TEST (test_jobspec_bad)
{
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info = jsinfo0 ();
    int rc;

    /* garbage in every member but the version: overwritten on entry */
    memset ((char *)&info + offsetof (fluxacct_jobspec_info_t, nnodes), 0xff,
            sizeof (info) - offsetof (fluxacct_jobspec_info_t, nnodes));
    rc = fluxacct_jobspec_parse (js_bad[_i].js, &info, &err);
    ck_fail_with (rc, err, js_bad[_i].errnum, js_bad[_i].text);
    /* left zeroed: nothing to free; the version kept */
    ck_assert_int_eq (info.version, FLUXACCT_JOBSPEC_INFO_VERSION);
    ck_assert_uint_eq (info.nnodes, 0);
    ck_assert_ptr_null (info.bank);
    ck_assert_ptr_null (info.queue);
    ck_assert_ptr_null (info.project);
}
END_TEST

/* A failure after some strings were copied must not leak them. */
START_TEST (test_jobspec_partial_strings)
{
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info = jsinfo0 ();
    const char *js = JS ("[" SLOT ("1", V ("core", "1")) "]",
                         SYS ("\"bank\":\"b\",\"queue\":\"q\",\"project\":7"));

    ck_fail_with (fluxacct_jobspec_parse (js, &info, &err), err, EINVAL,
                  "attributes.system.project");
    ck_assert_ptr_null (info.bank);
    ck_assert_ptr_null (info.queue);
}
END_TEST

START_TEST (test_jobspec_deep)
{
    static const int depths[] = { 64, 65 }; /* the limit, and one more */
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info = jsinfo0 ();
    char s[4096];
    size_t d;
    int i;

    for (d = 0; d < N_ELEMENTS (depths); d++) {
        strcpy (s, "{\"version\":1,\"resources\":");
        for (i = 0; i < depths[d] - 1; i++)
            strcat (s, "[{\"type\":\"x\",\"count\":1,\"with\":");
        strcat (s, "[{\"type\":\"core\",\"count\":2}]");
        for (i = 0; i < depths[d] - 1; i++)
            strcat (s, "}]");
        strcat (s, "}");
        if (depths[d] <= 64) {
            ck_assert_msg (fluxacct_jobspec_parse (s, &info, &err) == 0, "%s",
                           err.text);
            ck_assert_uint_eq (info.ncores, 2);
            fluxacct_jobspec_info_clear (&info);
        }
        else
            ck_fail_with (fluxacct_jobspec_parse (s, &info, &err), err, EINVAL,
                          "nested deeper than 64 levels");
    }
}
END_TEST

START_TEST (test_jobspec_json)
{
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info = jsinfo0 ();
    const char *js = JS ("[" VW ("node", "2", SLOT ("1", V ("core", "4"))) "]",
                         SYS ("\"queue\":\"debug\",\"duration\":60"));
    json_t *obj = json_loads (js, 0, NULL);
    json_t *str = json_string (js);

    ck_assert_ptr_nonnull (obj);
    ck_assert_ptr_nonnull (str);
    ck_assert_int_eq (jobspec_parse_json (obj, &info, &err), 0);
    ck_assert_uint_eq (info.nnodes, 2);
    ck_assert_uint_eq (info.ncores, 8);
    ck_assert_str_eq (info.queue, "debug");
    fluxacct_jobspec_info_clear (&info);
    ck_assert_int_eq (jobspec_parse_json (str, &info, &err), 0);
    ck_assert_double_eq (info.duration, 60);
    fluxacct_jobspec_info_clear (&info);
    json_decref (obj);
    json_decref (str);
    ck_fail_with (jobspec_parse_json (NULL, &info, &err), err, EINVAL, "NULL");
    str = json_string ("{\"version\":");
    ck_fail_with (jobspec_parse_json (str, &info, &err), err, EINVAL,
                  "jobspec: invalid JSON");
    json_decref (str);
}
END_TEST

START_TEST (test_jobspec_badparam)
{
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info = jsinfo0 ();

    ck_fail_with (fluxacct_jobspec_parse (NULL, &info, &err), err, EINVAL,
                  "NULL");
    ck_fail_with (fluxacct_jobspec_parse ("{}", NULL, &err), err, EINVAL,
                  "NULL");
    errno = 42;
    fluxacct_jobspec_info_clear (NULL);
    ck_assert_int_eq (errno, 42);
}
END_TEST

/* fluxacct_jobspec_info_init(): every version, all 0 / NULL (nothing to
 * free); the versions refused.  An info of an unknown version is refused,
 * naming the type, and left alone (its strings are not freed: it holds
 * none the library knows of). */
START_TEST (test_jobspec_versions)
{
    fluxacct_error_t err = { "" };
    fluxacct_jobspec_info_t info, before;
    const char *js = JS ("[" VW ("node", "2", SLOT ("1", V ("core", "4"))) "]",
                         SYS ("\"bank\":\"b\""));

    for (int v = 1; v <= FLUXACCT_JOBSPEC_INFO_VERSION; v++) {
        ck_init_version (fluxacct_jobspec_info_init, &info, v, sizeof (info));
        ck_assert_uint_eq (info.nnodes, 0);
        ck_assert_uint_eq (info.ncores, 0);
        ck_assert_uint_eq (info.ngpus, 0);
        ck_assert_uint_eq (info.nslots, 0);
        ck_assert_double_eq (info.duration, 0);
        ck_assert_ptr_null (info.bank);
        ck_assert_ptr_null (info.queue);
        ck_assert_ptr_null (info.project);
    }
    ck_init_rejects (fluxacct_jobspec_info_init, fluxacct_jobspec_info_t,
                     FLUXACCT_JOBSPEC_INFO_VERSION);

    memset (&info, 0, sizeof (info)); /* "= {0}": version 0 */
    info.nnodes = 7;
    memcpy (&before, &info, sizeof (info));
    errno = 0;
    ck_fail_with (fluxacct_jobspec_parse (js, &info, &err), err, EINVAL,
                  UNKNOWN_VERSION (fluxacct_jobspec_info_t, 0));
    ck_assert_msg (strstr (err.text, "fluxacct_jobspec_info_init()"),
                   "message '%s' does not say how to initialise", err.text);
    ck_assert_mem_eq (&info, &before, sizeof (info));
    info.version = FLUXACCT_JOBSPEC_INFO_VERSION + 1;
    memcpy (&before, &info, sizeof (info));
    errno = 0;
    ck_fail_with (fluxacct_jobspec_parse (js, &info, &err), err, EINVAL,
                  "fluxacct_jobspec_info_t: unknown version");
    ck_assert_mem_eq (&info, &before, sizeof (info));
    /* initialised: parsed; clear keeps the version for the next parse */
    info = jsinfo0 ();
    ck_assert_int_eq (fluxacct_jobspec_parse (js, &info, &err), 0);
    ck_assert_int_eq (info.version, FLUXACCT_JOBSPEC_INFO_VERSION);
    ck_assert_uint_eq (info.nnodes, 2);
    ck_assert_str_eq (info.bank, "b");
    fluxacct_jobspec_info_clear (&info);
    ck_assert_int_eq (info.version, FLUXACCT_JOBSPEC_INFO_VERSION);
    ck_assert_ptr_null (info.bank);
    ck_assert_int_eq (fluxacct_jobspec_parse (js, &info, &err), 0);
    ck_assert_uint_eq (info.ncores, 8);
    fluxacct_jobspec_info_clear (&info);
}
END_TEST

/* ------------------------------------------------------------------------
 * FSD
 */

static const struct {
    const char *s;
    double seconds;
} fsd_good[] = {
    { "0", 0 },        { "0s", 0 },        { "30", 30 },
    { "30s", 30 },     { "1.5", 1.5 },     { "500ms", 0.5 },
    { "1500ms", 1.5 }, { "15m", 900 },     { "8h", 28800 },
    { "1.5h", 5400 },  { "14d", 1209600 }, { "7d", 604800 },
    { ".5m", 30 },     { "5.", 5 },        { "2e3", 2000 },
    { "1E2s", 100 },   { "1e-3s", 0.001 }, { "0.1", 0.1 },
    { "inf", INFINITY }, { "INF", INFINITY }, { "infinity", INFINITY },
    { "Infinity", INFINITY },
};

static const struct {
    const char *s;
    int errnum;
    const char *text;
} fsd_bad[] = {
    { "", EINVAL, "FSD \"\": empty" },
    { "-1", EINVAL, "FSD \"-1\": negative" },
    { "-0", EINVAL, "FSD \"-0\": negative" },
    { "-inf", EINVAL, "negative" },
    { "+5", EINVAL, "FSD \"+5\": expected a non-negative number" },
    { "nan", EINVAL, "FSD \"nan\"" },
    { "NaN", EINVAL, "FSD \"NaN\"" },
    { "abc", EINVAL, "FSD \"abc\"" },
    { ".", EINVAL, "FSD \".\"" },
    { "s", EINVAL, "FSD \"s\"" },
    { "5x", EINVAL, "FSD \"5x\": unknown unit" },
    { "5 s", EINVAL, "FSD \"5 s\": unknown unit" },
    { " 5", EINVAL, "FSD \" 5\"" },
    { "5 ", EINVAL, "FSD \"5 \"" },
    { "5S", EINVAL, "unknown unit" },
    { "5w", EINVAL, "unknown unit" },
    { "5sec", EINVAL, "unknown unit" },
    { "5mss", EINVAL, "unknown unit" },
    { "5e", EINVAL, "unknown unit" },
    { "1.2.3", EINVAL, "unknown unit" },
    { "0x10", EINVAL, "FSD \"0x10\"" },
    { "infs", EINVAL, "FSD \"infs\"" },
    { "inf5", EINVAL, "FSD \"inf5\"" },
    { "1e400", ERANGE, "FSD \"1e400\": duration too large" },
    { "1e308d", ERANGE, "duration too large" },
};

START_TEST (test_fsd_good)
{
    fluxacct_error_t err = { "" };
    double d = -1;
    int rc = fluxacct_fsd_parse (fsd_good[_i].s, &d, &err);

    ck_assert_msg (rc == 0, "\"%s\": %s", fsd_good[_i].s, err.text);
    ck_assert_msg (d == fsd_good[_i].seconds, "\"%s\" -> %.17g",
                   fsd_good[_i].s, d);
}
END_TEST

START_TEST (test_fsd_bad)
{
    fluxacct_error_t err = { "" };
    double d = -1;
    int rc = fluxacct_fsd_parse (fsd_bad[_i].s, &d, &err);

    ck_fail_with (rc, err, fsd_bad[_i].errnum, fsd_bad[_i].text);
    ck_assert_double_eq (d, -1);
}
END_TEST

static const struct {
    double seconds;
    const char *text;
} fsd_fmt[] = {
    { 0, "0s" },          { 0.5, "500ms" },    { 0.001, "1ms" },
    { 1, "1s" },          { 30, "30s" },       { 59.5, "59.5s" },
    { 60, "1m" },         { 90, "1.5m" },      { 900, "15m" },
    { 3600, "1h" },       { 5400, "1.5h" },    { 28800, "8h" },
    { 86400, "1d" },      { 129600, "1.5d" },  { 604800, "7d" },
    { 1209600, "14d" },   { 2419200, "28d" },  { INFINITY, "infinity" },
    { 1e-9, "1e-06ms" },  { 1e300, "1.15741e+295d" },
};

START_TEST (test_fsd_format)
{
    char buf[16];
    double back;

    ck_assert_int_eq (fluxacct_fsd_format (fsd_fmt[_i].seconds, buf,
                                           sizeof (buf)), 0);
    ck_assert_str_eq (buf, fsd_fmt[_i].text);
    /* what we print, we parse */
    ck_assert_int_eq (fluxacct_fsd_parse (buf, &back, NULL), 0);
    if (fsd_fmt[_i].seconds >= 1e-3 && fsd_fmt[_i].seconds < 1e7)
        ck_assert_double_eq_tol (back, fsd_fmt[_i].seconds, 1e-9);
}
END_TEST

START_TEST (test_fsd_format_errors)
{
    char buf[16];

    errno = 0;
    ck_assert_int_eq (fluxacct_fsd_format (-1, buf, sizeof (buf)), -1);
    ck_assert_int_eq (errno, EINVAL);
    errno = 0;
    ck_assert_int_eq (fluxacct_fsd_format (NAN, buf, sizeof (buf)), -1);
    ck_assert_int_eq (errno, EINVAL);
    errno = 0;
    ck_assert_int_eq (fluxacct_fsd_format (1, NULL, 16), -1);
    ck_assert_int_eq (errno, EINVAL);
    errno = 0;
    ck_assert_int_eq (fluxacct_fsd_format (604800, buf, 2), -1);
    ck_assert_int_eq (errno, EOVERFLOW);
    ck_assert_str_eq (buf, "7");
    ck_assert_int_eq (fluxacct_fsd_format (604800, buf, 3), 0);
    ck_assert_str_eq (buf, "7d");
    errno = 0;
    ck_assert_int_eq (fluxacct_fsd_format (1, buf, 0), -1);
    ck_assert_int_eq (errno, EOVERFLOW);
}
END_TEST

START_TEST (test_fsd_badparam)
{
    fluxacct_error_t err = { "" };
    double d;

    ck_fail_with (fluxacct_fsd_parse (NULL, &d, &err), err, EINVAL, "NULL");
    ck_fail_with (fluxacct_fsd_parse ("1", NULL, &err), err, EINVAL, "NULL");
    errno = 0;
    ck_assert_int_eq (fluxacct_fsd_parse ("x", &d, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
}
END_TEST

/* fa_parse_decimal must agree with strtod bit for bit. */
START_TEST (test_parse_decimal)
{
    static const char *inputs[] = {
        "0.1", "0.3", "1.7976931348623157e308", "2.2250738585072014e-308",
        "4.9e-324", "123456789012345678901234567890", "0.000001", "3.14159",
        "1e-400", "9007199254740993", "5.", ".5", "1e5", "1e+5", "1e-5",
    };
    size_t i;

    for (i = 0; i < N_ELEMENTS (inputs); i++) {
        double v, ref = strtod (inputs[i], NULL);
        int overflow;
        size_t n = fa_parse_decimal (inputs[i], &v, &overflow);

        ck_assert_uint_eq (n, strlen (inputs[i]));
        ck_assert_int_eq (overflow, 0);
        ck_assert_msg (memcmp (&v, &ref, sizeof (v)) == 0, "%s", inputs[i]);
    }
    /* The fast path (<= 15 digits, no exponent) against strtod: edges and
     * 200,000 random time stamps and decimals (a fixed generator). */
    static const char *edges[] = {
        "999999999999999", "99999999999999.9", "0.999999999999999",
        "1767225600.123", "1762387205.819", "0.000000000000001",
        "9999999999999999", "0.0000000000000001", "0", "0.", "00.5",
    };
    for (i = 0; i < N_ELEMENTS (edges); i++) {
        double v, ref = strtod (edges[i], NULL);
        int overflow;
        ck_assert_uint_eq (fa_parse_decimal (edges[i], &v, &overflow),
                           strlen (edges[i]));
        ck_assert_msg (memcmp (&v, &ref, sizeof (v)) == 0, "%s", edges[i]);
    }
    uint64_t x = 88172645463325252ULL;
    for (int k = 0; k < 200000; k++) {
        char buf[40];
        int len = 0, ip, fp;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        ip = (int)(x % 13);
        fp = (int)((x >> 8) % 10);
        for (int d = 0; d < ip; d++)
            buf[len++] = (char)('0' + (x >> (12 + 2 * d)) % 10);
        buf[len++] = '.';
        for (int d = 0; d < fp; d++)
            buf[len++] = (char)('0' + (x >> (3 + 5 * d)) % 10);
        buf[len] = '\0';
        if (ip + fp == 0)
            continue;
        double v, ref = strtod (buf, NULL);
        int overflow;
        ck_assert_uint_eq (fa_parse_decimal (buf, &v, &overflow),
                           (size_t)len);
        ck_assert_msg (memcmp (&v, &ref, sizeof (v)) == 0, "%s", buf);
    }
}
END_TEST

/* A comma decimal point in the process locale changes nothing.  Runs only
 * where such a locale is installed (or found via LOCPATH). */
START_TEST (test_fsd_locale)
{
    static const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                   "fr_FR.utf8" };
    char *old = strdup (setlocale (LC_NUMERIC, NULL));
    char buf[16];
    double d;
    size_t i;

    ck_assert_ptr_nonnull (old);
    for (i = 0; i < N_ELEMENTS (names); i++) {
        if (!setlocale (LC_NUMERIC, names[i]))
            continue;
        ck_assert_str_eq (localeconv ()->decimal_point, ",");
        ck_assert_int_eq (fluxacct_fsd_parse ("1.5h", &d, NULL), 0);
        ck_assert_double_eq (d, 5400);
        ck_assert_int_eq (fluxacct_fsd_parse ("1,5h", &d, NULL), -1);
        ck_assert_int_eq (fluxacct_fsd_format (5400, buf, sizeof (buf)), 0);
        ck_assert_str_eq (buf, "1.5h");
        ck_assert_int_eq (fluxacct_time_parse ("1735718400.5", &d, NULL), 0);
        ck_assert_double_eq (d, 1735718400.5);
        break;
    }
    setlocale (LC_NUMERIC, old);
    free (old);
}
END_TEST

/* ------------------------------------------------------------------------
 * Timestamps
 */

static const struct {
    const char *s;
    double t; /* in UTC */
} time_good[] = {
    { "0", 0 },
    { "1735718400", 1735718400 },
    { "1735718400.25", 1735718400.25 },
    { "1735718400.0", 1735718400 },
    { "2025-01-01", 1735689600 },
    { "2025-01-01T08:00", 1735718400 },
    { "2025-01-01T08:00:00", 1735718400 },
    { "2025-01-01 08:00:30", 1735718430 },
    { "2025-01-01 23:59:59", 1735775999 },
    { "01/01/2025", 1735689600 },
    { "1/1/2025", 1735689600 },
    { "12/31/2024 08:00", 1735632000 },
    { "2/29/2024", 1709164800 },
    { "2024-02-29", 1709164800 },
    { "2000-02-29", 951782400 },
    { "1970-01-01", 0 },
    { "1969-12-31 23:59:59", -1 }, /* mktime's -1 is not an error here */
    { "9999-12-31", 253402214400 },
};

static const struct {
    const char *s;
    const char *text;
} time_bad[] = {
    { "", "timestamp \"\": expected epoch seconds" },
    { "2025-13-01", "timestamp \"2025-13-01\": month 13 out of range" },
    { "2025-00-10", "month 0 out of range" },
    { "2025-01-32", "timestamp \"2025-01-32\": day 32 out of range" },
    { "2025-01-00", "day 0 out of range" },
    { "2023-02-29", "day 29 out of range for 2023-02" },
    { "1900-02-29", "day 29 out of range for 1900-02" },
    { "2025-04-31", "day 31 out of range" },
    { "13/01/2025", "month 13 out of range" },
    { "02/30/2025", "day 30 out of range" },
    { "2025-01-01T24:00", "time 24:00:00 out of range" },
    { "2025-01-01T08:60", "out of range" },
    { "2025-01-01T08:00:60", "out of range" },
    { "1899-12-31", "year 1899 before 1900" },
    { "2025-1-1", "expected epoch seconds" },
    { "25-01-01", "expected epoch seconds" },
    { "2025-01-01T", "expected epoch seconds" },
    { "2025-01-01T08", "expected epoch seconds" },
    { "2025-01-01T8:00", "expected epoch seconds" },
    { "2025-01-01 08:00:00.5", "expected epoch seconds" },
    { "2025-01-01 08:0x", "expected epoch seconds" },
    { "2025-01-01 08-00", "expected epoch seconds" },
    { "2025-01-01 08:00-00", "expected epoch seconds" },
    { "2025-01-01 08:00:x0", "expected epoch seconds" },
    { "2025-01-01T08:00Z", "expected epoch seconds" },
    { "2025-01-01T08:00:00+02:00", "expected epoch seconds" },
    { "2025/01/01", "expected epoch seconds" },
    { "01/01/25", "expected epoch seconds" },
    { "001/01/2025", "expected epoch seconds" },
    { "01/01/2025T08:00", "expected epoch seconds" },
    { " 2025-01-01", "expected epoch seconds" },
    { "2025-01-01 ", "expected epoch seconds" },
    { "-1", "expected epoch seconds" },
    { "+1", "expected epoch seconds" },
    { "1e9", "expected epoch seconds" },
    { "1.", "expected epoch seconds" },
    { ".5", "expected epoch seconds" },
    { "Jan 1, 2025", "timestamp \"Jan 1, 2025\"" },
    { "now", "timestamp \"now\"" },
};

START_TEST (test_time_good)
{
    fluxacct_error_t err = { "" };
    double t = 12345;
    int rc;

    set_tz ("UTC");
    rc = fluxacct_time_parse (time_good[_i].s, &t, &err);
    ck_assert_msg (rc == 0, "\"%s\": %s", time_good[_i].s, err.text);
    ck_assert_msg (t == time_good[_i].t, "\"%s\" -> %.17g", time_good[_i].s, t);
}
END_TEST

START_TEST (test_time_bad)
{
    fluxacct_error_t err = { "" };
    double t = 12345;
    int rc;

    set_tz ("UTC");
    rc = fluxacct_time_parse (time_bad[_i].s, &t, &err);
    ck_fail_with (rc, err, EINVAL, time_bad[_i].text);
    ck_assert_double_eq (t, 12345);
}
END_TEST

/* Dates are local time, with DST decided by mktime. */
START_TEST (test_time_local)
{
    double t;

    set_tz ("EST5EDT,M3.2.0,M11.1.0");
    ck_assert_int_eq (fluxacct_time_parse ("2025-01-01", &t, NULL), 0);
    ck_assert_double_eq (t, 1735689600 + 5 * 3600);
    ck_assert_int_eq (fluxacct_time_parse ("2025-07-01T12:00", &t, NULL), 0);
    ck_assert_double_eq (t, 1751371200 + 4 * 3600);
    ck_assert_int_eq (fluxacct_time_parse ("07/01/2025 12:00:00", &t, NULL), 0);
    ck_assert_double_eq (t, 1751371200 + 4 * 3600);
    /* epoch seconds are not shifted */
    ck_assert_int_eq (fluxacct_time_parse ("1735689600", &t, NULL), 0);
    ck_assert_double_eq (t, 1735689600);
    /* 02:30 does not exist on 2025-03-09 there; mktime picks a time in
     * the gap's hour (06:30 or 07:30 UTC), it does not fail */
    ck_assert_int_eq (fluxacct_time_parse ("2025-03-09 02:30", &t, NULL), 0);
    ck_assert_msg (t == 1741501800 || t == 1741505400, "%.17g", t);
    set_tz ("UTC");
}
END_TEST

START_TEST (test_time_badparam)
{
    fluxacct_error_t err = { "" };
    double t;

    ck_fail_with (fluxacct_time_parse (NULL, &t, &err), err, EINVAL, "NULL");
    ck_fail_with (fluxacct_time_parse ("0", NULL, &err), err, EINVAL, "NULL");
    errno = 0;
    ck_assert_int_eq (fluxacct_time_parse ("x", &t, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
}
END_TEST

START_TEST (test_time_huge_epoch)
{
    fluxacct_error_t err = { "" };
    char s[400];
    double t;

    memset (s, '9', sizeof (s) - 1);
    s[sizeof (s) - 1] = '\0';
    ck_fail_with (fluxacct_time_parse (s, &t, &err), err, ERANGE, "too large");
}
END_TEST

/* ------------------------------------------------------------------------
 * Job ids
 */

#define F "\xc6\x92" /* U+0192 */

static const struct {
    const char *s;
    uint64_t id;
} jobid_good[] = {
    { "0", 0 },
    { "1234", 1234 },
    { "18446744073709551615", UINT64_MAX },
    { F "1", 0 },
    { "f1", 0 },
    { F "2", 1 },
    { F "z", 57 },
    { F "21", 58 },
    { F "NH", 1234 },
    { "fNH", 1234 },
    { F "LUw", 65536 },
    { F "7YXq9H", 4294967296ULL },
    { F "3sDK21t5nHJ", 1234567890123456789ULL },
    { F "jpXCZedGfVQ", UINT64_MAX },
    { "fjpXCZedGfVQ", UINT64_MAX },
    { "0x0", 0 },
    { "0x4d2", 1234 },
    { "0x4D2", 1234 },
    { "0xffffffffffffffff", UINT64_MAX },
    { "0x00000000000000000001", 1 },
    { "0000.0000.0000.04d2", 1234 },
    { "0000.0000.0000.04D2", 1234 },
    { "ffff.ffff.ffff.ffff", UINT64_MAX },
    { "0001.0000.0000.0000", 1ULL << 48 },
    { "job.0000.0000.0000.04d2", 1234 },
    { "job.ffff.ffff.ffff.ffff", UINT64_MAX },
    /* flux trims surrounding whitespace */
    { " 42", 42 },
    { "42\n", 42 },
    { "\t" F "NH ", 1234 },
};

static const struct {
    const char *s;
    int errnum;
    const char *text;
} jobid_bad[] = {
    { "", EINVAL, "jobid \"\": empty" },
    { "   ", EINVAL, "empty" },
    { "18446744073709551616", ERANGE, "decimal value exceeds 64 bits" },
    { "99999999999999999999999", ERANGE, "exceeds 64 bits" },
    { F "jpXCZedGfVR", ERANGE,
      "jobid \"" F "jpXCZedGfVR\": f58 value exceeds 64 bits" },
    { "0x10000000000000000", ERANGE, "hex value exceeds 64 bits" },
    { "-1", EINVAL, "jobid \"-1\": not a valid decimal job id" },
    { "+1", EINVAL, "not a valid decimal job id" },
    { "12a", EINVAL, "not a valid decimal job id" },
    { "1 2", EINVAL, "not a valid decimal job id" },
    { F, EINVAL, "not a valid f58 job id" },
    { "f", EINVAL, "not a valid f58 job id" },
    { "f0", EINVAL, "jobid \"f0\": not a valid f58 job id" },
    { "fO", EINVAL, "not a valid f58 job id" },
    { "fI", EINVAL, "not a valid f58 job id" },
    { "fl", EINVAL, "not a valid f58 job id" },
    { "0x", EINVAL, "not a valid hex job id" },
    { "0xg", EINVAL, "not a valid hex job id" },
    { "0X10", EINVAL, "not a valid decimal job id" },
    { "0000.0000.0000.04d", EINVAL, "not a valid dothex job id" },
    { "0000.0000.0000.04d2.", EINVAL, "not a valid dothex job id" },
    { "0000.0000.00000.4d2", EINVAL, "not a valid dothex job id" },
    { "0000.0000.0000.04g2", EINVAL, "not a valid dothex job id" },
    { "0000-0000-0000-04d2", EINVAL, "jobid" },
    { "job.", EINVAL, "not a valid kvs job id" },
    { "job.0000.0000.0000", EINVAL, "not a valid kvs job id" },
    { "academy-academy-academy--academy-academy-academy", EINVAL,
      "the words form is not supported" },
    { "\xf0\x9f\x98\x83\xf0\x9f\x98\x83", EINVAL, "the emoji form is not supported" },
    { "0000000000000000000000000000000000000000000000000000000000000001",
      EINVAL, "too long" },
};

START_TEST (test_jobid_good)
{
    fluxacct_error_t err = { "" };
    uint64_t id = 777;
    int rc = fluxacct_jobid_parse (jobid_good[_i].s, &id, &err);

    ck_assert_msg (rc == 0, "\"%s\": %s", jobid_good[_i].s, err.text);
    ck_assert_uint_eq (id, jobid_good[_i].id);
}
END_TEST

START_TEST (test_jobid_bad)
{
    fluxacct_error_t err = { "" };
    uint64_t id = 777;
    int rc = fluxacct_jobid_parse (jobid_bad[_i].s, &id, &err);

    ck_fail_with (rc, err, jobid_bad[_i].errnum, jobid_bad[_i].text);
    ck_assert_uint_eq (id, 777);
}
END_TEST

static const struct {
    uint64_t id;
    const char *type;
    const char *text;
} jobid_enc[] = {
    { 0, "dec", "0" },
    { 0, "hex", "0x0" },
    { 0, "dothex", "0000.0000.0000.0000" },
    { 0, "kvs", "job.0000.0000.0000.0000" },
    { 0, "f58", F "1" },
    { 0, "f58plain", "f1" },
    { 1234, "dec", "1234" },
    { 1234, "hex", "0x4d2" },
    { 1234, "dothex", "0000.0000.0000.04d2" },
    { 1234, "kvs", "job.0000.0000.0000.04d2" },
    { 1234, "f58", F "NH" },
    { 1234, "f58plain", "fNH" },
    { UINT64_MAX, "dec", "18446744073709551615" },
    { UINT64_MAX, "hex", "0xffffffffffffffff" },
    { UINT64_MAX, "dothex", "ffff.ffff.ffff.ffff" },
    { UINT64_MAX, "kvs", "job.ffff.ffff.ffff.ffff" },
    { UINT64_MAX, "f58", F "jpXCZedGfVQ" },
    { UINT64_MAX, "f58plain", "fjpXCZedGfVQ" },
    { 0x0123456789abcdefULL, "dothex", "0123.4567.89ab.cdef" },
    { 58, "f58", F "21" },
    { 3364, "f58", F "211" },
};

START_TEST (test_jobid_encode)
{
    fluxacct_error_t err = { "" };
    char buf[FLUXACCT_JOBID_STRSZ];
    uint64_t back;

    ck_assert_int_eq (fluxacct_jobid_encode (jobid_enc[_i].id, jobid_enc[_i].type,
                                             buf, sizeof (buf), &err), 0);
    ck_assert_str_eq (buf, jobid_enc[_i].text);
    ck_assert_int_eq (fluxacct_jobid_parse (buf, &back, &err), 0);
    ck_assert_uint_eq (back, jobid_enc[_i].id);
}
END_TEST

/* Every id encodes and parses back in every type. */
START_TEST (test_jobid_roundtrip)
{
    static const char *types[] = { "dec", "hex", "dothex", "kvs", "f58",
                                   "f58plain" };
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int i;

    for (i = 0; i < 20000; i++) {
        uint64_t id, back;
        size_t t;

        /* edges, powers of 58 and of 2 around them, then an LCG */
        if (i < 64)
            id = (1ULL << i) - 1;
        else if (i < 128)
            id = 1ULL << (i - 64);
        else if (i < 140) {
            id = 1;
            for (t = 0; t < (size_t)(i - 128); t++)
                id *= 58;
            id += (uint64_t)(i % 2) - 1; /* 58^k - 1 and 58^k */
        }
        else if (i == 140)
            id = UINT64_MAX;
        else
            id = x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        for (t = 0; t < N_ELEMENTS (types); t++) {
            char buf[FLUXACCT_JOBID_STRSZ];
            fluxacct_error_t err;

            ck_assert_int_eq (fluxacct_jobid_encode (id, types[t], buf,
                                                     sizeof (buf), &err), 0);
            ck_assert_msg (fluxacct_jobid_parse (buf, &back, &err) == 0,
                           "%s: %s", buf, err.text);
            ck_assert_msg (back == id, "%s %s", types[t], buf);
        }
    }
}
END_TEST

START_TEST (test_jobid_encode_errors)
{
    fluxacct_error_t err = { "" };
    char buf[FLUXACCT_JOBID_STRSZ];

    ck_fail_with (fluxacct_jobid_encode (1, "words", buf, sizeof (buf), &err),
                  err, EINVAL, "type \"words\" is not supported");
    ck_fail_with (fluxacct_jobid_encode (1, "emoji", buf, sizeof (buf), &err),
                  err, EINVAL, "type \"emoji\" is not supported");
    ck_fail_with (fluxacct_jobid_encode (1, "decimal", buf, sizeof (buf), &err),
                  err, EINVAL, "unknown type \"decimal\"");
    ck_fail_with (fluxacct_jobid_encode (1, "", buf, sizeof (buf), &err),
                  err, EINVAL, "unknown type \"\"");
    ck_fail_with (fluxacct_jobid_encode (1, NULL, buf, sizeof (buf), &err),
                  err, EINVAL, "NULL");
    ck_fail_with (fluxacct_jobid_encode (1, "dec", NULL, 10, &err),
                  err, EINVAL, "NULL");
    /* "f58" of 0 is 3 bytes plus the NUL */
    ck_fail_with (fluxacct_jobid_encode (0, "f58", buf, 3, &err), err,
                  EOVERFLOW, "needs 4 bytes");
    ck_assert_int_eq (fluxacct_jobid_encode (0, "f58", buf, 4, &err), 0);
    ck_fail_with (fluxacct_jobid_encode (0, "dec", buf, 0, &err), err,
                  EOVERFLOW, "buffer has 0");
    ck_assert_int_eq (fluxacct_jobid_encode (0, "dec", buf, 2, &err), 0);
    ck_assert_str_eq (buf, "0");
}
END_TEST

START_TEST (test_jobid_badparam)
{
    fluxacct_error_t err = { "" };
    uint64_t id;

    ck_fail_with (fluxacct_jobid_parse (NULL, &id, &err), err, EINVAL, "NULL");
    ck_fail_with (fluxacct_jobid_parse ("1", NULL, &err), err, EINVAL, "NULL");
    errno = 0;
    ck_assert_int_eq (fluxacct_jobid_parse ("x", &id, NULL), -1);
    ck_assert_int_eq (errno, EINVAL);
}
END_TEST

/* ------------------------------------------------------------------------
 */

static Suite *parse_suite (void)
{
    Suite *s = suite_create ("parse");
    TCase *tc;

    tc = tcase_create ("idset");
    tcase_add_loop_test (tc, test_idset_good, 0, N_ELEMENTS (idset_good));
    tcase_add_loop_test (tc, test_idset_bad, 0, N_ELEMENTS (idset_bad));
    tcase_add_test (tc, test_idset_badparam);
    tcase_add_test (tc, test_idset_ranges);
    tcase_add_test (tc, test_idset_many);
    tcase_add_test (tc, test_quote);
    suite_add_tcase (s, tc);

    tc = tcase_create ("R");
    tcase_add_loop_test (tc, test_r_good, 0, N_ELEMENTS (r_good));
    tcase_add_loop_test (tc, test_r_bad, 0, N_ELEMENTS (r_bad));
    tcase_add_test (tc, test_r_json);
    tcase_add_test (tc, test_r_badparam);
    tcase_add_test (tc, test_r_versions);
    suite_add_tcase (s, tc);

    tc = tcase_create ("jobspec");
    tcase_add_loop_test (tc, test_jobspec_good, 0, N_ELEMENTS (js_good));
    tcase_add_loop_test (tc, test_jobspec_bad, 0, N_ELEMENTS (js_bad));
    tcase_add_test (tc, test_jobspec_partial_strings);
    tcase_add_test (tc, test_jobspec_deep);
    tcase_add_test (tc, test_jobspec_json);
    tcase_add_test (tc, test_jobspec_badparam);
    tcase_add_test (tc, test_jobspec_versions);
    suite_add_tcase (s, tc);

    tc = tcase_create ("fsd");
    tcase_add_loop_test (tc, test_fsd_good, 0, N_ELEMENTS (fsd_good));
    tcase_add_loop_test (tc, test_fsd_bad, 0, N_ELEMENTS (fsd_bad));
    tcase_add_loop_test (tc, test_fsd_format, 0, N_ELEMENTS (fsd_fmt));
    tcase_add_test (tc, test_fsd_format_errors);
    tcase_add_test (tc, test_fsd_badparam);
    tcase_add_test (tc, test_parse_decimal);
    tcase_add_test (tc, test_fsd_locale);
    suite_add_tcase (s, tc);

    tc = tcase_create ("time");
    tcase_add_loop_test (tc, test_time_good, 0, N_ELEMENTS (time_good));
    tcase_add_loop_test (tc, test_time_bad, 0, N_ELEMENTS (time_bad));
    tcase_add_test (tc, test_time_local);
    tcase_add_test (tc, test_time_badparam);
    tcase_add_test (tc, test_time_huge_epoch);
    suite_add_tcase (s, tc);

    tc = tcase_create ("jobid");
    tcase_add_loop_test (tc, test_jobid_good, 0, N_ELEMENTS (jobid_good));
    tcase_add_loop_test (tc, test_jobid_bad, 0, N_ELEMENTS (jobid_bad));
    tcase_add_loop_test (tc, test_jobid_encode, 0, N_ELEMENTS (jobid_enc));
    tcase_add_test (tc, test_jobid_roundtrip);
    tcase_add_test (tc, test_jobid_encode_errors);
    tcase_add_test (tc, test_jobid_badparam);
    tcase_set_timeout (tc, 60); /* the round trip under valgrind */
    suite_add_tcase (s, tc);

    return s;
}

int main (void)
{
    SRunner *sr = srunner_create (parse_suite ());
    int failed;

    set_tz ("UTC");
    srunner_run_all (sr, CK_NORMAL);
    failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
