/* Reading BPF maps from user space: the tables tools aggregate into
 * (argdist's counts and histograms, funccount, stackcount...). */
#ifndef CBCC_MAPS_H
#define CBCC_MAPS_H

#include <stdbool.h>
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
/* Puts a snapshot's entries in the order of their key bytes. */
void map_snapshot_sort(const struct cbcc_map *m, struct map_snapshot *s);
void map_snapshot_free(struct map_snapshot *s);

/* Interval counts of a hash map of u64 counters (argdist -C, stackcount).
 * Without keep each interval's counts are deleted once read; with keep (an
 * exporter reads the totals) the map stays cumulative and an interval is the
 * increase since the previous one. */
struct map_interval {
	bool keep;
	struct map_snapshot last; /* with keep: the totals read last time, by key */
};
/* The entries counted since the previous call (none unchanged). */
void map_interval_read(const struct cbcc_map *m, struct map_interval *iv, struct map_snapshot *out);
void map_interval_free(struct map_interval *iv);

/* An array of u64 (e.g. a histogram): reads slots [0, n) into vals, missing
 * slots read as 0. */
void map_array_read_u64(const struct cbcc_map *m, uint64_t *vals, int n);
/* Reads slots [0, n) of a u64 array as what they counted since the previous
 * call: with last (n totals the caller keeps, zero at first) the array stays
 * cumulative and vals = now - last; without, the slots are zeroed. */
void map_array_read_since_u64(const struct cbcc_map *m, uint64_t *vals, int n, uint64_t *last);

/* A count and what it counts: a funccount probe. */
struct name_count {
	const char *name;
	uint64_t count;
};
struct wc_list;
/* The totals of funccount's counters (templates/funccount.h: an array of
 * struct cbcc_probe_count, one u64, per probe slot):
 * out[i] = (probes->m[i].name, its count) for every probe. */
void map_read_probe_counts(const struct cbcc_map *m, const struct wc_list *probes,
			   struct name_count *out);

#endif
