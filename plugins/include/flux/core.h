/* <flux/core.h> for building jobtap plugins without flux-core installed.
 *
 * libfluxacct's own declarations of the subset of flux-core's interface a
 * jobtap plugin uses, written from the project's jobtap spec (not copied from
 * flux-core).  Prototypes, types and constant values match flux-core v0.88,
 * so a plugin compiles unchanged against either.  The meson build uses these
 * only when pkg-config finds no flux-core.
 *
 * Like flux-core's header, this one does not include <jansson.h>: a plugin
 * that calls json_* includes it itself. */
#ifndef FLUXACCT_FLUX_CORE_H
#define FLUXACCT_FLUX_CORE_H

#include "core/types.h"
#include "core/job.h"
#include "core/message.h"
#include "core/plugin.h"

#endif /* FLUXACCT_FLUX_CORE_H */
