/* libfluxacct's own declaration of the flux-core types that jobtap plugins
 * use.  Written from the interface description in the project's jobtap spec
 * (not copied from flux-core) so that a plugin builds when flux-core is not
 * installed.  Names, types and values match flux-core v0.88. */
#ifndef FLUXACCT_FLUX_CORE_TYPES_H
#define FLUXACCT_FLUX_CORE_TYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handles: the broker handle, a message, a message handler. */
typedef struct flux_handle flux_t;
typedef struct flux_msg flux_msg_t;
typedef struct flux_msg_handler flux_msg_handler_t;

/* Destructor for caller data stored with aux_set functions. */
typedef void (*flux_free_f)(void *arg);

/* Handler for a request message (used for jobtap services). */
typedef void (*flux_msg_handler_f)(flux_t *h,
                                   flux_msg_handler_t *mh,
                                   const flux_msg_t *msg,
                                   void *arg);

/* Credential roles. */
#define FLUX_ROLE_OWNER 1
#define FLUX_ROLE_USER 2

#define FLUX_USERID_UNKNOWN 0xFFFFFFFF

/* FLUX_DEPRECATED(declaration) marks a declaration deprecated.  Left
 * overridable, as in flux-core, so binding generators can define it away. */
#ifndef FLUX_DEPRECATED
#define FLUX_DEPRECATED(...) __VA_ARGS__ __attribute__ ((deprecated))
#endif

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FLUX_CORE_TYPES_H */
