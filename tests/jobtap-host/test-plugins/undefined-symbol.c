/* Test plugin that calls a flux_* function no job manager provides: with
 * RTLD_NOW the load must fail at dlopen, not at the first call. */
#include <flux/core.h>

int flux_no_such_function (flux_plugin_t *p);

/* flux-core declares no prototype for the entry point. */
int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    return flux_no_such_function (p);
}
