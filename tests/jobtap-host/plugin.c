/* jobtap-host: the libflux plugin core (flux_plugin_*) and the argument
 * container (flux_plugin_arg_*), implemented from the jobtap spec §1-2. */
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "host-internal.h"

/* Sanitizers lose the frames of a dlclose'd object in leak reports, so
 * flux-core skips dlclose under ASan; do the same. */
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_DLCLOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SKIP_DLCLOSE 1
#endif
#endif

/* --- aux lists (plugin aux and job aux) --- */

static void aux_item_destroy (struct aux_item *item)
{
    int saved_errno = errno;
    if (item->free_fn)
        item->free_fn (item->val);
    free (item->key);
    free (item);
    errno = saved_errno;
}

static bool aux_match (struct aux_item *item, const void *owner, const char *key)
{
    return item->owner == owner && item->key && streq_safe (item->key, key);
}

int aux_set (struct aux_item **head,
             const void *owner,
             const char *key,
             void *val,
             flux_free_f free_fn)
{
    struct aux_item **pp;
    struct aux_item *item;

    if (!key && !val) {
        errno = EINVAL;
        return -1;
    }
    /* A duplicate key destroys the old value; val == NULL only deletes. */
    if (key) {
        for (pp = head; *pp; pp = &(*pp)->next) {
            if (aux_match (*pp, owner, key)) {
                item = *pp;
                *pp = item->next;
                aux_item_destroy (item);
                break;
            }
        }
        if (!val)
            return 0;
    }
    if (!(item = calloc (1, sizeof (*item))))
        return -1;
    if (key && !(item->key = strdup (key))) {
        free (item);
        return -1;
    }
    item->owner = owner;
    item->val = val;
    item->free_fn = free_fn;
    item->next = *head;
    *head = item;
    return 0;
}

void *aux_get (struct aux_item *head, const void *owner, const char *key)
{
    if (!key) {
        errno = EINVAL;
        return NULL;
    }
    for (; head; head = head->next) {
        if (aux_match (head, owner, key))
            return head->val;
    }
    errno = ENOENT;
    return NULL;
}

int aux_delete_value (struct aux_item **head, const void *owner, const void *val)
{
    struct aux_item **pp = head;
    int count = 0;

    while (*pp) {
        struct aux_item *item = *pp;
        if (item->owner == owner && item->val == val) {
            *pp = item->next;
            aux_item_destroy (item);
            count++;
        }
        else
            pp = &item->next;
    }
    return count;
}

void aux_destroy (struct aux_item **head, const void *owner, bool all)
{
    struct aux_item **pp = head;

    while (*pp) {
        struct aux_item *item = *pp;
        if (all || item->owner == owner) {
            *pp = item->next;
            aux_item_destroy (item);
        }
        else
            pp = &item->next;
    }
}

/* --- plugin object --- */

void plugin_set_error (flux_plugin_t *p, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (p->error, sizeof (p->error), fmt, ap);
    va_end (ap);
}

/* A version 4 UUID string.  Only uniqueness within the process matters
 * (job aux is namespaced by plugin instance), so rand_r is enough. */
