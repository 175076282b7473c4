/* bench/gen: a realistic accounting database and job records, deterministic
 * from a seed.
 *
 * usage: gen [-s SEED] [-b BANKS] [-a ASSOCS] [-j JOBS] [-w WEEKS]
 *            [-t NOW] [-o FIRST_ID] [--db PATH] [--jsonl FILE]
 *
 * --db creates PATH with BANKS banks in a 3-level tree (root, ~sqrt(B)
 * departments, the rest as leaf banks) and ASSOCS associations spread over
 * the leaf banks (user i has userid 100000+i).  --jsonl writes JOBS job
 * records (JSON Lines, flux job-list keys) ending over the WEEKS weeks
 * before NOW, with heavy-tailed sizes (1-1024 nodes, Pareto-like) and
 * durations (seconds to a day), charged to random associations. */
#include <getopt.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fluxacct/fluxacct.h>

static unsigned long long state;

static double rnd (void) /* xorshift64*, uniform in [0, 1) */
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void die (const char *what, fluxacct_error_t *e)
{
    fprintf (stderr, "gen: %s: %s\n", what, e->text);
    exit (1);
}

/* The *_init() functions take no error buffer. */
static void init_check (int rc, const char *what)
{
    if (rc < 0) {
        fprintf (stderr, "gen: %s: %s\n", what, strerror (errno));
        exit (1);
    }
}

static int nleaves (int banks)
{
    int depts = (int)sqrt (banks);
    return banks - 1 - depts > 0 ? banks - 1 - depts : 1;
}

static void leaf_name (char *buf, size_t len, int i)
{
    snprintf (buf, len, "bank%05d", i);
}

static void make_db (const char *path, int banks, int assocs)
{
    fluxacct_error_t e;
    fluxacct_db_t *db;
    fluxacct_bank_fields_t b;
    int depts = (int)sqrt (banks), leaves = nleaves (banks);
    char name[32], parent[32];

    if (fluxacct_db_create (path, NULL, &e) < 0
        || !(db = fluxacct_db_open (path, 0, &e)))
        die ("create", &e);
    if (fluxacct_db_begin (db, &e) < 0)
        die ("begin", &e);
    init_check (fluxacct_bank_fields_init (&b, FLUXACCT_BANK_FIELDS_VERSION),
                "fluxacct_bank_fields_init");
    b.bank = "root";
    if (fluxacct_bank_add (db, &b, &e) < 0)
        die ("root", &e);
    for (int d = 0; d < depts; d++) {
        snprintf (name, sizeof (name), "dept%03d", d);
        b.bank = name;
        b.parent_bank = "root";
        b.shares = 1 + (int)(rnd () * 10);
        if (fluxacct_bank_add (db, &b, &e) < 0)
            die ("dept", &e);
    }
    for (int l = 0; l < leaves; l++) {
        leaf_name (name, sizeof (name), l);
        snprintf (parent, sizeof (parent), "dept%03d", l % depts);
        b.bank = name;
        b.parent_bank = parent;
        b.shares = 1 + (int)(rnd () * 100);
        if (fluxacct_bank_add (db, &b, &e) < 0)
            die ("bank", &e);
    }
    fluxacct_assoc_fields_t *v = calloc (assocs, sizeof (*v));
    char (*names)[32] = calloc (assocs, 32), (*bk)[32] = calloc (assocs, 32);
    for (int i = 0; i < assocs; i++) {
        init_check (fluxacct_assoc_fields_init (&v[i],
                                                FLUXACCT_ASSOC_FIELDS_VERSION),
                    "fluxacct_assoc_fields_init");
        snprintf (names[i], 32, "user%06d", i);
        leaf_name (bk[i], 32, i % leaves);
        v[i].username = names[i];
        v[i].bank = bk[i];
        v[i].userid = 100000 + i;
        v[i].shares = 1 + (int)(rnd () * 10);
    }
    if (fluxacct_assoc_add_many (db, v, assocs, &e) < 0
        || fluxacct_db_commit (db, &e) < 0)
        die ("associations", &e);
    fluxacct_db_close (db);
    free (v);
    free (names);
    free (bk);
}

struct gjob {
    double submit, start, end;
    int a, nnodes, cores;
};

static int cmp_end (const void *x, const void *y)
{
    double a = ((const struct gjob *)x)->end, b = ((const struct gjob *)y)->end;
    return a < b ? -1 : a > b;
}

/* Jobs come out in end-time order, as flux job-list and the job-archive
 * hand them over, with Flux-style 64-bit ids (milliseconds since the
 * instance epoch in the high bits, a sequence number in the low 24 bits),
 * so ids grow with submit time as real ones do. */
