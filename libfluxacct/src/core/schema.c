/* libfluxacct - the database schema.
 *
 * Table and column names, types, defaults and ON CONFLICT REPLACE clauses
 * are flux-accounting's (schema 38) so that operators find what they expect
 * in the sqlite3 shell and the "-1 resets" idiom works.  Additions: bank
 * names are UNIQUE, indexes for the lookups the library makes, and the
 * tables that hold per-period usage sums.
 */
#include <stddef.h>
#include "core/schema_internal.h"

const char *schema_sql =
"CREATE TABLE association_table (\n"
"    creation_time    bigint(20)                      NOT NULL,\n"
"    mod_time         bigint(20)  DEFAULT 0           NOT NULL,\n"
"    active           int(11)     DEFAULT 1           NOT NULL,\n"
"    username         tinytext                        NOT NULL,\n"
"    userid           int(11)     DEFAULT 65534       NOT NULL,\n"
"    bank             tinytext                        NOT NULL,\n"
"    default_bank     tinytext                        NOT NULL,\n"
"    shares           int(11)     DEFAULT 1           NOT NULL ON CONFLICT REPLACE DEFAULT 1,\n"
"    job_usage        real        DEFAULT 0.0         NOT NULL,\n"
"    fairshare        real        DEFAULT 0.5         NOT NULL ON CONFLICT REPLACE DEFAULT 0.5,\n"
"    max_running_jobs int(11)     DEFAULT 5           NOT NULL ON CONFLICT REPLACE DEFAULT 5,\n"
"    max_active_jobs  int(11)     DEFAULT 7           NOT NULL ON CONFLICT REPLACE DEFAULT 7,\n"
"    max_nodes        int(11)     DEFAULT 2147483647  NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_cores        int(11)     DEFAULT 2147483647  NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    queues           tinytext    DEFAULT ''          NOT NULL ON CONFLICT REPLACE DEFAULT '',\n"
"    projects         tinytext    DEFAULT '*'         NOT NULL ON CONFLICT REPLACE DEFAULT '*',\n"
"    default_project  tinytext    DEFAULT '*'         NOT NULL ON CONFLICT REPLACE DEFAULT '*',\n"
"    max_sched_jobs   int(11)     DEFAULT 2147483647  NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_wall_pj      int(11)     DEFAULT 2147483647  NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    PRIMARY KEY (username, bank)\n"
");\n"
"CREATE INDEX association_bank_idx ON association_table (bank);\n"
"CREATE TABLE bank_table (\n"
"    bank_id           integer    PRIMARY KEY AUTOINCREMENT,\n"
"    bank              text                   NOT NULL UNIQUE,\n"
"    active            int(11)    DEFAULT 1   NOT NULL,\n"
"    parent_bank       text       DEFAULT '',\n"
"    shares            int                    NOT NULL,\n"
"    job_usage         real       DEFAULT 0.0 NOT NULL,\n"
"    priority          real       DEFAULT 0.0 NOT NULL ON CONFLICT REPLACE DEFAULT 0.0,\n"
"    ignore_older_than bigint(20) DEFAULT 0,\n"
"    allocation        REAL       NOT NULL DEFAULT 0,\n"
"    allocation_start  INTEGER    NOT NULL DEFAULT 0,\n"
"    allocation_period INTEGER    NOT NULL DEFAULT 0,\n"
"    allocation_used   REAL       NOT NULL DEFAULT 0,\n"
"    allocation_window INTEGER    NOT NULL DEFAULT -1\n"
");\n"
"CREATE INDEX bank_parent_idx ON bank_table (parent_bank);\n"
"CREATE TABLE job_usage_factor_table (\n"
"    username            tinytext              NOT NULL,\n"
"    userid              int(11)               NOT NULL,\n"
"    bank                tinytext              NOT NULL,\n"
"    last_job_timestamp  real     DEFAULT 0.0,\n"
"    PRIMARY KEY (username, bank)\n"
");\n"
"CREATE TABLE t_half_life_period_table (\n"
"    cluster               tinytext DEFAULT 'cluster',\n"
"    end_half_life_period  real     DEFAULT 0.0\n"
");\n"
"CREATE TABLE queue_table (\n"
"    queue                     tinytext                   NOT NULL,\n"
"    min_nodes_per_job         int(11) DEFAULT 1          NOT NULL ON CONFLICT REPLACE DEFAULT 1,\n"
"    max_nodes_per_job         int(11) DEFAULT 1          NOT NULL ON CONFLICT REPLACE DEFAULT 1,\n"
"    max_time_per_job          int(11) DEFAULT 60         NOT NULL ON CONFLICT REPLACE DEFAULT 60,\n"
"    priority                  int(11) DEFAULT 0          NOT NULL ON CONFLICT REPLACE DEFAULT 0,\n"
"    max_running_jobs          int(11) DEFAULT 100        NOT NULL ON CONFLICT REPLACE DEFAULT 100,\n"
"    max_nodes_per_assoc       int(11) DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_sched_jobs            int(11) DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_sched_nodes_per_assoc int(11) DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_sched_cores_per_assoc int(11) DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_nodes                 int(11) DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    max_cores                 int(11) DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE DEFAULT 2147483647,\n"
"    PRIMARY KEY (queue)\n"
");\n"
"CREATE TABLE project_table (\n"
"    project_id  integer  PRIMARY KEY AUTOINCREMENT,\n"
"    project     tinytext             NOT NULL UNIQUE,\n"
"    usage       real     DEFAULT 0.0 NOT NULL\n"
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
"    actual_duration     real       DEFAULT 0.0,\n"
"    nnodes              integer,\n"
"    ncores              integer,\n"
"    ngpus               integer,\n"
"    charge_bank         text,\n"
"    seq                 integer    NOT NULL\n"
");\n"
/* = schema_jobs_index_sql */
"CREATE INDEX jobs_usage_idx ON jobs (seq, userid, charge_bank, t_run,\n"
"    t_inactive, nnodes, ncores, ngpus);\n"
"CREATE INDEX jobs_inactive_idx ON jobs (t_inactive);\n"
"CREATE INDEX jobs_userid_idx ON jobs (userid, charge_bank);\n"
"CREATE INDEX association_userid_idx ON association_table (userid);\n"
"CREATE TABLE usage_period_table (\n"
"    userid  integer  NOT NULL,\n"
"    bank    text     NOT NULL,\n"
"    period  integer  NOT NULL,\n"
"    value   real     NOT NULL DEFAULT 0.0,\n"
"    PRIMARY KEY (userid, bank, period)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE usage_state_table (\n"
"    key    text PRIMARY KEY NOT NULL,\n"
"    value  NOT NULL\n"
");\n"
"INSERT INTO usage_state_table VALUES ('next_seq', 1), ('charged_seq', 0),\n"
"    ('last_now', 0), ('fingerprint', '');\n"
"CREATE TABLE priority_factor_weight_table (\n"
"    factor  text    PRIMARY KEY NOT NULL,\n"
"    weight  integer             NOT NULL\n"
");\n"
"CREATE TABLE config_table (\n"
"    key    TEXT PRIMARY KEY NOT NULL,\n"
"    value  TEXT             NOT NULL\n"
");\n"
"CREATE TABLE job_usage_per_association_table (\n"
"    username  tinytext          NOT NULL,\n"
"    userid    int(11)           NOT NULL,\n"
"    bank      tinytext          NOT NULL,\n"
"    period    int(11)           NOT NULL,\n"
"    value     real DEFAULT 0.0,\n"
"    PRIMARY KEY (username, bank, period)\n"
");\n"
"INSERT INTO project_table (project) VALUES ('*');\n"
"INSERT INTO priority_factor_weight_table VALUES\n"
"    ('fairshare', 100000), ('queue', 10000), ('bank', 0), ('urgency', 1000);\n";

