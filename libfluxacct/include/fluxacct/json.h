/* libfluxacct - entry points that take jansson values, for programs that
 * already hold their JSON as jansson objects (the mf_priority jobtap
 * plugin receives the jobspec that way): they save a dump and a re-parse.
 *
 * Not included by <fluxacct/fluxacct.h>; including this header includes
 * <jansson.h>.  The caller and libfluxacct must use the same (shared)
 * jansson library. */
#ifndef FLUXACCT_JSON_H
#define FLUXACCT_JSON_H

#include <jansson.h>
#include <fluxacct/error.h>
#include <fluxacct/parse.h>

#ifdef __cplusplus
extern "C" {
#endif

/** fluxacct_jobspec_parse() for a jobspec held as a jansson object (or a
 *  JSON string holding the jobspec's text).  Same semantics, ownership,
 *  errors and messages. */
int fluxacct_jobspec_parse_json (const json_t *jobspec,
                                 fluxacct_jobspec_info_t *out,
                                 fluxacct_error_t *error);

/** Only the job size part of fluxacct_jobspec_parse_json(): "version" and
 *  the "resources" counts (nnodes, ncores, ngpus, nslots), with the same
 *  rules and messages; attributes are not read, so nothing is allocated
 *  and *out has nothing to clear.  The jobtap plugin counts every job with
 *  it.
 *  @param jobspec  a jansson object (not a string holding one)
 *  @return 0, or -1 with errno EINVAL (malformed; *out zeroed) or ERANGE */
int fluxacct_jobspec_count_json (const json_t *jobspec,
                                 fluxacct_jobspec_info_t *out,
                                 fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_JSON_H */
