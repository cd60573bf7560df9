/* A compiled BPF program, whichever way it came: from clang this run
 * (lib/runtime/compiler.h) or from the program cache (lib/runtime/cache.h). Its maps exist;
 * its functions are loaded into the kernel by name. Instructions are kept
 * with each map reference replaced by the map's index in maps[], so the
 * same form is stored in the cache and patched with real fds at load. */
#ifndef CBCC_PROG_H
#define CBCC_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct bpf_insn;

struct prog_map {
	char *name;
	uint32_t type, key_size, value_size, max_entries, flags;
	int fd; /* -1 until created */
};

struct prog_func {
	char *name;
	struct bpf_insn *insns;
	size_t ninsns;
};

struct prog {
	char *license;
	uint32_t kern_version;
	struct prog_map *maps;
	uint32_t nmaps;
	struct prog_func *funcs;
	uint32_t nfuncs;
};

/* Whether instruction in is the first half of a 16-byte map-fd load. */
bool prog_is_map_ref(const struct bpf_insn *in);

/* Creates every map of p (those still at fd -1). */
int prog_create_maps(struct prog *p, struct cbcc_err *err);
/* Takes over old's maps that have the same name and shape as one of p's,
 * else the same place and shape (closing p's own): whoever holds old's map
 * fds, loaded functions included, keeps seeing the maps p uses. Returns how
 * many of old's maps found no place in p. */
int prog_adopt_maps(struct prog *p, struct prog *old);

/* fd of map `name`, or -1. */
int prog_table_fd(const struct prog *p, const char *name);
/* Shape of a map: type, key and value sizes, max entries; -1 if unknown. */
int prog_table_info(const struct prog *p, const char *name, int *type, size_t *key_size,
		    size_t *value_size, size_t *max_entries);
bool prog_has_function(const struct prog *p, const char *name);
/* Function `name`'s instructions with map references patched, to load it
 * another way (caller frees; NULL with errno ENOENT or EINVAL as below). */
struct bpf_insn *prog_insns(const struct prog *p, const char *name, size_t *ninsns);
/* Loads function `name` with its map references patched; returns the fd,
 * or -1 with errno (ENOENT: no such function, EINVAL: a damaged map index). */
int prog_load(const struct prog *p, const char *name, int prog_type, int log_level, char *log,
	      unsigned log_size);
void prog_free(struct prog *p);

#endif
