/* flux-account - shared declarations of the command-line front end. */
#ifndef FLUX_ACCOUNT_CLI_H
#define FLUX_ACCOUNT_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <fluxacct/fluxacct.h>
#include "util/fmt_internal.h"

#include "format.h"

#define MAX_OPTS 48

/* An option of a subcommand.  has_arg: 0 flag, 1 takes a value,
 * OPT_MULTI takes one or more values (the words after the flag that do not
 * start with '-', or the flag repeated; read them with arg_multi()).
 * Single-dash spellings of several letters (-msn), as flux-accounting's
 * argparse accepts them, are listed in opts.c (aliases[]). */
#define OPT_MULTI 3
struct optdef {
    const char *name;
    int shortopt;
    int has_arg;
    const char *argname;
    const char *help;
};

struct ctx;
struct args;
typedef int (*cmd_f) (struct ctx *ctx, struct args *a);

/* How a command uses the database. */
enum {
    CMD_NODB = 0,   /* does not open the database itself */
    CMD_READ = 1,   /* opens it read-only */
    CMD_WRITE = 2,  /* opens it read-write */
};

struct cmd {
    const char *name;
    cmd_f fn;
    int db;                    /* CMD_* */
    const char *usage;         /* positional arguments, e.g. "BANK SHARES" */
    int min_pos, max_pos;      /* max_pos -1: unlimited */
    const char *summary;
    const struct optdef *opts; /* terminated by { NULL } */
};

struct args {
    const struct cmd *cmd;
    const char *val[MAX_OPTS];
    int given[MAX_OPTS];
    const char **multi[MAX_OPTS]; /* OPT_MULTI values, NULL-terminated */
    int nmulti[MAX_OPTS];
    char **argv;                  /* argv after alias expansion */
    int npos;
    char **pos;
    char **owned;                 /* strings expand_argv allocated */
    int nowned;
};

/* Free what parse_args allocated in a (argv, the OPT_MULTI arrays, the
 * expanded option strings); a stays valid for nothing after. */
void args_free (struct args *a);

struct ctx {
    const char *path;   /* database path */
    fluxacct_db_t *db;  /* opened per the command's db mode */
    FILE *out;          /* data goes here (stdout or -o FILE) */
    int quiet;
    int verbose;
    int progress_shown;  /* a progress line is on the terminal */
    double progress_last;
};

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Print "flux-account: ERROR: ..." on stderr and return the exit status
 * for errno (2 for usage errors and read-only databases, else 1).
 * fail_error() also treats the library's EINVAL (a bad value) as a usage
 * error. */
