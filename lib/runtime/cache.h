/* The compiled-program cache: what clang produced for a generated source,
 * stored so the next run with the same key loads it without clang.
 *
 * An entry is named after a hash of the source and holds the whole source
 * (compared on load), the key components that can change the result
 * (libbcc version, running kernel and its build id, the types compiled
 * against, tracepoint formats, compiler flags), the contents' hashes of the
 * other files the compile read (-I headers), each map's shape and each
 * function's instructions (struct prog).
 *
 * Root loads what it reads from there, so the directory is opened once,
 * walking from "/" without following symlinks; it and every directory above
 * it must belong to root (or to the invoking user when not root) and be
 * writable by no one else (a sticky directory such as /tmp aside: there
 * no one else can rename or remove what is ours), and every entry is opened,
 * renamed and removed relative to that handle. */
#ifndef CBCC_CACHE_H
#define CBCC_CACHE_H

#include <stddef.h>

#include "prog.h"
#include "util.h"

/* The cache as configured, and the key of one program. */
struct cache;

/* Reads the configuration from the environment (an invalid value is an
 * error naming it) and builds src's key: CBCC_CACHE_DIR (absolute),
 * else /var/cache/cbcc for root, else $XDG_CACHE_HOME/cbcc or
 * ~/.cache/cbcc; CBCC_CACHE_MAX_MB bounds it (least recently used entries
 * go first). */
int cache_open(struct cache **c, const char *src, struct cbcc_err *err);
void cache_close(struct cache *c);

/* Returns the cached program with its maps created, or NULL and a reason
 * in why ("no entry", "kernel changed", "corrupt entry", ...). */
struct prog *cache_lookup(struct cache *c, char *why, size_t size);
/* Stores p, whose compile read the files deps (absolute paths; NULL when
 * unknown: then nothing is stored). On failure returns -1 with the reason
 * in why; the tool goes on without the cache. */
int cache_store(struct cache *c, const struct prog *p, char *const *deps, int ndeps, char *why,
		size_t size);

#endif
