/* libfluxacct - the fair-share tree walk (semantics.md section 5), with
 * no database (fluxacct/fairshare.h applies it to one).
 *
 * A fluxacct_fstree_t holds a bank tree, with banks as internal nodes and
 * users (associations) as leaves, independent of any database.  Build it
 * with fluxacct_fstree_add_bank() and fluxacct_fstree_add_user(), or load
 * flux-accounting's fairshare-emulate JSON input, then call
 * fluxacct_fstree_compute() and read the results:
 *
 * - users in visit order (index 0 .. user_count - 1): fluxacct_fstree_user();
 * - every node, banks and users, depth first over the real tree with siblings
 *   in their sorted order (index 0 is the root): fluxacct_fstree_node().
 *
 * Where semantics.md is silent: S and U are compensated (Neumaier) sums, so
 * the order siblings were added in does not sway them; equal weight is
 * not transitive, so siblings sorted by exact weight form runs of adjacent
 * equal pairs, and a run is one tie (its users share a rank, its banks are
 * merged) with users first, then by name, then (users from merged banks)
 * by bank name.
 *
 * Node indexes are only valid after fluxacct_fstree_compute() and until the
 * tree is changed.  Adding a node after a compute discards the results; the
 * result functions then fail with EINVAL until the next compute.
 *
 * Errors follow fluxacct/error.h: -1 or NULL with errno set, and a one-line
 * message in the optional fluxacct_error_t.
 */
#ifndef FLUXACCT_FSTREE_H
#define FLUXACCT_FSTREE_H

#include <stddef.h>
#include <stdint.h>
#include <fluxacct/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A fair-share tree (opaque). */
typedef struct fluxacct_fstree fluxacct_fstree_t;

/** Values of fluxacct_fstree_node_t.type. */
enum {
    FLUXACCT_FSTREE_BANK = 0,
    FLUXACCT_FSTREE_USER = 1
};

/**
 * One node of a computed tree, as filled by fluxacct_fstree_node() and
 * fluxacct_fstree_user().  Strings are borrowed; valid until the tree is
 * destroyed.  "Level" means the node and its real siblings (the children of
 * its parent bank); S and U are their summed shares and usage.  A versioned
 * struct (libfluxacct(3), "API RULES"): initialise it with
 * fluxacct_fstree_node_init() before the first call; the calls fill the
 * members of its version.
 */
typedef struct {
    int version;
    int index;           /**< node index (0 = root, depth-first order) */
    int type;            /**< FLUXACCT_FSTREE_BANK or FLUXACCT_FSTREE_USER */
    const char *name;    /**< bank name or username */
    const char *bank;    /**< user: its bank; bank: its parent (NULL for root) */
    int parent;          /**< index of the parent bank, -1 for the root */
    int depth;           /**< 0 for the root */
    uint64_t shares;
    double usage;        /**< usage as used (given, or summed for a bank) */
    double level_shares; /**< shares / S (0 if S is 0; 1 for the root) */
    double level_usage;  /**< usage / U (0 if U is 0; root: 1, 0 if no usage) */
    double weight;       /**< w among the siblings; may be +infinity */
    int position;        /**< 0-based place among its siblings after sorting */
    int siblings;        /**< number of siblings, itself included */
    double norm_shares;  /**< product of level_shares from the root down */
    double norm_usage;   /**< usage / root usage (0 if the root's is 0) */
    double fairshare;    /**< users: rank / N, in (0, 1]; banks: NAN */
    int rank;            /**< users: the rank that gave fairshare; banks: 0 */
    int tied;            /**< users: size of its tie group, itself
                              included (1 = no tie); banks: tied banks whose
                              children were walked as one level with its
                              own, itself included (1 = not merged) */
    int user_index;      /**< users: place in visit order; banks: -1 */
} fluxacct_fstree_node_t;

#define FLUXACCT_FSTREE_NODE_VERSION 1

/** Set info->version to `version` (pass FLUXACCT_FSTREE_NODE_VERSION) and
 *  every member to 0 / NULL.  @return 0, or -1 with errno EINVAL (NULL
 *  info, unknown version). */
int fluxacct_fstree_node_init (fluxacct_fstree_node_t *info, int version);

/**
 * Create an empty tree.
 * @param error optional error text
 * @return the tree (caller must destroy with fluxacct_fstree_destroy()), or
 *   NULL with errno ENOMEM.
 */
fluxacct_fstree_t *fluxacct_fstree_create (fluxacct_error_t *error);

/**
 * Destroy a tree and everything it lent out.  Accepts NULL; preserves errno.
 */
void fluxacct_fstree_destroy (fluxacct_fstree_t *tree);

/**
 * Add a bank.
 * @param tree the tree
 * @param name bank name, non-empty, unique among banks (copied)
 * @param parent name of an existing bank, or NULL for the root
 * @param shares the bank's shares
 * @param usage the bank's usage (>= 0, finite), or NAN to use the sum of its
 *   children's usage; a caller with a stored roll-up that includes
 *   associations absent from the tree passes it here
 * @param error optional error text
 * @return 0, or -1 with errno EINVAL (NULL or empty name, negative, infinite
 *   usage), EEXIST (bank exists, or a second root), ENOENT (unknown parent),
 *   ENOMEM.
 */
int fluxacct_fstree_add_bank (fluxacct_fstree_t *tree,
                              const char *name,
                              const char *parent,
                              uint64_t shares,
                              double usage,
                              fluxacct_error_t *error);

