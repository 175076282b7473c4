/* Test plugin without flux_plugin_init: it loads, with no handlers. */
int no_init_marker (void);

int no_init_marker (void)
{
    return 0;
}
