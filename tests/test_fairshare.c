/* Tests for the fair-share engine (semantics.md section 5) and its
 * fairshare-emulate JSON loader and writer (flux-accounting-compat.md 3.5).
 *
 * Expected values are worked out by hand in the comments: S and U are the
 * summed shares and usage of a level, w = (shares/S) / (usage/U).  Among
 * tied users the order is not asserted, only values and ranks. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#include <fluxacct/fairshare.h>

#define TOL 1e-12

/* ---- helpers -------------------------------------------------------- */

/* A node record to fill, initialised. */
static fluxacct_fstree_node_t node0 (void)
{
    fluxacct_fstree_node_t n;
    ck_assert_int_eq (fluxacct_fstree_node_init (&n,
                                                 FLUXACCT_FSTREE_NODE_VERSION),
                      0);
    return n;
}

static void bank (fluxacct_fstree_t *t, const char *name, const char *parent,
                  uint64_t shares, double usage)
{
    fluxacct_error_t e;
    int rc = fluxacct_fstree_add_bank (t, name, parent, shares, usage, &e);
    ck_assert_msg (rc == 0, "add_bank %s: %s", name, e.text);
}

static void user (fluxacct_fstree_t *t, const char *name, const char *parent,
                  uint64_t shares, double usage)
{
    fluxacct_error_t e;
    int rc = fluxacct_fstree_add_user (t, name, parent, shares, usage, &e);
    ck_assert_msg (rc == 0, "add_user %s: %s", name, e.text);
}

static void compute (fluxacct_fstree_t *t)
{
    fluxacct_error_t e;
    ck_assert_msg (fluxacct_fstree_compute (t, &e) == 0, "compute: %s", e.text);
}

static fluxacct_fstree_node_t node_of_user (fluxacct_fstree_t *t, const char *name,
                                       const char *bank_name)
{
    fluxacct_error_t e;
    fluxacct_fstree_node_t info = node0 ();
    int i = fluxacct_fstree_find_user (t, name, bank_name, &e);
    ck_assert_msg (i >= 0, "find_user %s/%s: %s", name, bank_name, e.text);
    ck_assert_int_eq (fluxacct_fstree_node (t, i, &info, &e), 0);
    return info;
}

static fluxacct_fstree_node_t node_of_bank (fluxacct_fstree_t *t, const char *name)
{
    fluxacct_error_t e;
    fluxacct_fstree_node_t info = node0 ();
    int i = fluxacct_fstree_find_bank (t, name, &e);
    ck_assert_msg (i >= 0, "find_bank %s: %s", name, e.text);
    ck_assert_int_eq (fluxacct_fstree_node (t, i, &info, &e), 0);
    return info;
}

/* Assert a user's fair-share and rank. */
static void expect (fluxacct_fstree_t *t, const char *name, const char *bank_name,
                    double fairshare, int rank)
{
    fluxacct_fstree_node_t u = node_of_user (t, name, bank_name);
    ck_assert_msg (fabs (u.fairshare - fairshare) <= TOL, "%s/%s: fairshare %.17g, expected %.17g",
                   name, bank_name, u.fairshare, fairshare);
    ck_assert_msg (u.rank == rank, "%s/%s: rank %d, expected %d", name, bank_name,
                   u.rank, rank);
}

/* The i-th user in visit order is name. */
static void expect_visit (fluxacct_fstree_t *t, int i, const char *name)
{
    fluxacct_fstree_node_t u = node0 ();
    ck_assert_int_eq (fluxacct_fstree_user (t, i, &u, NULL), 0);
    ck_assert_str_eq (u.name, name);
    ck_assert_int_eq (u.user_index, i);
}

static void expect_errno (int rc, int errnum, const fluxacct_error_t *e, const char *text)
{
    ck_assert_int_eq (rc, -1);
    ck_assert_int_eq (errno, errnum);
    if (text)
        ck_assert_msg (strstr (e->text, text) != NULL, "error '%s' lacks '%s'", e->text, text);
}

static char *data_path (const char *name)
{
    const char *dir = getenv ("TEST_DATA_DIR");
    static char path[4096];
    snprintf (path, sizeof (path), "%s/fairshare/%s", dir ? dir : "tests/data", name);
    return path;
}

static char *slurp (const char *path)
{
    FILE *f = fopen (path, "rb");
    ck_assert_msg (f != NULL, "open %s", path);
    fseek (f, 0, SEEK_END);
    long len = ftell (f);
    rewind (f);
    char *s = malloc (len + 1);
    ck_assert (s != NULL);
    ck_assert_int_eq (fread (s, 1, len, f), len);
    s[len] = '\0';
    fclose (f);
    return s;
}

/* ---- hand-worked trees ---------------------------------------------- */

/* root
 *   A (3 shares)  a1 (1, usage 10)  a2 (1, usage 30)
 *   B (1 share)   b1 (1, usage 20)
 * Root level: S = 4, U = 40 + 20 = 60.
 *   w(A) = (3/4) / (40/60) = 1.125;  w(B) = (1/4) / (20/60) = 0.75  -> A first.
 * A: S = 2, U = 40.  w(a1) = 0.5/0.25 = 2;  w(a2) = 0.5/0.75 = 0.667.
 * N = 3: a1 3/3 = 1, a2 2/3, b1 1/3. */
static fluxacct_fstree_t *tree_no_ties (void)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    ck_assert (t != NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 3, NAN);
    bank (t, "B", "root", 1, NAN);
    user (t, "a1", "A", 1, 10);
    user (t, "a2", "A", 1, 30);
    user (t, "b1", "B", 1, 20);
    compute (t);
    return t;
}

