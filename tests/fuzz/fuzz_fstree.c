/* Fuzz the fair-share JSON tree (fairshare-emulate input): any text loads
 * and computes, or fails cleanly; computed values are in [0, 1]. */
#include <math.h>
#include "fuzz.h"
#include "fluxacct/fairshare.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s = fuzz_string (data, size);
    fluxacct_error_t err;
    fluxacct_fstree_t *t;

    if ((t = fluxacct_fstree_load_json (s, &err))) {
        if (fluxacct_fstree_compute (t, &err) == 0) {
            int n = fluxacct_fstree_user_count (t, &err);
            FUZZ_ASSERT (n >= 0);
            for (int i = 0; i < n; i++) {
                fluxacct_fstree_node_t node;
                FUZZ_ASSERT (fluxacct_fstree_node_init (
                                 &node, FLUXACCT_FSTREE_NODE_VERSION) == 0);
                FUZZ_ASSERT (fluxacct_fstree_user (t, i, &node, &err) == 0);
                FUZZ_ASSERT (node.fairshare >= 0 && node.fairshare <= 1);
            }
        }
        fluxacct_fstree_destroy (t);
    }
    else
        FUZZ_ASSERT (memchr (err.text, '\0', sizeof (err.text)) != NULL);
    free (s);
    return 0;
}