/**
 * Add a user (association) under a bank.  A bank may hold users and
 * sub-banks side by side.
 * @param tree the tree
 * @param username non-empty user name (copied)
 * @param bank name of an existing bank
 * @param shares the association's shares
 * @param usage the association's usage (>= 0, finite)
 * @param error optional error text
 * @return 0, or -1 with errno EINVAL (NULL or empty name, negative, NaN or
 *   infinite usage), EEXIST (user already in that bank), ENOENT (unknown
 *   bank), ENOMEM.
 */
int fluxacct_fstree_add_user (fluxacct_fstree_t *tree,
                              const char *username,
                              const char *bank,
                              uint64_t shares,
                              double usage,
                              fluxacct_error_t *error);

/**
 * Run the weighted tree walk and store every node's result.  A tree with a
 * root and no users computes to no results.
 * @param tree the tree
 * @param error optional error text
 * @return 0, or -1 with errno EINVAL (NULL tree, no root bank, usage sums
 *   overflow), ENOMEM.
 */
int fluxacct_fstree_compute (fluxacct_fstree_t *tree, fluxacct_error_t *error);

/**
 * Number of users (N) in the tree; computed or not.
 * @return the count, or -1 with errno EINVAL (NULL tree).
 */
int fluxacct_fstree_user_count (const fluxacct_fstree_t *tree,
                                fluxacct_error_t *error);

/**
 * Number of nodes, banks and users; computed or not.
 * @return the count, or -1 with errno EINVAL (NULL tree).
 */
int fluxacct_fstree_node_count (const fluxacct_fstree_t *tree,
                                fluxacct_error_t *error);

/**
 * Fill info with node number index (0 .. node_count - 1, depth-first over
 * the real tree, siblings in sorted order; 0 is the root).  Where tied banks
 * are merged, users are visited in a different order from this one: use
 * fluxacct_fstree_user() for the visit order.
 * @param tree a computed tree
 * @param index node index
 * @param info filled on success (members of info->version); its strings
 *   are borrowed, valid until the tree is destroyed
 * @return 0, or -1 with errno EINVAL (NULL argument, unknown info->version,
 *   tree not computed, index out of range).
 */
int fluxacct_fstree_node (const fluxacct_fstree_t *tree,
                          int index,
                          fluxacct_fstree_node_t *info,
                          fluxacct_error_t *error);

/**
 * Fill info with the i-th user in visit order (0 .. user_count - 1), the
 * order in which ranks were given.
 * @return 0, or -1 with errno EINVAL (NULL argument, unknown info->version,
 *   tree not computed, i out of range).
 */
int fluxacct_fstree_user (const fluxacct_fstree_t *tree,
                          int i,
                          fluxacct_fstree_node_t *info,
                          fluxacct_error_t *error);

/**
 * Find the node index of user username in bank (follow info.parent to walk
 * the path up to the root).
 * @return the index, or -1 with errno EINVAL (NULL argument, tree not
 *   computed), ENOENT (no such user in that bank).
 */
int fluxacct_fstree_find_user (const fluxacct_fstree_t *tree,
                               const char *username,
                               const char *bank,
                               fluxacct_error_t *error);

/**
 * Find the node index of a bank.
 * @return the index, or -1 with errno EINVAL (NULL argument, tree not
 *   computed), ENOENT (no such bank).
 */
int fluxacct_fstree_find_bank (const fluxacct_fstree_t *tree,
                               const char *name,
                               fluxacct_error_t *error);

/**
 * Build a tree from flux-accounting's fairshare-emulate input, JSON text
 * `{"root": NODE}`.  A bank NODE is {"bank": name, "shares": integer
 * (default 1), "usage": number (default: the sum of its children),
 * "children": [NODE, ...]}; a user NODE is {"username": name, "shares": ...,
 * "usage": number (default 0)} and its bank is its parent.  The tree is not
 * computed yet.  Messages use flux-accounting's texts, for example
 * "ValueError: JSON must contain 'root' key".
 * @param text NUL-terminated JSON text
 * @param error optional error text
 * @return the tree (caller must destroy with fluxacct_fstree_destroy()), or
 *   NULL with errno EINVAL (invalid JSON, missing or wrong keys, wrong types,
 *   negative shares or usage, non-integer shares, duplicate bank, duplicate
 *   user in a bank, no users), ENOMEM.
 */
fluxacct_fstree_t *fluxacct_fstree_load_json (const char *text,
                                              fluxacct_error_t *error);

/**
 * The same as fluxacct_fstree_load_json(), reading the file at path.
 * @return the tree (caller must destroy with fluxacct_fstree_destroy()), or
 *   NULL with errno ENOENT ("FileNotFoundError: input file not found:
 *   PATH"), another errno if the file cannot be read, or as
 *   fluxacct_fstree_load_json().
 */
fluxacct_fstree_t *fluxacct_fstree_load_json_file (const char *path,
                                                   fluxacct_error_t *error);

/**
 * The users of a computed tree as fairshare-emulate --json prints them: a
 * JSON list, indent 2, of {"username", "bank", "shares", "usage",
 * "fairshare"} in visit order, fair-share rounded to 6 decimals, numbers in
 * Python's repr form (a usage read as a JSON integer prints as one).
 * @return the text (caller must free()), or NULL with errno EINVAL (NULL
 *   tree, tree not computed, a name that is not UTF-8), ENOMEM.
 */
char *fluxacct_fstree_results_json (const fluxacct_fstree_t *tree,
                                    fluxacct_error_t *error);

#ifdef __cplusplus
}
#endif

#endif /* FLUXACCT_FSTREE_H */
