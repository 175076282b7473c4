/* libfluxacct - umbrella header.  Everything declared by the headers it
 * includes is the public API, and so is <fluxacct/json.h> (not included
 * here because it pulls in <jansson.h>); nothing else is. */
#ifndef FLUXACCT_H
#define FLUXACCT_H

#include <fluxacct/version.h>
#include <fluxacct/error.h>
#include <fluxacct/db.h>
#include <fluxacct/rows.h>
#include <fluxacct/bank.h>
#include <fluxacct/assoc.h>
#include <fluxacct/queue.h>
#include <fluxacct/project.h>
#include <fluxacct/factor.h>
#include <fluxacct/config.h>
#include <fluxacct/parse.h>
#include <fluxacct/jobs.h>
#include <fluxacct/usage.h>
#include <fluxacct/allocation.h>
#include <fluxacct/fstree.h>
#include <fluxacct/fairshare.h>
#include <fluxacct/engine.h>
#include <fluxacct/export.h>
#include <fluxacct/migrate.h>
#include <fluxacct/csv.h>

#endif /* FLUXACCT_H */
