/* libfluxacct - schema text and column lists (private). */
#ifndef FLUXACCT_SCHEMA_H
#define FLUXACCT_SCHEMA_H

extern const char *fluxacct_schema_sql;
extern const char *fluxacct_jobs_index_sql;
extern const char *fluxacct_jobs_index_drop_sql;
extern const char *const fluxacct_assoc_columns[];
extern const char *const fluxacct_bank_columns[];
extern const char *const fluxacct_queue_columns[];
extern const char *const fluxacct_project_columns[];
extern const char *const fluxacct_factor_columns[];
extern const char *const fluxacct_config_columns[];
extern const char *const fluxacct_usage_sensitive_keys[];

#endif /* FLUXACCT_SCHEMA_H */