/* The secondary indexes of jobs, dropped and rebuilt (by sorting, inside
 * the import transaction) around large imports.  jobs_usage_idx holds in
 * seq order exactly the columns update-usage charges from (~50 bytes a
 * job): charging reads the index alone, never the rows with their R and
 * jobspec (~1.1 KB); it also serves every lookup by seq. */
const char *schema_jobs_index_sql =
"CREATE INDEX jobs_usage_idx ON jobs (seq, userid, charge_bank, t_run,\n"
"    t_inactive, nnodes, ncores, ngpus);\n"
"CREATE INDEX jobs_inactive_idx ON jobs (t_inactive);\n"
"CREATE INDEX jobs_userid_idx ON jobs (userid, charge_bank);\n";
const char *schema_jobs_index_drop_sql =
"DROP INDEX jobs_usage_idx; DROP INDEX jobs_inactive_idx;\n"
"DROP INDEX jobs_userid_idx;\n";

/* Upgrades of libfluxacct's own schema, oldest first, ending with
 * {0, NULL}: each takes a database of schema `from` to the next version. */
const struct schema_upgrade schema_upgrades[] = {
    /* 1001 -> 1002: the covering index for update-usage replaces the
     * index on seq alone; association_table gains max_wall_pj (the seed's
     * maximum wall time per job, minutes), unlimited for every existing
     * association. */
    { 1001, "DROP INDEX IF EXISTS jobs_seq_idx;\n"
            "CREATE INDEX IF NOT EXISTS jobs_usage_idx ON jobs (seq, userid,\n"
            "    charge_bank, t_run, t_inactive, nnodes, ncores, ngpus);\n"
            "ALTER TABLE association_table ADD COLUMN max_wall_pj int(11)\n"
            "    DEFAULT 2147483647 NOT NULL ON CONFLICT REPLACE\n"
            "    DEFAULT 2147483647;\n" },
    /* 1002 -> 1003: bank allocations (issue 14): the allocation A, its
     * start S and period P, the used amount U and the start of the window
     * U belongs to (-1: not computed yet; update-usage fills it); the two
     * configuration keys of mf_priority's enforcement. */
    { 1002, "ALTER TABLE bank_table ADD COLUMN allocation REAL NOT NULL\n"
            "    DEFAULT 0;\n"
            "ALTER TABLE bank_table ADD COLUMN allocation_start INTEGER\n"
            "    NOT NULL DEFAULT 0;\n"
            "ALTER TABLE bank_table ADD COLUMN allocation_period INTEGER\n"
            "    NOT NULL DEFAULT 0;\n"
            "ALTER TABLE bank_table ADD COLUMN allocation_used REAL NOT NULL\n"
            "    DEFAULT 0;\n"
            "ALTER TABLE bank_table ADD COLUMN allocation_window INTEGER\n"
            "    NOT NULL DEFAULT -1;\n"
            "INSERT OR IGNORE INTO config_table VALUES\n"
            "    ('allocation_enforcement', 'off'),\n"
            "    ('allocation_default_time_limit', '3600');\n" },
    { 0, NULL },
};

