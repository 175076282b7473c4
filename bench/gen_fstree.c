/* gen_fstree - write a large fairshare-emulate input file for benchmarks.
 *
 *   gen_fstree [-u USERS] [-b BANKS] [-s SEED] FILE
 *
 * Writes {"root": ...} with USERS users (default 1000000) under BANKS banks
 * in all (default 10000): the root, about sqrt(BANKS) top banks, and the
 * rest as sub-banks holding the users.  The same seed gives the same file.
 * Files this size belong in /tmp, not in the repository.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t rng_state;

static uint64_t rng (void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static double rng_unit (void)
{
    return (rng () >> 11) * (1.0 / 9007199254740992.0);
}

static int draw_shares (void)
{
    return rng_unit () < 0.8 ? 1 : 1 + (int)(rng () % 100);
}

/* Usage as the emulator sees it: some zeros, some round (tying) values,
 * the rest spread over nine decades. */
static void write_usage (FILE *f)
{
    double r = rng_unit ();
    if (r < 0.05)
        fprintf (f, "0");
    else if (r < 0.15)
        fprintf (f, "%d", (int)(1 + rng () % 10) * 3600);
    else
        fprintf (f, "%.3f", pow (10, rng_unit () * 9) * (1 + rng_unit ()));
}

int main (int argc, char **argv)
{
    long nusers = 1000000, nbanks = 10000;
    uint64_t seed = 42;
    int opt;

    while ((opt = getopt (argc, argv, "u:b:s:")) != -1) {
        switch (opt) {
            case 'u': nusers = atol (optarg); break;
            case 'b': nbanks = atol (optarg); break;
            case 's': seed = strtoull (optarg, NULL, 10); break;
            default: goto usage;
        }
    }
    if (optind != argc - 1 || nusers < 1 || nbanks < 3)
        goto usage;
    rng_state = seed ? seed : 1;

    long ntop = (long)sqrt ((double)nbanks);
    long nsub = nbanks - 1 - ntop;
    long *top_of = malloc (nsub * sizeof (long));   /* sub-bank -> top bank */
    long *count = calloc (nsub, sizeof (long));     /* users per sub-bank */
    if (!top_of || !count)
        return perror ("gen_fstree"), 1;
    for (long i = 0; i < nsub; i++)
        top_of[i] = rng () % ntop;
    for (long i = 0; i < nusers; i++)
        count[rng () % nsub]++;

    FILE *f = fopen (argv[optind], "w");
    if (!f)
        return perror (argv[optind]), 1;
    long next_user = 0;
    fprintf (f, "{\"root\": {\"bank\": \"root\", \"shares\": 1, \"children\": [\n");
    for (long t = 0; t < ntop; t++) {
        fprintf (f, "%s {\"bank\": \"top%ld\", \"shares\": %d, \"children\": [\n",
                 t ? ",\n" : "", t, draw_shares ());
        int first = 1;
        for (long b = 0; b < nsub; b++) {
            if (top_of[b] != t)
                continue;
            fprintf (f, "%s  {\"bank\": \"bank%ld\", \"shares\": %d, \"children\": [",
                     first ? "" : ",\n", b, draw_shares ());
            first = 0;
            for (long u = 0; u < count[b]; u++) {
                fprintf (f, "%s\n   {\"username\": \"user%ld\", \"shares\": %d, \"usage\": ",
                         u ? "," : "", next_user++, draw_shares ());
                write_usage (f);
                fprintf (f, "}");
            }
            fprintf (f, "]}");
        }
        fprintf (f, "]}");
    }
    fprintf (f, "]}}\n");
    if (fclose (f) != 0)
        return perror (argv[optind]), 1;
    free (top_of);
    free (count);
    fprintf (stderr, "gen_fstree: %ld users under %ld banks written to %s\n",
             next_user, nbanks, argv[optind]);
    return 0;
usage:
    fprintf (stderr, "usage: gen_fstree [-u USERS] [-b BANKS] [-s SEED] FILE\n");
    return 1;
}
