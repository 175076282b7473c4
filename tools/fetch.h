/* flux-account - fetch-job-records from a running Flux instance. */
#ifndef FLUX_ACCOUNT_FETCH_H
#define FLUX_ACCOUNT_FETCH_H

#include "cli.h"

/* Import the jobs that became inactive in the enclosing Flux instance
 * since the database's fetch mark (fluxacct_jobs_fetch_since()), with
 * their R and jobspec, and raise the mark: one transaction.  Jobs that
 * never ran and jobs already stored are skipped.  Problems with single
 * records go to report(ctx, msg); the import counters to *stats.  Returns
 * 0, or the exit status after printing the error (no Flux instance
 * reachable, not the instance owner, an RPC failed, the database). */
int fetch_from_instance (struct ctx *ctx, fluxacct_report_f report,
                         fluxacct_jobs_import_stats_t *stats);

#endif /* FLUX_ACCOUNT_FETCH_H */