const char *const schema_assoc_columns[] = {
    "creation_time", "mod_time", "active", "username", "userid", "bank",
    "default_bank", "shares", "job_usage", "fairshare", "max_running_jobs",
    "max_active_jobs", "max_nodes", "max_cores", "queues", "projects",
    "default_project", "max_sched_jobs", "max_wall_pj", NULL,
};

const char *const schema_bank_columns[] = {
    "bank_id", "bank", "active", "parent_bank", "shares", "job_usage",
    "priority", "ignore_older_than", "allocation", "allocation_start",
    "allocation_period", "allocation_used", "allocation_window", NULL,
};

const char *const schema_queue_columns[] = {
    "queue", "min_nodes_per_job", "max_nodes_per_job", "max_time_per_job",
    "priority", "max_running_jobs", "max_nodes_per_assoc", "max_sched_jobs",
    "max_sched_nodes_per_assoc", "max_sched_cores_per_assoc", "max_nodes",
    "max_cores", NULL,
};

const char *const schema_project_columns[] = {
    "project_id", "project", "usage", NULL,
};

const char *const schema_factor_columns[] = { "factor", "weight", NULL };

const char *const schema_config_columns[] = { "key", "value", NULL };

const char *const schema_usage_sensitive_keys[] = {
    "priority_usage_reset_period", "priority_decay_half_life", "decay_factor",
    "node_weight", "core_weight", "gpu_weight", "decay_mode", "usage_epoch",
    NULL,
};
