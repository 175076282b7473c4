/* libfluxacct - schema text and column lists (private). */
#ifndef FLUXACCT_SCHEMA_H
#define FLUXACCT_SCHEMA_H

extern const char *schema_sql;
extern const char *schema_jobs_index_sql;
extern const char *schema_jobs_index_drop_sql;
extern const char *const schema_assoc_columns[];
extern const char *const schema_bank_columns[];
extern const char *const schema_queue_columns[];
extern const char *const schema_project_columns[];
extern const char *const schema_factor_columns[];
extern const char *const schema_config_columns[];
extern const char *const schema_usage_sensitive_keys[];

#endif /* FLUXACCT_SCHEMA_H */