START_TEST (test_no_ties)
{
    fluxacct_fstree_t *t = tree_no_ties ();
    expect (t, "a1", "A", 1.0, 3);
    expect (t, "a2", "A", 2.0 / 3, 2);
    expect (t, "b1", "B", 1.0 / 3, 1);
    expect_visit (t, 0, "a1");
    expect_visit (t, 1, "a2");
    expect_visit (t, 2, "b1");
    ck_assert_int_eq (fluxacct_fstree_user_count (t, NULL), 3);
    ck_assert_int_eq (fluxacct_fstree_node_count (t, NULL), 6);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Bank A: u1 (1, 10), u2 (1, 10), u3 (1, 20).  S = 3, U = 40.
 * w(u1) = w(u2) = (1/3) / (10/40) = 1.333;  w(u3) = (1/3) / (20/40) = 0.667.
 * N = 3: u1 and u2 tie at rank 3 (F = 1), the rank drops by 2: u3 1/3. */
START_TEST (test_tied_users)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    user (t, "u3", "A", 1, 20);
    user (t, "u2", "A", 1, 10);
    user (t, "u1", "A", 1, 10);
    compute (t);
    expect (t, "u1", "A", 1.0, 3);
    expect (t, "u2", "A", 1.0, 3);
    expect (t, "u3", "A", 1.0 / 3, 1);
    ck_assert_int_eq (node_of_user (t, "u1", "A").tied, 2);
    ck_assert_int_eq (node_of_user (t, "u3", "A").tied, 1);
    /* Equal nodes of one type go by name, so the output order is fixed. */
    expect_visit (t, 0, "u1");
    expect_visit (t, 1, "u2");
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Weights a few ulps apart are equal.  Bank A: x (3, 0.3), y (1, 0.1),
 * z (7, 0.7), v (1, 0.6).  S = 12, U = 1.7.  w(x) = w(y) = w(z) = 1.41666...
 * in exact arithmetic; in doubles z comes out one ulp above x and y.
 * w(v) = (1/12) / (0.6/1.7) = 0.236.  N = 4: x, y, z tie at 4/4; v 1/4. */
START_TEST (test_tied_users_ulps)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    user (t, "x", "A", 3, 0.3);
    user (t, "y", "A", 1, 0.1);
    user (t, "z", "A", 7, 0.7);
    user (t, "v", "A", 1, 0.6);
    compute (t);
    expect (t, "x", "A", 1.0, 4);
    expect (t, "y", "A", 1.0, 4);
    expect (t, "z", "A", 1.0, 4);
    expect (t, "v", "A", 0.25, 1);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* root: A (1 share), B (1), C (1); all banks.
 *   A: a1 (1, 2), a2 (1, 8)      -> usage 10
 *   B: b1 (1, 2), b2 (1, 8)      -> usage 10
 *   C: c1 (1, 40)                -> usage 40
 * Root: S = 3, U = 60.  w(A) = w(B) = (1/3) / (10/60) = 2; w(C) = (1/3)/(40/60) = 0.5.
 * A and B tie: one virtual level with a1, a2, b1, b2 keeping their weights:
 *   A: S = 2, U = 10: w(a1) = 0.5/0.2 = 2.5, w(a2) = 0.5/0.8 = 0.625; B the same.
 * Pooled: a1 = b1 = 2.5, a2 = b2 = 0.625.  N = 5:
 *   a1, b1: 5/5 = 1; rank 3: a2, b2: 3/5; rank 1: c1 1/5. */
START_TEST (test_tied_banks)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    bank (t, "B", "root", 1, NAN);
    bank (t, "C", "root", 1, NAN);
    user (t, "a1", "A", 1, 2);
    user (t, "a2", "A", 1, 8);
    user (t, "b1", "B", 1, 2);
    user (t, "b2", "B", 1, 8);
    user (t, "c1", "C", 1, 40);
    compute (t);
    expect (t, "a1", "A", 1.0, 5);
    expect (t, "b1", "B", 1.0, 5);
    expect (t, "a2", "A", 0.6, 3);
    expect (t, "b2", "B", 0.6, 3);
    expect (t, "c1", "C", 0.2, 1);
    ck_assert_int_eq (node_of_user (t, "a1", "A").tied, 2);
    ck_assert_int_eq (node_of_bank (t, "A").tied, 2);
    ck_assert_int_eq (node_of_bank (t, "B").tied, 2);
    ck_assert_int_eq (node_of_bank (t, "C").tied, 1);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Tied banks whose children interleave.  root: A (1), B (1).
 *   A: a1 (1, 2), a2 (1, 8)   S = 2, U = 10: w(a1) = 2.5, w(a2) = 0.625
 *   B: b1 (2, 4), b2 (1, 6)   S = 3, U = 10: w(b1) = (2/3)/0.4 = 1.667,
 *                                            w(b2) = (1/3)/0.6 = 0.556
 * Root: S = 2, U = 20: w(A) = w(B) = 1 -> merged.  Pooled order:
 *   a1 2.5, b1 1.667, a2 0.625, b2 0.556 -> 4/4, 3/4, 2/4, 1/4.
 * Visit order is a1 b1 a2 b2; node order stays the real tree:
 *   root A a1 a2 B b1 b2. */
START_TEST (test_tied_banks_interleave)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "B", "root", 1, NAN);
    bank (t, "A", "root", 1, NAN);
    user (t, "b2", "B", 1, 6);
    user (t, "b1", "B", 2, 4);
    user (t, "a2", "A", 1, 8);
    user (t, "a1", "A", 1, 2);
    compute (t);
    expect (t, "a1", "A", 1.0, 4);
    expect (t, "b1", "B", 0.75, 3);
    expect (t, "a2", "A", 0.5, 2);
    expect (t, "b2", "B", 0.25, 1);
    expect_visit (t, 0, "a1");
    expect_visit (t, 1, "b1");
    expect_visit (t, 2, "a2");
    expect_visit (t, 3, "b2");
    const char *order[] = { "root", "A", "a1", "a2", "B", "b1", "b2" };
    for (int i = 0; i < 7; i++) {
        fluxacct_fstree_node_t n = node0 ();
        ck_assert_int_eq (fluxacct_fstree_node (t, i, &n, NULL), 0);
        ck_assert_str_eq (n.name, order[i]);
        ck_assert_int_eq (n.index, i);
    }
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Nested ties merge again.  root: A (1), B (1), each with usage 20.
 *   A: A1 (1) {p (1, 2), q (1, 8)}, A2 (1) {r (1, 10)}
 *   B: B1 (1) {s (1, 10)},          B2 (1) {t (1, 5), v (1, 5)}
 * Root: w(A) = w(B) = (1/2)/(20/40) = 1 -> merged; pooled A1, A2, B1, B2,
 * each (1/2)/(10/20) = 1 against its parent -> all four merged again.
 * Pooled users: p 0.5/0.2 = 2.5, q 0.5/0.8 = 0.625, r 1, s 1,
 * t = v = 0.5/0.5 = 1.  N = 6: p 6/6; r, s, t, v tie at 5/6; rank 1: q 1/6. */
START_TEST (test_tied_banks_nested)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    bank (t, "B", "root", 1, NAN);
    bank (t, "A1", "A", 1, NAN);
    bank (t, "A2", "A", 1, NAN);
    bank (t, "B1", "B", 1, NAN);
    bank (t, "B2", "B", 1, NAN);
    user (t, "p", "A1", 1, 2);
    user (t, "q", "A1", 1, 8);
    user (t, "r", "A2", 1, 10);
    user (t, "s", "B1", 1, 10);
    user (t, "t", "B2", 1, 5);
    user (t, "v", "B2", 1, 5);
    compute (t);
    expect (t, "p", "A1", 1.0, 6);
    expect (t, "r", "A2", 5.0 / 6, 5);
    expect (t, "s", "B1", 5.0 / 6, 5);
    expect (t, "t", "B2", 5.0 / 6, 5);
    expect (t, "v", "B2", 5.0 / 6, 5);
    expect (t, "q", "A1", 1.0 / 6, 1);
    ck_assert_int_eq (node_of_user (t, "r", "A2").tied, 4);
    ck_assert_int_eq (node_of_bank (t, "A1").tied, 4);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* A user and a bank of equal weight do not tie; the user goes first, even
 * when the bank's name sorts first.  root: zed (user, 1, 10) and alpha
 * (bank, 1) holding x1 (1, 10).  S = 2, U = 20: both w = 0.5/0.5 = 1.
 * N = 2: zed 2/2 = 1 (not tied), x1 1/2. */
