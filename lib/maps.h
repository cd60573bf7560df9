/* Reading BPF maps from user space: the tables tools aggregate into
 * (argdist's counts and histograms, funccount, stackcount...). */
#ifndef CBCC_MAPS_H
#define CBCC_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"
#include "util.h"

struct cbcc_map {
	int fd;
	size_t key_size;
	size_t value_size;
	size_t max_entries;
};

/* Looks up table `name` of the loaded program. */
int map_open(struct cbcc_bpf *b, const char *name, struct cbcc_map *m, struct cbcc_err *err);

/* A snapshot of a hash map: n keys of m->key_size bytes and their values. */
struct map_snapshot {
	size_t n;
	char *keys;   /* n * key_size bytes, owned */
	char *values; /* n * value_size bytes, owned */
};

void map_snapshot_read(const struct cbcc_map *m, struct map_snapshot *s);
void map_snapshot_free(struct map_snapshot *s);
/* Deletes every entry of a hash map. */
void map_hash_clear(const struct cbcc_map *m);

/* An array of u64 (e.g. a histogram): reads slots [0, n) into vals, missing
 * slots read as 0. */
void map_array_read_u64(const struct cbcc_map *m, uint64_t *vals, int n);
/* Sets slots [0, n) of a u64 array to 0. */
void map_array_zero_u64(const struct cbcc_map *m, int n);

#endif