int fail (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
int fail_error (const fluxacct_error_t *error);
/* The same for errors in the content of an input file: exit 1. */
int fail_input (const fluxacct_error_t *error);
int usage_error (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void warn (struct ctx *ctx, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Option access. */
const char *arg_str (struct args *a, const char *name);
int arg_flag (struct args *a, const char *name);
/* The values of an OPT_MULTI option: the n-th (from 0), or NULL past the
 * last. */
const char *arg_multi (struct args *a, const char *name, int n);
/* Parse an integer option into *out (left untouched when absent).
 * Accepts "unlimited" when allow_unlimited.  Returns 0 or -1 (message
 * printed). */
int arg_int (struct args *a, const char *name, int allow_unlimited,
             int64_t *out);
int arg_double (struct args *a, const char *name, double *out);
int arg_time (struct args *a, const char *name, double *out);
/* A bare number of weeks, the one rule of create-db, update-usage and
 * edit-config (the seed's "--priority-decay-half-life=2" is two weeks):
 * 1 with *seconds set when s is a decimal number without spaces whose
 * seconds are finite; -1 when strtod reads s as a number that breaks
 * that (inf, nan, hex, leading spaces, overflow); 0 when s is not a
 * number (a duration like 14d: the caller parses it). */
int weeks_to_seconds (const char *s, double *seconds);
/* The value to store for config key `key` in *out: for the half-life and
 * the reset period a bare number is weeks (weeks_to_seconds), written as
 * seconds into buf; any other value is unchanged.  0, or EXIT_USAGE after
 * the message. */
int config_value (const char *key, const char *value, char *buf, size_t len,
                  const char **out);
/* A period option (create-db, update-usage): a bare number is weeks
 * (weeks_to_seconds), otherwise a Flux Standard Duration; must be
 * positive.  *out (seconds) is left untouched when the option is absent.
 * 0, or EXIT_USAGE after the message. */
int arg_weeks_or_fsd (struct args *a, const char *name, double *out);
int parse_args (const struct cmd *cmd, int argc, char **argv, struct args *a);
void print_cmd_help (FILE *f, const struct cmd *cmd);

/* Output of result tables. */
enum { OUT_TABLE, OUT_JSON, OUT_PARSABLE, OUT_FORMAT };
struct outopts {
    int mode;
    const char *format;
};
int outopts_get (struct args *a, struct outopts *o);

/* A table of cells: what every command prints, through print_cells (as a
 * table, --json, --parsable or -o FORMAT).  print_rows turns a
 * fluxacct_rows_t into one; commands whose results are not rows (the
 * fair-share views) build their own. */
struct cellcol {
    const char *name;    /* the key: JSON, parsable header, -o field */
    const char *heading; /* the table's header; NULL: name */
    int width;           /* fixed-width tables (celltab.fixed): pad to
                            |width| characters, right-aligned when > 0,
                            left when < 0; 0 unpadded */
    int gap;             /* fixed-width tables: spaces before the column
                            (0: one) */
};
struct cell {
    int type;   /* FLUXACCT_TYPE_*: the JSON value; INT and REAL are
                   numbers to -o */
    char *text; /* as the table shows it */
    char *raw;  /* as --parsable, -o and JSON strings show it; NULL: text */
    int64_t i;  /* INT */
    double d;   /* INT and REAL */
};
struct celltab {
    size_t nc, nr, cap;
    struct cellcol *cols;
    struct cell *cells;  /* nr * nc, row-major (one row with a loader) */
    struct cell *cur;    /* the row ct_set fills */
    /* Rows made on demand rather than stored: load fills row i (from src)
     * with ct_set into the one row of cells; -1 when out of memory. */
    int (*load) (struct celltab *t, size_t i);
    const void *src;
    int mode;            /* OUT_*: set by print_cells for load */
    int oom;             /* a ct_* call ran out of memory */
    int fixed;           /* table: each column padded to its width and
                            joined by spaces (flux-accounting's layouts),
                            not the " | " table of computed widths */
    int rule;            /* fixed: a line of dashes under the header */
    int noheader;        /* no header (table, --parsable, -o) */
};
/* A table with nc columns (the array is copied, the strings borrowed: they
 * must outlive the table); NULL when out of memory. */
struct celltab *ct_create (size_t nc, const struct cellcol *cols);
void ct_destroy (struct celltab *t);
/* Start a row; the ct_set calls fill it (unset cells are NULL, empty).
 * Out of memory is remembered in t->oom and reported by print_cells. */
void ct_add_row (struct celltab *t);
/* Set cell `col` of the last row; text and raw are copied (raw NULL:
 * the same as text). */
void ct_set (struct celltab *t, size_t col, int type, const char *text,
             const char *raw, int64_t i, double d);
void ct_text (struct celltab *t, size_t col, const char *text,
              const char *raw);
void ct_int (struct celltab *t, size_t col, int64_t v);
/* A REAL: the table shows it as fa_fmt_double's table_mode, --parsable
 * and -o as raw_mode; JSON writes it shortest-exact (null if not finite). */
void ct_real (struct celltab *t, size_t col, double v, int table_mode,
              int raw_mode);
/* A NULL cell (JSON null, empty text). */
void ct_null (struct celltab *t, size_t col);
/* Print t as o says.  0, or the exit status after the message (a bad -o
 * FORMAT, out of memory). */
int print_cells (struct ctx *ctx, struct celltab *t,
                 const struct outopts *o);
/* Print a result (as print_cells). */
int print_rows (struct ctx *ctx, const fluxacct_rows_t *rows,
                const struct outopts *o);
/* Print a view/list result with the command's output options and destroy
 * it; r NULL means the call failed with *error. */
int print_and_free (struct ctx *ctx, struct args *a, fluxacct_rows_t *r,
                    fluxacct_error_t *error);
/* A cell as text: table form (unlimited, true/false, 6 decimals) or raw
 * (full precision).  Returns a malloc'd string. */
char *cell_text (const fluxacct_rows_t *r, size_t row, size_t col, int raw);
/* The table form every command prints: the header, a "-+-" rule, then
 * nr rows of nc cells (cells[row * nc + col]; NULL prints as empty),
 * columns padded to their widest entry in characters and joined by " | ",
 * the last one unpadded.  Borrows everything; -1 when out of memory. */
int print_text_table (FILE *f, size_t nc, const char *const *header,
                      size_t nr, char *const *cells);
/* Shortest round-trip text of a double, with ".0" when integral (the
 * library's one formatter, util/fmt.c, FA_FMT_REPR). */
static inline void fmt_double (double d, char *buf, size_t len)
{
    fa_fmt_double (buf, len, d, FA_FMT_REPR);
}

/* The progress line (flux-account.c): stderr on a terminal, not with -q. */
void cli_progress (void *arg, const char *what, uint64_t done,
                   uint64_t total);

/* Command groups (each file defines its table entries). */
extern const struct cmd bank_cmds[];
extern const struct cmd user_cmds[];
extern const struct cmd queue_cmds[];
extern const struct cmd misc_cmds[];
extern const struct cmd job_cmds[];
extern const struct cmd fairshare_cmds[];
extern const struct cmd plugin_cmds[];
extern const struct cmd admin_cmds[];

#define OUTPUT_OPTS \
    { "json", 'j', 0, NULL, "print rows as a JSON array of objects" }, \
    { "parsable", 'P', 0, NULL, "print rows separated by '|', with a header" }, \
    { "format", 'o', 1, "FMT", "print each row with FMT, e.g. '{username} {bank}'" }, \
    { "fields", 0, 1, "LIST", "comma-separated columns to show" }

#endif /* FLUX_ACCOUNT_CLI_H */