START_TEST (test_user_bank_equal)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "alpha", "root", 1, NAN);
    user (t, "x1", "alpha", 1, 10);
    user (t, "zed", "root", 1, 10);
    compute (t);
    expect (t, "zed", "root", 1.0, 2);
    expect (t, "x1", "alpha", 0.5, 1);
    fluxacct_fstree_node_t z = node_of_user (t, "zed", "root");
    fluxacct_fstree_node_t a = node_of_bank (t, "alpha");
    ck_assert_int_eq (z.tied, 1);
    ck_assert_int_eq (z.position, 0);
    ck_assert_int_eq (a.position, 1);
    ck_assert_double_eq_tol (z.weight, a.weight, TOL);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Bank A: u1 (0 shares, usage 0), u2 (1, 100), u3 (0, 50).  S = 1, U = 150.
 * Shares 0 gives w = 0 even with zero usage: w(u1) = w(u3) = 0,
 * w(u2) = 1 / (100/150) = 1.5.  N = 3: u2 1; u1, u3 tie at 2/3. */
START_TEST (test_zero_shares)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    user (t, "u1", "A", 0, 0);
    user (t, "u2", "A", 1, 100);
    user (t, "u3", "A", 0, 50);
    compute (t);
    expect (t, "u2", "A", 1.0, 3);
    expect (t, "u1", "A", 2.0 / 3, 2);
    expect (t, "u3", "A", 2.0 / 3, 2);
    ck_assert_double_eq (node_of_user (t, "u1", "A").weight, 0);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* No usage anywhere: every weight is +inf, banks A and B tie and merge,
 * their users all tie: N = 3, everybody 3/3 = 1.
 * Then r1 (usage 0) joins beside the banks: it is not tied with them (a
 * user before a bank), so r1 gets 4/4 and the bank members 3/4. */
START_TEST (test_zero_usage)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    bank (t, "B", "root", 2, NAN);
    user (t, "a1", "A", 1, 0);
    user (t, "a2", "A", 5, 0);
    user (t, "b1", "B", 1, 0);
    compute (t);
    expect (t, "a1", "A", 1.0, 3);
    expect (t, "a2", "A", 1.0, 3);
    expect (t, "b1", "B", 1.0, 3);
    ck_assert (isinf (node_of_bank (t, "A").weight));
    /* No usage at all: the usage fractions are 0, not NaN. */
    ck_assert_double_eq (node_of_bank (t, "A").norm_usage, 0);
    ck_assert_double_eq (node_of_bank (t, "A").level_usage, 0);

    user (t, "r1", "root", 1, 0);
    compute (t);
    expect (t, "r1", "root", 1.0, 4);
    expect (t, "a1", "A", 0.75, 3);
    expect (t, "a2", "A", 0.75, 3);
    expect (t, "b1", "B", 0.75, 3);
    fluxacct_fstree_destroy (t);
}
END_TEST

START_TEST (test_single_user)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    user (t, "only", "root", 1, 5);
    compute (t);
    expect (t, "only", "root", 1.0, 1);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* A tree with a root and no users computes to nothing. */
START_TEST (test_no_users)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    compute (t);
    ck_assert_int_eq (fluxacct_fstree_user_count (t, NULL), 0);
    ck_assert_int_eq (fluxacct_fstree_node_count (t, NULL), 2);
    char *json = fluxacct_fstree_results_json (t, NULL);
    ck_assert_str_eq (json, "[]");
    free (json);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Banks without users.  root: A (1) {a1 (1, 10)}, E (1) empty, F (1) empty.
 * E and F have usage 0 -> w = inf, they tie, merge, and hold nobody.
 * w(A) = 1/3 / 1 = 0.333.  N = 1: a1 1. */
START_TEST (test_bank_without_users)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    bank (t, "E", "root", 1, NAN);
    bank (t, "F", "root", 1, NAN);
    user (t, "a1", "A", 1, 10);
    compute (t);
    expect (t, "a1", "A", 1.0, 1);
    fluxacct_fstree_node_t e = node_of_bank (t, "E");
    ck_assert (isinf (e.weight));
    ck_assert_int_eq (e.position, 0);
    ck_assert_int_eq (e.tied, 2);
    ck_assert (isnan (e.fairshare));
    ck_assert_int_eq (node_of_bank (t, "A").position, 2);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Users beside sub-banks.  root: r1 (user, 1, 50), A (bank, 1) {a1 (1, 10)}.
 * S = 2, U = 60: w(r1) = 0.5 / (50/60) = 0.6, w(A) = 0.5 / (10/60) = 3.
 * N = 2: a1 1, r1 1/2. */
START_TEST (test_users_beside_banks)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    user (t, "r1", "root", 1, 50);
    bank (t, "A", "root", 1, NAN);
    user (t, "a1", "A", 1, 10);
    compute (t);
    expect (t, "a1", "A", 1.0, 2);
    expect (t, "r1", "root", 0.5, 1);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Given bank usage against NAN.  root: A (1) {a1 (1, 10)}, B (1) {b1 (1, 30)}.
 * A given 90 (a roll-up with members not in the tree): root U = 90 + 30 = 120,
 *   w(A) = 0.5/0.75 = 0.667, w(B) = 0.5/0.25 = 2 -> b1 1, a1 1/2;
 *   root usage (NAN) is 120, so A's norm usage is 90/120 = 0.75.
 * A as NAN (= 10): U = 40, w(A) = 0.5/0.25 = 2, w(B) = 0.667 -> a1 1, b1 1/2. */
static fluxacct_fstree_t *tree_given (double usage_a)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, usage_a);
    bank (t, "B", "root", 1, NAN);
    user (t, "a1", "A", 1, 10);
    user (t, "b1", "B", 1, 30);
    compute (t);
    return t;
}

