/* Run a fuzz target over files without libFuzzer: each argument is a file
 * or a directory whose regular files (not starting with '.') are run in
 * name order.  Used as a meson test over the seed corpus, and to reproduce
 * a crash found by a libFuzzer build with a gcc build. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static int run_file (const char *path)
{
    FILE *f = fopen (path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, alloc = 0, n;

    if (!f) {
        perror (path);
        return -1;
    }
    do {
        if (len == alloc) {
            alloc = alloc ? alloc * 2 : 4096;
            FUZZ_ASSERT ((buf = realloc (buf, alloc)) != NULL);
        }
        n = fread (buf + len, 1, alloc - len, f);
        len += n;
    } while (n > 0);
    fclose (f);
    LLVMFuzzerTestOneInput (buf, len);
    free (buf);
    return 0;
}

static int cmp_names (const void *a, const void *b)
{
    return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Returns the number of files run, or -1. */
static int run_dir (const char *dir)
{
    struct dirent *d;
    char **names = NULL;
    size_t n = 0, i;
    int count = 0;
    DIR *dp;

    if (!(dp = opendir (dir))) {
        perror (dir);
        return -1;
    }
    while ((d = readdir (dp))) {
        if (d->d_name[0] == '.')
            continue;
        FUZZ_ASSERT ((names = realloc (names, (n + 1) * sizeof (*names))));
        FUZZ_ASSERT ((names[n++] = strdup (d->d_name)));
    }
    closedir (dp);
    qsort (names, n, sizeof (*names), cmp_names);
    for (i = 0; i < n; i++) {
        char path[4096];
        struct stat st;

        snprintf (path, sizeof (path), "%s/%s", dir, names[i]);
        if (stat (path, &st) == 0 && S_ISREG (st.st_mode)) {
            if (run_file (path) < 0)
                count = -1;
            else if (count >= 0)
                count++;
        }
        free (names[i]);
    }
    free (names);
    return count;
}

int main (int argc, char **argv)
{
    int i, total = 0;

    if (argc < 2) {
        fprintf (stderr, "Usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        struct stat st;
        int n;

        if (stat (argv[i], &st) < 0) {
            perror (argv[i]);
            return 1;
        }
        if (S_ISDIR (st.st_mode))
            n = run_dir (argv[i]);
        else
            n = run_file (argv[i]) == 0 ? 1 : -1;
        if (n < 0)
            return 1;
        total += n;
    }
    printf ("%s: ran %d inputs\n", argv[0], total);
    /* An empty corpus means the test checked nothing. */
    return total > 0 ? 0 : 1;
}
