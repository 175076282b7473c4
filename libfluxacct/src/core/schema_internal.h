/* libfluxacct - schema text and column lists (private). */
#ifndef FLUXACCT_SCHEMA_H
#define FLUXACCT_SCHEMA_H

extern const char *schema_sql;
extern const char *schema_jobs_index_sql;
extern const char *schema_jobs_index_drop_sql;

/* One step of libfluxacct's own schema upgrades (update-db). */
struct schema_upgrade {
    int from;           /* PRAGMA user_version this step applies to */
    const char *sql;    /* takes it to from + 1 */
};
extern const struct schema_upgrade schema_upgrades[];
extern const char *const schema_assoc_columns[];
extern const char *const schema_bank_columns[];
extern const char *const schema_queue_columns[];
extern const char *const schema_project_columns[];
extern const char *const schema_factor_columns[];
extern const char *const schema_config_columns[];
extern const char *const schema_usage_sensitive_keys[];

#endif /* FLUXACCT_SCHEMA_H */
