/* gen_fadb - write a flux-accounting v0.60 database (schema version 37, the
 * layout of FluxAccountingv0-60-0.db), deterministically from a seed, for
 * the update-db / export-db / pop-db benchmarks and the migration tests.
 *
 *   gen_fadb -o FILE [-a ASSOCIATIONS] [-j JOBS] [-s SEED] [-t NOW]
 *
 * Defaults: 10000 associations, 1000000 jobs, seed 1, NOW 1700000000.
 * Content, as flux-accounting would have left it after running for eight
 * weeks with update-usage last run an hour before NOW:
 *   - a root bank, 20 banks under it, 10 leaf banks under each;
 *   - ASSOCIATIONS associations (two thirds of the users in one bank, the
 *     others in two), a few disabled, assorted limits, queues and projects;
 *   - JOBS job records over the eight weeks with R and jobspec; 1% have no
 *     bank (charged to the default bank), 0.01% an R that does not parse;
 *   - usage as flux-accounting computes it (node-seconds, half-life one
 *     week, decay 0.5, four bins): job_usage_factor_table.last_job_timestamp,
 *     job_usage_per_association_table bins (bin k decayed k times),
 *     association_table.job_usage = sum of the bins, bank_table.job_usage
 *     rolled up; jobs that ended after the last run are not counted yet.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

static const char *ddl =
"CREATE TABLE association_table (\n"
"    creation_time    bigint(20)                         NOT NULL,\n"
"    mod_time         bigint(20)  DEFAULT 0              NOT NULL,\n"
"    active           int(11)     DEFAULT 1              NOT NULL,\n"
"    username         tinytext                           NOT NULL,\n"
"    userid           int(11)     DEFAULT 65534          NOT NULL,\n"
"    bank             tinytext                           NOT NULL,\n"
"    default_bank     tinytext                           NOT NULL,\n"
"    shares           int(11)     DEFAULT 1              NOT NULL    ON CONFLICT REPLACE DEFAULT 1,\n"
"    job_usage        real        DEFAULT 0.0            NOT NULL,\n"
"    fairshare        real        DEFAULT 0.5            NOT NULL    ON CONFLICT REPLACE DEFAULT 0.5,\n"
"    max_running_jobs int(11)     DEFAULT 5              NOT NULL    ON CONFLICT REPLACE DEFAULT 5,\n"
"    max_active_jobs  int(11)     DEFAULT 7              NOT NULL    ON CONFLICT REPLACE DEFAULT 7,\n"
"    max_nodes        int(11)     DEFAULT 2147483647     NOT NULL    ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_cores        int(11)     DEFAULT 2147483647     NOT NULL    ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    queues           tinytext    DEFAULT ''             NOT NULL    ON CONFLICT REPLACE DEFAULT '',\n"
"    projects         tinytext    DEFAULT '*'            NOT NULL    ON CONFLICT REPLACE DEFAULT '*',\n"
"    default_project  tinytext    DEFAULT '*'            NOT NULL    ON CONFLICT REPLACE DEFAULT '*',\n"
"    max_sched_jobs   int(11)     DEFAULT 2147483647     NOT NULL    ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    PRIMARY KEY   (username, bank)\n"
");\n"
"CREATE TABLE bank_table (\n"
"    bank_id           integer    PRIMARY KEY AUTOINCREMENT,\n"
"    bank              text                   NOT NULL,\n"
"    active            int(11)    DEFAULT 1   NOT NULL,\n"
"    parent_bank       text       DEFAULT '',\n"
"    shares            int                    NOT NULL,\n"
"    job_usage         real       DEFAULT 0.0 NOT NULL,\n"
"    priority          real       DEFAULT 0.0 NOT NULL    ON CONFLICT REPLACE DEFAULT 0.0,\n"
"    ignore_older_than bigint(20) DEFAULT 0\n"
");\n"
"CREATE TABLE job_usage_factor_table (\n"
"    username            tinytext                    NOT NULL,\n"
"    userid              int(11)                     NOT NULL,\n"
"    bank                tinytext                    NOT NULL,\n"
"    last_job_timestamp  real        DEFAULT 0.0,\n"
"    PRIMARY KEY (username, bank)\n"
");\n"
"CREATE TABLE t_half_life_period_table (\n"
"    cluster               tinytext DEFAULT 'cluster',\n"
"    end_half_life_period  real     DEFAULT 0.0\n"
");\n"
"CREATE TABLE queue_table (\n"
"    queue                     tinytext                      NOT NULL,\n"
"    min_nodes_per_job         int(11)    DEFAULT 1          NOT NULL ON CONFLICT REPLACE DEFAULT 1,\n"
"    max_nodes_per_job         int(11)    DEFAULT 1          NOT NULL ON CONFLICT REPLACE DEFAULT 1,\n"
"    max_time_per_job          int(11)    DEFAULT 60         NOT NULL ON CONFLICT REPLACE DEFAULT 60,\n"
"    priority                  int(11)    DEFAULT 0          NOT NULL ON CONFLICT REPLACE DEFAULT 0,\n"
"    max_running_jobs          int(11)    DEFAULT 100        NOT NULL ON CONFLICT REPLACE DEFAULT 100,\n"
"    max_nodes_per_assoc       int(11)    DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_sched_jobs            int(11)    DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_sched_nodes_per_assoc int(11)    DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_sched_cores_per_assoc int(11)    DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    PRIMARY KEY (queue)\n"
");\n"
"CREATE TABLE project_table (\n"
"    project_id          integer    PRIMARY KEY AUTOINCREMENT,\n"
"    project             tinytext               NOT NULL,\n"
"    usage               real       DEFAULT 0.0 NOT NULL\n"
");\n"
"CREATE TABLE jobs (\n"
"    id                  char(16)   PRIMARY KEY NOT NULL,\n"
"    userid              integer                NOT NULL,\n"
"    t_submit            real                   NOT NULL,\n"
"    t_run               real                   NOT NULL,\n"
"    t_inactive          real                   NOT NULL,\n"
"    ranks               text                   NOT NULL,\n"
"    R                   text                   NOT NULL,\n"
"    jobspec             text                   NOT NULL,\n"
"    project             text,\n"
"    bank                text,\n"
"    requested_duration  real       DEFAULT 0.0,\n"
"    actual_duration     real       DEFAULT 0.0\n"
");\n"
"CREATE TABLE priority_factor_weight_table (\n"
"    factor      text     PRIMARY KEY NOT NULL,\n"
"    weight      integer              NOT NULL\n"
");\n"
"CREATE TABLE config_table (\n"
"    key     TEXT PRIMARY KEY NOT NULL,\n"
"    value   TEXT             NOT NULL\n"
");\n"
"CREATE TABLE job_usage_per_association_table (\n"
"    username tinytext              NOT NULL,\n"
"    userid   int(11)               NOT NULL,\n"
"    bank     tinytext              NOT NULL,\n"
"    period   int(11)               NOT NULL,\n"
"    value    real     DEFAULT 0.0,\n"
"    PRIMARY KEY (username, bank, period)\n"
");\n"
"INSERT INTO priority_factor_weight_table VALUES ('fairshare', 100000),\n"
"    ('queue', 10000), ('bank', 0), ('urgency', 1000);\n"
"INSERT INTO config_table VALUES ('priority_usage_reset_period', '2419200'),\n"
"    ('priority_decay_half_life', '604800'), ('decay_factor', '0.5'),\n"
"    ('node_weight', '1.0'), ('core_weight', '0.0'), ('gpu_weight', '0.0'),\n"
"    ('deny_unknown_queues', 'false');\n"
"INSERT INTO queue_table (queue, priority, max_nodes_per_job, max_time_per_job)\n"
"    VALUES ('batch', 0, 64, 1440), ('debug', 1000, 2, 60), ('gpu', 500, 16, 720);\n"
"PRAGMA user_version = 37;\n";

/* splitmix64: small, fast, the same sequence everywhere */
static uint64_t rng_state;
static uint64_t rnd (void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint64_t rnd_n (uint64_t n)
{
    return rnd () % n;
}
static double rnd_unit (void)
{
    return (double)(rnd () >> 11) / 9007199254740992.0;
}

#define NTOP 20
#define NSUB 10
#define NBANKS (1 + NTOP + NTOP * NSUB)
#define H 604800.0
#define D 0.5
#define NBINS 4

struct assoc {
    int user;
    int bank;       /* leaf index 0 .. NTOP*NSUB-1 */
    double last;    /* last_job_timestamp */
    double bins[NBINS];
};

static void die (sqlite3 *h, const char *what)
{
    fprintf (stderr, "gen_fadb: %s: %s\n", what, h ? sqlite3_errmsg (h) : "");
    exit (1);
}

static void exec (sqlite3 *h, const char *sql)
{
    if (sqlite3_exec (h, sql, NULL, NULL, NULL) != SQLITE_OK)
        die (h, sql);
}

static sqlite3_stmt *prep (sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2 (h, sql, -1, &st, NULL) != SQLITE_OK)
        die (h, sql);
    return st;
}

