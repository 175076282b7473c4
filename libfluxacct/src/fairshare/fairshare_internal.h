/* libfluxacct - fair-share internals shared by fairshare.c and
 * fairshare_json.c.  Not API, not exported. */
#ifndef FLUXACCT_FAIRSHARE_INTERNAL_H
#define FLUXACCT_FAIRSHARE_INTERNAL_H

#include <stdbool.h>
#include "fluxacct/fstree.h"

/* Remember that the usage of the node added last was written as a JSON
 * integer, so the results print it as one (Python keeps ints as ints). */
void fstree_set_usage_int (fluxacct_fstree_t *tree);

/* True if node index (computed tree) had its usage given as an integer. */
bool fstree_usage_is_int (const fluxacct_fstree_t *tree, int index);

#endif /* FLUXACCT_FAIRSHARE_INTERNAL_H */
