/* The compiled-program cache: what clang produced for a generated source,
 * stored so the next run with the same key loads it without clang.
 *
 * An entry is named after a hash of the source and holds the whole source
 * (compared on load), the key components that can change the result
 * (libbcc version, running kernel and its build id, kernel header tree, tracepoint
 * formats, compiler flags), each map's shape and each function's
 * instructions with map references turned into map indices. */
#ifndef CBCC_CACHE_H
#define CBCC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct cache_key {
	char *src;	  /* the generated source */
	char *components; /* "name=value\n" lines */
	uint64_t hash;	  /* of the source: names the entry file */
};

/* A program loaded from the cache: its maps exist, its functions are ready
 * to be loaded by name. */
struct cache_prog;

/* Where entries live: $CBCC_CACHE_DIR, /var/cache/cbcc for root, else
 * $XDG_CACHE_HOME/cbcc or ~/.cache/cbcc (~ from the password database when
 * HOME is unset: never a shared directory such as /tmp). Returns a new string. */
char *cache_dir(void);

void cache_key_build(struct cache_key *k, const char *src);
void cache_key_free(struct cache_key *k);

/* Returns the cached program for k with its maps created, or NULL and a
 * reason in why ("no entry", "kernel changed", "corrupt entry", ...). */
struct cache_prog *cache_lookup(const struct cache_key *k, char *why, size_t size);
/* Stores the compiled libbcc module under k. On failure returns -1 with the
 * reason in why; the tool goes on without the cache. */
int cache_store(const struct cache_key *k, void *mod, char *why, size_t size);

int cache_prog_table_fd(const struct cache_prog *p, const char *name);
/* Shape of a table: type, key and value sizes, max entries. */
int cache_prog_table_info(const struct cache_prog *p, const char *name, int *type, size_t *key_size,
			  size_t *value_size, size_t *max_entries);
/* Loads function `name` with its map references patched; returns the fd. */
int cache_prog_load(const struct cache_prog *p, const char *name, int prog_type, int log_level,
		    char *log, unsigned log_size);
bool cache_prog_has_function(const struct cache_prog *p, const char *name);
/* Function `name`'s instructions with map references patched, to load it
 * another way (caller frees; NULL with errno when missing or corrupt), and
 * the program's license and kernel version. */
struct bpf_insn;
struct bpf_insn *cache_prog_insns(const struct cache_prog *p, const char *name, size_t *ninsns);
const char *cache_prog_license(const struct cache_prog *p, unsigned *kern_version);
void cache_prog_free(struct cache_prog *p);

#endif
