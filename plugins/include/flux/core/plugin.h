/* The libflux plugin interface: the plugin object, its handler table, its
 * per-plugin storage and load-time configuration, and the argument container
 * passed to every handler.  A jobtap plugin exports one function,
 * flux_plugin_init(), and registers its handlers from there. */
#ifndef FLUXACCT_FLUX_CORE_PLUGIN_H
#define FLUXACCT_FLUX_CORE_PLUGIN_H

#include <stdarg.h>
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct flux_plugin flux_plugin_t;
typedef struct flux_plugin_arg flux_plugin_arg_t;

/* A handler: return 0 on success, -1 on failure (meaning depends on topic). */
typedef int (*flux_plugin_f)(flux_plugin_t *p,
                             const char *topic,
                             flux_plugin_arg_t *args,
                             void *data);

/* The one symbol a plugin exports. */
typedef int (*flux_plugin_init_f)(flux_plugin_t *p);

/* One row of a handler table; a table ends with an all-zero row.  topic is
 * an fnmatch(3) glob. */
struct flux_plugin_handler {
    const char *topic;
    flux_plugin_f cb;
    void *data;
};

/* dlopen flags for flux_plugin_set_flags(). */
enum {
    FLUX_PLUGIN_RTLD_LAZY = 1,
    FLUX_PLUGIN_RTLD_NOW = 2,
    FLUX_PLUGIN_RTLD_GLOBAL = 4,
    FLUX_PLUGIN_RTLD_DEEPBIND = 8,
};

/* Which side of an argument container to operate on.  REPLACE may be OR-ed
 * in to replace the side instead of merging into it. */
enum {
    FLUX_PLUGIN_ARG_IN = 0,
    FLUX_PLUGIN_ARG_OUT = 1,
    FLUX_PLUGIN_ARG_REPLACE = 2,
};

flux_plugin_t *flux_plugin_create (void);
void flux_plugin_destroy (flux_plugin_t *p);

int flux_plugin_set_flags (flux_plugin_t *p, int flags);
int flux_plugin_get_flags (flux_plugin_t *p);

/* Text of the last error on p. */
const char *flux_plugin_strerror (flux_plugin_t *p);

int flux_plugin_set_name (flux_plugin_t *p, const char *name);
const char *flux_plugin_get_name (flux_plugin_t *p);

/* Path of the loaded shared object (NULL if not loaded from one). */
const char *flux_plugin_get_path (flux_plugin_t *p);

/* A UUID string unique to this plugin instance. */
const char *flux_plugin_get_uuid (flux_plugin_t *p);

/* Append a handler for a topic glob; cb == NULL removes the handler
 * registered for exactly that glob. */
int flux_plugin_add_handler (flux_plugin_t *p,
                             const char *topic,
                             flux_plugin_f cb,
                             void *arg);
int flux_plugin_remove_handler (flux_plugin_t *p, const char *topic);

/* Handler registered for exactly the glob topic, or NULL. */
flux_plugin_f flux_plugin_get_handler (flux_plugin_t *p, const char *topic);

/* First handler whose glob matches topic, or NULL. */
flux_plugin_f flux_plugin_match_handler (flux_plugin_t *p, const char *topic);

/* Set the name (if name is non-NULL), then add each row of t until a row
 * with a NULL topic. */
int flux_plugin_register (flux_plugin_t *p,
                          const char *name,
                          const struct flux_plugin_handler t[]);

/* Per-plugin storage.  A duplicate key destroys the old value, val == NULL
 * deletes, key == NULL stores anonymously; destructors run at destroy. */
int flux_plugin_aux_set (flux_plugin_t *p,
                         const char *key,
                         void *val,
                         flux_free_f free_fn);
void *flux_plugin_aux_get (flux_plugin_t *p, const char *key);
void flux_plugin_aux_delete_value (flux_plugin_t *p, const void *val);
FLUX_DEPRECATED (void flux_plugin_aux_delete (flux_plugin_t *p,
                                              const void *val));

/* Load-time configuration: a JSON object attached by the host before the
 * plugin is loaded.  get returns compact JSON or NULL (ENOENT). */
int flux_plugin_set_conf (flux_plugin_t *p, const char *json_str);
const char *flux_plugin_get_conf (flux_plugin_t *p);

/* jansson unpack of the load-time configuration.  -1 with errno ENOENT if
 * none was set; -1 with the text in flux_plugin_strerror() on mismatch. */
int flux_plugin_conf_unpack (flux_plugin_t *p, const char *fmt, ...);

/* Host side: dlopen the shared object at path and call its
 * flux_plugin_init(); -1 if either fails. */
int flux_plugin_load_dso (flux_plugin_t *p, const char *path);

/* Call the first handler whose glob matches topic.  Returns 0 if none
 * matched, 1 if it returned >= 0, -1 if it returned < 0. */
int flux_plugin_call (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args);

/* Argument container: an IN object (host to plugin) and an OUT object
 * (plugin to host).  Strings and objects obtained by unpack are borrowed
 * and live as long as the container. */
flux_plugin_arg_t *flux_plugin_arg_create (void);
void flux_plugin_arg_destroy (flux_plugin_arg_t *args);

/* jansson error text of the last failed operation on args. */
const char *flux_plugin_arg_strerror (flux_plugin_arg_t *args);

/* Parse json_str and store it on the side named by flags (merged unless the
 * side is empty or REPLACE is given). */
int flux_plugin_arg_set (flux_plugin_arg_t *args, int flags, const char *json_str);

/* Compact JSON of one side; the caller frees *json_str.  ENOENT if unset. */
int flux_plugin_arg_get (flux_plugin_arg_t *args, int flags, char **json_str);

/* Build an object with a jansson pack format and store it as arg_set does. */
int flux_plugin_arg_pack (flux_plugin_arg_t *args, int flags, const char *fmt, ...);
int flux_plugin_arg_vpack (flux_plugin_arg_t *args,
                           int flags,
                           const char *fmt,
                           va_list ap);

/* jansson unpack (non-strict) of one side. */
int flux_plugin_arg_unpack (flux_plugin_arg_t *args, int flags, const char *fmt, ...);
int flux_plugin_arg_vunpack (flux_plugin_arg_t *args,
                             int flags,
                             const char *fmt,
                             va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FLUX_CORE_PLUGIN_H */