static void step (sqlite3 *h, sqlite3_stmt *st)
{
    if (sqlite3_step (st) != SQLITE_DONE)
        die (h, "insert");
    sqlite3_reset (st);
}

static void leaf_name (int leaf, char *buf, size_t len)
{
    snprintf (buf, len, "bank%d_%d", leaf / NSUB, leaf % NSUB);
}

int main (int argc, char **argv)
{
    const char *out = NULL;
    long nassoc = 10000, njobs = 1000000;
    uint64_t seed = 1;
    double now = 1700000000;
    int c;

    while ((c = getopt (argc, argv, "o:a:j:s:t:")) != -1) {
        switch (c) {
            case 'o': out = optarg; break;
            case 'a': nassoc = atol (optarg); break;
            case 'j': njobs = atol (optarg); break;
            case 's': seed = strtoull (optarg, NULL, 10); break;
            case 't': now = atof (optarg); break;
            default:
                fprintf (stderr, "usage: gen_fadb -o FILE [-a ASSOCIATIONS] "
                         "[-j JOBS] [-s SEED] [-t NOW]\n");
                return 2;
        }
    }
    if (!out || nassoc < 1 || njobs < 0) {
        fprintf (stderr, "usage: gen_fadb -o FILE [-a ASSOCIATIONS] [-j JOBS]"
                 " [-s SEED] [-t NOW]\n");
        return 2;
    }
    rng_state = seed;
    unlink (out);

    sqlite3 *h;
    if (sqlite3_open (out, &h) != SQLITE_OK)
        die (h, out);
    exec (h, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
             "PRAGMA cache_size=-262144");
    exec (h, "BEGIN");
    exec (h, ddl);

    /* flux-accounting's current bin started E; update-usage last ran an
     * hour ago (jobs that ended since are not counted yet). */
    double E = now - 2 * 86400.0, last_run = now - 3600;
    char sql[256];
    snprintf (sql, sizeof (sql), "INSERT INTO t_half_life_period_table "
              "VALUES ('cluster', %.6f)", E);
    exec (h, sql);
    exec (h, "INSERT INTO project_table (project) VALUES ('*')");
    for (int p = 1; p <= 10; p++) {
        snprintf (sql, sizeof (sql), "INSERT INTO project_table (project) "
                  "VALUES ('proj%d')", p);
        exec (h, sql);
    }

    /* associations */
    long nusers = nassoc * 2 / 3;
    if (nusers < 1)
        nusers = 1;
    struct assoc *as = calloc ((size_t)nassoc, sizeof (*as));
    int nleaf = NTOP * NSUB;
    for (long k = 0; k < nassoc; k++) {
        if (k < nusers) {
            as[k].user = (int)k;
            as[k].bank = (int)rnd_n ((uint64_t)nleaf);
        }
        else {
            long first = (k - nusers) % nusers;
            as[k].user = (int)first;
            as[k].bank = (as[first].bank + 1 + (int)rnd_n ((uint64_t)nleaf - 1))
                         % nleaf;
        }
    }

    /* jobs: charge usage the flux-accounting way while writing them */
    sqlite3_stmt *js = prep (h, "INSERT INTO jobs VALUES (?1, ?2, ?3, ?4, ?5,"
                             " ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    double span = 56 * 86400.0, t0 = now - span;
    for (long k = 0; k < njobs; k++) {
        long a = (long)(rnd_unit () * rnd_unit () * (double)nassoc);
        struct assoc *x = &as[a];
        int nodes = 1 + (int)rnd_n (rnd_n (4) == 0 ? 64 : 4);
        int cores = 16, gpus = rnd_n (5) == 0 ? 2 : 0;
        double req = 60.0 * (double)(1 + rnd_n (720));
        double dur = req * (0.1 + 0.9 * rnd_unit ());
        double t_inactive = t0 + span * ((double)k + rnd_unit ()) / (double)njobs;
        double t_run = t_inactive - dur;
        double t_submit = t_run - (double)rnd_n (3600);
        char id[32], ranks[32], nodelist[64], R[512], spec[768], bank[32];
        int proj = (int)rnd_n (11);
        int nobank = rnd_n (100) == 0;
        int badR = 0;
        char project[16];

        if (proj)
            snprintf (project, sizeof (project), "proj%d", proj);
        else
            snprintf (project, sizeof (project), "*");

        leaf_name (x->bank, bank, sizeof (bank));
        snprintf (id, sizeof (id), "%llu",
                  (unsigned long long)(70368744177664ULL + (uint64_t)k * 65536
                                       + rnd_n (65536)));
        if (nodes == 1)
            snprintf (ranks, sizeof (ranks), "%d", (int)rnd_n (1000));
        else {
            int r0 = (int)rnd_n (1000);
            snprintf (ranks, sizeof (ranks), "%d-%d", r0, r0 + nodes - 1);
        }
        snprintf (nodelist, sizeof (nodelist), "node[%s]", ranks);
        if (rnd_n (10000) == 0) {
            badR = 1;
            snprintf (R, sizeof (R), "{\"version\":1,\"execution\":{}}");
        }
        else if (gpus)
            snprintf (R, sizeof (R), "{\"version\":1,\"execution\":{\"R_lite\":"
                      "[{\"rank\":\"%s\",\"children\":{\"core\":\"0-15\","
                      "\"gpu\":\"0-1\"}}],\"starttime\":%.1f,\"expiration\":"
                      "%.1f,\"nodelist\":[\"%s\"]}}", ranks, t_run,
                      t_run + req, nodelist);
        else
            snprintf (R, sizeof (R), "{\"version\":1,\"execution\":{\"R_lite\":"
                      "[{\"rank\":\"%s\",\"children\":{\"core\":\"0-15\"}}],"
                      "\"starttime\":%.1f,\"expiration\":%.1f,\"nodelist\":"
                      "[\"%s\"]}}", ranks, t_run, t_run + req, nodelist);
        snprintf (spec, sizeof (spec),
                  "{\"resources\":[{\"type\":\"node\",\"count\":%d,\"with\":"
                  "[{\"type\":\"slot\",\"count\":1,\"label\":\"task\",\"with\":"
                  "[{\"type\":\"core\",\"count\":%d}%s]}]}],\"tasks\":[{"
                  "\"command\":[\"./app\",\"-n\",\"%d\"],\"slot\":\"task\","
                  "\"count\":{\"per_slot\":1}}],\"attributes\":{\"system\":{"
                  "\"duration\":%.0f,%s%s%s\"queue\":\"%s\",\"project\":"
                  "\"%s\",\"cwd\":\"/home/user%d\"}},\"version\":1}",
                  nodes, cores, gpus ? ",{\"type\":\"gpu\",\"count\":2}" : "",
                  (int)rnd_n (1000), req, nobank ? "" : "\"bank\":\"",
                  nobank ? "" : bank, nobank ? "" : "\",",
                  gpus ? "gpu" : nodes <= 2 ? "debug" : "batch",
                  project, x->user);
        sqlite3_bind_text (js, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (js, 2, 10000 + x->user);
        sqlite3_bind_double (js, 3, t_submit);
        sqlite3_bind_double (js, 4, t_run);
        sqlite3_bind_double (js, 5, t_inactive);
        sqlite3_bind_text (js, 6, ranks, -1, SQLITE_STATIC);
        sqlite3_bind_text (js, 7, R, -1, SQLITE_STATIC);
        sqlite3_bind_text (js, 8, spec, -1, SQLITE_STATIC);
        sqlite3_bind_text (js, 9, project, -1, SQLITE_STATIC);
        if (nobank)
            sqlite3_bind_null (js, 10);
        else
            sqlite3_bind_text (js, 10, bank, -1, SQLITE_STATIC);
        sqlite3_bind_double (js, 11, req);
        sqlite3_bind_double (js, 12, dur);
        step (h, js);

        /* flux-accounting counts jobs with a bank, ended before its last
         * run, with a parsable R, into the bin of their t_inactive */
        if (nobank || t_inactive > last_run || badR)
            continue;
        if (t_inactive > x->last)
            x->last = t_inactive;
        int bin = t_inactive >= E ? 0 : 1 + (int)floor ((E - t_inactive) / H);
        if (bin < NBINS)
            x->bins[bin] += (double)nodes * dur;
    }
    sqlite3_finalize (js);

    /* association rows, factor rows, bins */
    sqlite3_stmt *ai = prep (h, "INSERT INTO association_table VALUES (?1, "
                             "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                             "?13, ?14, ?15, ?16, ?17, ?18)");
    sqlite3_stmt *fi = prep (h, "INSERT INTO job_usage_factor_table VALUES "
                             "(?1, ?2, ?3, ?4)");
    sqlite3_stmt *pi = prep (h, "INSERT INTO job_usage_per_association_table "
                             "VALUES (?1, ?2, ?3, ?4, ?5)");
    double bankuse[NTOP * NSUB] = { 0 };
    static const char *queues[] = { "", "batch", "batch,debug",
                                    "batch,debug,gpu" };
    for (long k = 0; k < nassoc; k++) {
        struct assoc *x = &as[k];
        char user[32], bank[32], defbank[32];
        double usage = 0;
        int mrj = 5 + (int)rnd_n (46);

        snprintf (user, sizeof (user), "user%d", x->user);
        leaf_name (x->bank, bank, sizeof (bank));
        leaf_name (as[x->user].bank, defbank, sizeof (defbank));
        for (int b = 0; b < NBINS; b++) {
            x->bins[b] *= pow (D, b);
            usage += x->bins[b];
        }
        bankuse[x->bank] += usage;
        sqlite3_bind_int64 (ai, 1, (sqlite3_int64)(t0 - 86400 - k));
        sqlite3_bind_int64 (ai, 2, (sqlite3_int64)(t0 - 86400 - k));
        sqlite3_bind_int (ai, 3, rnd_n (50) != 0);
        sqlite3_bind_text (ai, 4, user, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (ai, 5, 10000 + x->user);
        sqlite3_bind_text (ai, 6, bank, -1, SQLITE_STATIC);
        sqlite3_bind_text (ai, 7, defbank, -1, SQLITE_STATIC);
        sqlite3_bind_int (ai, 8, 1 + (int)rnd_n (100));
        sqlite3_bind_double (ai, 9, usage);
        sqlite3_bind_double (ai, 10, rnd_unit ());
        sqlite3_bind_int (ai, 11, mrj);
        sqlite3_bind_int (ai, 12, mrj + (int)rnd_n (20));
        sqlite3_bind_int (ai, 13, rnd_n (3) ? 2147483647 : 1 + (int)rnd_n (128));
        sqlite3_bind_int (ai, 14, rnd_n (3) ? 2147483647 : 16 + (int)rnd_n (2048));
        sqlite3_bind_text (ai, 15, queues[rnd_n (4)], -1, SQLITE_STATIC);
        sqlite3_bind_text (ai, 16, rnd_n (4) ? "*" : "proj1,proj2,*", -1,
                           SQLITE_STATIC);
        sqlite3_bind_text (ai, 17, "*", -1, SQLITE_STATIC);
        sqlite3_bind_int (ai, 18, rnd_n (5) ? 2147483647 : 100);
        step (h, ai);
        sqlite3_bind_text (fi, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (fi, 2, 10000 + x->user);
        sqlite3_bind_text (fi, 3, bank, -1, SQLITE_STATIC);
        sqlite3_bind_double (fi, 4, x->last);
        step (h, fi);
        for (int b = 0; b < NBINS; b++) {
            sqlite3_bind_text (pi, 1, user, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (pi, 2, 10000 + x->user);
            sqlite3_bind_text (pi, 3, bank, -1, SQLITE_STATIC);
            sqlite3_bind_int (pi, 4, b);
            sqlite3_bind_double (pi, 5, x->bins[b]);
            step (h, pi);
        }
    }
    sqlite3_finalize (ai);
    sqlite3_finalize (fi);
    sqlite3_finalize (pi);

    /* banks, with the roll-up of job_usage */
    sqlite3_stmt *bi = prep (h, "INSERT INTO bank_table (bank, active, "
                             "parent_bank, shares, job_usage, priority) VALUES"
                             " (?1, 1, ?2, ?3, ?4, ?5)");
    double total = 0;
    for (int i = 0; i < nleaf; i++)
        total += bankuse[i];
    sqlite3_bind_text (bi, 1, "root", -1, SQLITE_STATIC);
    sqlite3_bind_text (bi, 2, "", -1, SQLITE_STATIC);
    sqlite3_bind_int (bi, 3, 1);
    sqlite3_bind_double (bi, 4, total);
    sqlite3_bind_double (bi, 5, 0.0);
    step (h, bi);
    for (int t = 0; t < NTOP; t++) {
        char name[32];
        double sum = 0;
        for (int s = 0; s < NSUB; s++)
            sum += bankuse[t * NSUB + s];
        snprintf (name, sizeof (name), "bank%d", t);
        sqlite3_bind_text (bi, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (bi, 2, "root", -1, SQLITE_STATIC);
        sqlite3_bind_int (bi, 3, 1 + (int)rnd_n (10));
        sqlite3_bind_double (bi, 4, sum);
        sqlite3_bind_double (bi, 5, (double)rnd_n (3));
        step (h, bi);
        for (int s = 0; s < NSUB; s++) {
            char leaf[32];
            leaf_name (t * NSUB + s, leaf, sizeof (leaf));
            sqlite3_bind_text (bi, 1, leaf, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text (bi, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int (bi, 3, 1 + (int)rnd_n (10));
            sqlite3_bind_double (bi, 4, bankuse[t * NSUB + s]);
            sqlite3_bind_double (bi, 5, 0.0);
            step (h, bi);
        }
    }
    sqlite3_finalize (bi);
    exec (h, "COMMIT");
    free (as);
    if (sqlite3_close (h) != SQLITE_OK)
        die (h, "close");
    return 0;
}