static void make_jobs (const char *path, int banks, int assocs, long jobs,
                       double weeks, double now, long first_id)
{
    FILE *f = strcmp (path, "-") ? fopen (path, "w") : stdout;
    int leaves = nleaves (banks);
    double epoch = now - (weeks + 2) * 604800;
    struct gjob *v = calloc ((size_t)jobs + 1, sizeof (*v));
    char bank[32];

    if (!f || !v) {
        perror (path);
        exit (1);
    }
    for (long j = 0; j < jobs; j++) {
        /* Pareto-like sizes and durations: many small, a long tail */
        v[j].a = (int)(rnd () * assocs);
        v[j].nnodes = (int)fmin (1024, floor (pow (1 - rnd (), -1.2)));
        v[j].cores = 1 << (int)(rnd () * 6);
        double dur = fmin (86400, 10 * pow (1 - rnd (), -1.5));
        v[j].end = now - rnd () * weeks * 604800;
        v[j].start = v[j].end - dur;
        v[j].submit = v[j].start - rnd () * 600;
    }
    qsort (v, (size_t)jobs, sizeof (*v), cmp_end);
    for (long j = 0; j < jobs; j++) {
        struct gjob *g = &v[j];
        unsigned long long id =
            ((unsigned long long)((g->submit - epoch) * 1000) << 24)
            | (unsigned long long)((first_id + j) & 0xffffff);
        leaf_name (bank, sizeof (bank), g->a % leaves);
        fprintf (f, "{\"id\":%llu,\"userid\":%d,\"t_submit\":%.3f,"
                 "\"t_run\":%.3f,\"t_inactive\":%.3f,\"ranks\":\"0-%d\","
                 "\"R\":{\"version\":1,\"execution\":{\"R_lite\":[{\"rank\":"
                 "\"%s%d\",\"children\":{\"core\":\"%s%d\"}}],\"starttime\":"
                 "%.3f,\"expiration\":%.3f}},\"jobspec\":{\"version\":1,"
                 "\"resources\":[{\"type\":\"node\",\"count\":%d,\"with\":"
                 "[{\"type\":\"slot\",\"count\":1,\"label\":\"task\",\"with\":"
                 "[{\"type\":\"core\",\"count\":%d}]}]}],\"tasks\":[],"
                 "\"attributes\":{\"system\":{\"duration\":%.0f,\"bank\":"
                 "\"%s\"}}}}\n",
                 id, 100000 + g->a, g->submit, g->start, g->end,
                 g->nnodes - 1, g->nnodes > 1 ? "0-" : "", g->nnodes - 1,
                 g->cores > 1 ? "0-" : "", g->cores - 1, g->start,
                 g->start + 2 * (g->end - g->start), g->nnodes, g->cores,
                 2 * (g->end - g->start), bank);
    }
    free (v);
    if (f != stdout)
        fclose (f);
}

int main (int argc, char **argv)
{
    static const struct option opts[] = {
        { "db", 1, NULL, 'D' }, { "jsonl", 1, NULL, 'J' }, { NULL, 0, NULL, 0 },
    };
    int banks = 1000, assocs = 10000, c;
    long jobs = 1000000, first_id = 1;
    double weeks = 8, now = (double)time (NULL);
    const char *dbpath = NULL, *jsonl = NULL;

    state = 42;
    while ((c = getopt_long (argc, argv, "s:b:a:j:w:t:o:", opts, NULL)) != -1) {
        switch (c) {
            case 's': state = strtoull (optarg, NULL, 10) | 1; break;
            case 'b': banks = atoi (optarg); break;
            case 'a': assocs = atoi (optarg); break;
            case 'j': jobs = atol (optarg); break;
            case 'w': weeks = atof (optarg); break;
            case 't': now = atof (optarg); break;
            case 'o': first_id = atol (optarg); break;
            case 'D': dbpath = optarg; break;
            case 'J': jsonl = optarg; break;
            default:
                fprintf (stderr, "usage: gen [-s SEED] [-b BANKS] [-a ASSOCS] "
                         "[-j JOBS] [-w WEEKS] [-t NOW] [-o FIRST_ID] "
                         "[--db PATH] [--jsonl FILE]\n");
                return 2;
        }
    }
    if (banks < 3 || assocs < 1 || jobs < 0) {
        fprintf (stderr, "gen: need at least 3 banks and 1 association\n");
        return 2;
    }
    if (dbpath)
        make_db (dbpath, banks, assocs);
    if (jsonl)
        make_jobs (jsonl, banks, assocs, jobs, weeks, now, first_id);
    return 0;
}
