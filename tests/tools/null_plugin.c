/* tests/tools/null_plugin.so: registers the same handler table as
 * mf_priority.so (the host matches every topic against every handler, so
 * the table's size is host cost) and does nothing in them.  bench_plugin
 * runs the same jobs with it to measure what the job-manager host itself
 * costs (building arguments, dispatch, events), so that the difference is
 * mf_priority's own work. */
#include <stddef.h>
#include <flux/core.h>
#include <flux/jobtap.h>

static int nop (flux_plugin_t *p, const char *topic, flux_plugin_arg_t *args,
                void *data)
{
    return 0;
}

static const struct flux_plugin_handler tab[] = {
    { "job.validate", nop, NULL },
    { "job.new", nop, NULL },
    { "job.state.depend", nop, NULL },
    { "job.state.priority", nop, NULL },
    { "job.priority.get", nop, NULL },
    { "job.state.sched", nop, NULL },
    { "job.state.run", nop, NULL },
    { "job.state.inactive", nop, NULL },
    { "job.update.attributes.system.bank", nop, NULL },
    { "job.update.attributes.system.queue", nop, NULL },
    { "job.update", nop, NULL },
    { "plugin.query", nop, NULL },
    { NULL, NULL, NULL },
};

int flux_plugin_init (flux_plugin_t *p);

int flux_plugin_init (flux_plugin_t *p)
{
    return flux_plugin_register (p, "null", tab);
}