static void make_uuid (char *buf, size_t size)
{
    static unsigned int seed;
    unsigned char b[16];

    if (seed == 0)
        seed = (unsigned int)time (NULL) ^ (unsigned int)getpid ();
    for (int i = 0; i < 16; i++)
        b[i] = (unsigned char)rand_r (&seed);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf (buf, size,
              "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
              "%02x%02x%02x%02x%02x%02x",
              b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
              b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

flux_plugin_t *flux_plugin_create (void)
{
    flux_plugin_t *p = calloc (1, sizeof (*p));
    if (!p)
        return NULL;
    make_uuid (p->uuid, sizeof (p->uuid));
    return p;
}

void flux_plugin_destroy (flux_plugin_t *p)
{
    if (!p)
        return;
    int saved_errno = errno;
    /* Destructors live in the plugin: run them before dlclose. */
    aux_destroy (&p->aux, NULL, true);
#ifndef SKIP_DLCLOSE
    if (p->dso)
        dlclose (p->dso);
#endif
    for (size_t i = 0; i < p->nhandlers; i++)
        free (p->handlers[i].topic);
    free (p->handlers);
    free (p->name);
    free (p->path);
    free (p->conf);
    json_decref (p->conf_obj);
    free (p);
    errno = saved_errno;
}

int flux_plugin_set_flags (flux_plugin_t *p, int flags)
{
    int valid = FLUX_PLUGIN_RTLD_LAZY | FLUX_PLUGIN_RTLD_NOW
                | FLUX_PLUGIN_RTLD_GLOBAL | FLUX_PLUGIN_RTLD_DEEPBIND;
    if (!p || (flags & ~valid)) {
        errno = EINVAL;
        return -1;
    }
    p->flags = flags;
    return 0;
}

int flux_plugin_get_flags (flux_plugin_t *p)
{
    return p ? p->flags : 0;
}

const char *flux_plugin_strerror (flux_plugin_t *p)
{
    return p ? p->error : "Unknown error";
}

int flux_plugin_set_name (flux_plugin_t *p, const char *name)
{
    char *s;
    if (!p || !name) {
        errno = EINVAL;
        return -1;
    }
    if (!(s = strdup (name)))
        return -1;
    free (p->name);
    p->name = s;
    return 0;
}

const char *flux_plugin_get_name (flux_plugin_t *p)
{
    return p ? p->name : NULL;
}

const char *flux_plugin_get_path (flux_plugin_t *p)
{
    return p ? p->path : NULL;
}

const char *flux_plugin_get_uuid (flux_plugin_t *p)
{
    return p ? p->uuid : NULL;
}

static struct handler *find_handler (flux_plugin_t *p, const char *topic)
{
    for (size_t i = 0; i < p->nhandlers; i++) {
        if (streq (p->handlers[i].topic, topic))
            return &p->handlers[i];
    }
    return NULL;
}

int flux_plugin_remove_handler (flux_plugin_t *p, const char *topic)
{
    struct handler *hd;
    if (!p || !topic) {
        errno = EINVAL;
        return -1;
    }
    if ((hd = find_handler (p, topic))) {
        size_t i = hd - p->handlers;
        free (hd->topic);
        memmove (hd, hd + 1, (p->nhandlers - i - 1) * sizeof (*hd));
        p->nhandlers--;
    }
    return 0;
}

int flux_plugin_add_handler (flux_plugin_t *p,
                             const char *topic,
                             flux_plugin_f cb,
                             void *arg)
{
    if (!p || !topic) {
        errno = EINVAL;
        return -1;
    }
    if (!cb)
        return flux_plugin_remove_handler (p, topic);
    if (p->nhandlers == p->handlers_cap) {
        size_t cap = p->handlers_cap ? p->handlers_cap * 2 : 8;
        struct handler *new = realloc (p->handlers, cap * sizeof (*new));
        if (!new)
            return -1;
        p->handlers = new;
        p->handlers_cap = cap;
    }
    struct handler *hd = &p->handlers[p->nhandlers];
    if (!(hd->topic = strdup (topic)))
        return -1;
    hd->cb = cb;
    hd->data = arg;
    p->nhandlers++;
    return 0;
}

flux_plugin_f flux_plugin_get_handler (flux_plugin_t *p, const char *topic)
{
    struct handler *hd;
    if (!p || !topic) {
        errno = EINVAL;
        return NULL;
    }
    if (!(hd = find_handler (p, topic))) {
        errno = ENOENT;
        return NULL;
    }
    return hd->cb;
}

static struct handler *match_handler (flux_plugin_t *p, const char *topic)
{
    for (size_t i = 0; i < p->nhandlers; i++) {
        if (fnmatch (p->handlers[i].topic, topic, 0) == 0)
            return &p->handlers[i];
    }
    return NULL;
}

flux_plugin_f flux_plugin_match_handler (flux_plugin_t *p, const char *topic)
{
    struct handler *hd;
    if (!p || !topic) {
        errno = EINVAL;
        return NULL;
    }
    if (!(hd = match_handler (p, topic))) {
        errno = ENOENT;
        return NULL;
    }
    return hd->cb;
}

int flux_plugin_register (flux_plugin_t *p,
                          const char *name,
                          const struct flux_plugin_handler t[])
{
    if (!p || !t) {
        errno = EINVAL;
        return -1;
    }
    if (name && flux_plugin_set_name (p, name) < 0)
        return -1;
    for (int i = 0; t[i].topic; i++) {
        if (flux_plugin_add_handler (p, t[i].topic, t[i].cb, t[i].data) < 0)
            return -1;
    }
    return 0;
}

int flux_plugin_aux_set (flux_plugin_t *p,
                         const char *key,
                         void *val,
                         flux_free_f free_fn)
{
    if (!p) {
        errno = EINVAL;
        return -1;
    }
    return aux_set (&p->aux, NULL, key, val, free_fn);
}

void *flux_plugin_aux_get (flux_plugin_t *p, const char *key)
{
    if (!p) {
        errno = EINVAL;
        return NULL;
    }
    return aux_get (p->aux, NULL, key);
}

void flux_plugin_aux_delete_value (flux_plugin_t *p, const void *val)
{
    if (p)
        aux_delete_value (&p->aux, NULL, val);
}

void flux_plugin_aux_delete (flux_plugin_t *p, const void *val)
{
    flux_plugin_aux_delete_value (p, val);
}

int flux_plugin_set_conf (flux_plugin_t *p, const char *json_str)
{
    json_error_t err;
    json_t *o;
    char *s;

    if (!p || !json_str) {
        errno = EINVAL;
        return -1;
    }
    if (!(o = json_loads (json_str, 0, &err))) {
        plugin_set_error (p, "parse error: col %d: %s", err.column, err.text);
        errno = EINVAL;
        return -1;
    }
    if (!(s = json_dumps (o, JSON_COMPACT | JSON_ENCODE_ANY))) {
        json_decref (o);
        errno = ENOMEM;
        return -1;
    }
    json_decref (p->conf_obj);
    free (p->conf);
    p->conf_obj = o;
    p->conf = s;
    return 0;
}

const char *flux_plugin_get_conf (flux_plugin_t *p)
{
    if (!p) {
        errno = EINVAL;
        return NULL;
    }
    if (!p->conf) {
        plugin_set_error (p, "No plugin conf set");
        errno = ENOENT;
        return NULL;
    }
    return p->conf;
}

int flux_plugin_conf_unpack (flux_plugin_t *p, const char *fmt, ...)
{
    json_error_t err;
    va_list ap;
    int rc;

    if (!p || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (!p->conf_obj) {
        plugin_set_error (p, "No plugin conf set");
        errno = ENOENT;
        return -1;
    }
    va_start (ap, fmt);
    rc = json_vunpack_ex (p->conf_obj, &err, 0, fmt, ap);
    va_end (ap);
    if (rc < 0) {
        plugin_set_error (p, "%s", err.text);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int dlopen_flags (int flags)
{
    int f = (flags & FLUX_PLUGIN_RTLD_NOW) ? RTLD_NOW : RTLD_LAZY;
    f |= (flags & FLUX_PLUGIN_RTLD_GLOBAL) ? RTLD_GLOBAL : RTLD_LOCAL;
#if defined(RTLD_DEEPBIND) && !defined(SKIP_DLCLOSE)
    if (flags & FLUX_PLUGIN_RTLD_DEEPBIND)
        f |= RTLD_DEEPBIND;
#endif
    return f;
}

int flux_plugin_load_dso (flux_plugin_t *p, const char *path)
{
    flux_plugin_init_f init;

    if (!p || !path) {
        errno = EINVAL;
        return -1;
    }
    if (access (path, R_OK) < 0) {
        plugin_set_error (p, "%s: %s", path, strerror (errno));
        return -1;
    }
    dlerror ();
    if (!(p->dso = dlopen (path, dlopen_flags (p->flags)))) {
        plugin_set_error (p, "%s", dlerror ());
        errno = EINVAL;
        return -1;
    }
    free (p->path);
    if (!(p->path = strdup (path)) || flux_plugin_set_name (p, path) < 0)
        return -1;
    /* A DSO without flux_plugin_init loads, with no handlers. */
    if (!(*(void **)&init = dlsym (p->dso, "flux_plugin_init")))
        return 0;
    if (init (p) < 0) {
        plugin_set_error (p, "%s: flux_plugin_init failed", path);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int flux_plugin_call (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args)
{
    struct handler *hd;

    if (!p || !topic) {
        errno = EINVAL;
        return -1;
    }
    if (!(hd = match_handler (p, topic)))
        return 0;
    return hd->cb (p, topic, args, hd->data) < 0 ? -1 : 1;
}

/* --- argument container --- */

flux_plugin_arg_t *flux_plugin_arg_create (void)
{
    return calloc (1, sizeof (flux_plugin_arg_t));
}

void flux_plugin_arg_destroy (flux_plugin_arg_t *args)
{
    if (!args)
        return;
    int saved_errno = errno;
    json_decref (args->in);
    json_decref (args->out);
    free (args);
    errno = saved_errno;
}

const char *flux_plugin_arg_strerror (flux_plugin_arg_t *args)
{
    return args ? args->error : "Unknown error";
}

static void arg_error (flux_plugin_arg_t *args, const char *text)
{
    snprintf (args->error, sizeof (args->error), "%s", text);
}

/* Store rule: replace an empty side or on REPLACE, else shallow-merge
 * (top-level keys of o overwrite).  Steals o. */
static int arg_store (flux_plugin_arg_t *args, int flags, json_t *o)
{
    json_t **side = (flags & FLUX_PLUGIN_ARG_OUT) ? &args->out : &args->in;

    if (!*side || (flags & FLUX_PLUGIN_ARG_REPLACE)) {
        json_decref (*side);
        *side = o;
        return 0;
    }
    if (json_object_update (*side, o) < 0) {
        json_decref (o);
        arg_error (args, "cannot merge a non-object");
        errno = EINVAL;
        return -1;
    }
    json_decref (o);
    return 0;
}

int flux_plugin_arg_set (flux_plugin_arg_t *args, int flags, const char *json_str)
{
    json_error_t err;
    json_t *o;

    if (!args || !json_str) {
        errno = EINVAL;
        return -1;
    }
    if (!(o = json_loads (json_str, JSON_DECODE_ANY, &err))) {
        arg_error (args, err.text);
        errno = EINVAL;
        return -1;
    }
    return arg_store (args, flags, o);
}

int flux_plugin_arg_get (flux_plugin_arg_t *args, int flags, char **json_str)
{
    json_t *side;

    if (!args || !json_str) {
        errno = EINVAL;
        return -1;
    }
    side = (flags & FLUX_PLUGIN_ARG_OUT) ? args->out : args->in;
    if (!side) {
        errno = ENOENT;
        return -1;
    }
    if (!(*json_str = json_dumps (side, JSON_COMPACT | JSON_ENCODE_ANY))) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

int flux_plugin_arg_vpack (flux_plugin_arg_t *args,
                           int flags,
                           const char *fmt,
                           va_list ap)
{
    json_error_t err;
    json_t *o;

    if (!args || !fmt) {
        errno = EINVAL;
        return -1;
    }
    if (!(o = json_vpack_ex (&err, 0, fmt, ap))) {
        arg_error (args, err.text);
        errno = EINVAL;
        return -1;
    }
    return arg_store (args, flags, o);
}

int flux_plugin_arg_pack (flux_plugin_arg_t *args, int flags, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start (ap, fmt);
    rc = flux_plugin_arg_vpack (args, flags, fmt, ap);
    va_end (ap);
    return rc;
}

int flux_plugin_arg_vunpack (flux_plugin_arg_t *args,
                             int flags,
                             const char *fmt,
                             va_list ap)
{
    json_error_t err;
    json_t *side;

    if (!args || !fmt) {
        errno = EINVAL;
        return -1;
    }
    side = (flags & FLUX_PLUGIN_ARG_OUT) ? args->out : args->in;
    /* jansson reports "NULL root value" for a side never set. */
    if (json_vunpack_ex (side, &err, 0, fmt, ap) < 0) {
        arg_error (args, err.text);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int flux_plugin_arg_unpack (flux_plugin_arg_t *args, int flags, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start (ap, fmt);
    rc = flux_plugin_arg_vunpack (args, flags, fmt, ap);
    va_end (ap);
    return rc;
}