START_TEST (test_bank_usage_given)
{
    fluxacct_fstree_t *t = tree_given (90);
    expect (t, "b1", "B", 1.0, 2);
    expect (t, "a1", "A", 0.5, 1);
    fluxacct_fstree_node_t a = node_of_bank (t, "A");
    ck_assert_double_eq (a.usage, 90);
    ck_assert_double_eq_tol (a.norm_usage, 0.75, TOL);
    ck_assert_double_eq (node_of_bank (t, "root").usage, 120);
    fluxacct_fstree_destroy (t);

    t = tree_given (NAN);
    expect (t, "a1", "A", 1.0, 2);
    expect (t, "b1", "B", 0.5, 1);
    ck_assert_double_eq (node_of_bank (t, "A").usage, 10);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Large and tiny usages keep their order.  Bank A, all 1 share:
 * u0 usage 0 (w = inf), u1 1e-10, u2 1e-9, u3 2e-9, u4 1e10, u5 1e12,
 * u6 1e15, u7 1.000001e15.  Equal shares: w falls as usage rises, and no
 * two are within 4 ulps.  N = 8: u0 8/8, u1 7/8, ... u7 1/8. */
START_TEST (test_usage_extremes)
{
    static const double usage[] = { 0, 1e-10, 1e-9, 2e-9, 1e10, 1e12, 1e15, 1.000001e15 };
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    char name[8];

    bank (t, "root", NULL, 1, NAN);
    bank (t, "A", "root", 1, NAN);
    /* Added in reverse, so only the weights can put them in order. */
    for (int i = 7; i >= 0; i--) {
        snprintf (name, sizeof (name), "u%d", i);
        user (t, name, "A", 1, usage[i]);
    }
    compute (t);
    for (int i = 0; i < 8; i++) {
        snprintf (name, sizeof (name), "u%d", i);
        expect (t, name, "A", (8.0 - i) / 8, 8 - i);
        expect_visit (t, i, name);
    }
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Deep chain: bank Bk holds user uk (1, 1) and bank B(k+1); the last bank
 * holds only its user.  At every level the user has usage 1 and the bank
 * the sum of the users below it (>= 1), both 1 share, so the user's weight
 * is at least the bank's and the user goes first (at the bottom they are
 * equal: a user before a bank).  Visit order u0 u1 ... uD, F(uk) =
 * (N - k) / N with N = D + 1.  D = 10000 also shows the walk needs no deep
 * recursion. */
START_TEST (test_deep_chain)
{
    enum { D = 10000 };
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    char b[16], p[16], u[16];

    bank (t, "B0", NULL, 1, NAN);
    for (int k = 0; k <= D; k++) {
        snprintf (b, sizeof (b), "B%d", k);
        snprintf (u, sizeof (u), "u%d", k);
        user (t, u, b, 1, 1);
        if (k < D) {
            snprintf (p, sizeof (p), "B%d", k + 1);
            bank (t, p, b, 1, NAN);
        }
    }
    compute (t);
    int n = D + 1;
    int probes[] = { 0, 1, D / 2, D - 1, D };
    for (size_t i = 0; i < sizeof (probes) / sizeof (probes[0]); i++) {
        int k = probes[i];
        snprintf (b, sizeof (b), "B%d", k);
        snprintf (u, sizeof (u), "u%d", k);
        expect (t, u, b, (double)(n - k) / n, n - k);
        expect_visit (t, k, u);
        ck_assert_int_eq (node_of_user (t, u, b).depth, k + 1);
    }
    fluxacct_fstree_destroy (t);
}
END_TEST

/* The results depend on the tree, not on the order it was built in: the
 * same 60 users (many tied) under 6 banks, added forwards and backwards,
 * give the same visit order and values. */
static fluxacct_fstree_t *tree_ordered (bool reverse)
{
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    char name[16], parent[16];

    bank (t, "root", NULL, 1, NAN);
    static const int fwd[] = { 0, 1, 2, 3, 4, 5 }, rev[] = { 1, 0, 5, 4, 3, 2 };
    for (int k = 0; k < 6; k++) {
        int b = reverse ? rev[k] : fwd[k];
        snprintf (name, sizeof (name), "bank%d", b);
        bank (t, name, b < 2 ? "root" : (b % 2 ? "bank1" : "bank0"), 1 + b % 2, NAN);
    }
    for (int k = 0; k < 60; k++) {
        int i = reverse ? 59 - k : k;
        snprintf (name, sizeof (name), "user%d", i % 20);
        snprintf (parent, sizeof (parent), "bank%d", i % 6);
        user (t, name, parent, 1 + i % 3, (double)(i % 4) * 0.1);
    }
    compute (t);
    return t;
}

START_TEST (test_insertion_order)
{
    fluxacct_fstree_t *a = tree_ordered (false);
    fluxacct_fstree_t *b = tree_ordered (true);
    fluxacct_fstree_node_t x = node0 (), y = node0 ();

    ck_assert_int_eq (fluxacct_fstree_user_count (a, NULL), 60);
    for (int i = 0; i < 60; i++) {
        ck_assert_int_eq (fluxacct_fstree_user (a, i, &x, NULL), 0);
        ck_assert_int_eq (fluxacct_fstree_user (b, i, &y, NULL), 0);
        ck_assert_str_eq (x.name, y.name);
        ck_assert_str_eq (x.bank, y.bank);
        ck_assert_int_eq (x.rank, y.rank);
        ck_assert_int_eq (x.tied, y.tied);
        ck_assert_int_eq (x.index, y.index);
    }
    fluxacct_fstree_destroy (a);
    fluxacct_fstree_destroy (b);
}
END_TEST

/* ---- node details --------------------------------------------------- */

/* tree_no_ties, node by node (root usage = 60):
 * idx name  depth parent lvl_sh  lvl_us  w      pos/sib norm_sh norm_us F
 * 0   root  0     -1     1       1       1      0/1     1       1       -
 * 1   A     1     0      3/4     40/60   1.125  0/2     0.75    40/60   -
 * 2   a1    2     1      1/2     10/40   2      0/2     0.375   10/60   1
 * 3   a2    2     1      1/2     30/40   0.667  1/2     0.375   30/60   2/3
 * 4   B     1     0      1/4     20/60   0.75   1/2     0.25    20/60   -
 * 5   b1    2     4      1       1       1      0/1     0.25    20/60   1/3 */
START_TEST (test_node_details)
{
    static const struct {
        const char *name, *bank;
        int type, depth, parent;
        double ls, lu, w;
        int pos, sib;
        double ns, nu, fs;
        int rank, uidx;
    } x[] = {
        { "root", NULL, FLUXACCT_FSTREE_BANK, 0, -1, 1, 1, 1, 0, 1, 1, 1, NAN, 0, -1 },
        { "A", "root", FLUXACCT_FSTREE_BANK, 1, 0, 0.75, 40.0 / 60, 1.125, 0, 2, 0.75,
          40.0 / 60, NAN, 0, -1 },
        { "a1", "A", FLUXACCT_FSTREE_USER, 2, 1, 0.5, 0.25, 2, 0, 2, 0.375, 10.0 / 60, 1,
          3, 0 },
        { "a2", "A", FLUXACCT_FSTREE_USER, 2, 1, 0.5, 0.75, 2.0 / 3, 1, 2, 0.375, 0.5,
          2.0 / 3, 2, 1 },
        { "B", "root", FLUXACCT_FSTREE_BANK, 1, 0, 0.25, 1.0 / 3, 0.75, 1, 2, 0.25,
          1.0 / 3, NAN, 0, -1 },
        { "b1", "B", FLUXACCT_FSTREE_USER, 2, 4, 1, 1, 1, 0, 1, 0.25, 1.0 / 3, 1.0 / 3, 1,
          2 },
    };
    fluxacct_fstree_t *t = tree_no_ties ();
    fluxacct_fstree_node_t n = node0 ();

    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq (fluxacct_fstree_node (t, i, &n, NULL), 0);
        ck_assert_int_eq (n.index, i);
        ck_assert_str_eq (n.name, x[i].name);
        if (x[i].bank)
            ck_assert_str_eq (n.bank, x[i].bank);
        else
            ck_assert_ptr_null (n.bank);
        ck_assert_int_eq (n.type, x[i].type);
        ck_assert_int_eq (n.depth, x[i].depth);
        ck_assert_int_eq (n.parent, x[i].parent);
        ck_assert_double_eq_tol (n.level_shares, x[i].ls, TOL);
        ck_assert_double_eq_tol (n.level_usage, x[i].lu, TOL);
        ck_assert_double_eq_tol (n.weight, x[i].w, TOL);
        ck_assert_int_eq (n.position, x[i].pos);
        ck_assert_int_eq (n.siblings, x[i].sib);
        ck_assert_double_eq_tol (n.norm_shares, x[i].ns, TOL);
        ck_assert_double_eq_tol (n.norm_usage, x[i].nu, TOL);
        if (isnan (x[i].fs))
            ck_assert (isnan (n.fairshare));
        else
            ck_assert_double_eq_tol (n.fairshare, x[i].fs, TOL);
        ck_assert_int_eq (n.rank, x[i].rank);
        ck_assert_int_eq (n.user_index, x[i].uidx);
        ck_assert_int_eq (n.tied, 1);
    }
    ck_assert_double_eq (node_of_bank (t, "root").usage, 60);
    ck_assert_uint_eq (node_of_bank (t, "A").shares, 3);
    /* fluxacct_fstree_user gives the same record as the node lookup. */
    ck_assert_int_eq (fluxacct_fstree_user (t, 1, &n, NULL), 0);
    ck_assert_int_eq (n.index, 3);
    ck_assert_double_eq (n.usage, 30);
    /* The path from a user up to the root. */
    int i = fluxacct_fstree_find_user (t, "b1", "B", NULL);
    ck_assert_int_eq (i, 5);
    const char *path[] = { "b1", "B", "root" };
    for (int k = 0; i >= 0; k++) {
        ck_assert_int_eq (fluxacct_fstree_node (t, i, &n, NULL), 0);
        ck_assert_str_eq (n.name, path[k]);
        i = n.parent;
    }
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Changing a computed tree discards the results until the next compute. */
START_TEST (test_recompute)
{
    fluxacct_error_t e;
    fluxacct_fstree_node_t n = node0 ();
    fluxacct_fstree_t *t = tree_no_ties ();
    const char *name = node_of_user (t, "a1", "A").name;

    /* b2 (1, 0) joins B: w = inf against b1, so b2 goes first in B;
     * N = 4: a1 4/4, a2 3/4, b2 2/4, b1 1/4. */
    user (t, "b2", "B", 1, 0);
    expect_errno (fluxacct_fstree_node (t, 0, &n, &e), EINVAL, &e, "not computed");
    expect_errno (fluxacct_fstree_user (t, 0, &n, &e), EINVAL, &e, "not computed");
    expect_errno (fluxacct_fstree_find_user (t, "a1", "A", &e), EINVAL, &e, "not computed");
    expect_errno (fluxacct_fstree_find_bank (t, "A", &e), EINVAL, &e, "not computed");
    ck_assert_ptr_null (fluxacct_fstree_results_json (t, &e));
    ck_assert_int_eq (errno, EINVAL);
    compute (t);
    expect (t, "a1", "A", 1.0, 4);
    expect (t, "a2", "A", 0.75, 3);
    expect (t, "b2", "B", 0.5, 2);
    expect (t, "b1", "B", 0.25, 1);
    /* Names handed out before stay valid. */
    ck_assert_str_eq (name, "a1");
    compute (t);
    expect (t, "b1", "B", 0.25, 1);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* ---- errors --------------------------------------------------------- */

START_TEST (test_errors_build)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_create (&e);

    ck_assert (t != NULL);
    errno = 42;
    fluxacct_fstree_destroy (NULL);
    ck_assert_int_eq (errno, 42);

    expect_errno (fluxacct_fstree_add_bank (NULL, "r", NULL, 1, NAN, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_add_bank (t, NULL, NULL, 1, NAN, &e), EINVAL, &e,
                  "bank name is NULL");
    expect_errno (fluxacct_fstree_add_bank (t, "", NULL, 1, NAN, &e), EINVAL, &e,
                  "bank name is empty");
    expect_errno (fluxacct_fstree_add_bank (t, "r", NULL, 1, -1, &e), EINVAL, &e, "'r'");
    expect_errno (fluxacct_fstree_add_bank (t, "r", NULL, 1, INFINITY, &e), EINVAL, &e,
                  "'r'");
    /* Without a root nothing can be a parent. */
    expect_errno (fluxacct_fstree_add_bank (t, "A", "root", 1, NAN, &e), ENOENT, &e,
                  "bank 'root' (parent of 'A') not found");
    expect_errno (fluxacct_fstree_compute (t, &e), EINVAL, &e, "no root bank");
    bank (t, "root", NULL, 1, NAN);
    expect_errno (fluxacct_fstree_add_bank (t, "other", NULL, 1, NAN, &e), EEXIST, &e,
                  "root bank 'root' already exists");
    expect_errno (fluxacct_fstree_add_bank (t, "root", "root", 1, NAN, &e), EEXIST, &e,
                  "bank 'root' already exists");
    expect_errno (fluxacct_fstree_add_bank (t, "A", "", 1, NAN, &e), EINVAL, &e,
                  "parent bank name is empty");
    bank (t, "A", "root", 1, NAN);
    expect_errno (fluxacct_fstree_add_bank (t, "A", "root", 1, NAN, &e), EEXIST, &e,
                  "bank 'A' already exists");

    expect_errno (fluxacct_fstree_add_user (NULL, "u", "A", 1, 0, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_add_user (t, NULL, "A", 1, 0, &e), EINVAL, &e,
                  "username is NULL");
    expect_errno (fluxacct_fstree_add_user (t, "", "A", 1, 0, &e), EINVAL, &e,
                  "username is empty");
    expect_errno (fluxacct_fstree_add_user (t, "u", NULL, 1, 0, &e), EINVAL, &e,
                  "bank name is NULL");
    expect_errno (fluxacct_fstree_add_user (t, "u", "A", 1, -0.5, &e), EINVAL, &e,
                  "user 'u' in bank 'A'");
    expect_errno (fluxacct_fstree_add_user (t, "u", "A", 1, NAN, &e), EINVAL, &e,
                  "user 'u' in bank 'A'");
    expect_errno (fluxacct_fstree_add_user (t, "u", "A", 1, INFINITY, &e), EINVAL, &e,
                  "user 'u' in bank 'A'");
    expect_errno (fluxacct_fstree_add_user (t, "u", "nope", 1, 0, &e), ENOENT, &e,
                  "bank 'nope' (parent of 'u') not found");
    user (t, "u", "A", 1, 0);
    expect_errno (fluxacct_fstree_add_user (t, "u", "A", 1, 0, &e), EEXIST, &e,
                  "user 'u' already exists in bank 'A'");
    /* The same user in another bank is another association; a user may
     * share a name with a bank. */
    user (t, "u", "root", 1, 0);
    user (t, "A", "A", 1, 0);
    /* Errors without an error buffer still set errno. */
    expect_errno (fluxacct_fstree_add_user (t, "u", "A", 1, 0, NULL), EEXIST, NULL, NULL);
    ck_assert_int_eq (fluxacct_fstree_user_count (t, NULL), 3);
    fluxacct_fstree_destroy (t);
}
END_TEST

START_TEST (test_errors_compute)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);

    expect_errno (fluxacct_fstree_compute (NULL, &e), EINVAL, &e, "NULL");
    /* Two usages near DBL_MAX: their sum overflows. */
    bank (t, "root", NULL, 1, NAN);
    user (t, "a", "root", 1, 1e308);
    user (t, "b", "root", 1, 1e308);
    expect_errno (fluxacct_fstree_compute (t, &e), EINVAL, &e, "bank 'root'");
    fluxacct_fstree_destroy (t);
}
END_TEST

START_TEST (test_errors_results)
{
    fluxacct_error_t e;
    fluxacct_fstree_node_t n = node0 ();
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);

    expect_errno (fluxacct_fstree_user_count (NULL, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_node_count (NULL, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_node (NULL, 0, &n, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_user (NULL, 0, &n, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_find_user (NULL, "u", "A", &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_find_bank (NULL, "A", &e), EINVAL, &e, "NULL");
    ck_assert_ptr_null (fluxacct_fstree_results_json (NULL, &e));
    ck_assert_int_eq (errno, EINVAL);
    /* Created but never computed. */
    ck_assert_int_eq (fluxacct_fstree_user_count (t, &e), 0);
    expect_errno (fluxacct_fstree_node (t, 0, &n, &e), EINVAL, &e, "not computed");
    fluxacct_fstree_destroy (t);

    t = tree_no_ties ();
    expect_errno (fluxacct_fstree_node (t, 0, NULL, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_node (t, -1, &n, &e), EINVAL, &e, "out of range");
    expect_errno (fluxacct_fstree_node (t, 6, &n, &e), EINVAL, &e, "node index 6");
    expect_errno (fluxacct_fstree_user (t, 0, NULL, &e), EINVAL, &e, "NULL");
    expect_errno (fluxacct_fstree_user (t, -1, &n, &e), EINVAL, &e, "out of range");
    expect_errno (fluxacct_fstree_user (t, 3, &n, &e), EINVAL, &e, "user index 3");
    expect_errno (fluxacct_fstree_find_user (t, NULL, "A", &e), EINVAL, &e, "username");
    expect_errno (fluxacct_fstree_find_user (t, "a1", NULL, &e), EINVAL, &e, "bank name");
    expect_errno (fluxacct_fstree_find_user (t, "a1", "Z", &e), ENOENT, &e,
                  "bank 'Z' not found");
    expect_errno (fluxacct_fstree_find_user (t, "b1", "A", &e), ENOENT, &e,
                  "user 'b1' not found in bank 'A'");
    expect_errno (fluxacct_fstree_find_bank (t, NULL, &e), EINVAL, &e, "bank name");
    expect_errno (fluxacct_fstree_find_bank (t, "a1", &e), ENOENT, &e,
                  "bank 'a1' not found");
    fluxacct_fstree_destroy (t);
}
END_TEST

/* ---- JSON ----------------------------------------------------------- */

/* Load text and expect failure with errno and exactly this message. */
static void json_fails (const char *text, int errnum, const char *msg)
{
    fluxacct_error_t e;
    errno = 0;
    fluxacct_fstree_t *t = fluxacct_fstree_load_json (text, &e);
    ck_assert_msg (t == NULL, "loaded: %s", text);
    ck_assert_int_eq (errno, errnum);
    ck_assert_str_eq (e.text, msg);
}

START_TEST (test_json_errors)
{
    fluxacct_error_t e;

    json_fails ("{\"x\": 1}", EINVAL, "ValueError: JSON must contain 'root' key");
    json_fails ("[{\"root\": 1}]", EINVAL, "ValueError: JSON must contain 'root' key");
    json_fails ("42", EINVAL, "ValueError: JSON must contain 'root' key");
    json_fails ("{\"root\": {\"shares\": 1}}", EINVAL,
                "ValueError: Node must have 'username' or 'bank' key");
    json_fails ("{\"root\": {\"bank\": \"\"}}", EINVAL,
                "ValueError: Node must have 'username' or 'bank' key");
    json_fails ("{\"root\": {\"bank\": \"r\", \"children\": [{\"bank\": null}]}}", EINVAL,
                "ValueError: Node must have 'username' or 'bank' key");
    json_fails ("{\"root\": {\"bank\": \"r\"}}", EINVAL,
                "ValueError: no users found in input");
    json_fails ("{\"root\": {\"bank\": \"r\", \"children\": [{\"bank\": \"a\"}]}}", EINVAL,
                "ValueError: no users found in input");

    /* jansson's message with its position. */
    ck_assert_ptr_null (fluxacct_fstree_load_json ("{\"root\": ", &e));
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_str_eq (e.text, "JSONDecodeError: invalid JSON in input file: "
                              "unexpected token near end of file (line 1, column 9)");
    ck_assert_ptr_null (fluxacct_fstree_load_json ("", &e));
    ck_assert_msg (strncmp (e.text, "JSONDecodeError: invalid JSON in input file: ", 45) == 0,
                   "%s", e.text);
    ck_assert_ptr_null (fluxacct_fstree_load_json (NULL, &e));
    ck_assert_int_eq (errno, EINVAL);

    /* Values and types, each naming the node. */
#define R(kids) "{\"root\": {\"bank\": \"r\", \"children\": [" kids "]}}"
    json_fails (R ("{\"username\": \"u\", \"shares\": -1}"), EINVAL,
                "ValueError: user 'u' in bank 'r': shares must be >= 0");
    json_fails (R ("{\"username\": \"u\", \"shares\": 1.5}"), EINVAL,
                "ValueError: user 'u' in bank 'r': shares must be an integer");
    json_fails (R ("{\"username\": \"u\", \"shares\": 2.0}"), EINVAL,
                "ValueError: user 'u' in bank 'r': shares must be an integer");
    json_fails (R ("{\"username\": \"u\", \"shares\": \"1\"}"), EINVAL,
                "ValueError: user 'u' in bank 'r': shares must be an integer");
    json_fails (R ("{\"username\": \"u\", \"usage\": -0.5}"), EINVAL,
                "ValueError: user 'u' in bank 'r': usage must be >= 0");
    json_fails (R ("{\"username\": \"u\", \"usage\": \"5\"}"), EINVAL,
                "ValueError: user 'u' in bank 'r': usage must be a number");
    json_fails (R ("{\"username\": \"u\", \"usage\": null}"), EINVAL,
                "ValueError: user 'u' in bank 'r': usage must be a number");
    json_fails (R ("{\"bank\": \"a\", \"shares\": -2}"), EINVAL,
                "ValueError: bank 'a': shares must be >= 0");
    json_fails (R ("{\"bank\": \"a\", \"usage\": -1}"), EINVAL,
                "ValueError: bank 'a': usage must be >= 0");
    json_fails (R ("{\"bank\": \"a\", \"children\": {}}"), EINVAL,
                "ValueError: bank 'a': children must be a list");
    json_fails (R ("{\"username\": \"u\", \"children\": [{\"username\": \"v\"}]}"), EINVAL,
                "ValueError: user 'u' in bank 'r': a user cannot have children");
    json_fails (R ("17"), EINVAL, "ValueError: a child of bank 'r' is not an object");
    json_fails (R ("{\"username\": 5}"), EINVAL,
                "ValueError: a child of bank 'r': 'username' must be a string");
    json_fails ("{\"root\": {\"bank\": 5}}", EINVAL,
                "ValueError: root: 'bank' must be a string");
    json_fails ("{\"root\": [1]}", EINVAL, "ValueError: 'root' must be an object");
    json_fails ("{\"root\": {\"username\": \"u\"}}", EINVAL,
                "ValueError: root node 'u' must be a bank");
    json_fails (R ("{\"bank\": \"a\"}, {\"bank\": \"a\"}"), EINVAL,
                "ValueError: bank 'a' already exists");
    json_fails (R ("{\"bank\": \"r\"}"), EINVAL, "ValueError: bank 'r' already exists");
    json_fails (R ("{\"username\": \"u\"}, {\"username\": \"u\", \"usage\": 3}"), EINVAL,
                "ValueError: user 'u' already exists in bank 'r'");
#undef R
}
END_TEST

START_TEST (test_json_file_errors)
{
    fluxacct_error_t e;

    ck_assert_ptr_null (fluxacct_fstree_load_json_file ("/nonexistent/fs.json", &e));
    ck_assert_int_eq (errno, ENOENT);
    ck_assert_str_eq (e.text, "FileNotFoundError: input file not found: /nonexistent/fs.json");
    ck_assert_ptr_null (fluxacct_fstree_load_json_file (data_path ("invalid.json"), &e));
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_str_eq (e.text, "JSONDecodeError: invalid JSON in input file: "
                              "']' expected near end of file (line 3, column 0)");
    ck_assert_ptr_null (fluxacct_fstree_load_json_file (NULL, &e));
    ck_assert_int_eq (errno, EINVAL);
    /* A directory opens but cannot be read. */
    ck_assert_ptr_null (fluxacct_fstree_load_json_file ("/", &e));
    ck_assert_int_eq (errno, EISDIR);
    ck_assert_msg (strstr (e.text, "cannot read input file /") != NULL, "%s", e.text);
}
END_TEST

/* small.json holds tree_no_ties' shape with a tie in B:
 *   root: A (3) {a1 (1, 10), a2 (1, 30)} = 40;  B (1) {b1 (2, 5.0),
 *   b2 (1, 2.5), b3 (1, 12.5)} = 20.
 * Root: w(A) = 0.75/(40/60) = 1.125 before w(B) = 0.25/(20/60) = 0.75.
 * A: a1 2, a2 0.667.  B: S = 4, U = 20: w(b1) = 0.5/0.25 = 2,
 * w(b2) = 0.25/0.125 = 2, w(b3) = 0.25/0.625 = 0.4.
 * N = 5: a1 1, a2 0.8, b1 = b2 = 0.6 (tie, rank 3), b3 0.2.
 * small.expected.json is that, as fairshare-emulate --json prints it. */
static void check_json_file (const char *input, const char *expected_file)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_load_json_file (data_path (input), &e);
    ck_assert_msg (t != NULL, "%s: %s", input, e.text);
    compute (t);
    char *out = fluxacct_fstree_results_json (t, &e);
    ck_assert_msg (out != NULL, "%s", e.text);
    char *expected = slurp (data_path (expected_file));
    size_t len = strlen (expected);
    if (len > 0 && expected[len - 1] == '\n')
        expected[len - 1] = '\0';
    ck_assert_str_eq (out, expected);
    free (expected);
    free (out);
    fluxacct_fstree_destroy (t);
}

START_TEST (test_json_small)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_load_json_file (data_path ("small.json"), &e);

    ck_assert_msg (t != NULL, "%s", e.text);
    compute (t);
    expect (t, "a1", "A", 1.0, 5);
    expect (t, "a2", "A", 0.8, 4);
    expect (t, "b1", "B", 0.6, 3);
    expect (t, "b2", "B", 0.6, 3);
    expect (t, "b3", "B", 0.2, 1);
    ck_assert_uint_eq (node_of_user (t, "b1", "B").shares, 2);
    fluxacct_fstree_destroy (t);
    check_json_file ("small.json", "small.expected.json");
}
END_TEST

/* repr.json: ten users of 1 share in one bank, usage rising from the
 * default 0.0 to 3e300, so F falls 1.0, 0.9, ... 0.1 in input order; the
 * expected output shows Python's float forms (0.0, 1e-05, 0.0001, 100 kept
 * an integer, 1000000000000000.0, 1e+16, 1.5e+300) and a \u00e9 escape. */
START_TEST (test_json_repr)
{
    check_json_file ("repr.json", "repr.expected.json");
}
END_TEST

/* Defaults: shares 1, user usage 0.0, bank usage the sum of its children.
 * root: A {a (usage 30)} (A's usage: 30), B (given 10) {b (usage 30)}, z
 * (usage 0).  S = 3, U = 30 + 10 + 0 = 40 (also the root's usage):
 * w(z) = inf, w(B) = (1/3)/(10/40) = 1.333, w(A) = (1/3)/(30/40) = 0.444. */
START_TEST (test_json_defaults)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_load_json (
        "{\"root\": {\"bank\": \"root\", \"children\": ["
        " {\"bank\": \"A\", \"children\": [{\"username\": \"a\", \"usage\": 30}]},"
        " {\"bank\": \"B\", \"usage\": 10, \"children\": [{\"username\": \"b\", \"usage\": 30}]},"
        " {\"username\": \"z\"}"
        "], \"unknown key\": true}}",
        &e);

    ck_assert_msg (t != NULL, "%s", e.text);
    compute (t);
    /* N = 3: z 1, b 2/3, a 1/3. */
    expect (t, "z", "root", 1.0, 3);
    expect (t, "b", "B", 2.0 / 3, 2);
    expect (t, "a", "A", 1.0 / 3, 1);
    ck_assert_uint_eq (node_of_bank (t, "A").shares, 1);
    ck_assert_double_eq (node_of_bank (t, "A").usage, 30);
    ck_assert_double_eq (node_of_bank (t, "B").usage, 10);
    ck_assert_double_eq (node_of_bank (t, "root").usage, 40);
    ck_assert_double_eq (node_of_user (t, "z", "root").usage, 0);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* The writer escapes names as Python's json.dumps does. */
START_TEST (test_json_escapes)
{
    fluxacct_error_t e;
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);

    bank (t, "root", NULL, 1, NAN);
    user (t, "tab\there\x01\x7f\xf0\x9f\x98\x80\"\\/", "root", 7, 2.5);
    compute (t);
    char *out = fluxacct_fstree_results_json (t, &e);
    ck_assert_str_eq (out,
                      "[\n  {\n"
                      "    \"username\": \"tab\\there\\u0001\\u007f\\ud83d\\ude00\\\"\\\\/\",\n"
                      "    \"bank\": \"root\",\n"
                      "    \"shares\": 7,\n"
                      "    \"usage\": 2.5,\n"
                      "    \"fairshare\": 1.0\n"
                      "  }\n]");
    free (out);
    /* A name that is not UTF-8 cannot be written. */
    user (t, "bad\xff", "root", 1, 1);
    compute (t);
    ck_assert_ptr_null (fluxacct_fstree_results_json (t, &e));
    ck_assert_int_eq (errno, EINVAL);
    ck_assert_msg (strstr (e.text, "not UTF-8") != NULL, "%s", e.text);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* Float forms that need more than rounding to 15 digits, as Python's
 * repr() prints them: powers of two, where the interval of reals that
 * round to the double is lopsided (2^-44, 2^803), and subnormals. */
START_TEST (test_json_float_repr)
{
    static const struct {
        double v;
        const char *text;
    } x[] = {
        { 0x1p-44, "\"usage\": 5.684341886080802e-14," },
        { 0x1p803, "\"usage\": 5.334411546303884e+241," },
        { 0x0.00004p-1022, "\"usage\": 8.487983164e-314," },
        { 0x0.0000000000080p-1022, "\"usage\": 6.3e-322," },
        { 0.1 + 0.2, "\"usage\": 0.30000000000000004," },
        { 123456789012345678.0, "\"usage\": 1.2345678901234568e+17," },
        { 1e22, "\"usage\": 1e+22," },
        { 5e-324, "\"usage\": 5e-324," },
    };
    int n = sizeof (x) / sizeof (x[0]);
    fluxacct_fstree_t *t = fluxacct_fstree_create (NULL);
    char name[16];

    bank (t, "root", NULL, 1, NAN);
    for (int i = 0; i < n; i++) {
        snprintf (name, sizeof (name), "u%d", i);
        user (t, name, "root", 1, x[i].v);
    }
    compute (t);
    char *out = fluxacct_fstree_results_json (t, NULL);
    ck_assert (out != NULL);
    for (int i = 0; i < n; i++)
        ck_assert_msg (strstr (out, x[i].text) != NULL, "missing %s", x[i].text);
    free (out);
    fluxacct_fstree_destroy (t);
}
END_TEST

/* fluxacct_fstree_node_init(): every version, all 0 / NULL; the versions
 * refused.  A node record of an unknown version is refused by both lookups,
 * naming the type, and left alone; an initialised one keeps its version. */
START_TEST (test_node_versions)
{
    fluxacct_error_t e;
    fluxacct_fstree_node_t n, before;
    fluxacct_fstree_t *t = tree_no_ties ();

    for (int v = 1; v <= FLUXACCT_FSTREE_NODE_VERSION; v++) {
        ck_init_version (fluxacct_fstree_node_init, &n, v, sizeof (n));
        ck_assert_int_eq (n.index, 0);
        ck_assert_int_eq (n.type, 0);
        ck_assert_ptr_null (n.name);
        ck_assert_ptr_null (n.bank);
        ck_assert_int_eq (n.parent, 0);
        ck_assert_int_eq (n.depth, 0);
        ck_assert_uint_eq (n.shares, 0);
        ck_assert_double_eq (n.usage, 0);
        ck_assert_double_eq (n.level_shares, 0);
        ck_assert_double_eq (n.level_usage, 0);
        ck_assert_double_eq (n.weight, 0);
        ck_assert_int_eq (n.position, 0);
        ck_assert_int_eq (n.siblings, 0);
        ck_assert_double_eq (n.norm_shares, 0);
        ck_assert_double_eq (n.norm_usage, 0);
        ck_assert_double_eq (n.fairshare, 0);
        ck_assert_int_eq (n.rank, 0);
        ck_assert_int_eq (n.tied, 0);
        ck_assert_int_eq (n.user_index, 0);
    }
    ck_init_rejects (fluxacct_fstree_node_init, fluxacct_fstree_node_t,
                     FLUXACCT_FSTREE_NODE_VERSION);

    memset (&n, 0, sizeof (n)); /* "= {0}": version 0 */
    n.index = 77;
    memcpy (&before, &n, sizeof (n));
    errno = 0;
    expect_errno (fluxacct_fstree_node (t, 2, &n, &e), EINVAL, &e,
                  UNKNOWN_VERSION (fluxacct_fstree_node_t, 0));
    ck_assert_msg (strstr (e.text, "fluxacct_fstree_node_init()"),
                   "message '%s' does not say how to initialise", e.text);
    ck_assert_mem_eq (&n, &before, sizeof (n));
    errno = 0;
    expect_errno (fluxacct_fstree_user (t, 0, &n, &e), EINVAL, &e,
                  UNKNOWN_VERSION (fluxacct_fstree_node_t, 0));
    ck_assert_mem_eq (&n, &before, sizeof (n));
    n.version = FLUXACCT_FSTREE_NODE_VERSION + 1;
    memcpy (&before, &n, sizeof (n));
    errno = 0;
    expect_errno (fluxacct_fstree_node (t, 2, &n, &e), EINVAL, &e,
                  "fluxacct_fstree_node_t: unknown version");
    ck_assert_mem_eq (&n, &before, sizeof (n));
    errno = 0;
    expect_errno (fluxacct_fstree_node (t, 2, &n, NULL), EINVAL, NULL, NULL);

    /* initialised: filled, the version kept */
    n = node0 ();
    ck_assert_int_eq (fluxacct_fstree_node (t, 2, &n, &e), 0);
    ck_assert_int_eq (n.version, FLUXACCT_FSTREE_NODE_VERSION);
    ck_assert_str_eq (n.name, "a1");
    ck_assert_int_eq (n.index, 2);
    ck_assert_int_eq (fluxacct_fstree_user (t, 0, &n, &e), 0);
    ck_assert_int_eq (n.version, FLUXACCT_FSTREE_NODE_VERSION);
    ck_assert_str_eq (n.name, "a1");
    fluxacct_fstree_destroy (t);
}
END_TEST

static Suite *fairshare_suite (void)
{
    Suite *s = suite_create ("fairshare");
    TCase *tc;

    tc = tcase_create ("trees");
    tcase_add_test (tc, test_no_ties);
    tcase_add_test (tc, test_tied_users);
    tcase_add_test (tc, test_tied_users_ulps);
    tcase_add_test (tc, test_tied_banks);
    tcase_add_test (tc, test_tied_banks_interleave);
    tcase_add_test (tc, test_tied_banks_nested);
    tcase_add_test (tc, test_user_bank_equal);
    tcase_add_test (tc, test_zero_shares);
    tcase_add_test (tc, test_zero_usage);
    tcase_add_test (tc, test_single_user);
    tcase_add_test (tc, test_no_users);
    tcase_add_test (tc, test_bank_without_users);
    tcase_add_test (tc, test_users_beside_banks);
    tcase_add_test (tc, test_bank_usage_given);
    tcase_add_test (tc, test_usage_extremes);
    tcase_add_test (tc, test_deep_chain);
    tcase_add_test (tc, test_insertion_order);
    suite_add_tcase (s, tc);

    tc = tcase_create ("nodes");
    tcase_add_test (tc, test_node_details);
    tcase_add_test (tc, test_recompute);
    tcase_add_test (tc, test_node_versions);
    suite_add_tcase (s, tc);

    tc = tcase_create ("errors");
    tcase_add_test (tc, test_errors_build);
    tcase_add_test (tc, test_errors_compute);
    tcase_add_test (tc, test_errors_results);
    suite_add_tcase (s, tc);

    tc = tcase_create ("json");
    tcase_add_test (tc, test_json_errors);
    tcase_add_test (tc, test_json_file_errors);
    tcase_add_test (tc, test_json_small);
    tcase_add_test (tc, test_json_repr);
    tcase_add_test (tc, test_json_defaults);
    tcase_add_test (tc, test_json_escapes);
    tcase_add_test (tc, test_json_float_repr);
    suite_add_tcase (s, tc);
    return s;
}

int main (void)
{
    SRunner *sr = srunner_create (fairshare_suite ());
    srunner_run_all (sr, CK_NORMAL);
    int failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
