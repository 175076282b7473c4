/* Built with -std=c99 -pedantic-errors -Werror, and checked as C++: the
 * interface headers must compile on their own, in either order, and carry
 * flux-core's constant values. */
#include <stddef.h>
#include <flux/jobtap.h>
#include <flux/core.h>

int main (void)
{
    flux_jobid_t id = FLUX_JOBTAP_CURRENT_JOB;
    int urgency = FLUX_JOB_URGENCY_DEFAULT;
    long long max = FLUX_JOB_PRIORITY_MAX;
    flux_job_state_t state = FLUX_JOB_STATE_SCHED;
    flux_job_result_t result = FLUX_JOB_RESULT_COMPLETED;
    struct flux_plugin_handler tab[] = { { NULL, NULL, NULL } };

    (void)tab;
    return !(id == 0xFFFFFFFFFFFFFFFFULL && urgency == 16 && max == 4294967295LL
             && state == 8 && result == 1 && FLUX_PLUGIN_ARG_OUT == 1
             && FLUX_PLUGIN_ARG_REPLACE == 2 && FLUX_PLUGIN_RTLD_DEEPBIND == 8
             && FLUX_ROLE_USER == 2 && FLUX_USERID_UNKNOWN == 0xFFFFFFFFU
             && FLUX_JOB_URGENCY_EXPEDITE == 31 && FLUX_JOB_STATE_INACTIVE == 64);
}
